/* What Bootstrap Italia's util/on-document-scroll.js asks of "uuid" (base.html's
   import-map entry sends the bare name here): uuid's own v4, without the package's
   index, which would load every other UUID version too. */
export { default as v4 } from "../uuid/v4.js";
