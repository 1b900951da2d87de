"""Link previews: one image per chapter, drawn at build time from the chapter's data.

Every page's Open Graph and Twitter meta (``site_src/theme/main.html``) point at
``assets/previews/<chapter>.png`` (``home.png`` outside a chapter). A chapter's
``index.md`` says what to plot in its front matter, e.g.

    preview:
      data: overfit                 # docs/data/overfit.json, inside its data block
      x: curves.epoch
      y: {training loss: curves.train_loss, validation loss: curves.val_loss}
      log: true
      y_label: MSE loss (log)

Drawn by matplotlib with the DejaVu Sans it ships: no network, no other font. The
home image carries the site's name over the first chapter's plot.
"""

from __future__ import annotations

import json
import re
import textwrap
from pathlib import Path

import yaml

WIDTH, HEIGHT, DPI = 1200, 630, 100  # the size Open Graph and Twitter cards expect
COLOURS = ["#0072b2", "#c2410c", "#009e73", "#b45309"]  # lib/theme.js, light scheme
FRONT_MATTER = re.compile(r"\A---\n(.*?)\n---\n", re.S)


def front_matter(page: Path) -> dict:
    match = FRONT_MATTER.match(page.read_text(encoding="utf-8"))
    return yaml.safe_load(match.group(1)) if match else {}


def lookup(data: dict, path: str):
    value = data
    for key in path.split("."):
        value = value[key]
    return value


def draw(target: Path, title: str, subtitle: str, plot: dict | None, docs: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    plt.rcParams.update({"font.family": "DejaVu Sans", "font.size": 16})
    fig = plt.figure(figsize=(WIDTH / DPI, HEIGHT / DPI), dpi=DPI, facecolor="#ffffff")
    fig.text(0.05, 0.9, title, fontsize=34, fontweight="bold", color="#1a237e", va="top")
    lines = textwrap.wrap(subtitle, 80)
    subtitle = "\n".join(lines[:2]) + (" …" if len(lines) > 2 else "")
    fig.text(0.05, 0.8, subtitle, fontsize=18, color="#444444", va="top", linespacing=1.4)
    if plot:
        data = json.loads((docs / "data" / f"{plot['data']}.json").read_text())["data"]
        ax = fig.add_axes((0.09, 0.12, 0.87, 0.5))
        x = lookup(data, plot["x"])
        for i, (label, path) in enumerate(plot["y"].items()):
            ax.plot(x, lookup(data, path), color=COLOURS[i % len(COLOURS)], lw=3, label=label)
        if plot.get("log"):
            ax.set_yscale("log")
        ax.set_xlabel(plot["x"].split(".")[-1])
        ax.set_ylabel(plot.get("y_label", ""))
        ax.legend(frameon=False, loc="upper right")
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
    target.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(target, dpi=DPI, metadata={"Software": None})
    plt.close(fig)


def on_post_build(config):
    docs, site = Path(config["docs_dir"]), Path(config["site_dir"])
    chapters = sorted(p for p in docs.glob("chapter-*/index.md"))
    first_plot = None
    for index in chapters:
        meta = front_matter(index)
        plot = meta.get("preview")
        first_plot = first_plot or plot
        target = site / "assets" / "previews" / f"{index.parent.name}.png"
        draw(target, meta.get("title", index.parent.name), config["site_name"], plot, docs)
    home = site / "assets" / "previews" / "home.png"
    draw(home, config["site_name"], config.get("site_description", ""), first_plot, docs)
