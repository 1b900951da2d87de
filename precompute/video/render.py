"""Draw the storyboard with matplotlib and encode it with ffmpeg (H.264, yuv420p).

One figure is built once per theme; each frame only changes text, alpha and
positions of existing artists, so a frame is cheap and the output repeatable.
"""

from __future__ import annotations

import math
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.animation import FFMpegWriter
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

from .storyboard import VideoConfig, forward, num, steps, x_at

FADE = 0.4  # seconds for an element to fade in
NODE_Y = 0.70  # figure-fraction height of the pipeline row
NODES = (  # symbol, x position, palette series index, revealed at (s)
    ("x", 0.125, 0, 3.0),
    ("w·x", 0.375, 1, 6.0),
    ("z", 0.625, 3, 9.0),
    ("a", 0.875, 4, 12.0),
)
HALF = 0.085  # half a box's width


def reveal(t: float, start: float) -> float:
    """Opacity of an element that appears at `start`."""
    return min(max((t - start) / FADE, 0.0), 1.0)


class Scene:
    """Every artist of the video, created once; `update(t)` sets one frame."""

    def __init__(self, cfg: VideoConfig, colours: dict):
        self.cfg, self.c = cfg, colours
        self.steps = steps(cfg)
        plt.rcParams.update({"mathtext.fontset": "dejavusans", "font.size": 11})
        self.fig = plt.figure(figsize=(cfg.width / 100, cfg.height / 100), dpi=100)
        self.fig.patch.set_facecolor(colours["background"])
        self.title = self.fig.text(0.04, 0.92, "", fontsize=15, weight="bold",
                                   color=colours["text"])  # fmt: skip
        self.fig.text(0.96, 0.92, "one neuron, forward pass", ha="right", fontsize=9,
                      color=colours["muted"])  # fmt: skip
        self._pipeline()
        self._equations()
        self._activation_axes()
        self.trail: list[tuple[float, float]] = []

    def _pipeline(self) -> None:
        c = self.c
        self.boxes, self.values = [], []
        for symbol, x, _, _ in NODES:
            box = FancyBboxPatch((x - HALF, NODE_Y - 0.065), 2 * HALF, 0.13,
                                 boxstyle="round,pad=0.005,rounding_size=0.02",
                                 transform=self.fig.transFigure, facecolor=c["background"],
                                 edgecolor=c["grid"], linewidth=1.5)  # fmt: skip
            self.fig.add_artist(box)
            self.boxes.append(box)
            self.values.append(self.fig.text(x, NODE_Y, f"{symbol} = ?", ha="center",
                                             va="center", fontsize=12, color=c["muted"]))  # fmt: skip
        self.arrow_labels = []
        arrows = (f"× w = {num(self.cfg.w)}", f"+ b = {num(self.cfg.b)}", "f = tanh")
        for i, label in enumerate(arrows):
            x0, x1 = NODES[i][1] + HALF, NODES[i + 1][1] - HALF
            arrow = FancyArrowPatch((x0 + 0.005, NODE_Y), (x1 - 0.005, NODE_Y),
                                    transform=self.fig.transFigure, arrowstyle="-|>",
                                    mutation_scale=12, color=c["muted"], linewidth=1.2)  # fmt: skip
            self.fig.add_artist(arrow)
            self.arrow_labels.append(self.fig.text((x0 + x1) / 2, NODE_Y + 0.11, label,
                                                   ha="center", va="center", fontsize=10,
                                                   color=c["muted"]))  # fmt: skip

    def _equations(self) -> None:
        self.equations = [
            self.fig.text(0.04, 0.47 - 0.1 * i, "", fontsize=12, color=self.c["text"])
            for i in range(4)
        ]

    def _activation_axes(self) -> None:
        c = self.c
        ax = self.fig.add_axes((0.63, 0.15, 0.33, 0.35))
        ax.set_facecolor(c["background"])
        for spine in ax.spines.values():
            spine.set_color(c["grid"])
        ax.tick_params(colors=c["muted"], labelsize=8, length=3)
        ax.grid(True, color=c["grid"], linewidth=0.6)
        ax.set_xlim(-4, 4)
        ax.set_ylim(-1.25, 1.25)
        ax.set_xticks([-4, -2, 0, 2, 4])
        ax.set_yticks([-1, 0, 1])
        ax.set_xlabel("z (pre-activation)", color=c["text"], fontsize=9, labelpad=1)
        ax.set_ylabel("a = tanh(z)", color=c["text"], fontsize=9, labelpad=1)
        zs = np.linspace(-4, 4, 200)
        (self.curve,) = ax.plot(zs, np.tanh(zs), color=c["series"][0], linewidth=2)
        (self.trail_line,) = ax.plot([], [], color=c["series"][3], linewidth=3, alpha=0.35)
        (self.guide,) = ax.plot([], [], color=c["muted"], linewidth=1, linestyle="--")
        (self.point,) = ax.plot([], [], "o", markersize=8, color=c["series"][4],
                                markeredgecolor=c["text"], markeredgewidth=1)  # fmt: skip
        self.ax = ax

    def step_at(self, t: float) -> int:
        for i, step in enumerate(self.steps):
            if t < step.end:
                return i
        return len(self.steps) - 1

    def update(self, t: float) -> None:
        cfg, c = self.cfg, self.c
        x = x_at(cfg, t)
        wx, z, a = forward(cfg, x)
        active = self.step_at(t)
        self.title.set_text(self.steps[active].label)
        for i, ((symbol, _, colour, start), value) in enumerate(
            zip(NODES, (x, wx, z, a), strict=True)
        ):
            shown = reveal(t, start)
            self.values[i].set_text(f"{symbol} = {num(value)}" if shown > 0 else f"{symbol} = ?")
            self.values[i].set_color(c["text"] if shown > 0 else c["muted"])
            current = active == i + 1 or (active >= 5 and shown > 0)
            self.boxes[i].set_edgecolor(c["series"][colour] if current else c["grid"])
            self.boxes[i].set_linewidth(3 if current else 1.5)
        for i, label in enumerate(self.arrow_labels):
            label.set_color(c["text"] if active == i + 2 else c["muted"])
            label.set_fontweight("bold" if active == i + 2 else "normal")
        lines = [
            (3.0, rf"$x = {num(x)}$"),
            (6.0, rf"$w\,x = {num(cfg.w)} \times {num(x)} = {num(wx)}$"),
            (9.0, rf"$z = w\,x + b = {num(wx)} {'+' if cfg.b >= 0 else '-'} "
                  rf"{num(abs(cfg.b))} = {num(z)}$"),
            (12.0, rf"$a = \tanh(z) = {num(a)}$"),
        ]  # fmt: skip
        if active == len(self.steps) - 1:
            lines[3] = (12.0, r"$a = f\,(w\,x + b)$, with $f = \tanh$")
        for text, (start, tex) in zip(self.equations, lines, strict=True):
            text.set_text(tex.replace("\u2212", "-"))
            text.set_alpha(reveal(t, start))
        self._update_plot(t, z, a)

    def _update_plot(self, t: float, z: float, a: float) -> None:
        self.curve.set_alpha(reveal(t, 12.0))
        shown = reveal(t, 12.5)
        sweep_start = self.cfg.sweep[0][0]
        if sweep_start <= t <= self.cfg.sweep[-1][0]:
            self.trail.append((z, a))
        if shown > 0:
            self.point.set_data([z], [a])
            self.guide.set_data([z, z, -4], [-1.25, a, a])
        self.point.set_alpha(shown)
        self.guide.set_alpha(shown)
        if self.trail:
            zs, as_ = zip(*self.trail, strict=True)
            self.trail_line.set_data(zs, as_)


def render(cfg: VideoConfig, colours: dict, mp4: Path, poster: Path, poster_t: float) -> None:
    """Write the recording and its poster for one theme."""
    scene = Scene(cfg, colours)
    total = math.ceil(cfg.fps * scene.steps[-1].end)
    writer = FFMpegWriter(
        fps=cfg.fps,
        codec="libx264",
        extra_args=[
            "-pix_fmt", "yuv420p", "-preset", "veryslow", "-tune", "animation",
            "-crf", str(cfg.crf), "-g", str(2 * cfg.fps), "-movflags", "+faststart",
            "-map_metadata", "-1", "-fflags", "+bitexact", "-flags:v", "+bitexact",
        ],
    )  # fmt: skip
    with writer.saving(scene.fig, str(mp4), dpi=100):
        for frame in range(total):
            scene.update(frame / cfg.fps)
            writer.grab_frame(facecolor=colours["background"])
    still = Scene(cfg, colours)
    for t in np.arange(0, poster_t, 1 / cfg.fps):  # replay, so state (the trail) matches
        still.update(float(t))
    still.fig.savefig(poster, dpi=100, facecolor=colours["background"],
                      metadata={"Software": None})  # fmt: skip
    plt.close(scene.fig)
    plt.close(still.fig)
