"""The notebooks: one source with the chapter, the site's numbers, clean pages.

- Every cell that claims to come from a ``--8<--`` section equals that section now.
- The committed notebooks are what the generator builds today, with outputs.
- Their printed numbers equal docs/data (same seeds, same results).
- They execute top to bottom on a fresh kernel (slow; times are printed, not asserted).
- The rendered pages carry the outputs, KaTeX math and a download link that
  resolves, and load nothing from another origin (browser).
"""

from __future__ import annotations

import copy
import json
import math
import re
import textwrap
import time
from html import escape, unescape

import nbformat
import pytest

from precompute.config import RegularisersConfig
from precompute.notebooks.__main__ import NOTEBOOKS, OUT, execute, input_hash
from precompute.notebooks.regularisers import runs
from precompute.notebooks.sections import section
from tests.conftest import ROOT, assert_clean, screenshot

NAMES = list(NOTEBOOKS)
EXPECTED_SECTIONS = {
    "numpy-training-loop": {"numpy-loop"},
    "pytorch-training-loop": {"torch-loop"},
    "overfitting-and-regularisers": {"mlp", "knobs-loop"},
}
FINAL = re.compile(r"after (\d+) epochs: w = (\S+), b = (\S+), loss = (\S+)")


def load(name: str):
    return nbformat.read(OUT / f"{name}.ipynb", as_version=4)


def data(name: str) -> dict:
    return json.loads((ROOT / "docs" / "data" / f"{name}.json").read_text())["data"]


def stdout(nb) -> str:
    return "".join(
        output.text
        for cell in nb.cells
        if cell.cell_type == "code"
        for output in cell.outputs
        if output.output_type == "stream" and output.name == "stdout"
    )


def close(a: float, b: float) -> bool:
    """Equal up to the rounding of the JSON (5-8 significant digits) and of the print."""
    return math.isclose(a, b, rel_tol=2e-4, abs_tol=2e-6)


# One source with the chapter ---------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_section_cells_equal_their_source_sections(name):
    claimed = set()
    for cell in load(name).cells:
        meta = cell.metadata.get("wtwm")
        if not meta:
            continue
        text = section(meta["source"], meta["section"])
        assert text.strip(), f"section {meta['section']} of {meta['source']} is empty"
        body = textwrap.indent(text, " " * meta["indent"])
        assert cell.source == meta["prefix"] + body + meta["suffix"], (
            f"{name}: the cell from {meta['source']}:{meta['section']} differs from the source; "
            "run `python -m precompute.notebooks`"
        )
        claimed.add(meta["section"])
    assert claimed >= EXPECTED_SECTIONS[name]


@pytest.mark.parametrize(
    "source, name",
    [("precompute/loops.py", "numpy-loop"), ("precompute/loops_torch.py", "torch-loop")],
)
def test_chapter_shows_the_same_sections(built_site, source, name):
    """The other half of "one source": the chapter includes these sections too
    (``--8<-- "precompute/loops.py:numpy-loop"`` with dedent_subsections)."""
    html = (built_site / "chapter-01" / "index.html").read_text()
    blocks = re.findall(r"<code[^>]*>(.*?)</code>", html, re.DOTALL)
    texts = [unescape(re.sub(r"<[^>]+>", "", block)) for block in blocks]
    assert any(section(source, name) in text for text in texts), (
        f"the chapter does not show {source}:{name} verbatim"
    )


@pytest.mark.parametrize("name", NAMES)
def test_committed_notebook_is_what_the_generator_builds(name):
    nb = load(name)
    assert nb.metadata["wtwm"]["input_hash"] == input_hash(NOTEBOOKS[name]()), (
        f"{name}.ipynb is out of date: run `python -m precompute.notebooks`"
    )


@pytest.mark.parametrize("name", NAMES)
def test_committed_notebook_carries_its_outputs(name):
    nb = load(name)
    nbformat.validate(nb)
    code_cells = [cell for cell in nb.cells if cell.cell_type == "code"]
    assert all(cell.execution_count for cell in code_cells), "not executed top to bottom"
    counts = [cell.execution_count for cell in code_cells]
    assert counts == list(range(1, len(counts) + 1)), "executed out of order"
    outputs = [output for cell in code_cells for output in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    assert not [o for o in outputs if o.output_type == "stream" and o.name == "stderr"]
    assert any("image/png" in o.get("data", {}) for o in outputs), "no plot"
    assert stdout(nb).strip(), "no printed numbers"


# Same seed, same numbers --------------------------------------------------------


@pytest.mark.parametrize("name, loop", [("numpy-training-loop", "numpy"),
                                        ("pytorch-training-loop", "torch")])  # fmt: skip
def test_line_notebooks_print_the_sites_numbers(name, loop):
    match = FINAL.search(stdout(load(name)))
    assert match, "the final w, b and loss are not printed"
    epochs, w, b, loss = int(match[1]), *map(float, match.groups()[1:])
    expected = data("linear")[loop]
    assert epochs == expected["epoch"][-1]
    for got, key in ((w, "w"), (b, "b"), (loss, "train_loss")):
        assert close(got, expected[key][-1]), (key, got, expected[key][-1])


def summary_rows(nb) -> dict[str, dict]:
    """The printed table of the regularisers notebook, by run name."""
    rows = {}
    lines = stdout(nb).splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("run "))
    for line in lines[header + 1 :]:
        parts = line.split()
        name = " ".join(parts[:-4])
        kept, train, val, test = parts[-4:]
        rows[name] = {"kept_epoch": int(kept), "train_loss": float(train),
                      "val_loss": float(val), "test_loss": float(test)}  # fmt: skip
    return rows


