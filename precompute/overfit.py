"""Experiment 2: a 5 x 128 MLP memorises 20 noisy points.

Writes docs/data/overfit.json: train/val curves every epoch (validation loss
has an interior minimum and then climbs), and predictions on a grid at frames
that are dense where the fit changes fast, for the scrubbable hero figure.
"""

from __future__ import annotations

from precompute import curve
from precompute.config import OverfitConfig
from precompute.context import Context
from precompute.loops_torch import train_mlp
from precompute.record import Recorder, choose_frames
from precompute.writer import Result


def run(cfg: OverfitConfig, ctx: Context) -> Result:
    tracker = ctx.tracker
    tracker.total(cfg.epochs + 1)
    d, tensors = curve.load(cfg)
    model = curve.fresh_model(cfg)
    rec = Recorder(grid=d.x_grid, on_epoch=tracker.advance)
    result = train_mlp(model, tensors, cfg.lr, cfg.lr_final, cfg.epochs, log=rec)

    y_hat = rec.predictions()
    final = rec.epoch[-1]
    frames = choose_frames(y_hat, cfg.n_frames, {0, cfg.early_epoch, result.best_epoch, final})
    data = {
        **curve.columns(d),
        "noise_var": d.noise_var,
        "curves": {"epoch": rec.epoch, "train_loss": rec.train_loss, "val_loss": rec.val_loss},
        "best_epoch": result.best_epoch,
        "best_val_loss": result.best_val_loss,
        "final_val_loss": rec.val_loss[-1],
        "frames": {"epoch": frames, "y_hat": y_hat[frames]},
    }
    return Result(data)


def figures(data: dict) -> dict[str, str]:
    """Key numbers for the summary table, read from the exported data."""
    best, final = data["best_val_loss"], data["final_val_loss"]
    return {
        "best epoch": str(data["best_epoch"]),
        "val loss best → final": f"{best:.4f} → {final:.4f} (×{final / best:.2f})",
        "final train loss / noise var": f"{data['curves']['train_loss'][-1]:.4f} / "
        f"{data['noise_var']:.4f}",
        "frames": str(len(data["frames"]["epoch"])),
    }
