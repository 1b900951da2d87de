"""What an experiment gets from the runner: where to write, how to report, how many processes.

Experiments only call ``tracker.total`` and ``tracker.advance``; progress bars
and process counts stay out of the science.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from rich.progress import Progress, TaskID


class Tracker:
    """Silent tracker (tests, and anything non-interactive)."""

    def total(self, n: int) -> None:
        pass

    def advance(self, n: int = 1) -> None:
        pass


class RichTracker(Tracker):
    """One rich progress bar per experiment."""

    def __init__(self, progress: Progress, name: str) -> None:
        self.progress = progress
        self.task: TaskID = progress.add_task(name, total=None)

    def total(self, n: int) -> None:
        self.progress.update(self.task, total=n)

    def advance(self, n: int = 1) -> None:
        self.progress.advance(self.task, n)


@dataclass(frozen=True)
class Context:
    root: Path  # output root laid out like docs/: data/, downloads/weights/, snippets/
    tracker: Tracker = field(default_factory=Tracker)
    # Worker processes for independent runs, and torch threads in each. Outputs do
    # not depend on them beyond rounding (every run seeds itself): speed knobs, not
    # part of the config; --check compares at a tolerance that covers them.
    jobs: int = 1
    threads: int = 1
