"""The documentation site: it builds with ``mkdocs build --strict``, no internal link is broken, and it
opens in Chromium without a console error (issue 27).

The site is built once per test process from ``mkdocs.yml``, as CI builds it; ``--strict`` turns
every warning (a link to a missing page or anchor, a page left out of the nav, a mkdocstrings
reference that does not resolve) into a failure. The link check then reads the built HTML, so it
also covers links the Markdown did not spell out (the nav, the theme's own, the API reference's).
"""

from __future__ import annotations

import functools
import html.parser
import http.server
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urldefrag, urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
#: One page per section of the nav, besides the home page.
SECTION_PAGES = ["getting-started/vendor/", "mock/", "conformance/", "cli/", "performance/"]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    build = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(out)], cwd=ROOT, env=env,
                           capture_output=True, text=True, timeout=600)
    assert build.returncode == 0, f"mkdocs build --strict failed:\n{build.stdout[-4000:]}\n{build.stderr[-6000:]}"
    return out


class _Links(html.parser.HTMLParser):
    """The links (href, src) and the element ids of one HTML page."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value is None:
                continue
            if name == "id":
                self.ids.add(value)
            elif name in ("href", "src") and not (tag == "link" and ("rel", "canonical") in attrs):
                self.links.append(value)


@functools.cache
def parse(path: Path) -> _Links:
    parser = _Links()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def target_file(site: Path, page: Path, link: str) -> tuple[Path, str] | None:
    """The file (and fragment) an internal link of ``page`` points to; None for external links."""
    url, fragment = urldefrag(link)
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or link.startswith(("mailto:", "javascript:", "data:")):
        return None
    base = page.parent
    path = (site / unquote(parts.path).lstrip("/")) if parts.path.startswith("/") else (base / unquote(parts.path))
    path = Path(os.path.normpath(path)) if parts.path else page
    if parts.path.endswith("/") or path.is_dir():  # a directory URL is served its index.html
        path = path / "index.html"
    return path, fragment


def broken_links(site: Path) -> list[str]:
    broken = []
    for page in sorted(site.rglob("*.html")):
        for link in parse(page).links:
            target = target_file(site, page, link)
            if target is None:
                continue
            path, fragment = target
            where = f"{page.relative_to(site)}: {link}"
            if not path.exists():
                broken.append(f"{where} (no {path.relative_to(site) if site in path.parents else path})")
            elif fragment and path.suffix == ".html" and fragment not in parse(path).ids:
                broken.append(f"{where} (no #{fragment} in {path.relative_to(site)})")
    return broken


def test_the_site_builds_strictly_and_no_internal_link_is_broken(site: Path) -> None:
    pages = {p.relative_to(site).as_posix() for p in site.rglob("index.html")}
    assert {"index.html", "getting-started/vendor/index.html", "reference/python-api/index.html"} <= pages
    assert broken_links(site) == []


def test_the_link_check_finds_a_broken_link(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "index.html").write_text('<a href="a/">ok</a><a href="b/">missing</a><a href="a/#nope">anchor</a>'
                                         '<a href="https://example.org/x">external</a><h2 id="here"></h2><a href="#here">self</a>')
    (tmp_path / "a" / "index.html").write_text('<h1 id="top">A</h1><a href="../index.html#here">back</a>')
    assert broken_links(tmp_path) == ["index.html: b/ (no b/index.html)", "index.html: a/#nope (no #nope in a/index.html)"]


def test_the_api_reference_is_generated_from_the_docstrings(site: Path) -> None:
    text = (site / "reference" / "python-api" / "index.html").read_text(encoding="utf-8")
    for name in ("create_app", "run_mock", "RunningMock", "assert_one_score", "verify"):
        assert f'id="{name}"' in text or f"{name}</code>" in text or f">{name}<" in text, name


@pytest.fixture(scope="module")
def served_site(site: Path) -> Iterator[str]:
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, name="docs-site", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.mark.parametrize("path", ["", *SECTION_PAGES])
def test_the_site_opens_in_chromium_without_console_errors(path: str, served_site: str, screens: Any) -> None:
    page = screens.new_page()
    failed: list[str] = []
    page.on("requestfailed", lambda request: failed.append(request.url))
    page.on("response", lambda response: response.status >= 400 and failed.append(f"{response.status} {response.url}"))
    page.goto(served_site + path)
    page.wait_for_load_state("load")
    assert page.locator("article h1").count() == 1
    assert page.locator("nav.md-nav").count() >= 1
    screens.shot(page, path.strip("/").replace("/", "-") or "home")
    assert failed == []