def run_by_knobs(runs: list, early_stopping: bool, weight_decay: float, dropout: float) -> dict:
    return next(
        r for r in runs
        if (r["early_stopping"], r["weight_decay"], r["dropout"])
        == (early_stopping, weight_decay, dropout)
    )  # fmt: skip


def test_regularisers_notebook_prints_the_sites_numbers():
    """Each printed row is the chapter's run: kept epoch, train, val and test loss."""
    rows = summary_rows(load("overfitting-and-regularisers"))
    settings = runs(RegularisersConfig())
    assert set(rows) == set(settings)
    regularisers = data("regularisers")
    for name, (dropout, weight_decay, patience) in settings.items():
        summary = run_by_knobs(regularisers["runs"], patience is not None, weight_decay, dropout)[
            "summary"
        ]
        row = rows[name]
        assert row["kept_epoch"] == summary["kept_epoch"], name
        for key in ("train_loss", "val_loss", "test_loss"):
            assert close(row[key], summary[key]), (name, key, row[key], summary[key])


# They run ----------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_notebook_executes_cleanly_on_a_fresh_kernel(name, record_property, capsys):
    committed = load(name)
    nb = copy.deepcopy(committed)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    started = time.perf_counter()
    execute(nb)  # raises CellExecutionError on the first failing cell
    seconds = time.perf_counter() - started
    record_property("execution_seconds", round(seconds, 1))
    with capsys.disabled():
        print(f"\n{name}: executed in {seconds:.1f} s")
    assert stdout(nb) == stdout(committed), "a fresh run prints different numbers"


# The rendered pages ----------------------------------------------------------


def page_html(built_site, name: str) -> str:
    return (built_site / "notebooks" / name / "index.html").read_text()


@pytest.mark.parametrize("name", NAMES)
def test_rendered_page_has_outputs_math_and_download(built_site, name):
    html = page_html(built_site, name)
    assert 'src="data:image/png;base64,' in html, "the plot is missing"
    for line in stdout(load(name)).strip().splitlines():  # the printed numbers, verbatim
        assert escape(line.rstrip(), quote=False) in html, line
    link = re.search(r'<a class="md-button" href="([^"]+)" download>Download the notebook', html)
    assert link and link[1] == f"{name}.ipynb"
    download = built_site / "notebooks" / name / link[1]
    assert nbformat.read(download, as_version=4).cells == load(name).cells
    assert "text/x-mathjax-config" not in html
    assert not re.search(r"""<script[^>]*src=["']?(https?:)?//""", html)
    assert not re.search(
        r"""<link[^>]*rel="?(stylesheet|preload|modulepreload|icon)[^>]*href=["']?(https?:)?//""",
        html,
    )
    prose = re.findall(r"jp-RenderedMarkdown[^>]*>(.*?)</div>", html, re.DOTALL)
    assert prose
    for block in prose:
        text = re.sub(r"<(pre|code|annotation)\b.*?</\1>", "", block, flags=re.DOTALL)
        assert "$" not in re.sub(r"<[^>]+>", "", text), f"raw TeX left on {name}"
    if name != "pytorch-training-loop":
        assert 'class="katex"' in html


def test_notebooks_index_lists_every_notebook(built_site):
    html = (built_site / "notebooks" / "index.html").read_text()
    for name in NAMES:
        assert f'href="{name}/"' in html
        assert f'href="{name}/{name}.ipynb"' in html
        assert (built_site / "notebooks" / name / f"{name}.ipynb").exists()


@pytest.mark.browser
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_notebook_pages_in_the_browser(new_page, base_url, scheme):
    from playwright.sync_api import expect

    page = new_page(scheme=scheme)
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(base_url + "notebooks/")
    # Instant navigation from the index, then "Next" from notebook to notebook:
    # nbconvert's inline scripts are re-run (without their type) on each swap.
    page.locator(f'.md-content a[href$="{NAMES[0]}/"]').first.click()
    for i, name in enumerate(NAMES):
        page.wait_for_url(re.compile(rf"/notebooks/{name}/(#.*)?$"))  # toc tracking sets #
        link = page.get_by_role("link", name="Download the notebook (.ipynb)")
        # Material pushes the URL before it swaps the content: wait for this page's link.
        expect(link).to_have_attribute("href", re.compile(rf"{name}\.ipynb$"))
        response = page.request.get(link.evaluate("a => a.href"))
        assert response.ok and json.loads(response.body())["cells"]
        assert page.locator(".jp-RenderedImage img").count() >= 1
        if name != "pytorch-training-loop":
            assert page.locator(".jp-RenderedMarkdown .katex").count() >= 1
        assert page.evaluate("document.documentElement.scrollWidth") <= 1280
        if i + 1 < len(NAMES):
            page.locator("a.md-footer__link--next").click()
    page.goto(base_url + "notebooks/overfitting-and-regularisers/")  # a full load, too
    page.locator(".jp-RenderedImage img").first.scroll_into_view_if_needed()
    screenshot(page, f"notebook-{scheme}")
    foreign = [url for url in requests if not url.startswith(base_url)]
    assert foreign == [], f"requests to other origins: {foreign}"
    assert_clean(page)


@pytest.mark.browser
def test_notebook_page_fits_a_phone(new_page, base_url):
    page = new_page(scheme="dark", width=360)
    page.goto(base_url + "notebooks/overfitting-and-regularisers/")
    page.locator(".jp-Notebook").first.wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    # Cells use the article's full width: nbconvert's nested padding took 20 px a side.
    article, code = page.evaluate(
        "['article', '.jp-CodeCell .jp-InputArea']"
        ".map((sel) => Math.round(document.querySelector(sel).getBoundingClientRect().left))"
    )
    assert code == article, (article, code)
    assert_clean(page)
