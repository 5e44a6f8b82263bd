/* The page index ("Indice della pagina", templates/includes/page_index.html) as the
   Designers Italia model's service sheet has it: Bootstrap Italia's navscroll (the
   current section's entry marked .active while scrolling, the progress bar, an entry
   scrolls to its section and moves focus there) inside an accordion (collapse) that
   folds the list. Without JavaScript the list is open and its links are anchors. */
import "../bootstrap-italia/plugins/collapse.js";
import "../bootstrap-italia/plugins/navscroll.js";

// Open on a wide screen, folded on a phone, where it sits above the text: rendered open
// (so that it works without JavaScript), folded here before it is used.
if (!window.matchMedia("(min-width: 992px)").matches) {
  for (const index of document.querySelectorAll(".cmp-navscroll")) {
    const body = index.querySelector(".accordion-collapse.show");
    const button = index.querySelector(`[data-bs-target="#${body && body.id}"]`);
    if (body && button) {
      body.classList.remove("show");
      button.classList.add("collapsed");
      button.setAttribute("aria-expanded", "false");
    }
  }
}
