"""What the video shows and says, and when: pure data and arithmetic, no drawing.

The captions (WebVTT), the transcript on the page and the on-screen step label
all come from STEPS, so what is said and what is shown cannot drift apart.
"""

from __future__ import annotations

import itertools
import math
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
THEME_JS = ROOT / "site_src" / "theme" / "assets" / "js" / "lib" / "theme.js"
THEMES = ("light", "dark")


@dataclass(frozen=True)
class VideoConfig:
    """One layer with one input: a = tanh(w * x + b). Sizes keep the files small."""

    x: float = 0.8
    w: float = 1.5
    b: float = -0.5
    width: int = 640
    height: int = 360
    fps: int = 20
    crf: int = 30  # x264 quality: higher is smaller; flat colours survive 30 well
    # The sweep at the end: x moves through these values (seconds, x), eased.
    sweep: tuple[tuple[float, float], ...] = field(
        default=((15.0, 0.8), (16.5, 2.0), (19.5, -2.0), (21.0, 0.8))
    )


@dataclass(frozen=True)
class Step:
    start: float
    end: float
    label: str  # short on-screen label
    caption: str  # what the captions and the transcript say


def num(value: float, digits: int = 2) -> str:
    """Fixed decimals with a true minus sign (screen readers say "minus")."""
    return f"{value:.{digits}f}".replace("-", "\u2212")


def steps(cfg: VideoConfig) -> list[Step]:
    """The walkthrough, one step per idea. Numbers are computed, never typed."""
    wx, z, a = forward(cfg, cfg.x)
    low, high = min(x for _, x in cfg.sweep), max(x for _, x in cfg.sweep)
    return [
        Step(0.0, 3.0, "One layer, one input",
             "One neuron of a layer: an input x goes in, an output a comes out. "
             "Follow it step by step."),
        Step(3.0, 6.0, "1 · Input",
             f"The input: x = {num(cfg.x)}."),
        Step(6.0, 9.0, "2 · Weight",
             f"Multiply by the weight w = {num(cfg.w)}: w·x = {num(cfg.w)} × {num(cfg.x)} = {num(wx)}."),
        Step(9.0, 12.0, "3 · Bias",
             f"Add the bias b = {num(cfg.b)}: the pre-activation z = w·x + b = {num(z)}."),
        Step(12.0, 15.0, "4 · Activation",
             f"Apply the activation f = tanh: the output a = tanh({num(z)}) = {num(a)}. "
             "The point (z, a) sits on the activation curve."),
        Step(15.0, 21.0, "5 · Sweep the input",
             f"Now sweep x from {num(low, 0)} to {num(high, 0)}. z = w·x + b moves along a straight line, "
             "and a follows the tanh curve: steep near zero, flat at the ends, "
             "where changing z barely changes a."),
        Step(21.0, 24.0, "a = f(w·x + b)",
             "That is the forward pass of one neuron: a = f(w·x + b). "
             "A layer does the same for every neuron at once, with a weight matrix."),
    ]  # fmt: skip


def duration(cfg: VideoConfig) -> float:
    return steps(cfg)[-1].end


def ease(u: float) -> float:
    """Smoothstep: starts and stops gently, so motion never jumps."""
    u = min(max(u, 0.0), 1.0)
    return u * u * (3 - 2 * u)


def x_at(cfg: VideoConfig, t: float) -> float:
    """The input at time t: fixed, except during the sweep."""
    keys = cfg.sweep
    if t <= keys[0][0]:
        return keys[0][1]
    for (t0, x0), (t1, x1) in itertools.pairwise(keys):
        if t <= t1:
            return x0 + (x1 - x0) * ease((t - t0) / (t1 - t0))
    return keys[-1][1]


def forward(cfg: VideoConfig, x: float) -> tuple[float, float, float]:
    """(w·x, z, a) for input x."""
    wx = cfg.w * x
    z = wx + cfg.b
    return wx, z, math.tanh(z)


def site_palettes(theme_js: Path = THEME_JS) -> dict[str, dict[str, str]]:
    """The site's colours, read from theme.js so the video matches the pages."""
    source = theme_js.read_text()
    palettes = {}
    for theme in THEMES:
        block = re.search(rf"\b{theme}:\s*\{{(.*?)\}}", source, re.DOTALL)
        if block is None:
            raise ValueError(f"{theme_js}: no '{theme}' palette found")
        body = block.group(1)
        colours = dict(re.findall(r'(\w+):\s*"(#[0-9a-fA-F]{6})"', body))
        series = re.search(r"series:\s*\[([^\]]*)\]", body)
        if series is None:
            raise ValueError(f"{theme_js}: '{theme}' palette has no series")
        colours["series"] = re.findall(r'"(#[0-9a-fA-F]{6})"', series.group(1))
        palettes[theme] = colours
    return palettes


def params(cfg: VideoConfig) -> dict:
    """Everything besides the code that decides what the frames look like."""
    return {"config": asdict(cfg), "palettes": site_palettes()}
