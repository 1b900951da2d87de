// Where the site lives, resolved from this file (assets/js/lib/site.js), so it is
// right on every page depth and under any deployment prefix.
export const siteRoot = new URL("../../../", import.meta.url);

export function siteUrl(path) {
  return new URL(path, siteRoot).href;
}

export function prefersReducedMotion() {
  return window.matchMedia("(prefers-reduced-motion: reduce)").matches;
}

// Page-level configuration rendered by main.html from mkdocs.yml's `extra`.
export function siteConfig() {
  const node = document.getElementById("wtwm-config");
  return node ? JSON.parse(node.textContent) : {};
}
