"""Every run setting, as typed frozen dataclasses with defaults in code.

The dataclass (seed included) is written into each JSON file's ``config`` and
hashed for the cache, so a changed setting can never hide behind old data.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

EARLY_EPOCH = 50  # an early snapshot: a frame in overfit.json and a downloadable checkpoint


@dataclass(frozen=True)
class LinearConfig:
    seed: int = 0
    n: int = 50
    x_low: float = -2.0
    x_high: float = 2.0  # U(-2, 2) has mean(x^2) = 4/3 > 1, so the slope sets critical_lr
    true_w: float = 2.5
    true_b: float = -0.7
    noise_std: float = 0.5
    init_w: float = -1.5  # far from the optimum on purpose: the path is worth watching
    init_b: float = 1.0
    lr: float = 0.05
    epochs: int = 100
    # learning rates as fractions of critical_lr: the step factor |1 - lr * curvature|
    # is monotone below 1/2, oscillates between 1/2 and 1, and diverges above 1.
    sweep: tuple[tuple[str, float], ...] = (
        ("crawl", 0.02),
        ("good", 0.45),
        ("oscillate", 0.9),
        ("diverge", 1.08),
    )
    divergence_factor: float = 1e6  # stop a run once its loss exceeds this times its start
    # 8 digits, not 5: the NumPy and torch trajectories must still agree to 1e-5 after
    # rounding, and values near 25 only keep 1e-4 at 5 significant digits.
    sig_digits: int = 8


@dataclass(frozen=True)
class Setup:
    """Data, network and optimiser shared by overfit, regularisers and weights."""

    seed: int = 1
    function: str = "sin(2.5x)"  # the true function, see data.TRUE_FUNCTIONS
    n_train: int = 20  # few points, so 66k weights can memorise every one of them
    n_val: int = 100  # early stopping and picking settings look at these
    n_test: int = 500  # only to report how good the chosen model is: nothing is tuned on it
    noise_std: float = 0.3
    x_low: float = -1.0
    x_high: float = 1.0
    n_grid: int = 161
    hidden_layers: int = 5
    width: int = 128
    activation: str = "relu"
    optimizer: str = "Adam, full batch, float64"
    lr: float = 1e-3
    # The learning rate shrinks by the same factor every epoch, down to lr_final: at a
    # constant 1e-3, full-batch Adam near zero loss takes steps that throw the training
    # loss up tenfold, and a run that jumps about also differs from one CPU to the next.
    lr_final: float = 1e-5
    epochs: int = 1500  # long enough to memorise: train loss ends well below the noise variance
    sig_digits: int = 5


@dataclass(frozen=True)
class OverfitConfig(Setup):
    n_frames: int = 160  # target; duplicates merge, so the file holds a few less
    early_epoch: int = EARLY_EPOCH


@dataclass(frozen=True)
class RegularisersConfig(Setup):
    early_stopping: tuple[bool, ...] = (False, True)
    # From too weak to too strong, so the page can show both ends honestly.
    weight_decay: tuple[float, ...] = (0.0, 1e-3, 1e-2, 3e-2, 1e-1)
    dropout: tuple[float, ...] = (0.0, 0.1, 0.2, 0.3)
    l2: str = (
        "torch.optim.Adam(weight_decay=wd) adds wd * p to the gradient of every parameter p "
        "(weights and biases), the gradient of the penalty (wd / 2) * sum(p^2) (coupled L2, "
        "not AdamW)"
    )
    patience: int = 100
    log_every: int = 5  # curves every 5 epochs keep 40 runs small
    norms_every: int = 50
    n_converge_frames: int = 100


@dataclass(frozen=True)
class WeightsConfig(Setup):
    early_epoch: int = EARLY_EPOCH


Config = LinearConfig | OverfitConfig | RegularisersConfig | WeightsConfig
# Well past the validation minimum, so --quick shows overfitting too; the learning
# rate decays less in a run this short, or it would stop before memorising.
QUICK = {"epochs": 400, "lr_final": 3e-4}


def configs(profile: str = "full") -> dict[str, Config]:
    """The settings per experiment; ``quick`` is a tiny smoke-test version."""
    full = {
        "linear": LinearConfig(),
        "overfit": OverfitConfig(),
        "regularisers": RegularisersConfig(),
        "weights": WeightsConfig(),
    }
    if profile == "full":
        return full
    if profile != "quick":
        raise ValueError(f"unknown profile {profile!r}")
    return {
        "linear": full["linear"],  # already takes milliseconds
        "overfit": replace(full["overfit"], **QUICK, n_frames=40),
        "regularisers": replace(
            full["regularisers"],
            **QUICK,
            weight_decay=(0.0, 3e-2),
            dropout=(0.0, 0.2),
            n_converge_frames=20,
        ),
        "weights": replace(full["weights"], **QUICK),
    }
