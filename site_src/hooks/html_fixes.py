"""Small corrections to mkdocs-material's markup (valid HTML5, named ARIA roles).

- Material puts autocomplete="off" on its hidden checkbox toggles (drawer, search),
  which the Nu validator rejects: the attribute is not allowed on checkboxes.
- Its search dialog and instant-navigation progress bar have ARIA roles but no
  accessible name (axe: aria-dialog-name, aria-progressbar-name).
- Code blocks and tables scroll sideways on narrow screens; a scrolling region
  must be reachable by keyboard (axe: scrollable-region-focusable), so each gets
  tabindex=0 here, which holds without JavaScript and for sections the browser
  has not laid out yet. With JavaScript, Material wraps each table in a scrolling
  div: registry.js moves the tabindex there, and drops it where nothing scrolls.
"""

from __future__ import annotations

import re

CHECKBOX_AUTOCOMPLETE = re.compile(
    r'(<input class="md-toggle"[^>]*type="checkbox"[^>]*?) autocomplete="off"'
)


NAMES = {
    'data-md-component="search" role="dialog"': 'aria-label="Search this site"',
    'data-md-component="progress" role="progressbar"': 'aria-label="Loading the next page"',
}


SCROLLERS = {
    "<pre><span></span><code>": '<pre><span></span><code tabindex="0">',  # Material
    '<div class="highlight-ipynb hl-python"><pre>': '<div class="highlight-ipynb hl-python"><pre tabindex="0">',  # notebooks
}


CONTENT_TABLE = "<table>\n"  # Markdown tables (Material styles and wraps exactly these)

NOTEBOOK_OUTPUT = re.compile(r'(<div class="jp-RenderedText[^>]*>\s*)<pre>')


def fix(html: str) -> str:
    html = CHECKBOX_AUTOCOMPLETE.sub(r"\1", html)
    html = NOTEBOOK_OUTPUT.sub(r'\1<pre tabindex="0">', html)
    html = html.replace(CONTENT_TABLE, '<table tabindex="0">\n')
    for before, after in SCROLLERS.items():
        html = html.replace(before, after)
    for marker, name in NAMES.items():
        html = html.replace(marker, f"{marker} {name}")
    return html


def on_post_page(output: str, page, config):
    return fix(output)


def on_post_template(output: str, template_name, config):
    return fix(output)
