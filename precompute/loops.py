"""Gradient descent for a line, with the gradients derived by hand (NumPy only).

The chapter shows the ``numpy-loop`` section verbatim, and precompute/linear.py
calls this very function, so the code on the page is the code behind the data.
"""

from __future__ import annotations

import numpy as np

History = list[tuple[int, float, float, float]]  # (epoch, w, b, train_loss)


def train_numpy(
    x: np.ndarray, y: np.ndarray, w: float, b: float, lr: float, epochs: int
) -> History:
    """Fit y ≈ w * x + b by gradient descent on the mean squared error.

    Entry t of the history holds w and b after t updates and their loss,
    so entry 0 is the starting point and there are epochs + 1 entries.
    """
    history = []
    # --8<-- [start:numpy-loop]
    for epoch in range(epochs):
        y_pred = w * x + b  # forward pass: the model's guesses
        error = y_pred - y
        loss = (error**2).mean()  # mean squared error
        history.append((epoch, w, b, loss))

        grad_w = 2 * (error * x).mean()  # dL/dw, derived by hand
        grad_b = 2 * error.mean()  # dL/db
        w -= lr * grad_w  # step against the gradient
        b -= lr * grad_b
    # --8<-- [end:numpy-loop]
    history.append((epochs, w, b, ((w * x + b - y) ** 2).mean()))
    return [(e, float(w_), float(b_), float(loss_)) for e, w_, b_, loss_ in history]
