"""Notebooks 1 and 2: the line fitted by the NumPy loop and by the PyTorch loop.

Same data, start and learning rate as ``precompute/linear.py`` (values read from
LinearConfig), so the printed final w, b and loss equal docs/data/linear.json.
"""

from __future__ import annotations

import textwrap

from precompute.config import LinearConfig
from precompute.data import line_data
from precompute.linear import critical_lr
from precompute.video.storyboard import site_palettes

from .cells import code, from_section, md, notebook, plus, py

CHAPTER = "../../chapter-01/"
STYLE = """
# White figures with dark text: readable on the site's light and dark pages alike,
# in the site's colour-blind-safe colours.
plt.rcParams.update({"figure.facecolor": "white", "figure.dpi": 100, "font.size": 10})
plt.rcParams["axes.prop_cycle"] = plt.cycler(color=COLOURS)
"""


def setup_cell(imports: str):
    """The imports, then the figure style every notebook shares."""
    colours = site_palettes()["light"]["series"]
    return code(textwrap.dedent(imports).strip() + "\n" + STYLE.replace("COLOURS", repr(colours)))


def data_cells(cfg: LinearConfig) -> list:
    return [
        md(f"""
        ## The data

        {cfg.n} points on the line $y = {cfg.true_w:g}x {plus(cfg.true_b)}$ plus Gaussian noise
        ($\\sigma = {cfg.noise_std:g}$). The inputs are centred (mean exactly zero), which
        makes $w$ and $b$ move independently. The seed is the chapter's, so the data and
        every number below are the ones behind its figures.
        """),
        code(f"""
        rng = np.random.default_rng({cfg.seed})  # the chapter's seed: same data, same numbers
        x = rng.uniform({py(cfg.x_low)}, {py(cfg.x_high)}, {cfg.n})
        x = x - x.mean()  # centred inputs
        y = {py(cfg.true_w)} * x {plus(cfg.true_b)} + rng.normal(0.0, {py(cfg.noise_std)}, {cfg.n})
        """),
    ]


def start_cell(cfg: LinearConfig):
    return code(f"""
    w, b = {py(cfg.init_w)}, {py(cfg.init_b)}  # a deliberately bad start
    lr = {py(cfg.lr)}  # the learning rate (alpha in the chapter)
    epochs = {cfg.epochs}
    history = []  # (epoch, w, b, loss) before each update
    """)


def plot_cell(xs: str, ys: str):
    """Three panels: loss per epoch, w and b per epoch, the data and the final line."""
    return code(f"""
    epoch, w_path, b_path, loss_path = zip(*history)
    fig, axes = plt.subplot_mosaic([["loss", "params"], ["fit", "fit"]], figsize=(7, 5.6),
                                   layout="constrained")
    ax_loss, ax_params, ax_fit = axes["loss"], axes["params"], axes["fit"]
    ax_loss.plot(epoch, loss_path)
    ax_loss.set(xlabel="epoch", ylabel="training loss (MSE)", yscale="log", title="The loss falls")
    ax_params.plot(epoch, w_path, label="w")
    ax_params.plot(epoch, b_path, label="b")
    ax_params.set(xlabel="epoch", title="The weights move")
    ax_params.legend()
    ax_fit.scatter({xs}, {ys}, s=12, color="0.45", label="data")
    line_x = np.array([{xs}.min(), {xs}.max()])
    ax_fit.plot(line_x, w * line_x + b, color="C1", linewidth=2, label="fitted line")
    ax_fit.set(xlabel="x", ylabel="y", title="The fit")
    ax_fit.legend()
    plt.show()
    """)


