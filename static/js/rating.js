// The page rating's steps in place (the model's cmp-rating): stars, then the question of
// their branch, then an optional comment, then thanks; sent with fetch, no reload.
// Without this script the same form posts everything at once (rating/views.py).
// Focus moves to each new step and a live region says where the visitor is.

const POSITIVE_FROM = 4; // the model's threshold: 1-3 stars negative, 4-5 positive

function init(form) {
  const first = form.querySelector(".cmp-rating__card-first");
  const steps = form.querySelector(".form-rating");
  const stepOne = form.querySelector('[data-step="1"]');
  const stepTwo = form.querySelector('[data-step="2"]');
  const thanks = form.querySelector('[data-step="3"]');
  const positive = form.querySelector(".fieldset-rating-one");
  const negative = form.querySelector(".fieldset-rating-two");
  const back = form.querySelector(".btn-back");
  const next = form.querySelector(".btn-next");
  const status = form.querySelector(".rating-status");
  const alertBox = form.querySelector(".rating-js-error");
  const serverErrors = form.querySelector("#rating-errors");
  const show = (element, visible) => element.classList.toggle("d-none", !visible);
  let step = 0;

  const stars = () => {
    const checked = form.querySelector('input[name="stars"]:checked');
    return checked ? Number(checked.value) : 0;
  };
  const branch = () => (stars() >= POSITIVE_FROM ? positive : negative);
  const announce = (text) => {
    status.textContent = "";
    window.setTimeout(() => { status.textContent = text; }, 50);
  };
  const clearError = () => {
    alertBox.textContent = "";
    show(alertBox, false);
  };
  const fail = (messages) => {
    alertBox.replaceChildren(...messages.map((message) => {
      const line = document.createElement("p");
      line.className = "mb-0";
      line.textContent = message;
      return line;
    }));
    show(alertBox, true);
    alertBox.focus();
  };

  function goTo(target, moveFocus) {
    step = target;
    clearError();
    show(steps, step > 0);
    show(stepOne, step === 1);
    show(stepTwo, step === 2);
    show(back, step > 0);
    show(positive, step === 1 && branch() === positive);
    show(negative, step === 1 && branch() === negative);
    // Only the shown branch's answers can be chosen: the other one's are not sent.
    for (const input of negative.querySelectorAll("input")) input.disabled = branch() !== negative;
    for (const input of positive.querySelectorAll("input")) input.disabled = branch() !== positive;
    next.textContent = step === 2 ? form.dataset.send : form.dataset.next;
    if (step === 1) {
      const question = branch().querySelector('[data-element="feedback-rating-question"]');
      announce(`${form.dataset.questionStep}: ${question.textContent.trim()}`);
      if (moveFocus) {
        const answer = branch().querySelector("input:checked") || branch().querySelector("input");
        answer.focus();
      }
    } else if (step === 2) {
      announce(form.dataset.detailsStep);
      if (moveFocus) form.querySelector('input[name="comment"]').focus();
    }
  }

  async function send() {
    next.disabled = true;
    next.setAttribute("aria-busy", "true");
    next.textContent = form.dataset.sending;
    try {
      const response = await fetch(form.action, {
        method: "POST",
        body: new FormData(form),
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      });
      const answer = await response.json().catch(() => ({}));
      if (response.ok && answer.ok) {
        show(first, false);
        show(steps, false);
        show(thanks, true);
        thanks.querySelector("h2").focus();
        return;
      }
      fail(answer.errors && answer.errors.length ? answer.errors : [form.dataset.failed]);
    } catch {
      fail([form.dataset.failed]);
    } finally {
      next.disabled = false;
      next.removeAttribute("aria-busy");
      next.textContent = step === 2 ? form.dataset.send : form.dataset.next;
    }
  }

  form.classList.add("is-enhanced");
  if (serverErrors) serverErrors.remove();
  for (const error of form.querySelectorAll(".rating-error")) error.remove();
  for (const radio of form.querySelectorAll('input[name="stars"]')) {
    // A new number of stars starts the questions again (the model's behaviour); focus
    // stays on the stars so the arrow keys keep choosing among them.
    radio.addEventListener("change", () => {
      for (const answer of form.querySelectorAll('input[name="answer"]')) answer.checked = false;
      goTo(1, false);
    });
  }
  back.addEventListener("click", () => {
    if (step === 2) {
      goTo(1, true);
    } else {
      for (const radio of form.querySelectorAll('input[name="stars"]')) radio.checked = false;
      goTo(0, false);
      form.querySelector('input[name="stars"]').focus();
    }
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (step === 1) {
      if (!branch().querySelector("input:checked")) {
        fail([form.dataset.chooseAnswer]);
        return;
      }
      goTo(2, true);
    } else if (step === 2) {
      send();
    }
  });
  goTo(stars() ? 1 : 0, false);
}

for (const form of document.querySelectorAll("form.cmp-rating")) init(form);
