"""Predict, then reveal (partials/q-*.md, js/questions.js): every question can be
answered by keyboard, quotes the answer back, keeps it over a reload and lets it go;
without JavaScript and on paper the explanation is there; and what each reveal
calls the right answer is what the exported data say."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest

from tests.conftest import ARTIFACTS, ROOT, assert_clean

DATA = ROOT / "docs" / "data"
SHOTS = ARTIFACTS / "questions"

# id -> (kind, the answer a reader gives in the test, what the reveal must quote)
QUESTIONS = {
    "q-turn-epoch": ("number", "400", "You said epoch 400"),
    "q-gradient-sign": ("choice", "positive", "You said positive"),
    "q-critical-lr": ("number", "0.5", "You said 0.5"),
    "q-relu-slope": ("choice", "negative", "You said z < 0"),
    "q-one-step": ("choice", "critical", "You said the critical rate"),
    "q-best-knob": ("choice", "early-stopping", "You said early stopping"),
}
# The choice each question's reveal calls right ("Right" opens its note).
RIGHT = {
    "q-gradient-sign": "negative",
    "q-relu-slope": "negative",
    "q-one-step": "half",
    "q-best-knob": "weight-decay",
}


def data(name: str) -> dict:
    return json.loads((DATA / f"{name}.json").read_text())


class Ids(HTMLParser):
    """The page's ids, each question's attributes, and each choice's note, the
    label the verdict quotes and the label the reader sees."""

    def __init__(self):
        super().__init__()
        self.ids, self.questions, self.notes, self.labels = [], [], {}, []
        self.choice = None  # the choice whose visible label is being read

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.append(attrs["id"])
        if tag == "form" and "wtwm-q" in attrs.get("class", "").split():
            self.questions.append(attrs)
        if tag == "input" and "data-q-note" in attrs:
            self.notes[(attrs["name"], attrs["value"])] = attrs["data-q-note"]
            self.choice = [attrs["data-q-label"], ""]

    def handle_data(self, data):
        if self.choice:
            self.choice[1] += data

    def handle_endtag(self, tag):
        if tag == "label" and self.choice:
            self.labels.append((self.choice[0], " ".join(self.choice[1].split())))
            self.choice = None


@pytest.fixture(scope="module")
def chapter_html(built_site) -> str:
    return (built_site / "chapter-01" / "index.html").read_text()


def test_question_ids_exist_are_unique_and_start_with_q(chapter_html):
    parser = Ids()
    parser.feed(chapter_html)
    ids = [q["id"] for q in parser.questions]
    assert ids == list(QUESTIONS)  # in page order
    assert all(re.fullmatch(r"q-[a-z0-9-]+", i) for i in ids)
    assert len(parser.ids) == len(set(parser.ids)), "duplicate ids on the page"
    for question in ids:
        block = chapter_html.split(f'id="{question}"')[1].split("</form>")[0]
        assert "<fieldset>" in block and "<legend>" in block, question
        assert 'aria-live="polite"' in block and 'class="wtwm-q-reveal"' in block, question
        assert "{{" not in block and "}}" not in block, question
    # The verdict quotes what the reader saw ("You said z < 0").
    assert [quoted for quoted, seen in parser.labels if quoted != seen] == []
    assert len(parser.labels) == len(parser.notes) >= 12


def test_each_reveal_calls_right_what_the_data_say(chapter_html):
    parser = Ids()
    parser.feed(chapter_html)
    for question, right in RIGHT.items():
        notes = {value: note for (name, value), note in parser.notes.items() if name == question}
        assert [v for v, note in notes.items() if note.startswith("Right")] == [right], question

    overfit = data("overfit")["data"]
    form = next(q for q in parser.questions if q["id"] == "q-turn-epoch")
    assert int(form["data-q-answer"]) == overfit["best_epoch"]
    assert overfit["curves"]["val_loss"][overfit["best_epoch"]] == min(
        overfit["curves"]["val_loss"]
    )

    # q-gradient-sign: at the start the line is too high on the left, too low on
    # the right, the biggest products e·x are negative and so is dL/dw, and the
    # first step raises w.
    linear = data("linear")["data"]
    x, y, w, b = linear["x"], linear["y"], linear["init"]["w"], linear["init"]["b"]
    errors = [w * xi + b - yi for xi, yi in zip(x, y, strict=True)]
    assert errors[x.index(min(x))] > 0 > errors[x.index(max(x))]
    products = [e * xi for e, xi in zip(errors, x, strict=True)]
    assert max(products) < -min(products)  # the biggest products are negative
    assert 2 * sum(products) / len(x) < 0
    assert linear["numpy"]["w"][1] > linear["numpy"]["w"][0]

    # q-critical-lr, q-one-step: the critical rate is two over the curvature 2·mean(x²).
    curvature = 2 * sum(xi * xi for xi in x) / len(x)
    assert linear["critical_lr"] == pytest.approx(2 / curvature, rel=1e-6)
    form = next(q for q in parser.questions if q["id"] == "q-critical-lr")
    assert float(form["data-q-answer"]) == linear["critical_lr"]

    # q-best-knob: weight decay at 0.03 is the best knob alone, just ahead of early
    # stopping, dropout's best alone is at 0.3, all three together are best of all,
    # and the two best single knobs are within 10 % of it.
    runs = {run["id"]: run["summary"]["test_loss"] for run in data("regularisers")["data"]["runs"]}
    wd_alone = {k: v for k, v in runs.items() if re.fullmatch(r"es-off_wd-[\d.]+_dropout-0", k)}
    dropout_alone = {
        k: v for k, v in runs.items() if re.fullmatch(r"es-off_wd-0_dropout-[\d.]+", k)
    }
    early_stopping = runs["es-on_wd-0_dropout-0"]
    assert min(wd_alone, key=wd_alone.get) == "es-off_wd-0.03_dropout-0"
    assert min(dropout_alone, key=dropout_alone.get) == "es-off_wd-0_dropout-0.3"
    assert wd_alone["es-off_wd-0.03_dropout-0"] < early_stopping < min(dropout_alone.values())
    assert min(runs, key=runs.get) == "es-on_wd-0.03_dropout-0.1"
    assert early_stopping < 1.1 * runs["es-on_wd-0.03_dropout-0.1"]


def expect_ready(page):
    # expect, not wait_for_function: a polled predicate is evaluated with eval,
    # which the page's CSP refuses whenever the first check does not pass yet.
    from playwright.sync_api import expect

    expect(page.locator("form.wtwm-q[data-q-ready]")).to_have_count(len(QUESTIONS))


def open_questions(page, base_url):
    page.goto(base_url + "chapter-01/")
    expect_ready(page)


def reload(page):
    """Reload (assert_clean does not count the requests it cuts off)."""
    page.reload(wait_until="networkidle")


def answer_by_keyboard(page, question: str, kind: str, value: str):
    form = page.locator(f"#{question}")
    if kind == "number":
        form.locator("input[type=number]").focus()
        page.keyboard.type(value)
        page.keyboard.press("Enter")  # submits the form
    else:
        form.locator("input[type=radio]").first.focus()
        values = form.locator("input[type=radio]").evaluate_all("(els) => els.map((e) => e.value)")
        page.keyboard.press("Space")  # checks the first choice
        for _ in range(values.index(value)):
            page.keyboard.press("ArrowDown")
        page.keyboard.press("Tab")  # leaves the radio group for Check
        assert page.evaluate("document.activeElement.matches('.wtwm-q-check')")
        page.keyboard.press("Enter")


@pytest.mark.browser
def test_answer_by_keyboard_see_it_quoted_kept_over_reload_and_cleared(page, base_url):
    open_questions(page, base_url)
    for question, (kind, value, quote) in QUESTIONS.items():
        form = page.locator(f"#{question}")
        reveal = form.locator(".wtwm-q-reveal > :not(summary)").first
        assert not reveal.is_visible()
        answer_by_keyboard(page, question, kind, value)
        said = form.locator(".wtwm-q-said")
        assert said.get_attribute("aria-live") == "polite"
        assert said.text_content().startswith(quote), said.text_content()
        assert reveal.is_visible()
    stored = json.loads(page.evaluate("localStorage.getItem('wtwm-answers')"))
    assert stored == {q: v for q, (_, v, _) in QUESTIONS.items()}

    reload(page)
    open_questions(page, base_url)
    for question, (kind, value, quote) in QUESTIONS.items():
        form = page.locator(f"#{question}")
        assert form.locator(".wtwm-q-said").text_content().startswith(quote)
        if kind == "number":
            assert form.locator("input[type=number]").input_value() == value
        else:
            assert form.locator("input:checked").get_attribute("value") == value
        clear = form.locator(".wtwm-q-clear")
        clear.focus()
        page.keyboard.press("Enter")
        assert form.locator(".wtwm-q-said").text_content() == ""
        assert not form.locator(".wtwm-q-reveal").evaluate("(d) => d.open")
        assert clear.is_hidden()
    assert json.loads(page.evaluate("localStorage.getItem('wtwm-answers')")) == {}
    reload(page)
    open_questions(page, base_url)
    assert page.locator(".wtwm-q-said:not(:empty)").count() == 0
    assert_clean(page)


@pytest.mark.browser
def test_a_number_out_of_range_is_explained_not_stored(page, base_url):
    open_questions(page, base_url)
    form = page.locator("#q-turn-epoch")
    form.locator("input[type=number]").fill("99999")
    form.locator(".wtwm-q-check").click()
    assert form.locator(".wtwm-q-said").text_content() != ""
    assert not form.locator(".wtwm-q-reveal").evaluate("(d) => d.open")
    assert page.evaluate("localStorage.getItem('wtwm-answers')") is None
    assert_clean(page)


# Storage that refuses every read and write, as with "block all site data".
BLOCK_STORAGE = """for (const name of ['getItem', 'setItem', 'removeItem'])
  Storage.prototype[name] = () => { throw new DOMException('The operation is insecure.', 'SecurityError'); };"""


def page_errors(page) -> list[str]:
    return [e for e in page.console_errors if e.startswith("pageerror")]


@pytest.mark.browser
def test_answers_work_when_storage_is_blocked(new_page, base_url):
    """Material's own scripts throw when storage is blocked; the questions add no error."""
    without = new_page()
    without.add_init_script(BLOCK_STORAGE)
    without.route("**/questions.js", lambda route: route.abort())
    without.goto(base_url + "chapter-01/")
    without.wait_for_load_state("networkidle")
    material_errors = page_errors(without)

    page = new_page()
    page.add_init_script(BLOCK_STORAGE)
    open_questions(page, base_url)
    answer_by_keyboard(page, "q-one-step", "choice", "half")
    said = page.locator("#q-one-step .wtwm-q-said")
    assert said.text_content().startswith("You said half the critical rate. Right")
    page.locator("#q-one-step .wtwm-q-clear").click()
    assert said.text_content() == ""
    page.wait_for_load_state("networkidle")
    assert page_errors(page) == material_errors
    assert page.console_errors == material_errors
    assert page.failed_requests == []


