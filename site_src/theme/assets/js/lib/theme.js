// One owner for colours: reads Material's palette (body[data-md-color-scheme])
// and gives figures a Plotly layout and a colour-blind-safe palette for it.
export function currentScheme() {
  return document.body.getAttribute("data-md-color-scheme") === "slate" ? "dark" : "light";
}

// Okabe-Ito hues, tuned per theme for ≥ 3:1 contrast against the plot background.
const PALETTES = {
  light: {
    background: "#ffffff",
    text: "#1f2328",
    muted: "#57606a",
    grid: "#d0d7de",
    zero: "#8c959f",
    train: "#0072b2",
    val: "#c2410c",
    truth: "#1f2328",
    prediction: "#7b2cbf",
    accent: "#b45309",
    good: "#047857",
    bad: "#b91c1c",
    series: ["#0072b2", "#c2410c", "#047857", "#7b2cbf", "#b45309", "#0e7490"],
  },
  dark: {
    background: "#1e2129",
    text: "#e6edf3",
    muted: "#aab4c0",
    grid: "#3a404d",
    zero: "#6e7681",
    train: "#56b4e9",
    val: "#f0a35e",
    truth: "#e6edf3",
    prediction: "#cc9cf0",
    accent: "#f0c05e",
    good: "#4fd1a5",
    bad: "#ff7b72",
    series: ["#56b4e9", "#f0a35e", "#4fd1a5", "#cc9cf0", "#f0c05e", "#67d4e4"],
  },
};

export function palette(scheme = currentScheme()) {
  return PALETTES[scheme];
}

// Plot text at the browser's default text size (16 px); themedPlot scales it
// with the reader's own.
export const FONT_PX = 13;

// Base Plotly layout for the current theme; figures merge their own axes into it.
export function themedLayout(scheme = currentScheme()) {
  const p = PALETTES[scheme];
  const axis = {
    gridcolor: p.grid,
    zerolinecolor: p.zero,
    linecolor: p.grid,
    tickcolor: p.grid,
    tickfont: { color: p.muted },
    title: { font: { color: p.text } },
    // Margins grow to hold the tick labels, and the axis title keeps clear of
    // them: "MSE loss (log)" sat on the 0.05 label on a phone.
    automargin: true,
  };
  return {
    paper_bgcolor: p.background,
    plot_bgcolor: p.background,
    font: { color: p.text, family: "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif", size: FONT_PX },
    xaxis: { ...axis },
    yaxis: { ...axis },
    legend: { font: { color: p.text }, bgcolor: "rgba(0,0,0,0)" },
    margin: { l: 56, r: 16, t: 16, b: 48 },
    hoverlabel: { font: { family: "system-ui, sans-serif", size: FONT_PX } },
  };
}

// Calls back with the new scheme whenever the reader toggles the palette.
// Returns the unsubscribe function (call it from the figure's cleanup).
export function onSchemeChange(callback) {
  const observer = new MutationObserver(() => callback(currentScheme()));
  observer.observe(document.body, { attributes: true, attributeFilter: ["data-md-color-scheme"] });
  return () => observer.disconnect();
}
