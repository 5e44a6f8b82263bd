/* Printed links show where they lead in full (print.css: the data-print-href attribute,
   else the path as written): a person holding the paper cannot click, and a path like
   /it/partecipa/ does not say on which site it is. The links of the content get the
   absolute address once the page is ready, and again just before printing (content
   added since). Chips, badges and buttons print no address (print.css). */

function markPrintedLinks() {
  for (const link of document.querySelectorAll("main a[href]")) {
    const written = link.getAttribute("href");
    if (written.startsWith("/") || written.startsWith("http")) {
      if (link.dataset.printHref !== link.href) link.dataset.printHref = link.href;
    }
  }
}

markPrintedLinks();
window.addEventListener("beforeprint", markPrintedLinks);
