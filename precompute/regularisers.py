"""Experiment 3: early stopping x L2 weight decay x dropout on the overfit setup.

Writes docs/data/regularisers.json: every combination of the three knobs (the
baseline has all of them off), with curves, final predictions, weight norms and
a summary per run, plus frames of the best run converging on the true function.
"""

from __future__ import annotations

import itertools
import multiprocessing
from concurrent.futures import ProcessPoolExecutor, as_completed

import numpy as np

from precompute import curve
from precompute.config import RegularisersConfig
from precompute.context import Context, Tracker
from precompute.data import CurveData
from precompute.loops_torch import evaluate, train_mlp
from precompute.model import make_deterministic, predict
from precompute.record import Recorder, choose_frames
from precompute.writer import Result


def run_id(early_stopping: bool, weight_decay: float, dropout: float) -> str:
    return f"es-{'on' if early_stopping else 'off'}_wd-{weight_decay:g}_dropout-{dropout:g}"


def train_run(cfg, d: CurveData, tensors, knobs: tuple, tracker: Tracker, frames: bool = False):
    """Train one combination of knobs; returns (run dict, recorder)."""
    early_stopping, weight_decay, dropout = knobs
    model = curve.fresh_model(cfg, dropout)
    rec = Recorder(d.x_grid if frames else None, cfg.norms_every, on_epoch=tracker.advance)
    patience = cfg.patience if early_stopping else None
    result = train_mlp(model, tensors, cfg.lr, cfg.epochs, weight_decay, patience, log=rec)
    tracker.advance(cfg.epochs + 1 - len(rec.epoch))  # epochs early stopping skipped

    x, y, x_val, y_val = tensors
    final_train, final_val = evaluate(model, x, y), evaluate(model, x_val, y_val)
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
        "y_hat": predict(model, d.x_grid),  # with early stopping: the restored best model
        "weight_norms": {"epoch": rec.norm_epoch, "layers": rec.norms},
        "summary": {
            "best_val_loss": result.best_val_loss,
            "best_epoch": result.best_epoch,
            "final_val_loss": final_val,
            "final_train_loss": final_train,
            "train_val_gap": final_val - final_train,
            "stopped_epoch": result.stopped_epoch,
        },
    }
    return run, rec


def converge(cfg, d: CurveData, tensors, best: dict, tracker: Tracker) -> dict:
    """Re-train the best run recording every epoch, then keep frames up to the kept model."""
    knobs = (best["early_stopping"], best["weight_decay"], best["dropout"])
    again, rec = train_run(cfg, d, tensors, knobs, tracker, frames=True)
    if again["summary"] != best["summary"]:  # cheap determinism check, for free
        raise RuntimeError(f"re-training {best['id']} gave a different result")
    kept = best["summary"]["best_epoch"] if best["early_stopping"] else rec.epoch[-1]
    y_hat = rec.predictions()[: kept + 1]
    epochs = choose_frames(y_hat, cfg.n_converge_frames, {0, kept})
    error = ((y_hat[epochs] - d.y_true) ** 2).mean(axis=1)
    return {"run_id": best["id"], "epoch": epochs, "y_hat": y_hat[epochs], "error": error}


def _train_in_worker(cfg: RegularisersConfig, knobs: tuple) -> dict:
    """One run in a worker process (no progress bar there; the parent counts runs)."""
    d, tensors = curve.load(cfg)
    return train_run(cfg, d, tensors, knobs, Tracker())[0]


def train_grid(cfg: RegularisersConfig, d: CurveData, tensors, ctx: Context) -> list[dict]:
    """Every combination of knobs, in grid order; ``ctx.jobs`` processes in parallel."""
    grid = list(itertools.product(cfg.early_stopping, cfg.weight_decay, cfg.dropout))
    if ctx.jobs <= 1:
        return [train_run(cfg, d, tensors, knobs, ctx.tracker)[0] for knobs in grid]
    # spawn, not fork: forking a process that already runs torch can deadlock.
    spawn = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(ctx.jobs, mp_context=spawn, initializer=make_deterministic) as pool:
        futures = [pool.submit(_train_in_worker, cfg, knobs) for knobs in grid]
        for _ in as_completed(futures):
            ctx.tracker.advance(cfg.epochs + 1)
        return [f.result() for f in futures]


def run(cfg: RegularisersConfig, ctx: Context) -> Result:
    n_runs = len(cfg.early_stopping) * len(cfg.weight_decay) * len(cfg.dropout)
    ctx.tracker.total((n_runs + 1) * (cfg.epochs + 1))
    d, tensors = curve.load(cfg)
    runs = train_grid(cfg, d, tensors, ctx)

    baseline_id = run_id(False, 0.0, 0.0)
    best = min(runs, key=lambda r: r["summary"]["final_val_loss"])
    data = {
        "knobs": {
            "early_stopping": cfg.early_stopping,
            "weight_decay": cfg.weight_decay,
            "dropout": cfg.dropout,
        },
        "patience": cfg.patience,
        "baseline_id": baseline_id,
        "best_id": best["id"],
        **curve.columns(d),
        "runs": runs,
        "converge": converge(cfg, d, tensors, best, ctx.tracker),
    }
    return Result(data)


def figures(data: dict) -> dict[str, str]:
    """Key numbers for the summary table, read from the exported data."""
    final = {r["id"]: r["summary"]["final_val_loss"] for r in data["runs"]}
    base, best = data["baseline_id"], data["best_id"]
    out = {
        "runs": str(len(final)),
        "final val loss: baseline → best": f"{final[base]:.4f} → {final[best]:.4f}",
        "best run": best,
    }
    stops = [r["summary"]["stopped_epoch"] for r in data["runs"] if r["early_stopping"]]
    if stops:
        out["median early stop"] = f"epoch {int(np.median(stops))}"
    return out
