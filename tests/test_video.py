"""The layer forward-pass explainer video [video-layer-forward].

Rendering needs ffmpeg and is not part of the test suite: the recordings are
committed. These tests check that the committed files are current (the manifest's
input hash equals the renderer's and the site palette's), small and well formed,
and that the page loads only the recording of the reader's theme, switches it
when the theme is toggled, and loads the captions.
"""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
from playwright.sync_api import expect

from precompute.video import outputs
from precompute.video.storyboard import THEMES, VideoConfig, params, steps
from tests.conftest import assert_clean, screenshot, toggle_scheme, wait_frames

MAX_BYTES = 2 * 1024 * 1024
SECTION = "chapter-01/#video-layer-forward"


def manifest() -> dict:
    return outputs.read_manifest()


def mp4_boxes(data: bytes) -> list[str]:
    """Top-level ISO-BMFF box types, in file order."""
    boxes, offset = [], 0
    while offset + 8 <= len(data):
        size = int.from_bytes(data[offset : offset + 4], "big")
        boxes.append(data[offset + 4 : offset + 8].decode("latin-1"))
        if size < 8:
            break
        offset += size
    return boxes


# The committed files -----------------------------------------------------------


def test_recordings_are_current_with_renderer_and_palette():
    assert manifest()["input_hash"] == outputs.input_hash(params(VideoConfig())), (
        "the video's inputs changed (renderer, storyboard or the site palette in theme.js): "
        "re-render with `python -m precompute.video` (needs ffmpeg) and commit docs/assets/video/"
    )


@pytest.mark.parametrize("theme", THEMES)
def test_recording_is_small_h264_faststart_with_a_poster(theme):
    entry = manifest()["recordings"][theme]
    video = outputs.OUT / entry["video"]
    data = video.read_bytes()
    assert len(data) == entry["bytes"] and len(data) < MAX_BYTES
    boxes = mp4_boxes(data)
    assert boxes.index("moov") < boxes.index("mdat"), "not +faststart: moov after mdat"
    assert b"avc1" in data and b"avcC" in data, "not H.264"
    assert 15 <= entry["seconds"] <= 25
    poster = (outputs.OUT / entry["poster"]).read_bytes()
    assert poster.startswith(b"\x89PNG")


