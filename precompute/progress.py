"""Progress reporting, kept out of the experiments: they only call ``total`` and ``advance``."""

from __future__ import annotations

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