def try_it(cfg: LinearConfig):
    """Exercises with learning rates from the chapter's sweep (fractions of the critical rate)."""
    crit = critical_lr(line_data(cfg)[0])
    rate = {label: fraction * crit for label, fraction in cfg.sweep}
    return md(f"""
    ## Try it

    For this data the critical learning rate is {crit:.3f}: above it gradient descent
    diverges. Change `lr` in the start cell and run the cells below it again:

    - `lr = {rate["oscillate"]:.3f}`: each step overshoots the minimum and the path zig-zags in.
    - `lr = {rate["diverge"]:.3f}`: each step overshoots by more than it corrects, and the
      loss explodes (NumPy warns about overflow).
    - `lr = {rate["crawl"]:.4f}`: the loss crawls; 100 epochs are not enough.

    The chapter's [learning-rate figure]({CHAPTER}#gradient-by-hand) shows all three.
    """)


def numpy_notebook(cfg: LinearConfig | None = None):
    cfg = cfg or LinearConfig()
    return notebook(
        "The training loop in NumPy",
        [
            md(f"""
        # The training loop in NumPy

        Gradient descent for a straight line, with both gradients derived by hand — the
        loop from [chapter 01, *From the derivative to code*]({CHAPTER}#derivative-to-code).
        The loop cell below is generated from `precompute/loops.py` (section `numpy-loop`),
        the same file the chapter shows and the site's data comes from.
        """),
            setup_cell("""
        import matplotlib.pyplot as plt
        import numpy as np
        """),
            *data_cells(cfg),
            md("""
        ## The loop

        The model is $\\hat y = wx + b$ and the loss the mean squared error
        $\\mathcal L = \\frac1N\\sum_i (\\hat y_i - y_i)^2$. With $e_i = \\hat y_i - y_i$ the
        chain rule gives $\\partial\\mathcal L/\\partial w = \\frac2N\\sum_i e_i x_i$ and
        $\\partial\\mathcal L/\\partial b = \\frac2N\\sum_i e_i$; each step moves both
        against their gradient.
        """),
            start_cell(cfg),
            from_section("precompute/loops.py", "numpy-loop"),
            code("""
        final_loss = ((w * x + b - y) ** 2).mean()
        print(f"after {epochs} epochs: w = {w:.6f}, b = {b:.6f}, loss = {final_loss:.6f}")
        """),
            md("## What happened"),
            plot_cell("x", "y"),
            try_it(cfg),
        ],
    )


def torch_notebook(cfg: LinearConfig | None = None):
    cfg = cfg or LinearConfig()
    return notebook(
        "The training loop in PyTorch",
        [
            md(f"""
        # The training loop in PyTorch

        The same line, the same data and the same starting point as the NumPy notebook —
        but PyTorch's autograd computes the gradients in `loss.backward()` and
        `torch.optim.SGD` applies the update. See [chapter 01, *From the derivative to
        code*]({CHAPTER}#derivative-to-code). The loop cell is generated from
        `precompute/loops_torch.py` (section `torch-loop`), the code the chapter shows.
        """),
            setup_cell("""
        import matplotlib.pyplot as plt
        import numpy as np
        import torch
        from torch import nn
        """),
            *data_cells(cfg),
            md("""
        PyTorch layers take one row per example and one column per feature. Keep NumPy's
        float64, so that this loop and the NumPy one agree to rounding error.
        """),
            code("""
        x_np, y_np = x, y  # kept for the plot
        x = torch.tensor(x).unsqueeze(1)  # shape (n, 1), float64 like NumPy
        y = torch.tensor(y).unsqueeze(1)
        """),
            md("## The loop"),
            start_cell(cfg),
            from_section("precompute/loops_torch.py", "torch-loop"),
            code("""
        with torch.no_grad():
            final_loss = loss_fn(model(x), y).item()
        w, b = model.weight.item(), model.bias.item()
        print(f"after {epochs} epochs: w = {w:.6f}, b = {b:.6f}, loss = {final_loss:.6f}")
        """),
            md("""
        These are the NumPy notebook's numbers: the same mathematical update, with the
        derivatives computed by autograd instead of by hand.

        ## What happened
        """),
            plot_cell("x_np", "y_np"),
        ],
    )
