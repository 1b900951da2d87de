// Figure and widget state lives in the query string, namespaced per figure
// (?hero.epoch=120&knobs.wd=0.001), and the figure in the hash (#fig-knobs):
// an instructor copies the URL and a student opens exactly that view.
export function readState(prefix) {
  const state = {};
  for (const [key, value] of new URLSearchParams(window.location.search)) {
    if (key.startsWith(`${prefix}.`)) state[key.slice(prefix.length + 1)] = value;
  }
  return state;
}

function withState(prefix, state, hash) {
  const url = new URL(window.location.href);
  for (const key of [...url.searchParams.keys()]) {
    if (key.startsWith(`${prefix}.`)) url.searchParams.delete(key);
  }
  for (const [key, value] of Object.entries(state)) {
    if (value !== undefined && value !== null && value !== "") url.searchParams.set(`${prefix}.${key}`, String(value));
  }
  if (hash !== undefined) url.hash = hash;
  return url;
}

export function writeState(prefix, state) {
  const url = withState(prefix, state);
  if (url.href !== window.location.href) window.history.replaceState(window.history.state, "", url);
}

export function clearState(prefix) {
  writeState(prefix, {});
}

// A shareable link to this figure in this state, opening on the figure (its id).
export function linkTo(prefix, state, figureId) {
  return withState(prefix, state, figureId ? `#${figureId}` : undefined).href;
}

export async function copyText(text) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false; // clipboard blocked (http, permissions): callers show the link instead
  }
}
