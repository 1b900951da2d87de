"""Screenshots of every section of the chapter (and the landing page) at 1280 px
light and 360 px dark, into test-artifacts/sections/, for a person to look at.

    .venv/bin/python -m tests.section_screenshots [--site DIR] [--stills]

--stills also writes the landing page's stills of the hero (docs/assets/hero-*.webp),
one per theme, scrubbed to where the network has begun to memorise. Builds the site (unless --site names a built one), serves it as the tests do, reads
the page top to bottom so every figure mounts, then shoots each `##` section from
its heading to the next one.
"""

from __future__ import annotations

import argparse
import functools
import io
import tempfile
import threading
from http.server import ThreadingHTTPServer
from pathlib import Path

from PIL import Image
from playwright.sync_api import expect, sync_playwright

from tests.conftest import (
    ARTIFACTS,
    CHROMIUM,
    CHROMIUM_ARGS,
    ROOT,
    QuietHandler,
    build_site,
    free_port,
    open_context,
    read_top_to_bottom,
    site_headers,
)

VIEWS = [("light", 1280), ("dark", 360)]


def serve(site: Path, port: int) -> ThreadingHTTPServer:
    handler_class = type("SiteHandler", (QuietHandler,), {"extra_headers": site_headers(site)})
    handler = functools.partial(handler_class, directory=str(site))
    httpd = ThreadingHTTPServer(("127.0.0.1", port), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd


def shoot(browser, base_url: str, out: Path) -> list[Path]:
    shots = []
    for scheme, width in VIEWS:
        page = open_context(browser, scheme=scheme, width=width, height=900).new_page()
        page.goto(base_url)
        shots.append(out / f"landing-{scheme}-{width}.png")
        page.screenshot(path=str(shots[-1]))
        page.goto(base_url + "chapter-01/")
        shots.append(out / f"first-screen-{scheme}-{width}.png")
        page.screenshot(path=str(shots[-1]))
        read_top_to_bottom(page)
        # The sticky header would sit over whatever is scrolled under it.
        page.evaluate("document.querySelector('.md-header').style.visibility = 'hidden'")
        sections = page.evaluate(
            """() => [...document.querySelectorAll('article h2[id]')].map((h, i, all) => {
              const top = h.getBoundingClientRect().top + scrollY;
              const end = all[i + 1] ? all[i + 1].getBoundingClientRect().top + scrollY
                : document.querySelector('article').getBoundingClientRect().bottom + scrollY;
              return [h.id, top - 8, end - top];
            })"""
        )
        for n, (section, top, height) in enumerate(sections, 1):
            shots.append(out / f"{n:02d}-{section}-{scheme}-{width}.png")
            page.screenshot(
                path=str(shots[-1]),
                full_page=True,
                clip={"x": 0, "y": top, "width": width, "height": height},
            )
        page.context.close()
    return shots


STILL_EPOCH = 600  # well past the turn: the prediction bends through single points


def hero_stills(browser, base_url: str) -> list[Path]:
    stills = []
    for scheme in ("light", "dark"):
        page = open_context(browser, scheme=scheme, width=1280, height=900).new_page()
        page.goto(f"{base_url}chapter-01/?hero.epoch={STILL_EPOCH}#try-it")
        hero = page.locator("#fig-hero")
        expect(hero).to_have_attribute("data-mounted", "true", timeout=30_000)
        page.wait_for_load_state("networkidle")
        page.evaluate("document.querySelector('.md-header').style.visibility = 'hidden'")
        png = hero.locator(".wtwm-stage").screenshot()
        stills.append(ROOT / "docs" / "assets" / f"hero-{scheme}.webp")
        Image.open(io.BytesIO(png)).save(stills[-1], quality=80, method=6)
        page.context.close()
    return stills


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, help="a site built for --port")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--stills", action="store_true", help="write the landing page's stills")
    args = parser.parse_args()
    port = args.port or free_port()
    base_url = f"http://127.0.0.1:{port}/"
    with tempfile.TemporaryDirectory() as tmp:
        site = args.site
        if site is None:
            site = Path(tmp)
            result = build_site(site, base_url)
            if result.returncode:
                raise SystemExit(result.stderr)
        httpd = serve(site, port)
        out = ARTIFACTS / "sections"
        out.mkdir(parents=True, exist_ok=True)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            if args.stills:
                for path in hero_stills(browser, base_url):
                    print(path.relative_to(ROOT), Image.open(path).size)
            for path in shoot(browser, base_url, out):
                print(path.relative_to(ARTIFACTS.parent))
            browser.close()
        httpd.shutdown()


if __name__ == "__main__":
    main()
