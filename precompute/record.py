"""What a training run leaves behind for the figures: curves, frames, weight norms."""

from __future__ import annotations

import numpy as np
from torch import nn

from precompute.model import as_column, predict, weight_norms


class Recorder:
    """A ``log`` callback for loops_torch.train_mlp.

    Losses every epoch; grid predictions every epoch if ``grid`` is given (frames
    are picked afterwards, once we know where the fit changed); weight norms
    every ``norms_every`` epochs if set.
    """

    def __init__(
        self,
        grid: np.ndarray | None = None,
        norms_every: int | None = None,
        on_epoch=None,
    ) -> None:
        self.grid = None if grid is None else as_column(grid)
        self.norms_every = norms_every
        self.on_epoch = on_epoch  # e.g. advance a progress bar
        self.epoch: list[int] = []
        self.train_loss: list[float] = []
        self.val_loss: list[float] = []
        self.y_hat: list[np.ndarray] = []
        self.norm_epoch: list[int] = []
        self.norms: list[list[float]] = []

    def __call__(self, epoch: int, model: nn.Module, train_loss: float, val_loss: float) -> None:
        self.epoch.append(epoch)
        self.train_loss.append(train_loss)
        self.val_loss.append(val_loss)
        if self.grid is not None:
            self.y_hat.append(predict(model, self.grid))
        if self.norms_every and epoch % self.norms_every == 0:
            self.norm_epoch.append(epoch)
            self.norms.append(weight_norms(model))
        if self.on_epoch is not None:
            self.on_epoch()

    def predictions(self) -> np.ndarray:
        """(epochs + 1, grid points): row e is the prediction after epoch e."""
        return np.stack(self.y_hat)


def choose_frames(y_hat: np.ndarray, n: int, include: set[int]) -> list[int]:
    """Epochs to show as animation frames, dense where the prediction changes fast.

    Half are evenly spaced in "distance travelled" by the prediction (RMS change
    summed over epochs), half log-spaced in epoch (so the slow memorising phase
    still gets frames); ``include`` is always kept. Duplicates merge.
    """
    last = len(y_hat) - 1
    if last < n:  # a short run: every epoch is a frame
        return list(range(last + 1))
    step = np.sqrt((np.diff(y_hat, axis=0) ** 2).mean(axis=1))
    travelled = np.concatenate([[0.0], np.cumsum(step)])
    by_change = np.searchsorted(travelled, np.linspace(0.0, travelled[-1], n // 2))
    by_epoch = np.round(np.geomspace(1, last, n - n // 2)).astype(int)
    chosen = {int(e) for e in by_change} | {int(e) for e in by_epoch} | set(include)
    return sorted(e for e in chosen if 0 <= e <= last)
