// The layer forward-pass explainer: one recording per theme. The static page shows
// the poster and a link to each recording; this upgrades it to a <video> that loads
// only the recording for the current theme and switches when the reader toggles it.
// State in the URL: ?video.t=12.5 starts the video at 12.5 s.
import { whenNear } from "../lib/figure.js";
import { currentScheme, onSchemeChange } from "../lib/theme.js";
import { clearState, copyText, linkTo, readState } from "../lib/url-state.js";

const PREFIX = "video";
const SECTION = "video-layer-forward";

// The recordings' addresses come from the page's own links (MkDocs checks those
// at build time); each poster sits beside its recording as .png.
function sources(el) {
  const byScheme = {};
  for (const link of el.querySelectorAll("a.wtwm-layer-video-open[data-theme]")) {
    byScheme[link.dataset.theme] = { video: link.href, poster: link.href.replace(/\.mp4$/, ".png") };
  }
  const captions = el.querySelector("a.wtwm-layer-video-captions");
  return { byScheme, captions: captions ? captions.href : null };
}

function startTime() {
  const t = Number.parseFloat(readState(PREFIX).t);
  return Number.isFinite(t) && t > 0 ? t : 0;
}

function buildPlayer({ captions }) {
  const video = document.createElement("video");
  video.className = "wtwm-layer-video-player";
  video.controls = false; // on once the figure is near the viewport (controlsWhenNear)
  video.preload = "none"; // nothing downloads until the reader presses play, and then only this theme's recording
  video.playsInline = true;
  video.width = 640;
  video.height = 360;
  video.setAttribute("aria-label", "Explainer video: one neuron's forward pass (no sound, captions below it)");
  if (captions) {
    const track = document.createElement("track");
    Object.assign(track, { kind: "captions", srclang: "en", label: "English", src: captions, default: true });
    video.append(track);
  }
  return video;
}

// Chromium's native controls on a paused <video> run animations of their own: with
// this figure thousands of pixels off screen, changing a knob further down started
// runs of empty frames at 60 Hz lasting seconds (a trace shows
// AnimationTimeline::ScheduleServiceOnNextFrame in every frame), and an input
// landing in one waited for the next vsync. So the player has its controls only
// while the figure is within a screen of the viewport, or while it plays.
function controlsWhenNear(video, el, on) {
  let near = false;
  const apply = () => {
    const wanted = near || !video.paused;
    if (video.controls !== wanted) video.controls = wanted;
  };
  const observer = new IntersectionObserver(
    ([entry]) => {
      near = entry.isIntersecting;
      apply();
    },
    { rootMargin: "100% 0px" },
  );
  observer.observe(el);
  on(video, "play", apply);
  on(video, "pause", apply);
  return () => observer.disconnect();
}

function buildControls() {
  const controls = document.createElement("div");
  controls.className = "wtwm-controls";
  controls.innerHTML = `
    <button type="button" data-action="copy">Copy link to this moment</button>
    <button type="button" data-action="reset">Reset</button>
    <span class="wtwm-status" role="status" aria-live="polite"></span>`;
  return controls;
}

export async function mount(el) {
  if (!(await whenNear(el))) return undefined; // the poster and links serve until the reader nears
  const { byScheme, captions } = sources(el);
  if (!byScheme.light || !byScheme.dark) throw new Error("recording links are missing");
  const stage = el.querySelector(".wtwm-layer-video-stage");
  const still = stage.querySelector("picture, img");
  el.querySelectorAll(".wtwm-layer-video-player, .wtwm-layer-video-stage + .wtwm-controls").forEach((n) => {
    n.remove();
  });

  const video = buildPlayer({ captions });
  const controls = buildControls();
  const status = controls.querySelector(".wtwm-status");
  const events = new AbortController();
  const on = (target, type, handler) => target.addEventListener(type, handler, { signal: events.signal });
  let pending = { time: startTime(), play: false }; // applied once the new source has loaded

  function show(scheme) {
    if (video.dataset.scheme === scheme) return;
    const underWay = Boolean(video.dataset.scheme) && (video.currentTime > 0 || !video.paused);
    if (video.dataset.scheme) pending = { time: video.currentTime, play: !video.paused && !video.ended };
    video.dataset.scheme = scheme;
    video.poster = byScheme[scheme].poster;
    // A video under way goes on in the other recording, at the same moment and
    // playing if it was: load it now (with preload "none" it would wait for play).
    if (underWay) video.preload = "auto";
    video.src = byScheme[scheme].video;
    if (underWay && pending.play) video.play().catch(() => {});
  }

  // Captions under the picture, not over it: the track is read, not drawn.
  const cue = document.createElement("p");
  cue.className = "wtwm-layer-video-cue";
  cue.setAttribute("aria-hidden", "true"); // the same words are in the transcript
  const trackElement = video.querySelector("track");
  const track = trackElement?.track;
  if (track) {
    track.mode = "hidden";
    // The cue at the current time, also before play and after a seek: the line
    // under a paused video says what its picture shows.
    const showCue = () => {
      const t = video.currentTime;
      const now = [...(track.cues ?? [])].filter((c) => c.startTime <= t && t < c.endTime);
      cue.textContent = now.map((c) => c.text).join(" ");
    };
    on(track, "cuechange", showCue);
    on(trackElement, "load", showCue);
    on(video, "seeked", showCue);
  }

  on(video, "loadedmetadata", () => {
    if (pending.time > 0) video.currentTime = Math.min(pending.time, video.duration || pending.time);
    if (pending.play) video.play().catch(() => {}); // the reader pressed play before: keep playing
    pending = { time: 0, play: false };
  });
  on(controls, "click", async (event) => {
    const action = event.target.closest("button")?.dataset.action;
    if (action === "copy") {
      const t = Math.round(video.currentTime * 10) / 10;
      const url = linkTo(PREFIX, t > 0 ? { t } : {}, SECTION);
      status.textContent = (await copyText(url)) ? "Link copied." : `Copy this link: ${url}`;
    } else if (action === "reset") {
      video.pause();
      video.currentTime = 0;
      clearState(PREFIX);
      status.textContent = "Back to the start.";
    }
  });

  show(currentScheme());
  if (still) still.replaceWith(video);
  else stage.append(video);
  video.after(cue);
  stage.after(controls);
  el.classList.add("wtwm-layer-video--live"); // its reserved room is now the controls (figures.css)
  const unsubscribe = onSchemeChange(show);
  const stopWatching = controlsWhenNear(video, el, on);

  return () => {
    unsubscribe();
    stopWatching();
    events.abort();
    video.pause();
    video.removeAttribute("src"); // let the browser drop the media pipeline
    video.load();
  };
}
