"""Render the layer forward-pass explainer: ``python -m precompute.video [--force]``.

Needs ffmpeg (Debian: ``apt-get install ffmpeg``). The outputs are committed, so
building and testing the site never needs ffmpeg; only changing the video does.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time

from . import outputs
from .render import render
from .storyboard import THEMES, VideoConfig, duration, params, site_palettes, steps

POSTER_T = 14.5  # a frame with every part on screen (end of the activation step)


def probe_seconds(path) -> float:
    """The container's duration as ffprobe reports it."""
    result = subprocess.run(
        ["ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", path],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return round(float(result.stdout), 3)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m precompute.video", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    parser.add_argument("--force", action="store_true", help="render even if inputs are unchanged")
    args = parser.parse_args(argv)

    cfg = VideoConfig()
    story = steps(cfg)
    # Cheap and deterministic, so always refreshed: captions and the page's text.
    outputs.OUT.mkdir(parents=True, exist_ok=True)
    (outputs.OUT / f"{outputs.NAME}.vtt").write_text(outputs.webvtt(story))
    outputs.write_partial({"summary": outputs.summary_markdown(cfg, story),
                           "transcript": outputs.transcript_html(story)})  # fmt: skip
    inputs = params(cfg)
    digest = outputs.input_hash(inputs)
    if not args.force and outputs.is_current(digest, THEMES):
        print(f"video: inputs unchanged ({digest[:12]}), recordings are current")
        return 0
    if shutil.which("ffmpeg") is None:
        print("video: ffmpeg not found (apt-get install ffmpeg)", file=sys.stderr)
        return 1

    palettes = site_palettes()
    started = time.perf_counter()
    recordings = {}
    for theme in THEMES:
        files = outputs.files_for(theme)
        t0 = time.perf_counter()
        render(cfg, palettes[theme], outputs.OUT / files["video"],
               outputs.OUT / files["poster"], POSTER_T)  # fmt: skip
        video = outputs.OUT / files["video"]
        recordings[theme] = {
            **files,
            "bytes": video.stat().st_size,
            "poster_bytes": (outputs.OUT / files["poster"]).stat().st_size,
            "seconds": probe_seconds(video),
        }
        print(f"video: {theme:5s} {video.stat().st_size / 1024:6.1f} KB "
              f"{recordings[theme]['seconds']:.1f} s  ({time.perf_counter() - t0:.1f} s to render)")  # fmt: skip
    manifest = {
        "schema": "layer-video-manifest",
        "version": 1,
        "input_hash": digest,
        "produced_by": "python -m precompute.video",
        "config": inputs["config"],
        "duration": duration(cfg),
        "captions": f"{outputs.NAME}.vtt",
        "recordings": recordings,
        "render_seconds": round(time.perf_counter() - started, 1),
    }
    outputs.MANIFEST.write_text(json.dumps(manifest, indent=2) + "\n")
    print(
        f"video: wrote {outputs.OUT.relative_to(outputs.ROOT)}/ in {manifest['render_seconds']} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
