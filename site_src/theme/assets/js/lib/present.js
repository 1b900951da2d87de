// The Present button of every figure (in its caption from the build, hooks/embeds.py):
// the figure alone, full screen, for a lecture hall. Esc leaves (the browser's own
// key); the button says which way it goes. Where full screen is not allowed (a
// frame without allowfullscreen) the button stays, disabled, so nothing moves.
function label(button, on) {
  button.textContent = on ? "Leave full screen" : "Present";
  button.setAttribute("aria-label", on ? "Leave full screen (Esc)" : "Present this figure full screen");
}

function sync() {
  for (const button of document.querySelectorAll("[data-present]")) {
    label(button, document.fullscreenElement?.id === button.dataset.present);
  }
}

document.addEventListener("fullscreenchange", sync);
// Browsers leave full screen on Esc themselves; kiosk and headless ones may not.
document.addEventListener("keydown", (event) => {
  if (event.key === "Escape" && document.fullscreenElement) document.exitFullscreen();
});

// Delegated once: buttons come and go with instant navigation.
document.addEventListener("click", (event) => {
  const button = event.target.closest?.("[data-present]");
  if (!button) return;
  const figure = document.getElementById(button.dataset.present);
  if (document.fullscreenElement) document.exitFullscreen();
  else figure?.requestFullscreen().catch((error) => console.warn("full screen refused:", error.message));
});

export function wirePresentButtons() {
  for (const button of document.querySelectorAll("[data-present]")) {
    button.disabled = !document.fullscreenEnabled;
    if (button.disabled) button.title = "Full screen is not allowed here";
  }
  sync();
}
