/* The main menu on phones: opens and closes Bootstrap Italia's collapsible navbar
   (the classes its CSS expects: .expanded, .navbar-backdrop, body.navbar-open), without
   the library's JavaScript bundle (300 KB compressed), which the site needed for nothing
   else. A static file: the Content-Security-Policy allows scripts from the site only.

   Accessible as the library's own: the button says whether the menu is open
   (aria-expanded); the open menu is a modal dialog, the page behind it is inert, focus
   moves to its close button and stays inside it (Tab and Shift+Tab wrap around); Escape,
   the close button and a click beside the menu close it and give focus back to the
   button. */
(function () {
  "use strict";

  var toggler = document.querySelector('[data-bs-toggle="navbarcollapsible"]');
  var menu = toggler && document.querySelector(toggler.getAttribute("data-bs-target"));
  if (!menu) {
    return;
  }
  var closeButton = menu.querySelector(".close-div button");
  var main = document.querySelector("main");
  var wide = window.matchMedia("(min-width: 992px)");
  var backdrop = null;
  var hideTimer = null;

  function isOpen() {
    return menu.classList.contains("expanded");
  }

  function focusables() {
    var all = menu.querySelectorAll('a[href], button:not([disabled]), [tabindex]:not([tabindex="-1"])');
    return Array.prototype.filter.call(all, function (element) {
      return element.offsetParent !== null || element === document.activeElement;
    });
  }

  function open() {
    if (isOpen()) {
      return;
    }
    window.clearTimeout(hideTimer);
    menu.style.display = "block";
    menu.setAttribute("role", "dialog");
    menu.setAttribute("aria-modal", "true");
    if (!menu.hasAttribute("aria-label") && !menu.hasAttribute("aria-labelledby")) {
      menu.setAttribute("aria-label", toggler.getAttribute("aria-label") || "Menu");
    }
    backdrop = document.createElement("div");
    backdrop.className = "navbar-backdrop fade";
    backdrop.addEventListener("click", close);
    menu.parentNode.appendChild(backdrop);
    void menu.offsetWidth; // the slide-in transition starts from the closed position
    menu.classList.add("expanded");
    backdrop.classList.add("show");
    document.body.classList.add("navbar-open");
    if (main && !main.contains(menu)) {
      main.setAttribute("inert", "");
    }
    toggler.setAttribute("aria-expanded", "true");
    (closeButton || focusables()[0] || menu).focus();
  }

  function close() {
    if (!isOpen()) {
      return;
    }
    menu.classList.remove("expanded");
    if (backdrop) {
      backdrop.remove();
      backdrop = null;
    }
    document.body.classList.remove("navbar-open");
    if (main) {
      main.removeAttribute("inert");
    }
    toggler.setAttribute("aria-expanded", "false");
    hideTimer = window.setTimeout(function () {
      menu.style.display = ""; // back to the stylesheet: hidden on phones, a bar on wide screens
      menu.removeAttribute("role");
      menu.removeAttribute("aria-modal");
    }, 300);
    if (!wide.matches) {
      toggler.focus();
    }
  }

  toggler.addEventListener("click", function (event) {
    event.preventDefault();
    if (isOpen()) {
      close();
    } else {
      open();
    }
  });
  if (closeButton) {
    closeButton.addEventListener("click", function (event) {
      event.preventDefault();
      close();
    });
  }
  document.addEventListener("keydown", function (event) {
    if (!isOpen()) {
      return;
    }
    if (event.key === "Escape") {
      event.preventDefault();
      close();
    } else if (event.key === "Tab") {
      var items = focusables();
      if (!items.length) {
        return;
      }
      var first = items[0];
      var last = items[items.length - 1];
      if (event.shiftKey && (document.activeElement === first || !menu.contains(document.activeElement))) {
        event.preventDefault();
        last.focus();
      } else if (!event.shiftKey && (document.activeElement === last || !menu.contains(document.activeElement))) {
        event.preventDefault();
        first.focus();
      }
    }
  });
  // On a wide screen the menu is a bar in the header: one left open on a phone-sized
  // window that grows is closed.
  if (wide.addEventListener) {
    wide.addEventListener("change", function (query) {
      if (query.matches) {
        close();
      }
    });
  }
})();
