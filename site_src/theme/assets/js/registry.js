// Mounts every figure and widget on the page, on first load and after each
// instant navigation. An element opts in with data-figure="name"; the module
// ./figures/name.js exports mount(el, context) and may return a cleanup function,
// which runs once the element has left the page.
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
    if (mounted.has(el)) mounted.set(el, cleanup ?? null);
    else if (typeof cleanup === "function") cleanup(); // left the page while mounting
  } catch (error) {
    showMountError(el, error);
  }
}

// Tables and code that scroll sideways (on phones) must be reachable by keyboard.
function makeScrollersFocusable() {
  for (const el of document.querySelectorAll(".md-typeset__scrollwrap, .md-typeset pre > code")) {
    if (el.scrollWidth > el.clientWidth && !el.hasAttribute("tabindex")) el.setAttribute("tabindex", "0");
  }
}

function mountAll() {
  unmountDetached();
  requestAnimationFrame(makeScrollersFocusable);
  for (const el of document.querySelectorAll("[data-figure]")) {
    if (!mounted.has(el)) mountOne(el);
  }
}

// Material's document$ emits on first load and after every instant navigation.
if (window.document$) window.document$.subscribe(mountAll);
else mountAll();
