"""Everything written beside the recordings: captions, transcript, manifest.

The captions (.vtt) and the transcript on the page are two views of the same
storyboard STEPS. The manifest records the input hash that lets a re-run skip.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
from pathlib import Path

from .storyboard import ROOT, Step, VideoConfig, forward

OUT = ROOT / "docs" / "assets" / "video"
PARTIAL = ROOT / "site_src" / "partials" / "layer-video.md"
MANIFEST = OUT / "manifest.json"
NAME = "layer-forward"
SOURCES = ("storyboard.py", "render.py", "outputs.py")
# Blocks of the partial that this module writes: <!-- generated:NAME ... --> ... <!-- /generated:NAME -->
BLOCK = r"(<!-- generated:{name}\b[^>]*-->\n).*?(<!-- /generated:{name} -->)"


def files_for(theme: str) -> dict[str, str]:
    return {"video": f"{NAME}-{theme}.mp4", "poster": f"{NAME}-{theme}.png"}


def input_hash(params: dict) -> str:
    """sha256 of the renderer's source and its parameters (config + site palettes)."""
    digest = hashlib.sha256()
    for name in SOURCES:
        digest.update((Path(__file__).parent / name).read_bytes())
    digest.update(json.dumps(params, sort_keys=True).encode())
    return digest.hexdigest()


def timestamp(seconds: float) -> str:
    minutes, rest = divmod(seconds, 60)
    return f"{int(minutes):02d}:{rest:06.3f}"


def webvtt(steps: list[Step]) -> str:
    cues = [
        f"{i}\n{timestamp(step.start)} --> {timestamp(step.end)}\n{step.caption}\n"
        for i, step in enumerate(steps, start=1)
    ]
    return "WEBVTT\n\n" + "\n".join(cues)


def transcript_html(steps: list[Step]) -> str:
    """The captions as a list, for the collapsible transcript under the video."""
    items = "\n".join(
        f'<li><span class="wtwm-layer-video-time">{timestamp(step.start)[:5]}</span> '
        f"{html.escape(step.caption)}</li>"
        for step in steps
    )
    return f'<ol class="wtwm-layer-video-transcript">\n{items}\n</ol>\n'


def summary_markdown(cfg: VideoConfig, steps: list[Step]) -> str:
    """The figure's caption sentence, its numbers taken from the storyboard."""
    _, z, a = forward(cfg, cfg.x)
    low, high = min(x for _, x in cfg.sweep), max(x for _, x in cfg.sweep)
    return (
        f"**One neuron's forward pass** ({steps[-1].end:g} s, no sound, captions on): "
        f"the input $x = {cfg.x:.2f}$ is multiplied by the weight $w = {cfg.w:.2f}$, the bias "
        f"$b = {cfg.b:.2f}$ is added to give the pre-activation $z = wx + b = {z:.2f}$, and the "
        f"activation $f = \\tanh$ turns it into the output $a = {a:.2f}$. Then $x$ sweeps from "
        f"${low:g}$ to ${high:g}$ and the point $(z, a)$ slides along the curve.\n"
    )


def write_partial(blocks: dict[str, str], partial: Path = PARTIAL) -> None:
    """Replace each generated block of the figure's partial with fresh content."""
    text = updated = partial.read_text()
    for name, content in blocks.items():
        pattern = re.compile(BLOCK.format(name=name), re.DOTALL)
        if not pattern.search(updated):
            raise ValueError(f"{partial}: no <!-- generated:{name} --> block")
        updated = pattern.sub(lambda m, c=content: m.group(1) + c + m.group(2), updated)
    if updated != text:
        partial.write_text(updated)


def read_manifest() -> dict:
    return json.loads(MANIFEST.read_text()) if MANIFEST.exists() else {}


def is_current(digest: str, themes: tuple[str, ...]) -> bool:
    """True when the manifest matches these inputs and every output exists."""
    if read_manifest().get("input_hash") != digest:
        return False
    names = [name for theme in themes for name in files_for(theme).values()]
    return all((OUT / name).exists() for name in [*names, f"{NAME}.vtt"])
