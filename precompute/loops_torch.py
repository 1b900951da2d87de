"""The same loops in PyTorch: autograd replaces the hand-derived gradients.

``torch-loop`` (the line) and ``knobs-loop`` (the network, with L2 weight
decay, dropout and early stopping) are shown verbatim in the chapter; the
experiments call these functions, so the page shows the code behind the data.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from precompute.loops import History


def train_torch(
    x: np.ndarray, y: np.ndarray, w: float, b: float, lr: float, epochs: int
) -> History:
    """train_numpy's twin: nn.Linear + nn.MSELoss + torch.optim.SGD, in float64."""
    x = torch.tensor(x).unsqueeze(1)  # float64 like NumPy, so the two loops agree to ~1e-15
    y = torch.tensor(y).unsqueeze(1)
    history = []
    # --8<-- [start:torch-loop]
    model = nn.Linear(1, 1, dtype=torch.float64)  # y_pred = w * x + b
    with torch.no_grad():  # start from the same w and b as the NumPy loop
        model.weight.fill_(w)
        model.bias.fill_(b)
    loss_fn = nn.MSELoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)

    for epoch in range(epochs):
        y_pred = model(x)  # forward pass
        loss = loss_fn(y_pred, y)
        history.append((epoch, model.weight.item(), model.bias.item(), loss.item()))

        optimizer.zero_grad()  # forget the previous step's gradients
        loss.backward()  # autograd computes dL/dw and dL/db
        optimizer.step()  # w -= lr * grad_w, b -= lr * grad_b
    # --8<-- [end:torch-loop]
    with torch.no_grad():
        history.append(
            (epochs, model.weight.item(), model.bias.item(), loss_fn(model(x), y).item())
        )
    return history


def evaluate(model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> float:
    """Mean squared error with dropout off and no gradients recorded."""
    model.eval()
    with torch.no_grad():
        return nn.functional.mse_loss(model(x), y).item()


Log = Callable[[int, nn.Module, float, float], None]  # (epoch, model, train_loss, val_loss)


@dataclass(frozen=True)
class TrainResult:
    best_epoch: int
    best_val_loss: float
    stopped_epoch: int | None  # last trained epoch with early stopping, else None


def train_mlp(
    model: nn.Module,
    data: tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor],
    lr: float,
    lr_final: float,
    epochs: int,
    weight_decay: float = 0.0,
    patience: int | None = None,
    log: Log = lambda *_: None,
) -> TrainResult:
    """Full-batch Adam, its learning rate shrinking from ``lr`` to ``lr_final``.

    ``patience`` turns on early stopping (and restores the best weights). ``log``
    sees the model after every epoch (epoch 0 = before training): that is how the
    figures get their curves and frames.
    """
    x, y, x_val, y_val = data
    loss_fn = nn.MSELoss()
    log(0, model, evaluate(model, x, y), evaluate(model, x_val, y_val))
    # --8<-- [start:knobs-loop]
    # weight_decay adds weight_decay * p to the gradient of every parameter p:
    # L2 weight decay, the gradient of (weight_decay / 2) * sum(p ** 2).
    optimizer = torch.optim.Adam(model.parameters(), lr=lr, weight_decay=weight_decay)
    # The same factor every epoch: lr at the start, lr_final at the end.
    decay = (lr_final / lr) ** (1 / epochs)
    scheduler = torch.optim.lr_scheduler.ExponentialLR(optimizer, gamma=decay)
    best_val_loss, best_epoch, best_state = float("inf"), 0, None

    for epoch in range(1, epochs + 1):
        model.train()  # dropout on: every step trains a randomly thinned network
        loss = loss_fn(model(x), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        scheduler.step()

        train_loss = evaluate(model, x, y)  # dropout off: measure the network we keep
        val_loss = evaluate(model, x_val, y_val)
        log(epoch, model, train_loss, val_loss)

        if val_loss < best_val_loss:  # remember the best weights so far
            best_val_loss, best_epoch = val_loss, epoch
            best_state = copy.deepcopy(model.state_dict())
        elif patience is not None and epoch - best_epoch >= patience:
            break  # early stopping: no new best for `patience` epochs

    if patience is not None:
        model.load_state_dict(best_state)  # keep the best weights, not the last
    # --8<-- [end:knobs-loop]
    return TrainResult(best_epoch, best_val_loss, epoch if patience is not None else None)
