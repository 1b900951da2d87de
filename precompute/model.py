"""The deliberately over-large network, plus helpers that read it (no I/O here).

The ``mlp`` section is shown in the chapter and copied into every checkpoint's
loading snippet, so the class readers rebuild is exactly the one trained here.
"""

# --8<-- [start:mlp]
import torch
from torch import nn


def make_mlp(
    hidden_layers: int = 5, width: int = 128, activation: str = "relu", dropout: float = 0.0
) -> nn.Sequential:
    """1 input -> `hidden_layers` x `width` units -> 1 output."""
    act = {"relu": nn.ReLU, "tanh": nn.Tanh}[activation]
    layers = []
    n_in = 1
    for _ in range(hidden_layers):
        # Dropout(0.0) does nothing, but keeping it means every model has the
        # same layer names, so any checkpoint loads into any dropout setting.
        layers += [nn.Linear(n_in, width), act(), nn.Dropout(dropout)]
        n_in = width
    layers.append(nn.Linear(n_in, 1))
    return nn.Sequential(*layers)


# --8<-- [end:mlp]

import numpy as np  # noqa: E402  (below the section: the snippet needs only torch)


def make_deterministic(threads: int = 1) -> None:
    """Deterministic kernels: reruns on one machine give byte-identical files."""
    torch.set_num_threads(threads)
    torch.use_deterministic_algorithms(True)


def as_column(values: np.ndarray) -> torch.Tensor:
    """A 1-D NumPy array as an (n, 1) float64 tensor: one input feature per row.

    float64, like the network: CPUs round float32 sums differently (AVX-512 or
    not), and 1500 epochs grow that into visible differences; in float64 they stay
    below the 5 digits the data files keep.
    """
    return torch.tensor(values, dtype=torch.float64).unsqueeze(1)


def predict(model: nn.Module, x: np.ndarray | torch.Tensor) -> np.ndarray:
    """Predictions in eval mode (dropout off) as a 1-D float64 array."""
    xs = x if isinstance(x, torch.Tensor) else as_column(x)
    model.eval()
    with torch.no_grad():
        return model(xs).squeeze(1).double().numpy()


def weight_norms(model: nn.Module) -> list[float]:
    """Frobenius norm of each nn.Linear weight matrix (biases left out), input to output."""
    return [
        torch.linalg.matrix_norm(layer.weight).item()
        for layer in model.modules()
        if isinstance(layer, nn.Linear)
    ]