@pytest.mark.skipif(shutil.which("ffprobe") is None, reason="ffprobe (ffmpeg) not installed")
@pytest.mark.parametrize("theme", THEMES)
def test_recording_stream_as_ffprobe_sees_it(theme):
    video = outputs.OUT / manifest()["recordings"][theme]["video"]
    probe = subprocess.run(
        ["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries",
         "stream=codec_name,pix_fmt,width,height", "-of", "csv=p=0", str(video)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert probe.stdout.strip() == "h264,640,360,yuv420p"


def test_captions_and_transcript_come_from_the_storyboard(tmp_path):
    story = steps(VideoConfig())
    vtt = (outputs.OUT / manifest()["captions"]).read_text()
    assert vtt == outputs.webvtt(story)
    assert vtt.startswith("WEBVTT\n") and vtt.count(" --> ") == len(story)
    partial = tmp_path / "layer-video.md"
    partial.write_text(outputs.PARTIAL.read_text())
    outputs.write_partial(
        {
            "summary": outputs.summary_markdown(VideoConfig(), story),
            "transcript": outputs.transcript_html(story),
        },
        partial,
    )
    assert partial.read_text() == outputs.PARTIAL.read_text(), (
        "the partial's generated blocks are stale: run `python -m precompute.video`"
    )


# The page ----------------------------------------------------------------------


def open_video(page, base_url) -> list[str]:
    """Load the chapter at the video's section; returns the live list of requested URLs."""
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(base_url + SECTION)
    page.locator("video.wtwm-layer-video-player").wait_for()
    page.wait_for_function(CONTROLS_ON)  # once the figure is seen near the viewport
    return requests


CONTROLS_ON = "() => document.querySelector('video.wtwm-layer-video-player').controls"


def video_state(page) -> dict:
    return page.evaluate(
        """() => { const v = document.querySelector("video.wtwm-layer-video-player");
        return { src: v.currentSrc, poster: v.poster, preload: v.preload, autoplay: v.autoplay,
                 controls: v.controls }; }"""
    )


def recordings_requested(requests: list[str]) -> set[str]:
    return {theme for theme in THEMES for url in requests if url.endswith(f"-{theme}.mp4")}


def drop_cancelled_recording(page, theme: str) -> None:
    """Switching the source or leaving the page cancels a recording's download
    (net::ERR_ABORTED): expected, not a failed request."""
    cancelled = f"layer-forward-{theme}.mp4 (net::ERR_ABORTED)"
    page.failed_requests = [f for f in page.failed_requests if not f.endswith(cancelled)]


@pytest.mark.browser
@pytest.mark.parametrize("scheme", THEMES)
def test_video_loads_only_the_recording_of_the_theme_and_switches(new_page, base_url, scheme):
    other = "light" if scheme == "dark" else "dark"
    page = new_page(scheme=scheme)
    requests = open_video(page, base_url)
    state = video_state(page)
    assert state["src"].endswith(f"layer-forward-{scheme}.mp4")
    assert state["poster"].endswith(f"layer-forward-{scheme}.png")
    assert state["controls"] and not state["autoplay"] and state["preload"] in {"none", "metadata"}
    assert recordings_requested(requests) == set(), "preload=none: nothing before play"
    page.evaluate(  # what the reader's play button does (muted: headless autoplay policy)
        "() => { const v = document.querySelector('video.wtwm-layer-video-player');"
        " v.muted = true; return v.play(); }"
    )
    page.wait_for_function(  # a function, not an expression string: the site's CSP forbids eval
        "() => document.querySelector('video.wtwm-layer-video-player').readyState >= 1"
    )
    screenshot(page, f"layer-video-{scheme}")
    assert recordings_requested(requests) == {scheme}, "the other theme's recording was requested"

    toggle_scheme(page, other)
    page.wait_for_function(
        f"() => document.querySelector('video.wtwm-layer-video-player')"
        f".currentSrc.endsWith('-{other}.mp4')"
    )
    assert video_state(page)["poster"].endswith(f"layer-forward-{other}.png")
    drop_cancelled_recording(page, scheme)
    assert_clean(page)


@pytest.mark.browser
def test_a_link_to_a_moment_starts_the_video_there(page, base_url):
    """?video.t=2.5 (what "Copy link to this moment" writes) seeks once the reader plays."""
    page.goto(base_url + SECTION.replace("#", "?video.t=2.5#"))
    page.locator("video.wtwm-layer-video-player").wait_for()
    page.evaluate(  # muted: the headless autoplay policy
        """() => { const v = document.querySelector('video.wtwm-layer-video-player');
        v.addEventListener('seeking', () => { window.__seekedTo = v.currentTime; }, { once: true });
        v.muted = true; return v.play(); }"""
    )
    page.wait_for_function("() => window.__seekedTo !== undefined")
    assert page.evaluate("window.__seekedTo") == 2.5
    assert_clean(page)


@pytest.mark.browser
def test_captions_load_and_links_resolve(page, base_url):
    open_video(page, base_url)
    cues = page.evaluate(
        """() => new Promise((resolve, reject) => {
            const track = document.querySelector("video.wtwm-layer-video-player track");
            if (!track || track.kind !== "captions" || track.srclang !== "en" || !track.default)
                return reject(new Error("no default English captions track"));
            track.track.mode = "showing";
            const done = () => resolve([...track.track.cues].map((cue) => cue.text));
            if (track.readyState === 2) done();
            else { track.addEventListener("load", done); track.addEventListener("error", reject); }
        })"""
    )
    assert cues == [step.caption for step in steps(VideoConfig())]
    transcript = page.locator(".wtwm-layer-video-transcript li")
    assert transcript.count() == len(cues)
    for name in ("Open the light recording", "Open the dark recording"):
        href = page.get_by_role("link", name=name).evaluate("a => a.href")
        response = page.request.get(href)
        assert response.ok and response.headers["content-type"] == "video/mp4"
    assert_clean(page)


@pytest.mark.browser
def test_video_survives_instant_navigation_round_trips(new_page, base_url):
    page = new_page(scheme="dark", width=360)
    requests = open_video(page, base_url)
    for _ in range(2):  # nav links are in the (closed) drawer at 360 px: dispatch the click
        page.wait_for_load_state("networkidle")  # every figure on the page has mounted
        page.locator('.md-nav a[href$="/notebooks/"]').first.dispatch_event("click")
        page.wait_for_url(re.compile(r"/notebooks/(#.*)?$"))
        # Material pushes the URL before it swaps the content, and the chapter links to
        # the notebooks too: only the player leaving says the swap has happened.
        page.locator("video.wtwm-layer-video-player").wait_for(state="detached")
        expect(page.locator(".md-content h1")).to_have_text(re.compile(r"^Notebooks"))
        page.locator('.md-nav a[href$="/chapter-01/"]').first.dispatch_event("click")
        page.wait_for_url(re.compile(r"/chapter-01/(#.*)?$"))
        page.wait_for_load_state("networkidle")
        page.locator("#fig-layer-video").scroll_into_view_if_needed()  # it mounts when near
        page.wait_for_function(  # remounted on the new content, with the dark recording
            """() => document.querySelector("video.wtwm-layer-video-player")
                         ?.currentSrc.endsWith("layer-forward-dark.mp4")"""
        )
    assert page.locator("video.wtwm-layer-video-player").count() == 1
    assert recordings_requested(requests) <= {"dark"}  # preload=none: at most the theme's
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    fits = page.evaluate(  # scaled down to the figure (figures.css), not cropped by it
        """() => { const v = document.querySelector("video.wtwm-layer-video-player");
        const f = v.closest("figure").getBoundingClientRect(), r = v.getBoundingClientRect();
        return r.left >= f.left && r.right <= f.right && r.height > r.width * 9 / 16 + 20; }"""
    )
    assert fits, "the video does not fit its figure at 360 px (layer-video CSS missing?)"
    drop_cancelled_recording(page, "dark")
    assert_clean(page)


# The height from the top of the stage to the transcript below it: the poster and
# the room kept for the controls, then the player and its controls.
STAGE_TO_TRANSCRIPT = """() => {
  const figure = document.querySelector("#fig-layer-video");
  return figure.querySelector(".wtwm-layer-video-details").getBoundingClientRect().top
    - figure.querySelector(".wtwm-layer-video-stage").getBoundingClientRect().top;
}"""


@pytest.mark.browser
@pytest.mark.parametrize("width", [360, 1280])
def test_the_player_takes_the_room_the_poster_kept(new_page, base_url, width):
    """Mounting the player moves nothing below it. It adds a row of controls (100 px
    on a phone) and the poster was narrower than the player at 1280 px (480 against
    640): a link to #layer-widget, just below, saw its heading pushed 112 px down."""
    page = new_page(width=width, is_mobile=width < 600, has_touch=width < 600)
    page.add_init_script(
        "document.addEventListener('DOMContentLoaded', () => { window.__before = ("
        + STAGE_TO_TRANSCRIPT
        + ")(); });"
    )
    page.goto(base_url + "chapter-01/#layer-widget")
    page.locator("#fig-layer-video.wtwm-layer-video--live").wait_for(state="attached")
    before, after = page.evaluate("window.__before"), page.evaluate(STAGE_TO_TRANSCRIPT)
    assert abs(after - before) <= 2, (before, after)
    assert_clean(page)


@pytest.mark.browser
def test_the_player_has_its_controls_near_the_viewport_or_while_playing(page, base_url):
    """Chromium's native controls on a paused video, far off screen, made runs of
    empty 60 Hz frames while the reader changed the knobs (an input in one waited for
    the next vsync). The controls are there where a reader can reach them: near the
    viewport, by Tab from the section's heading, and while the video plays."""
    open_video(page, base_url)
    page.locator("#fig-knobs").scroll_into_view_if_needed()
    page.wait_for_function(f"() => !({CONTROLS_ON})()")
    page.locator("#video-layer-forward a.headerlink").focus()  # scrolls back to it
    page.wait_for_function(CONTROLS_ON)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.matches('video.wtwm-layer-video-player')")
    page.evaluate(  # muted: the headless autoplay policy
        "() => { const v = document.querySelector('video.wtwm-layer-video-player');"
        " v.muted = true; v.loop = true; return v.play(); }"
    )
    page.locator("#fig-knobs").scroll_into_view_if_needed()
    wait_frames(page, 10)  # a frame or two for the observer to report
    assert page.evaluate(CONTROLS_ON), "a playing video lost its controls when scrolled away"
    page.evaluate("document.querySelector('video.wtwm-layer-video-player').pause()")
    page.wait_for_function(f"() => !({CONTROLS_ON})()")
    drop_cancelled_recording(page, "light")
    assert_clean(page)


def test_static_page_works_without_javascript(built_site):
    html = (built_site / "chapter-01" / "index.html").read_text()
    figure = html[html.index('id="fig-layer-video"') :]
    figure = figure[: figure.index("</figure>")]
    assert 'src="../assets/video/layer-forward-light.png"' in figure
    assert 'srcset="../assets/video/layer-forward-dark.png"' in figure
    for theme in THEMES:
        assert f'href="../assets/video/layer-forward-{theme}.mp4"' in figure
        assert (built_site / "assets" / "video" / f"layer-forward-{theme}.mp4").exists()
    assert "<video" not in figure and "autoplay" not in figure


@pytest.mark.browser
@pytest.mark.parametrize("playing", [True, False])
def test_switching_theme_keeps_the_moment_and_the_play_state(page, base_url, playing):
    """The other theme's recording goes on from the same time, playing if the first
    was: it restarted at 0:00, paused."""
    open_video(page, base_url)
    page.evaluate(  # muted: the headless autoplay policy
        "() => { const v = document.querySelector('video.wtwm-layer-video-player');"
        " v.muted = true; return v.play(); }"
    )
    page.wait_for_function(
        "() => document.querySelector('video.wtwm-layer-video-player').currentTime > 3"
    )
    if not playing:
        page.evaluate("document.querySelector('video.wtwm-layer-video-player').pause()")
    before = page.evaluate("document.querySelector('video.wtwm-layer-video-player').currentTime")
    toggle_scheme(page, "dark")
    page.wait_for_function(
        """() => { const v = document.querySelector("video.wtwm-layer-video-player");
        return v.currentSrc.endsWith("-dark.mp4") && v.readyState >= 1 && v.currentTime > 0; }"""
    )
    if playing:
        page.wait_for_function(
            "() => !document.querySelector('video.wtwm-layer-video-player').paused"
        )
    time, paused = page.evaluate(
        "() => { const v = document.querySelector('video.wtwm-layer-video-player');"
        " return [v.currentTime, v.paused]; }"
    )
    assert time >= before - 0.1, (before, time)
    if not playing:
        assert paused and abs(time - before) < 0.1, (before, time)
    drop_cancelled_recording(page, "light")
    assert_clean(page)


@pytest.mark.browser
@pytest.mark.parametrize("width", [360, 1280])
def test_captions_sit_below_the_picture(new_page, base_url, width):
    """Captions are written under the picture, never over it: the track is hidden
    and its cue shows in the line below the video."""
    page = new_page(width=width)
    open_video(page, base_url)
    page.evaluate(
        "() => { const v = document.querySelector('video.wtwm-layer-video-player');"
        " v.muted = true; return v.play(); }"
    )
    cue = page.locator("#fig-layer-video .wtwm-layer-video-cue")
    expect(cue).not_to_be_empty()
    video_box = page.locator("video.wtwm-layer-video-player").bounding_box()
    cue_box = cue.bounding_box()
    assert cue_box["y"] >= video_box["y"] + video_box["height"] - 1
    assert (
        page.evaluate("document.querySelector('video.wtwm-layer-video-player track').track.mode")
        == "hidden"
    )
    drop_cancelled_recording(page, "light")
    assert_clean(page)
