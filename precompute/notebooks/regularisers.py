"""Notebook 3: the over-large network memorises, and three knobs that stop it.

Four runs of the chapter's grid (``precompute/regularisers.py``): the same data,
network, seed, optimiser and epochs. Training is deterministic and float64, so
every printed loss equals the matching run's summary in docs/data/regularisers.json
(to the digits the file keeps), on any CPU.
"""

from __future__ import annotations

from precompute.config import RegularisersConfig

from .cells import code, from_section, md, notebook, py
from .linear import CHAPTER, setup_cell

WEIGHT_DECAY = 1e-2  # the smallest L2 in the grid that helps on its own
DROPOUT = 0.2
FUNCTIONS = {"sin(2.5x)": "np.sin(2.5 * x)"}  # data.TRUE_FUNCTIONS as NumPy source

TRAIN_PREFIX = '''def train(model, lr, lr_final, epochs, weight_decay=0.0, patience=None):
    """The chapter's loop with its three knobs; returns the curves and the best epoch."""
    loss_fn = nn.MSELoss()
    curves = {"epoch": [], "train_loss": [], "val_loss": []}

    def log(epoch, model, train_loss, val_loss):
        for key, value in zip(curves, (epoch, train_loss, val_loss)):
            curves[key].append(value)

    log(0, model, evaluate(model, x, y), evaluate(model, x_val, y_val))
'''
TRAIN_SUFFIX = "\n    return curves, best_epoch, best_val_loss"


def runs(cfg: RegularisersConfig) -> dict[str, tuple]:
    """name: (dropout, weight_decay, patience); each is a run of the chapter's grid."""
    if DROPOUT not in cfg.dropout or WEIGHT_DECAY not in cfg.weight_decay:
        raise ValueError(f"dropout {DROPOUT} or weight decay {WEIGHT_DECAY} not in the grid")
    return {
        "baseline": (0.0, 0.0, None),
        "early stopping": (0.0, 0.0, cfg.patience),
        f"weight decay {WEIGHT_DECAY:g}": (0.0, WEIGHT_DECAY, None),
        f"dropout {DROPOUT:g}": (DROPOUT, 0.0, None),
    }


def data_cell(cfg: RegularisersConfig):
    return code(f"""
    rng = np.random.default_rng({cfg.seed})  # the chapter's seed: same data, same numbers


    def true_function(x):
        return {FUNCTIONS[cfg.function]}


    def sample(n):
        x = np.sort(rng.uniform({py(cfg.x_low)}, {py(cfg.x_high)}, n))
        return x, true_function(x) + rng.normal(0.0, {py(cfg.noise_std)}, n)


    x_np, y_np = sample({cfg.n_train})  # the training points
    x_val_np, y_val_np = sample({cfg.n_val})  # held out: picks the epoch (early stopping)
    x_test_np, y_test_np = sample({cfg.n_test})  # held out: only reports the result
    x_grid = np.linspace({py(cfg.x_low)}, {py(cfg.x_high)}, {cfg.n_grid})
    noise_var = {py(cfg.noise_std)} ** 2  # the loss of a perfect model, on average


    def as_column(values):
        \"\"\"One example per row, one feature per column, float64 like the network.\"\"\"
        return torch.tensor(values, dtype=torch.float64).unsqueeze(1)


    data = (x_np, y_np, x_val_np, y_val_np, x_test_np, y_test_np)
    x, y, x_val, y_val, x_test, y_test = (as_column(a) for a in data)
    """)


def runs_cell(cfg: RegularisersConfig):
    lines = "\n".join(f"    {name!r}: {settings!r}," for name, settings in runs(cfg).items())
    source = f"""lr, lr_final, epochs = {py(cfg.lr)}, {py(cfg.lr_final)}, {cfg.epochs}
runs = {{  # name: (dropout, weight_decay, patience)
{lines}
}}
results = {{}}
for name, (dropout, weight_decay, patience) in runs.items():
    torch.manual_seed({cfg.seed})  # the same initial weights for every run: only the knobs differ
    model = make_mlp({cfg.hidden_layers}, {cfg.width}, {cfg.activation!r}, dropout).double()
    curves, best_epoch, best_val_loss = train(model, lr, lr_final, epochs, weight_decay, patience)
    results[name] = {{
        "model": model,  # with early stopping: the restored best weights
        "curves": curves,
        "kept_epoch": best_epoch if patience else epochs,
        "train": evaluate(model, x, y),
        "val": evaluate(model, x_val, y_val),
        "test": evaluate(model, x_test, y_test),
    }}"""
    return code(source)


SUMMARY = """
print("The model each run keeps (early stopping: its best epoch's weights)")
print(f"{'run':<20} {'kept epoch':>10} {'train':>8} {'val':>8} {'test':>8}")
for name, r in results.items():
    print(
        f"{name:<20} {r['kept_epoch']:>10} {r['train']:>8.5f} {r['val']:>8.5f} {r['test']:>8.5f}"
    )
"""

