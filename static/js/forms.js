/* Forms people can act on, on every page of the site (a static file: the
   Content-Security-Policy allows no inline script).

   - After a refused submission the page comes back with the error summary
     (templates/forms/errors_summary.html, #form-errors): focus moves to it, so a
     screen reader reads what to fix first and a keyboard user starts from there.
   - While a form is being sent its button says so ("Sending…", from the script tag's
     data-busy-text, in the page's language), is marked busy and disabled, and a second
     press sends nothing: a slow connection never makes two requests. A form whose
     sending another script stopped (the anti-spam widget still working) is left alone,
     and a page brought back with the browser's Back button is usable again. */
(function () {
  "use strict";

  var script = document.currentScript;
  var busyText = (script && script.getAttribute("data-busy-text")) || "…";

  function focusErrorSummary() {
    var summary = document.getElementById("form-errors");
    if (summary) {
      summary.focus({ preventScroll: true });
      summary.scrollIntoView({ block: "start" });
    }
  }

  function submitButton(form, event) {
    return event.submitter || form.querySelector('button[type="submit"], input[type="submit"], button:not([type])');
  }

  function setBusy(form, button) {
    form.setAttribute("aria-busy", "true");
    if (!button) {
      return;
    }
    button.setAttribute("data-idle-label", button.innerHTML);
    button.setAttribute("aria-disabled", "true");
    button.classList.add("is-busy");
    if (button.tagName === "INPUT") {
      button.setAttribute("data-idle-value", button.value);
      button.value = busyText;
    } else {
      button.textContent = busyText;
    }
    // Disabled after the browser has read the form: a disabled button's own name and
    // value would be left out of what is sent.
    window.setTimeout(function () {
      button.disabled = true;
    }, 0);
  }

  function setIdle(form) {
    form.removeAttribute("aria-busy");
    var buttons = form.querySelectorAll(".is-busy");
    Array.prototype.forEach.call(buttons, function (button) {
      button.disabled = false;
      button.removeAttribute("aria-disabled");
      button.classList.remove("is-busy");
      if (button.hasAttribute("data-idle-value")) {
        button.value = button.getAttribute("data-idle-value");
      } else if (button.hasAttribute("data-idle-label")) {
        button.innerHTML = button.getAttribute("data-idle-label");
      }
    });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || (form.getAttribute("method") || "").toLowerCase() !== "post") {
      return;
    }
    if (form.getAttribute("aria-busy") === "true") {
      event.preventDefault(); // already on its way
      return;
    }
    if (event.defaultPrevented) {
      return;
    }
    setBusy(form, submitButton(form, event));
  });

  window.addEventListener("pageshow", function (event) {
    if (event.persisted) {
      Array.prototype.forEach.call(document.querySelectorAll('form[aria-busy="true"]'), setIdle);
    }
  });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", focusErrorSummary);
  } else {
    focusErrorSummary();
  }
})();
