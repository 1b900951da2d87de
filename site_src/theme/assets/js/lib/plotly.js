// One owner for Plotly: loads the self-hosted partial bundle once, on the first
// page that needs it, and repairs what instant navigation strips from <head>.
import { siteUrl } from "./site.js";

let loading = null;
let globalStyle = null;

function restoreGlobalStyle() {
  if (globalStyle && !globalStyle.isConnected) document.head.append(globalStyle);
}

export function loadPlotly() {
  if (!loading) {
    loading = new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = siteUrl("assets/vendor/plotly/plotly.min.js");
      script.async = true;
      script.onload = () => {
        globalStyle = document.getElementById("plotly.js-style-global");
        resolve(window.Plotly);
      };
      script.onerror = () => {
        loading = null;
        reject(new Error("the plotting library did not load"));
      };
      document.body.append(script); // <head> children are pruned on navigation
    });
  }
  return loading.then((Plotly) => {
    restoreGlobalStyle();
    return Plotly;
  });
}

// Not `responsive`: themedPlot resizes plots itself, only while they are shown.
export const PLOT_CONFIG = { displaylogo: false, displayModeBar: false };
