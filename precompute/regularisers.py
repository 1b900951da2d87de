"""Experiment 3: early stopping x L2 weight decay x dropout on the overfit setup.

Writes docs/data/regularisers.json: every combination of the three knobs (the
baseline has all of them off), with curves, the kept model's predictions,
weight norms and a summary per run (train, validation and test loss of the
model the run keeps), plus the find-the-function comparison: the long
regularised run that validation picks, against the baseline, epoch by epoch.
"""

from __future__ import annotations

import itertools
import multiprocessing
from concurrent.futures import ProcessPoolExecutor

import numpy as np

from precompute import curve
from precompute.config import RegularisersConfig
from precompute.context import Context, Tracker
from precompute.data import CurveData
from precompute.loops_torch import evaluate, train_mlp
from precompute.model import make_deterministic, predict, weight_norms
from precompute.record import Recorder, choose_frames
from precompute.writer import Result

Knobs = tuple[bool, float, float]  # early_stopping, weight_decay, dropout


def run_id(early_stopping: bool, weight_decay: float, dropout: float) -> str:
    return f"es-{'on' if early_stopping else 'off'}_wd-{weight_decay:g}_dropout-{dropout:g}"


def is_baseline(knobs: Knobs) -> bool:
    return knobs == (False, 0.0, 0.0)


def function_error(y_hat: np.ndarray, d: CurveData) -> float:
    """Mean squared distance to the true function on the grid: no noise in it."""
    return float(((y_hat - d.y_true) ** 2).mean())


def train_run(cfg: RegularisersConfig, knobs: Knobs, tracker: Tracker, frames: bool = False):
    """Train one combination of knobs; returns (run dict, recorder).

    The baseline records its weight norms every epoch, so that every other run
    can be compared with it at the same epoch (the norms grow with training).
    """
    early_stopping, weight_decay, dropout = knobs
    d, tensors = curve.load(cfg)
    model = curve.fresh_model(cfg, dropout)
    norms_every = 1 if is_baseline(knobs) else cfg.norms_every
    rec = Recorder(d.x_grid if frames else None, norms_every, on_epoch=tracker.advance)
    patience = cfg.patience if early_stopping else None
    result = train_mlp(
        model, tensors, cfg.lr, cfg.lr_final, cfg.epochs, weight_decay, patience, log=rec
    )
    tracker.advance(cfg.epochs + 1 - len(rec.epoch))  # epochs early stopping skipped

    # The model the run keeps: the restored best weights with early stopping.
    kept = result.best_epoch if early_stopping else rec.epoch[-1]
    x, y, x_val, y_val = tensors
    y_hat = predict(model, d.x_grid)
    norm_epoch, norms = list(rec.norm_epoch), list(rec.norms)
    if kept not in norm_epoch:
        i = int(np.searchsorted(norm_epoch, kept))
        norm_epoch.insert(i, kept)
        norms.insert(i, weight_norms(model))
    last = rec.epoch[-1]
    shown = [i for i, e in enumerate(rec.epoch) if e % cfg.log_every == 0 or e == last]
    run = {
        "id": run_id(*knobs),
        "early_stopping": early_stopping,
        "weight_decay": weight_decay,
        "dropout": dropout,
        "epoch": [rec.epoch[i] for i in shown],
        "train_loss": [rec.train_loss[i] for i in shown],
        "val_loss": [rec.val_loss[i] for i in shown],
        "y_hat": y_hat,
        "weight_norms": {"epoch": norm_epoch, "layers": norms},
        "summary": {
            "kept_epoch": kept,
            "train_loss": evaluate(model, x, y),
            "val_loss": evaluate(model, x_val, y_val),
            "test_loss": evaluate(model, *curve.held_out(d)),
            "function_error": function_error(y_hat, d),
            "best_epoch": result.best_epoch,
            "best_val_loss": result.best_val_loss,
            "stopped_epoch": result.stopped_epoch,
        },
    }
    return run, rec


def _train_in_worker(cfg: RegularisersConfig, knobs: Knobs, frames: bool) -> tuple:
    """One run in a worker process (no progress bar there; the parent counts runs)."""
    run, rec = train_run(cfg, knobs, Tracker(), frames)
    return run, (rec.predictions() if frames else None)


