"""Experiment 4: downloadable checkpoints and the code that loads them.

Re-trains the overfit model (saving it early, at its best validation epoch and
at the end) and the long regularised run of the find-the-function figure
(named in regularisers.json), saves each ``state_dict`` with torch.save, and
writes docs/data/weights.json with sizes, hashes and a self-contained loading
snippet per file. Training runs in float64; the files hold float32, the dtype of
the model readers rebuild with make_mlp, at half the size.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

import torch

from precompute import curve, paths
from precompute.config import Setup, WeightsConfig
from precompute.context import Context, Tracker
from precompute.loops_torch import train_mlp
from precompute.writer import Result, sha256_bytes

SNIPPET_FILE = paths.SNIPPETS / "load_weights.py"


def model_source() -> str:
    """The ``mlp`` section of model.py: the class readers rebuild, with no drift."""
    text = (paths.PACKAGE / "model.py").read_text(encoding="utf-8")
    start, end = "# --8<-- [start:mlp]\n", "# --8<-- [end:mlp]"
    return text[text.index(start) + len(start) : text.index(end)].strip() + "\n"


def snippet(file_name: str, cfg: Setup, dropout: float) -> str:
    return (
        f"{model_source()}\n\n"
        f"model = make_mlp(hidden_layers={cfg.hidden_layers}, width={cfg.width}, "
        f'activation="{cfg.activation}", dropout={dropout})\n'
        f'state_dict = torch.load("{file_name}", weights_only=True)  # tensors only: no code runs\n'
        "model.load_state_dict(state_dict)\n"
        "model.eval()  # dropout off: predictions are deterministic\n"
    )


def best_regularised(root: Path, cfg: WeightsConfig) -> dict:
    """The find-the-function run's knobs from regularisers.json (which must share our setup)."""
    path = paths.data_file(root, "regularisers")
    if not path.exists():
        raise FileNotFoundError(f"{path} is missing: run python -m precompute --only regularisers")
    doc = json.loads(path.read_text(encoding="utf-8"))
    for key in Setup.__dataclass_fields__:
        if doc["config"][key] != getattr(cfg, key):
            raise ValueError(f"{path}: config.{key} differs from the weights config; regenerate")
    data = doc["data"]
    best = next(r for r in data["runs"] if r["id"] == data["converge"]["run_id"])
    knobs = {k: best[k] for k in ("id", "early_stopping", "weight_decay", "dropout")}
    return {**knobs, "patience": data["patience"], "input_hash": doc["provenance"]["input_hash"]}


def extra_inputs(cfg: WeightsConfig, root: Path) -> dict:
    """Beyond the config, our output depends on which regularised run won."""
    return best_regularised(root, cfg)


def overfit_checkpoints(cfg: WeightsConfig, tensors, tracker: Tracker) -> list[dict]:
    """The overfit run, saved early, at its best validation epoch and at the end."""
    model = curve.fresh_model(cfg)
    saved = {}
    best_val = float("inf")

    def keep(epoch, model, train_loss, val_loss):
        nonlocal best_val
        if epoch == cfg.early_epoch:
            saved["early"] = (epoch, copy.deepcopy(model.state_dict()))
        if epoch > 0 and val_loss < best_val:  # the same rule train_mlp uses
            best_val = val_loss
            saved["best"] = (epoch, copy.deepcopy(model.state_dict()))
        tracker.advance()

    train_mlp(model, tensors, cfg.lr, cfg.lr_final, cfg.epochs, log=keep)
    saved["final"] = (cfg.epochs, model.state_dict())
    return [
        {"label": label, "source": "overfit", "epoch": epoch, "dropout": 0.0, "state": state}
        for label, (epoch, state) in ((k, saved[k]) for k in ("early", "best", "final"))
    ]


def regularised_checkpoint(cfg: WeightsConfig, tensors, reg: dict, tracker: Tracker) -> dict:
    """The best regularised run: the model it keeps (restored best weights with early stopping)."""
    model = curve.fresh_model(cfg, reg["dropout"])
    patience = reg["patience"] if reg["early_stopping"] else None
    epochs = []

    def count(epoch, *_):
        epochs.append(epoch)
        tracker.advance()

    result = train_mlp(
        model, tensors, cfg.lr, cfg.lr_final, cfg.epochs, reg["weight_decay"], patience, count
    )
    tracker.advance(cfg.epochs + 1 - len(epochs))  # epochs early stopping skipped
    kept = result.best_epoch if patience is not None else epochs[-1]
    return {
        "label": "regularised",
        "source": reg["id"],
        "epoch": kept,
        "dropout": reg["dropout"],
        "state": model.state_dict(),
    }


def checkpoints(cfg: WeightsConfig, reg: dict, tracker: Tracker) -> list[dict]:
    """Every checkpoint in memory: label, source, epoch, dropout, state (a state_dict)."""
    tracker.total(2 * (cfg.epochs + 1))
    _, tensors = curve.load(cfg)
    return [
        *overfit_checkpoints(cfg, tensors, tracker),
        regularised_checkpoint(cfg, tensors, reg, tracker),
    ]


def write_example(root: Path, best: dict) -> Path:
    """docs/snippets/load_weights.py: the best checkpoint's snippet, runnable as is."""
    path = root / SNIPPET_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        '"""Rebuild the over-large MLP and load a checkpoint from this site.\n\n'
        "Generated by python -m precompute (precompute/weights.py): do not edit.\n"
        f"Download {Path(best['file']).name} next to this file, then run it.\n"
        '"""\n\n'
        f"{best['snippet']}\n"
        "x = torch.linspace(-1, 1, 5).unsqueeze(1)  # five inputs, one feature each\n"
        "with torch.no_grad():\n"
        "    print(model(x).squeeze(1))\n",
        encoding="utf-8",
    )
    return path


def run(cfg: WeightsConfig, ctx: Context) -> Result:
    tracker, root = ctx.tracker, ctx.root
    reg = best_regularised(root, cfg)
    folder = root / paths.WEIGHTS
    folder.mkdir(parents=True, exist_ok=True)
    files, written = [], []
    for c in checkpoints(cfg, reg, tracker):
        prefix = "overfit-" if c["source"] == "overfit" else ""
        path = folder / f"{prefix}{c['label']}-epoch-{c['epoch']:04d}.pt"
        state_dict = {name: tensor.float() for name, tensor in c["state"].items()}
        # --8<-- [start:save-weights]
        torch.save(state_dict, path)  # the weights only; the code lives in make_mlp
        # --8<-- [end:save-weights]
        raw = path.read_bytes()
        files.append({
            "file": path.relative_to(root).as_posix(),
            "label": c["label"],
            "source": c["source"],
            "epoch": c["epoch"],
            "bytes": len(raw),
            "sha256": sha256_bytes(raw),
            "config": {"hidden_layers": cfg.hidden_layers, "width": cfg.width,
                       "activation": cfg.activation, "dropout": c["dropout"]},
            "snippet": snippet(path.name, cfg, c["dropout"]),
        })  # fmt: skip
        written.append(path)
    for stale in set(folder.glob("*.pt")) - set(written):
        stale.unlink()  # e.g. the best epoch moved: do not ship yesterday's checkpoint

    best = next(f for f in files if f["label"] == "best")
    example = write_example(root, best)
    data = {"files": files, "snippet_file": SNIPPET_FILE.as_posix()}
    return Result(data, [*written, example])


def figures(data: dict) -> dict[str, str]:
    """Key numbers for the summary table, read from the exported data."""
    return {"checkpoints": ", ".join(f"{f['label']} @ {f['epoch']}" for f in data["files"])}
