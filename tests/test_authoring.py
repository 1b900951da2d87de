"""For authors: live reload of what they edit, and a new figure from new data in five
files (`python -m precompute new NAME`), both in a throwaway copy of the repository."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import ROOT, free_port

# Installed or downloaded, never tracked: shared with the copy by symlinks, except
# the self-hosted runtime, which MkDocs does not publish through a symlinked folder.
SHARED = [".venv", "node_modules", ".cache"]
COPIED = ["site_src/theme/assets/vendor"]


def repo_copy(target: Path) -> Path:
    """The repository as git sees it (tracked and new files, not ignored ones) under target."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.split(b"\0")
    for name in filter(None, (n.decode() for n in listed)):
        source = ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    for name in SHARED:
        if (ROOT / name).exists():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            (target / name).symlink_to((ROOT / name).resolve())
    for name in COPIED:
        if (ROOT / name).exists():
            shutil.copytree(ROOT / name, target / name, symlinks=True)
    return target


def env() -> dict[str, str]:
    return {**os.environ, "NO_MKDOCS_2_WARNING": "1"}


def fetch(url: str, timeout: float = 120) -> str:
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return response.read().decode("utf-8")


class Served:
    """`mkdocs serve` on a free port; waits for builds through its own live-reload
    long poll (/livereload/EPOCH/ID answers once a build newer than EPOCH is visible)."""

    def __init__(self, repo: Path):
        self.base = f"http://127.0.0.1:{free_port()}/"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "mkdocs", "serve", "-a", self.base[7:-1]],
            cwd=repo, env={**env(), "SITE_URL": self.base},
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        self.log: list[str] = []
        for line in self.process.stderr:  # the server answers once its first build is done
            self.log.append(line)
            if "Serving on" in line:
                break
        else:
            pytest.fail("mkdocs serve stopped:\n" + "".join(self.log))

    def epoch(self) -> int:
        return int(re.search(r"livereload\((\d+),", fetch(self.base))[1])

    def wait_for(self, path: str, condition, deadline_s: float = 180) -> str:
        """The body of path once condition(body) holds, waiting build by build."""
        end = time.monotonic() + deadline_s
        epoch = self.epoch()
        while True:
            body = fetch(self.base + path)
            if condition(body):
                return body
            if time.monotonic() > end:
                pytest.fail(f"{path} never met the condition; last body:\n{body[:500]}")
            epoch = int(fetch(f"{self.base}livereload/{epoch}/1"))  # blocks until a new build

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=30)


@pytest.mark.slow
def test_mkdocs_serve_rebuilds_when_a_partial_or_a_figure_script_changes(tmp_path):
    repo = repo_copy(tmp_path / "repo")
    served = Served(repo)
    try:
        page = served.wait_for("chapter-01/", lambda body: "Train and validation loss" in body)
        assert "Edited by the live-reload test" not in page
        partial = repo / "site_src" / "partials" / "loss-curve.md"
        partial.write_text(
            partial.read_text().replace(
                "**Train and validation loss",
                "**Edited by the live-reload test. Train and validation loss",
            )
        )
        served.wait_for("chapter-01/", lambda body: "Edited by the live-reload test" in body)

        script = repo / "site_src" / "theme" / "assets" / "js" / "figures" / "loss-curve.js"
        script.write_text(script.read_text() + "\n// edited by the live-reload test\n")
        served.wait_for(
            "assets/js/figures/loss-curve.js", lambda body: "edited by the live-reload test" in body
        )
    finally:
        served.stop()


def run(repo: Path, *args: str, timeout: float = 600) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [sys.executable, *args], cwd=repo, env=env(), capture_output=True, text=True,
        timeout=timeout,
    )  # fmt: skip
    assert result.returncode == 0, f"{args}:\n{result.stdout}\n{result.stderr}"
    return result


def tree(repo: Path) -> dict[str, bytes]:
    """Every regular file's bytes, skipping the shared symlinked folders."""
    return {
        p.relative_to(repo).as_posix(): p.read_bytes()
        for p in repo.rglob("*")
        if p.is_file() and not any(part in [*SHARED, "site", "vendor"] for part in p.parts)
        and not p.is_symlink() and "__pycache__" not in p.parts
    }  # fmt: skip


