"""Experiment 5: the classic training-loop bugs, each a real run on the chapter's data.

Writes docs/data/bugs.json: the correct loop and four loops that each differ from
it by one line (zero_grad() forgotten, model.eval() forgotten, a target of shape
(N,) against predictions of shape (N, 1), a learning rate ten times too large),
with train and validation loss per epoch, the line that differs, and the numbers
the figure's caption quotes. Same data, network and seed as the overfitting runs.

Its settings live here, not in config.py: every experiment imports config.py, so
an edit there changes all their code hashes and makes every committed file stale.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, replace

import numpy as np
import torch
from torch import nn

from precompute import curve
from precompute.config import Setup
from precompute.context import Context
from precompute.data import CurveData
from precompute.model import as_column
from precompute.writer import Result

BUGS = ("zero_grad", "eval", "broadcast", "lr")


@dataclass(frozen=True)
class BugsConfig(Setup):
    # Long enough for every bug to show itself, short enough that the correct loop
    # (its learning rate decaying to lr_final as in the chapter) has not memorised yet.
    epochs: int = 300
    dropout: float = 0.2  # for model.eval() forgotten, and the correct run it is held against
    lr_factor: float = 10.0
    jump: float = 1.1  # a "jump": training loss above 1.1 x the previous epoch's
    tail: int = 100  # the caption compares means over the last 100 epochs


def settings(profile: str = "full") -> BugsConfig:
    """The settings; ``quick`` is a smoke test that still shows every bug."""
    full = BugsConfig()
    if profile == "full":
        return full
    if profile != "quick":
        raise ValueError(f"unknown profile {profile!r}")
    # The first 60 epochs of the full run, near enough: the rate decays as fast per epoch.
    return replace(full, epochs=60, lr_final=4e-4, tail=20)


def diff(bug: str, cfg: BugsConfig) -> dict:
    """The line of the correct loop (before) and of the buggy one (after; "" if deleted)."""
    adam = "optimizer = torch.optim.Adam(model.parameters(), lr={:g})"
    return {
        "zero_grad": {"before": "optimizer.zero_grad()", "after": ""},
        "eval": {"before": "model.eval()", "after": ""},
        "broadcast": {
            "before": "y = torch.tensor(y_train).unsqueeze(1)  # shape (N, 1)",
            "after": "y = torch.tensor(y_train)  # shape (N,)",
        },
        "lr": {"before": adam.format(cfg.lr), "after": adam.format(cfg.lr * cfg.lr_factor)},
    }[bug]


def train(cfg: BugsConfig, d: CurveData, bug: str | None, dropout: float) -> tuple[dict, list]:
    """The chapter's loop (full-batch Adam, decaying learning rate), with one line
    changed by ``bug``. Returns the losses the loop measures after every epoch
    (epoch 0 = before training) and the warnings PyTorch raised."""
    model = curve.fresh_model(cfg, dropout)
    x, x_val, y_val = as_column(d.x_train), as_column(d.x_val), as_column(d.y_val)
    y = torch.tensor(d.y_train).unsqueeze(1)  # shape (N, 1)
    if bug == "broadcast":
        y = torch.tensor(d.y_train)  # shape (N,)
    lr = cfg.lr * cfg.lr_factor if bug == "lr" else cfg.lr
    loss_fn = nn.MSELoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    decay = (cfg.lr_final / cfg.lr) ** (1 / cfg.epochs)
    scheduler = torch.optim.lr_scheduler.ExponentialLR(optimizer, gamma=decay)

    def measure() -> tuple[float, float]:
        if bug != "eval":
            model.eval()  # dropout off: measure the network we keep
        with torch.no_grad():
            return loss_fn(model(x), y).item(), loss_fn(model(x_val), y_val).item()

    curves = {"epoch": [], "train_loss": [], "val_loss": []}

    def record(epoch: int) -> None:
        train_loss, val_loss = measure()
        curves["epoch"].append(epoch)
        curves["train_loss"].append(train_loss)
        curves["val_loss"].append(val_loss)

    # Recorded, not printed: the broadcast bug's warning is part of what the figure reports.
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        record(0)
        for epoch in range(1, cfg.epochs + 1):
            model.train()  # dropout on while training
            loss = loss_fn(model(x), y)
            if bug != "zero_grad":
                optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            scheduler.step()
            record(epoch)
    return curves, [str(w.message) for w in caught]


def summary(curves: dict, cfg: BugsConfig) -> dict:
    train, val = np.array(curves["train_loss"]), np.array(curves["val_loss"])
    peak = 1 + int(np.argmax(train[1:]))
    best = int(np.argmin(val))
    return {
        "final_train_loss": train[-1],
        "final_val_loss": val[-1],
        "best_val_loss": val[best],
        "best_epoch": best,
        "peak_train_loss": train[peak],
        "peak_epoch": peak,
        "jumps": int(np.sum(train[1:] > cfg.jump * train[:-1])),
        "tail_train_loss": train[-cfg.tail :].mean(),
        "tail_val_loss": val[-cfg.tail :].mean(),
    }


def one_run(cfg: BugsConfig, d: CurveData, run_id: str, bug: str | None, dropout: float) -> dict:
    curves, caught = train(cfg, d, bug, dropout)
    unique = list(dict.fromkeys(caught))
    return {
        "id": run_id,
        "bug": bug,
        "reference": None if bug is None else ("correct_dropout" if bug == "eval" else "correct"),
        "dropout": dropout,
        "lr": cfg.lr * cfg.lr_factor if bug == "lr" else cfg.lr,
        "diff": None if bug is None else diff(bug, cfg),
        "warning": unique[0] if unique else None,
        "warnings": len(caught),
        **curves,
        "summary": summary(curves, cfg),
    }


def run(cfg: BugsConfig, ctx: Context) -> Result:
    plan = [("correct", None, 0.0), ("correct_dropout", None, cfg.dropout)] + [
        (bug, bug, cfg.dropout if bug == "eval" else 0.0) for bug in BUGS
    ]
    ctx.tracker.total(len(plan))
    d, _ = curve.load(cfg)
    runs = []
    for run_id, bug, dropout in plan:
        runs.append(one_run(cfg, d, run_id, bug, dropout))
        ctx.tracker.advance()
    data = {
        "bugs": list(BUGS),
        "n_train": len(d.y_train),
        "var_y_train": float(np.var(d.y_train)),  # the loss of predicting the mean of y
        "runs": runs,
    }
    return Result(data)


def figures(data: dict) -> dict[str, str]:
    """Key numbers for the summary table, read from the exported data."""
    runs = {r["id"]: r for r in data["runs"]}
    return {
        rid: f"train {r['summary']['final_train_loss']:.3g}, val {r['summary']['final_val_loss']:.3g}"
        f", {r['summary']['jumps']} jumps"
        for rid, r in runs.items()
    }
