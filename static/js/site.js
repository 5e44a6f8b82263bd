/* Bootstrap Italia's own components, as the library publishes them (ES modules from
   its dist/plugins, self-hosted), instead of its bundle (300 KB compressed); a
   Content-Security-Policy with script-src 'self' allows them. The page index loads its
   own (static/js/page-index.js).

   The main menu on phones is Bootstrap Italia's navbar-collapsible: #main-menu opened
   from its button as a modal dialog, focus moved inside and kept there, closed by
   Escape, its close button or a tap beside it, focus back on the button. Its modules
   (13 files, about 25 KB compressed) are fetched when the button is about to be used
   (pointer over it, touched, focused), not with the page: on a wide screen the button
   is hidden and the menu is a bar that needs no script, and the home page's first view
   stays within its weight budget (benchmarks/run.py). The button's first press may
   come before they arrive, so the site handles the press itself, as the library's
   data-bs-toggle="navbarcollapsible" handler would (plugins/navbar-collapsible.js,
   "Data Api implementation"). */

const toggler = document.querySelector('[data-bs-toggle="navbarcollapsible"]');
const menu = toggler && document.querySelector(toggler.getAttribute("data-bs-target"));
let component = null;

function load() {
  component = component || import("../bootstrap-italia/plugins/navbar-collapsible.js")
    .then((module) => module.default);
  return component;
}

if (menu) {
  for (const type of ["pointerenter", "touchstart", "focus"]) {
    toggler.addEventListener(type, load, { once: true, passive: true });
  }
  toggler.addEventListener("click", async (event) => {
    // The library's own handler on the document, registered once its module has run,
    // must not toggle the menu a second time.
    event.stopPropagation();
    event.preventDefault();
    const NavBarCollapsible = await load();
    const instance = NavBarCollapsible.getOrCreateInstance(menu);
    if (!menu.classList.contains("expanded")) {
      menu.addEventListener("hidden.bs.navbarcollapsible", () => {
        if (toggler.offsetParent !== null) {
          toggler.focus();
        }
      }, { once: true });
    }
    instance.toggle(toggler);
  });

  // The library names the open menu "Menu" and leaves the name on the element once it
  // is closed, where a plain <div> may not carry one: named after its button while open.
  menu.addEventListener("show.bs.navbarcollapsible", () => {
    menu.setAttribute("aria-label", toggler.getAttribute("aria-label") || "Menu");
  });
  menu.addEventListener("hidden.bs.navbarcollapsible", () => menu.removeAttribute("aria-label"));

  // On a wide screen the menu is a bar in the header: one left open on a phone-sized
  // window that grows is closed.
  window.matchMedia("(min-width: 992px)").addEventListener("change", async (query) => {
    if (query.matches && menu.classList.contains("expanded")) {
      (await load()).getInstance(menu)?.hide();
    }
  });
}
