/* Bootstrap Italia's own components, as the library publishes them (ES modules from
   its dist/plugins, self-hosted): only those every page uses, instead of its bundle
   (300 KB compressed). Each registers itself on its data attributes when imported, as
   the bundle does; a Content-Security-Policy with script-src 'self' allows them.

   The main menu on phones: navbar-collapsible opens #main-menu from its button
   (data-bs-toggle="navbarcollapsible"), as a modal dialog with focus kept inside,
   closed by Escape, its close button or a tap beside it, focus back on the button.
   The page index loads its own modules (static/js/page-index.js). */
import NavBarCollapsible from "../bootstrap-italia/plugins/navbar-collapsible.js";

// The library names the open menu "Menu" and leaves the name on the element once it is
// closed, where a plain <div> may not carry one: name it after its button while open.
for (const menu of document.querySelectorAll(".navbar-collapsable[id]")) {
  const toggler = document.querySelector(`[data-bs-target="#${menu.id}"]`);
  menu.addEventListener("show.bs.navbarcollapsible", () => {
    menu.setAttribute("aria-label", (toggler && toggler.getAttribute("aria-label")) || "Menu");
  });
  menu.addEventListener("hidden.bs.navbarcollapsible", () => menu.removeAttribute("aria-label"));
}

// On a wide screen the menu is a bar in the header: one left open on a phone-sized window
// that grows is closed.
window.matchMedia("(min-width: 992px)").addEventListener("change", (query) => {
  if (!query.matches) {
    return;
  }
  for (const menu of document.querySelectorAll(".navbar-collapsable.expanded")) {
    NavBarCollapsible.getInstance(menu)?.hide();
  }
});
