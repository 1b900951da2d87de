// Predict, then reveal. Each <form class="wtwm-q" id="q-..."> asks the reader to
// commit to a number or a choice; "Check" writes a sentence that quotes the answer
// into a live region (screen readers announce it) and opens the explanation below.
// The markup (site_src/partials/q-*.md) carries every number, filled in from the
// exported data at build time; this file only compares and quotes.
// Answers stay in this browser (localStorage), so they survive a reload; nothing
// is sent anywhere. Where storage is blocked, answers last until the page closes.
// Without JavaScript the explanation is an ordinary <details>.

const KEY = "wtwm-answers";
let memory = {}; // the answers when localStorage is blocked (or fails)

function readAnswers() {
  try {
    const stored = window.localStorage.getItem(KEY);
    return stored ? { ...memory, ...JSON.parse(stored) } : { ...memory };
  } catch {
    return { ...memory };
  }
}

function writeAnswers(answers) {
  memory = answers;
  try {
    window.localStorage.setItem(KEY, JSON.stringify(answers));
  } catch {
    // blocked or full: keep them for this page only
  }
}

function remember(id, value) {
  const answers = readAnswers();
  if (value === null) delete answers[id];
  else answers[id] = value;
  writeAnswers(answers);
}

// Numbers the reader sees: at most three significant digits, no exponent for
// the sizes these questions deal in.
function shown(value) {
  return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(3)));
}

function fill(template, slots) {
  return template.replace(/\{(\w+)\}/g, (whole, name) => slots[name] ?? whole);
}

// The sentence for a number: near the answer, below it or above it.
function numberVerdict(form, raw) {
  const answer = Number(raw);
  if (raw === "" || !Number.isFinite(answer)) return "";
  const correct = Number(form.dataset.qAnswer);
  const tolerance = Number(form.dataset.qTolerance ?? 0);
  const difference = answer - correct;
  const where = Math.abs(difference) <= tolerance * Math.abs(correct) ? "near" : difference < 0 ? "below" : "above";
  const slots = { answer: String(answer), diff: shown(Math.abs(difference)), ratio: shown(answer / correct) };
  return fill(form.dataset[`q${where[0].toUpperCase()}${where.slice(1)}`], slots);
}

function choiceVerdict(form, value) {
  const input = [...form.querySelectorAll("input[type=radio]")].find((el) => el.value === value);
  return input ? `You said ${input.dataset.qLabel}. ${input.dataset.qNote}` : "";
}

// What "Check" says for this answer; empty for none (or one that is not an option).
function verdict(form, value) {
  if (value === null) return "";
  return form.dataset.qKind === "choice" ? choiceVerdict(form, value) : numberVerdict(form, value);
}

function readValue(form) {
  if (form.dataset.qKind === "choice") return form.querySelector("input[type=radio]:checked")?.value ?? null;
  const input = form.querySelector("input[type=number]");
  return input.value !== "" && input.checkValidity() ? input.value : null;
}

function showValue(form, value) {
  if (form.dataset.qKind === "choice") {
    for (const input of form.querySelectorAll("input[type=radio]")) input.checked = input.value === value;
  } else {
    form.querySelector("input[type=number]").value = value ?? "";
  }
}

// Show the state for an answer (or none). `announce` is false when restoring a
// stored answer on load: a screen reader should not read it out unasked.
function render(form, value, announce) {
  const said = form.querySelector(".wtwm-q-said");
  const details = form.querySelector(".wtwm-q-reveal");
  const clear = form.querySelector(".wtwm-q-clear");
  said.setAttribute("aria-live", announce ? "polite" : "off");
  said.textContent = verdict(form, value);
  const valid = said.textContent !== "";
  form.classList.toggle("wtwm-q--answered", valid);
  clear.hidden = !valid;
  details.open = valid;
  if (!announce) requestAnimationFrame(() => said.setAttribute("aria-live", "polite"));
}

function mount(form) {
  form.querySelector(".wtwm-q-check").hidden = false;
  form.setAttribute("novalidate", "");
  const stored = readAnswers()[form.id] ?? null;
  if (stored !== null) {
    showValue(form, stored);
    render(form, stored, false);
  }
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const value = readValue(form);
    if (value === null) {
      const said = form.querySelector(".wtwm-q-said");
      const input = form.querySelector("input[type=number]");
      said.setAttribute("aria-live", "polite");
      said.textContent = input ? input.validationMessage || "Type a number first." : "Pick one answer first.";
      return;
    }
    remember(form.id, value);
    render(form, value, true);
  });
  form.querySelector(".wtwm-q-clear").addEventListener("click", () => {
    remember(form.id, null);
    showValue(form, null);
    render(form, null, true);
    form.querySelector("input").focus();
  });
  form.dataset.qReady = "true";
}

// "Clear all my answers" (partials/q-answers.md): for a shared computer, or a fresh start.
function mountClearAll(box) {
  box.hidden = false;
  box.querySelector(".wtwm-q-clear-all").addEventListener("click", () => {
    writeAnswers({});
    for (const form of document.querySelectorAll("form.wtwm-q")) {
      showValue(form, null);
      render(form, null, false);
    }
    box.querySelector(".wtwm-q-all-said").textContent = "All your answers are cleared.";
  });
  box.dataset.qReady = "true";
}

function mountAll() {
  for (const form of document.querySelectorAll("form.wtwm-q:not([data-q-ready])")) mount(form);
  for (const box of document.querySelectorAll(".wtwm-q-all:not([data-q-ready])")) mountClearAll(box);
}

// Paper shows every answer: browsers without ::details-content (questions.css)
// open the explanations for printing and close the ones the reader had closed.
let openedForPrint = [];
window.addEventListener("beforeprint", () => {
  openedForPrint = [...document.querySelectorAll(".wtwm-q-reveal:not([open])")];
  for (const details of openedForPrint) details.open = true;
});
window.addEventListener("afterprint", () => {
  for (const details of openedForPrint) details.open = false;
  openedForPrint = [];
});

// Material's document$ emits on first load and after every instant navigation.
if (window.document$) window.document$.subscribe(mountAll);
else mountAll();
