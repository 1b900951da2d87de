// The palette toggle's clicks. partials/palette-apply.html applies the palette
// right after the header is parsed (window.wtwmApplyPalette); this follows the
// reader's clicks and, in automatic mode, the system's theme, and remembers the
// choice as Material does.

let meta = null; // <meta name="theme-color">: the browser's toolbar in the header's colour

function showThemeColor() {
  meta ??= document.head.appendChild(Object.assign(document.createElement("meta"), { name: "theme-color" }));
  const header = document.querySelector(".md-header");
  if (header) meta.content = getComputedStyle(header).backgroundColor;
}

export function wirePalette() {
  const form = document.querySelector("[data-wtwm-palette]");
  if (!form || form.dataset.wired || !window.wtwmApplyPalette) return;
  form.dataset.wired = "true";
  const inputs = [...form.querySelectorAll("input")];
  let index = Math.max(
    0,
    inputs.findIndex((input) => input.checked),
  );
  const apply = (next) => {
    // Material's stylesheet turns transitions off while this attribute is set,
    // so every colour changes in the same frame.
    document.body.setAttribute("data-md-color-switching", "");
    const palette = window.wtwmApplyPalette(next);
    index = palette.index;
    try {
      window.__md_set?.("__palette", palette);
    } catch {
      // storage blocked: the choice lasts for this page
    }
    showThemeColor();
    requestAnimationFrame(() => document.body.removeAttribute("data-md-color-switching"));
  };
  form.addEventListener("change", (event) => apply(inputs.indexOf(event.target)));
  // Enter on the focused option moves to the next, as in Material.
  form.addEventListener("keydown", (event) => {
    if (event.key !== "Enter") return;
    event.preventDefault();
    const next = inputs[(index + 1) % inputs.length];
    next.click();
    next.focus();
  });
  matchMedia("(prefers-color-scheme: light)").addEventListener("change", () => {
    if (inputs[index].dataset.mdColorMedia === "(prefers-color-scheme)") apply(index);
  });
  requestAnimationFrame(showThemeColor); // read once the first frame has styled the page
}