@pytest.mark.slow
def test_a_new_figure_from_new_data_takes_five_files_and_no_test_edit(tmp_path):
    repo = repo_copy(tmp_path / "repo")
    before = tree(repo)
    made = run(repo, "-m", "precompute", "new", "parabola_steps", "--title", "A parabola")
    after = tree(repo)
    changed = sorted(name for name in after if before.get(name) != after[name])
    assert (
        changed
        == sorted(made.stdout.split())
        == [
            "docs/chapter-01/index.md",
            "precompute/parabola_steps.py",
            "site_src/partials/parabola-steps.md",
            "site_src/schemas/parabola_steps.schema.json",
            "site_src/theme/assets/js/figures/parabola-steps.js",
        ]
    )

    # The registry lists it: --help, --only, the quick smoke run, the committed run.
    assert "parabola_steps" in run(repo, "-m", "precompute", "--help").stdout
    quick = tmp_path / "quick"
    run(repo, "-m", "precompute", "--only", "parabola_steps", "--quick", "--out", str(quick))
    assert (quick / "data" / "parabola_steps.json").exists()
    run(repo, "-m", "precompute", "--only", "parabola_steps", "--no-progress")
    data = json.loads((repo / "docs" / "data" / "parabola_steps.json").read_text())["data"]

    # The site builds strictly, the figure on its page with its numbers filled in.
    site = tmp_path / "site"
    run(repo, "-m", "mkdocs", "build", "--strict", "-q", "--site-dir", str(site))
    html = (site / "chapter-01" / "index.html").read_text()
    figure = html[html.index('id="fig-parabola-steps"') :].split("</figure>")[0]
    assert f"{data['final_loss']:.3g}" in figure and "{{" not in figure
    assert "--wtwm-stage-height: calc(" in figure
    assert (site / "assets" / "js" / "figures" / "parabola-steps.js").exists()
    assert (site / "data" / "schemas" / "parabola_steps.schema.json").exists()

    # The data contract's tests and the figure registry take it in without an edit.
    run(repo, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", "tests/test_data_contract.py",
        "tests/test_precompute_sources.py",
        "tests/test_figures.py::test_a_link_to_a_figure_lands_on_it_drawn[parabola-steps]")  # fmt: skip
    listed = run(repo, "-c", "from tests.conftest import data_figures; print(data_figures())")
    assert "'parabola-steps': {'name': 'parabola-steps', 'plots': 1, 'page': 'chapter-01/'}" in (
        listed.stdout
    )


def locked(path: Path) -> dict[str, tuple[str, int]]:
    """name -> (version, number of hashes) from a `uv pip compile --generate-hashes` file."""
    entries: dict[str, tuple[str, int]] = {}
    name = None
    for line in path.read_text().splitlines():
        if match := re.match(r"^([A-Za-z0-9_.-]+)==(\S+)", line):
            name = match[1].lower().replace("_", "-")
            entries[name] = (match[2], 0)
        elif name and "--hash=sha256:" in line:
            entries[name] = (entries[name][0], entries[name][1] + 1)
    return entries


@pytest.mark.parametrize(
    ("lock", "groups"), [("site", ["site"]), ("all", ["site", "precompute", "test", "dev"])]
)
def test_lock_files_hold_every_pin_with_hashes(lock, groups):
    import tomllib

    from packaging.requirements import Requirement

    pins = tomllib.loads((ROOT / "pyproject.toml").read_text())["dependency-groups"]
    entries = locked(ROOT / "requirements" / f"{lock}.lock")
    assert entries and all(hashes >= 1 for _, hashes in entries.values())
    for group in groups:
        for requirement in map(Requirement, pins[group]):
            name = requirement.name.lower()
            if name == "torch":  # the build is TORCH_INDEX's choice (Makefile, README)
                assert name not in entries
                continue
            assert requirement.specifier.contains(entries[name][0]), (lock, requirement)
