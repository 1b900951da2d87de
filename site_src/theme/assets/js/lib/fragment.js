// Keeps the heading or figure a link points to (#save-and-load) where the browser
// scrolled it, while the page settles. Sections far from the window are skipped
// (content-visibility, site.css) behind 1400 px placeholders: the browser scrolls
// to the target with those in place, then lays out the real sections around it.
// Left alone, a link to #save-and-load ended 607 px past its heading and one to
// #find-the-function 840 px short of it (1280 px wide), from the table of
// contents, a link from another page, or a fresh load alike. After a link from
// another page, Material now and then left the page at its top (once in 3 such
// links in one test run); the hold scrolls there too.
const READER_INPUTS = ["wheel", "touchstart", "keydown", "pointerdown"];
const HOLD_MS = 5000; // figures mount and Python starts within this on a fresh load

let release = () => {};
// Reloads, back and forward restore the reader's own position, not the link's:
// a hold would move them. (popstate cannot tell: a link to #id fires it too.)
let traversing = ["reload", "back_forward"].includes(performance.getEntriesByType("navigation")[0]?.type);
window.navigation?.addEventListener("navigate", (event) => { traversing = event.navigationType === "traverse"; });

// Call on every page shown and every change of location.hash.
export function holdLinkedTarget() {
  release();
  const restoring = traversing;
  traversing = false;
  const id = decodeURIComponent(location.hash.slice(1));
  const target = id && document.getElementById(id);
  if (!target || restoring) return;
  const root = document.documentElement;
  root.classList.add("wtwm-linked"); // every section laid out (site.css): no placeholders near the target
  // Observers report after layout and before paint: the reader never sees the
  // target elsewhere. The first report comes at once, for every section.
  const sections = new ResizeObserver(() => target.scrollIntoView({ block: "start", behavior: "instant" }));
  for (const section of document.querySelectorAll(".wtwm-section")) sections.observe(section);
  const timer = setTimeout(() => release(), HOLD_MS);
  const stop = () => release();
  for (const type of READER_INPUTS) window.addEventListener(type, stop, { capture: true, passive: true });
  release = () => {
    root.classList.remove("wtwm-linked"); // far sections are skipped again, at their real heights
    sections.disconnect();
    clearTimeout(timer);
    for (const type of READER_INPUTS) window.removeEventListener(type, stop, { capture: true });
    release = () => {};
  };
}
