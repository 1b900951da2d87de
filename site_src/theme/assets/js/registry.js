// Mounts every figure and widget on the page, on first load and after each
// instant navigation. An element opts in with data-figure="name"; the module
// ./figures/name.js exports mount(el, context) and may return a cleanup function,
// which runs once the element has left the page. Each figure, and each helper run
// around the mounting, is isolated: one that throws is shown and logged, and every
// other figure still mounts. data-mounted says how each ended ("true" or "error").
import { wirePalette } from "./lib/palette.js";
import { wirePresentButtons } from "./lib/present.js";
import { siteRoot } from "./lib/site.js";

const mounted = new Map(); // element -> cleanup function (or null while mounting)

function unmountDetached() {
  for (const [el, cleanup] of mounted) {
    if (el.isConnected) continue;
    mounted.delete(el);
    if (typeof cleanup === "function") cleanup();
  }
}

function showMountError(el, error) {
  console.error(`figure ${el.dataset.figure}:`, error);
  el.dataset.mounted = "error";
  const note = document.createElement("p");
  note.className = "wtwm-error";
  note.setAttribute("role", "status");
  note.textContent = `This figure could not start: ${error.message}. The text around it still tells the story.`;
  el.append(note);
}

async function mountOne(el) {
  mounted.set(el, null);
  try {
    const module = await import(`./figures/${el.dataset.figure}.js`);
    const cleanup = await module.mount(el, { root: siteRoot });
    el.dataset.mounted = "true";
    if (mounted.has(el)) mounted.set(el, cleanup ?? null);
    else if (typeof cleanup === "function") cleanup(); // left the page while mounting
  } catch (error) {
    showMountError(el, error);
  }
}

// Tables, code and display formulas that scroll sideways (on phones) must be
// reachable by keyboard. The build makes every one focusable (hooks/html_fixes.py,
// hooks/math.py); here Material's table wrapper, the element that scrolls, takes
// the tabindex over, and a ResizeObserver drops it wherever nothing scrolls. The observer reads
// widths after the browser's own layout, so this never forces one, and sections
// the browser has not laid out yet keep the safe default.
const scrollers = new ResizeObserver((entries) => {
  for (const { target } of entries) {
    if (target.scrollWidth > target.clientWidth) target.setAttribute("tabindex", "0");
    else target.removeAttribute("tabindex");
  }
});

function watchScrollers() {
  scrollers.disconnect();
  for (const wrap of document.querySelectorAll(".md-typeset__scrollwrap")) {
    const table = wrap.querySelector("table[tabindex]");
    if (!table) continue;
    table.removeAttribute("tabindex");
    wrap.setAttribute("tabindex", "0");
    scrollers.observe(wrap);
  }
  for (const el of document.querySelectorAll(".md-typeset pre > code[tabindex], .katex-display[tabindex]"))
    scrollers.observe(el);
}

// Material wraps each code block's copy button in a <nav> as the block nears the
// viewport: a navigation landmark per block, all unnamed (axe: landmark-unique).
// It holds one button, not navigation, so it leaves the landmarks. Only the code
// blocks are watched (childList), never the figures' busy subtrees.
const codeNavs = new MutationObserver((records) => {
  for (const { addedNodes } of records)
    for (const node of addedNodes) if (node.matches?.("nav.md-code__nav")) node.setAttribute("role", "none");
});

function watchCodeNavs() {
  codeNavs.disconnect();
  for (const pre of document.querySelectorAll(".md-typeset pre")) {
    for (const nav of pre.querySelectorAll(":scope > nav.md-code__nav")) nav.setAttribute("role", "none");
    codeNavs.observe(pre, { childList: true });
  }
}

// Runs a helper that is not essential to the figures; logs its error instead of
// letting it stop the mounting (a malformed #% in a link once stopped all nine).
function safely(helper) {
  try {
    helper();
  } catch (error) {
    console.error(`${helper.name} failed:`, error);
  }
}

function mountAll() {
  safely(unmountDetached);
  safely(watchScrollers);
  safely(watchCodeNavs);
  safely(wirePresentButtons);
  safely(wirePalette);
  for (const el of document.querySelectorAll("[data-figure]")) {
    if (!mounted.has(el)) mountOne(el);
  }
}

// Off-screen prose is drawn lazily (site.css) until the reader follows a link to a
// place in a page: the browser, or Material after an instant navigation, then
// scrolls by the sizes above the anchor, so they must be the real ones. Capture
// runs before Material's own click handler and before the browser scrolls.
function drawEverythingForLinks(event) {
  const link = event.target.closest?.("a[href*='#']");
  if (event.type === "popstate" || link) document.documentElement.classList.add("wtwm-linked");
}
window.addEventListener("click", drawEverythingForLinks, { capture: true });
window.addEventListener("popstate", drawEverythingForLinks, { capture: true });

// Material's document$ emits on first load and after every instant navigation.
if (window.document$) window.document$.subscribe(mountAll);
else mountAll();