def train_all(cfg, jobs: list[tuple[Knobs, bool]], ctx: Context) -> list[tuple]:
    """Each (knobs, frames) job, in order; ``ctx.jobs`` processes in parallel."""
    if ctx.jobs <= 1:
        out = []
        for knobs, frames in jobs:
            run, rec = train_run(cfg, knobs, ctx.tracker, frames)
            out.append((run, rec.predictions() if frames else None))
        return out
    # spawn, not fork: forking a process that already runs torch can deadlock.
    spawn = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(
        ctx.jobs, mp_context=spawn, initializer=make_deterministic, initargs=(ctx.threads,)
    ) as pool:
        futures = [pool.submit(_train_in_worker, cfg, knobs, frames) for knobs, frames in jobs]
        out = []
        for future in futures:
            out.append(future.result())
            ctx.tracker.advance(cfg.epochs + 1)
        return out


def thin_baseline_norms(base: dict, runs: list[dict], every: int) -> None:
    """Keep the baseline's norms only where a figure compares them with another run."""
    wanted = {r["summary"]["kept_epoch"] for r in runs} | set(
        range(0, base["epoch"][-1] + 1, every)
    )
    norms = base["weight_norms"]
    keep = [i for i, e in enumerate(norms["epoch"]) if e in wanted]
    base["weight_norms"] = {
        "epoch": [norms["epoch"][i] for i in keep],
        "layers": [norms["layers"][i] for i in keep],
    }


def find_the_function(cfg, d: CurveData, runs: list[dict], base: dict, ctx: Context) -> dict:
    """The long regularised run validation picks, against the baseline, epoch by epoch.

    Both are trained again recording every epoch's prediction; the retrained runs
    must equal the grid's (a free determinism check).
    """
    long_runs = [r for r in runs if not r["early_stopping"] and r["id"] != base["id"]]
    pick = min(long_runs, key=lambda r: r["summary"]["val_loss"])
    knobs = [(r["early_stopping"], r["weight_decay"], r["dropout"]) for r in (pick, base)]
    (again, y_hat), (base_again, base_y_hat) = train_all(cfg, [(k, True) for k in knobs], ctx)
    for old, new in ((pick, again), (base, base_again)):
        if old["summary"] != new["summary"]:
            raise RuntimeError(f"re-training {old['id']} gave a different result")
    last = len(y_hat) - 1
    epochs = choose_frames(y_hat, cfg.n_converge_frames, {0, base["summary"]["best_epoch"], last})
    return {
        "run_id": pick["id"],
        "baseline_id": base["id"],
        "epoch": epochs,
        "y_hat": y_hat[epochs],
        "baseline_y_hat": base_y_hat[epochs],
        "error": [function_error(y_hat[e], d) for e in epochs],
        "baseline_error": [function_error(base_y_hat[e], d) for e in epochs],
    }


def run(cfg: RegularisersConfig, ctx: Context) -> Result:
    grid = list(itertools.product(cfg.early_stopping, cfg.weight_decay, cfg.dropout))
    ctx.tracker.total((len(grid) + 2) * (cfg.epochs + 1))
    d, _ = curve.load(cfg)
    runs = [r for r, _ in train_all(cfg, [(knobs, False) for knobs in grid], ctx)]
    base = next(r for r in runs if r["id"] == run_id(False, 0.0, 0.0))
    converge = find_the_function(cfg, d, runs, base, ctx)
    thin_baseline_norms(base, runs, cfg.norms_every)
    # Settings are picked on validation loss, never on test loss.
    best = min(runs, key=lambda r: r["summary"]["val_loss"])
    data = {
        "knobs": {
            "early_stopping": cfg.early_stopping,
            "weight_decay": cfg.weight_decay,
            "dropout": cfg.dropout,
        },
        "patience": cfg.patience,
        "baseline_id": base["id"],
        "best_id": best["id"],
        **curve.columns(d),
        "test": {"x": d.x_test, "y": d.y_test},
        "runs": runs,
        "converge": converge,
    }
    return Result(data)


def figures(data: dict) -> dict[str, str]:
    """Key numbers for the summary table, read from the exported data."""
    test = {r["id"]: r["summary"]["test_loss"] for r in data["runs"]}
    base, best = data["baseline_id"], data["best_id"]
    return {
        "runs": str(len(test)),
        "test loss: baseline → picked by validation": f"{test[base]:.4f} → {test[best]:.4f}",
        "picked by validation": best,
        "find the function": data["converge"]["run_id"],
    }
