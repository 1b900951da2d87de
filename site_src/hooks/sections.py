"""Wrap what follows each h2 (up to the next h2) in a <div class="wtwm-section">.

The chapter is long (about 4,000 elements, half of them KaTeX). With each section
`content-visibility: auto` (site.css), the browser skips style, layout and paint of
sections far from the viewport: the first screen is ready sooner, and a slider's
frame does not re-lay out the whole page. Headings, anchors, find-in-page and the
accessibility tree are unaffected. The heading itself stays outside its
section: Material's table of contents reads every heading's offsetTop, which would
otherwise force the skipped section to be laid out.
"""

from __future__ import annotations

import re

H2 = re.compile(r"(<h2[ >].*?</h2>)", re.DOTALL)


def sectioned(content: str) -> str:
    head, *parts = H2.split(content)
    headings, bodies = parts[0::2], parts[1::2]
    return head + "".join(
        f'{heading}<div class="wtwm-section">{body}</div>'
        for heading, body in zip(headings, bodies, strict=True)
    )


def on_page_content(content: str, page, config, files):
    return sectioned(content) if page.file.src_uri.startswith("chapter-") else content