@pytest.mark.browser
def test_without_javascript_each_answer_is_one_click_away(browser, server, base_url):
    from tests.conftest import open_context

    context = open_context(browser, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(base_url + "chapter-01/")
        for question in QUESTIONS:
            details = page.locator(f"#{question} .wtwm-q-reveal")
            explanation = details.locator("> p").first
            assert not explanation.is_visible()
            details.locator("summary").click()
            assert explanation.is_visible(), question
            assert len(explanation.text_content()) > 100
    finally:
        context.close()


@pytest.mark.browser
def test_every_question_prints_with_its_answer(page, base_url):
    open_questions(page, base_url)
    page.emulate_media(media="print")
    for question in QUESTIONS:
        form = page.locator(f"#{question}")
        assert form.locator(".wtwm-q-reveal > p").first.is_visible(), question
        assert form.locator(".wtwm-q-reveal > summary").is_hidden()
        assert form.locator("button").first.is_hidden()
    assert_clean(page)


@pytest.mark.browser
@pytest.mark.parametrize(("scheme", "width"), [("light", 1280), ("dark", 360)])
def test_screenshots_before_and_after_answering(new_page, base_url, scheme, width):
    """For review: two questions, before and after answering, in both looks."""
    page = new_page(scheme=scheme, width=width)
    open_questions(page, base_url)
    SHOTS.mkdir(parents=True, exist_ok=True)
    for question in ("q-turn-epoch", "q-gradient-sign"):
        form = page.locator(f"#{question}")
        form.scroll_into_view_if_needed()
        form.screenshot(path=SHOTS / f"{question}-{width}-{scheme}-before.png")
        kind, value, _ = QUESTIONS[question]
        answer_by_keyboard(page, question, kind, value)
        form.locator(".wtwm-q-reveal > p").first.wait_for()
        page.evaluate("document.activeElement.blur()")
        form.screenshot(path=SHOTS / f"{question}-{width}-{scheme}-after.png")
        box = form.bounding_box()
        assert box["width"] <= width
    assert_clean(page)


@pytest.mark.browser
@pytest.mark.parametrize(("scheme", "width"), [("light", 1280), ("dark", 360)])
def test_questions_pass_axe_before_and_after_answering(browser, server, base_url, scheme, width):
    from tests.conftest import instrument, open_context
    from tests.test_quality import AXE

    # axe is injected as an inline script: this context bypasses the page's CSP.
    context = open_context(browser, scheme=scheme, width=width, bypass_csp=True)
    try:
        page = instrument(context.new_page())
        open_questions(page, base_url)
        page.add_script_tag(content=AXE.read_text())
        scan = """async () => (await axe.run(['.wtwm-q', '.wtwm-q-all', '.wtwm-glossary'].flatMap((s) =>
            [...document.querySelectorAll(s)]), {resultTypes: ['violations']})).violations
            .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)"""
        assert page.evaluate(scan) == []
        for question, (kind, value, _) in QUESTIONS.items():
            answer_by_keyboard(page, question, kind, value)
        assert page.evaluate(scan) == []
    finally:
        context.close()


@pytest.mark.browser
def test_questions_mount_after_instant_navigation_and_link_by_id(page, base_url):
    page.goto(base_url)
    page.evaluate("window.__samePage = true")  # gone if the browser loads a new page
    page.locator("article a[href$='chapter-01/']").first.click()
    expect_ready(page)
    assert page.evaluate("window.__samePage === true"), "not an instant navigation"
    answer_by_keyboard(page, "q-relu-slope", "choice", "negative")
    assert page.locator("#q-relu-slope .wtwm-q-said").text_content().startswith("You said z < 0")

    page.goto(base_url + "chapter-01/#q-best-knob")  # an instructor's link
    # It lands at the top of the window, below Material's header, not under it.
    from playwright.sync_api import expect

    expect(page.locator("#q-best-knob")).to_be_in_viewport(ratio=1)
    top, header = page.evaluate(
        """[document.getElementById('q-best-knob').getBoundingClientRect().top,
            document.querySelector('.md-header').getBoundingClientRect().bottom]"""
    )
    assert header <= top < 300
    assert_clean(page)


@pytest.mark.browser
def test_questions_are_valid_html_as_built_and_after_answering(
    page, base_url, chapter_html, tmp_path
):
    import shutil
    import subprocess

    from tests.test_quality import VNU

    open_questions(page, base_url)
    forms = "() => [...document.querySelectorAll('form.wtwm-q')].map((f) => f.outerHTML).join('')"
    # As built: the file's own text (a browser would repair it before outerHTML).
    documents = ["".join(re.findall(r'<form class="wtwm-q".*?</form>', chapter_html, re.S))]
    for question, (kind, value, _) in QUESTIONS.items():
        answer_by_keyboard(page, question, kind, value)
    documents.append(page.evaluate(forms))
    for i, body in enumerate(documents):
        path = tmp_path / f"questions-{i}.html"
        path.write_text(
            '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>q</title>'
            f"</head><body>{body}</body></html>"
        )
        result = subprocess.run(
            [shutil.which("java"), "-jar", str(VNU), "--errors-only", str(path)],
            capture_output=True, text=True, timeout=300,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
    assert_clean(page)


@pytest.mark.browser
def test_clear_all_my_answers(page, base_url):
    open_questions(page, base_url)
    for question in ("q-turn-epoch", "q-one-step"):
        kind, value, _ = QUESTIONS[question]
        answer_by_keyboard(page, question, kind, value)
    clear_all = page.locator(".wtwm-q-clear-all")
    clear_all.focus()
    page.keyboard.press("Enter")
    assert page.locator(".wtwm-q-all-said").text_content() == "All your answers are cleared."
    assert page.locator(".wtwm-q-said:not(:empty)").count() == 0
    assert page.locator("form.wtwm-q input:checked").count() == 0
    assert page.locator("#q-turn-epoch input").input_value() == ""
    assert json.loads(page.evaluate("localStorage.getItem('wtwm-answers')")) == {}
    assert_clean(page)


@pytest.mark.browser
@pytest.mark.parametrize("width", [320, 360])  # 320: a 1280 px screen at 400 % zoom
def test_questions_and_glossary_fit_a_phone(new_page, base_url, width):
    from tests.conftest import TABLES_WIDER_THAN_THEIR_BOX

    page = new_page(width=width)
    open_questions(page, base_url)
    for question, (kind, value, _) in QUESTIONS.items():
        answer_by_keyboard(page, question, kind, value)
    assert page.evaluate(TABLES_WIDER_THAN_THEIR_BOX, ".wtwm-glossary table") == []
    wider = """[...document.querySelectorAll('.wtwm-q, .wtwm-q-all')]
        .filter((el) => el.scrollWidth > el.clientWidth + 1).map((el) => el.id || el.className)"""
    assert page.evaluate(wider) == []
    assert_clean(page)