PLOT = """
fig, (ax_curves, ax_fit) = plt.subplots(2, 1, figsize=(7, 7.5), layout="constrained")
for i, (name, r) in enumerate(results.items()):
    colour = f"C{i}"
    c = r["curves"]
    ax_curves.plot(c["epoch"], c["val_loss"], color=colour, label=f"{name} (validation)")
    ax_curves.plot(c["epoch"], c["train_loss"], color=colour, linestyle=":", linewidth=1)
    ax_fit.plot(x_grid, predict(r["model"], x_grid), color=colour, label=name)
ax_curves.axhline(noise_var, color="0.4", linestyle="--", linewidth=1, label="noise variance")
ax_curves.set(xlabel="epoch", ylabel="MSE (dotted: training)", yscale="log",
              title="Validation loss turns; regularisers hold it down")
ax_curves.legend(fontsize=8, loc="lower left", ncols=2)
ax_fit.plot(x_grid, true_function(x_grid), color="black", linestyle="--", label="true function")
ax_fit.scatter(x_np, y_np, s=14, color="0.3", zorder=3, label="training points")
ax_fit.set(xlabel="x", ylabel="y", title="Predictions after training")
ax_fit.legend(fontsize=8, loc="lower right")
plt.show()
"""


def regularisers_notebook(cfg: RegularisersConfig | None = None):
    cfg = cfg or RegularisersConfig()
    setup = setup_cell("""
        import copy

        import matplotlib.pyplot as plt
        import numpy as np
        import torch
        from torch import nn

        torch.use_deterministic_algorithms(True)  # the chapter's numbers, run after run
        """)
    return notebook(
        "Overfitting, and three knobs that fix it",
        [
            md(f"""
        # Overfitting, and three knobs that fix it

        A deliberately over-large network ({cfg.hidden_layers} hidden layers of {cfg.width})
        learns {cfg.n_train} noisy points, first the function and then the noise; early
        stopping, L2 weight decay and dropout each hold it back. These are four runs of
        the experiment behind [chapter 01]({CHAPTER}#three-knobs): the same data, network,
        seed, optimiser and {cfg.epochs} epochs, so the numbers printed here are the
        chapter's. It runs in about a minute on a laptop.

        The cells marked *from precompute/* are generated from the files the chapter
        shows: `precompute/model.py` (section `mlp`) and `precompute/loops_torch.py`
        (section `knobs-loop`).
        """),
            setup,
            md(f"""
        ## The data

        {cfg.n_train} training points, {cfg.n_val} validation points and {cfg.n_test} test
        points from $y = \\sin(2.5x)$ plus Gaussian noise ($\\sigma = {cfg.noise_std:g}$, so
        the noise variance is {cfg.noise_std**2:.2f}: a model that has learned the function,
        and not the noise, has a validation and test loss near that). Validation points
        choose the epoch early stopping keeps; test points are only read at the end, to
        report how good the kept model is on data nothing was chosen by.
        """),
            data_cell(cfg),
            md("## The network *(from precompute/model.py)*"),
            from_section("precompute/model.py", "mlp"),
            code("""
        def evaluate(model, x, y):
            \"\"\"Mean squared error with dropout off and no gradients recorded.\"\"\"
            model.eval()
            with torch.no_grad():
                return nn.functional.mse_loss(model(x), y).item()


        def predict(model, x_values):
            \"\"\"Predictions (dropout off) for a 1-D NumPy array of inputs.\"\"\"
            model.eval()
            with torch.no_grad():
                return model(as_column(x_values)).squeeze(1).numpy()


        print(sum(p.numel() for p in make_mlp().parameters()), "weights for", len(x_np), "points")
        """),
            md("""
        ## The training loop *(from precompute/loops_torch.py)*

        Full-batch Adam, in float64: Adam keeps a running average of each weight's
        gradient (momentum) and of its square, and divides the first by the square root
        of the second, so every weight moves at a similar pace whatever its gradient's
        scale. The learning rate shrinks by the same factor every epoch, from `lr` to
        `lr_final`, so the training loss falls smoothly to the end. `weight_decay` adds
        `weight_decay * p` to every parameter's gradient (L2 weight decay); `patience` turns
        on early stopping, which keeps the weights from the epoch with the lowest
        validation loss.
        Dropout lives in the network (`make_mlp(..., dropout)`). The loop is the
        chapter's, wrapped in a function so that each run can call it.
        """),
            from_section(
                "precompute/loops_torch.py",
                "knobs-loop",
                indent=4,
                prefix=TRAIN_PREFIX,
                suffix=TRAIN_SUFFIX,
            ),
            md(f"## Four runs, {cfg.epochs} epochs each"),
            runs_cell(cfg),
            code(SUMMARY),
            md("""
        The baseline keeps its last epoch: its training loss is far below the noise
        variance, and its validation and test loss are more than twice that variance: it
        has memorised the noise. Early stopping keeps an early epoch instead; weight decay
        and dropout train to the end and still score a lower test loss than the
        baseline. These are four rows of the chapter's grid: the same numbers appear in
        its section on the three knobs.
        """),
            code(PLOT),
        ],
    )
