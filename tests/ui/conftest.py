"""Browser fixtures: Debian's chromium driven by Playwright, the mock and a real LTI tool.

Playwright's own browser download is not used (it cannot be fetched here): the tests drive the
system chromium through ``executable_path``. Without chromium the tests skip, except in CI
(``CI`` set), where a missing browser is a failure. Every page a test opens is checked for
console errors, and tests save screenshots under ``artifacts/ui/<test>/``.

Every console page a test leaves open (and any the test audits on the way) is checked with
axe-core (``make axe`` installs the npm package into ``.node/``): a serious or critical
violation fails the test. The tool's own pages are not ours to check, and are skipped.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from mockserver.testing import RunningMock, run_mock
from tests import net
from tests.launch.tool import LtiTool, serve

from .tool import ConsoleTool

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts" / "ui"
README_SHOTS = ROOT / "docs" / "screenshots"
#: A name chromium resolves to 127.0.0.1, as a DNS-rebinding attacker's name would be (test_cross_site.py).
REBINDING_NAME = "rebinding.attacker.test"
AXE = ROOT / ".node" / "node_modules" / "axe-core" / "axe.min.js"
#: axe-core impacts that fail a test.
BLOCKING_IMPACTS = ("serious", "critical")
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync",
                 f"--host-resolver-rules=MAP {REBINDING_NAME} 127.0.0.1"]
GRADING_KEY = "10000000000001"
GRADING_TOOL = 1
#: How the tests configure the fixtures' Mock Grading Tool: two in-page placements.
PLACEMENTS = {
    "course_navigation": {"text": "Grading Tool", "enabled": True},
    "course_assignments_menu": {"text": "Add quizzes", "message_type": "LtiDeepLinkingRequest"},
    "assignment_view": {"text": "Grading Tool report", "windowTarget": "_blank"},
}


def chromium_path() -> str | None:
    for candidate in (os.environ.get("CHROMIUM"), "chromium", "chromium-browser", "google-chrome"):
        found = candidate and shutil.which(candidate)
        if found:
            return found
    return None


@pytest.fixture(scope="package")
def browser() -> Iterator[Any]:
    """One chromium for this package's tests, closed when they end: Playwright's sync API holds an
    asyncio loop on the thread while it runs, and a later ``asyncio.run`` in the same worker would fail."""
    executable = chromium_path()
    if executable is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is missing in CI: `make test` installs it with apt (apt-get install -y chromium)")
        pytest.skip("chromium not found (install it: apt-get install -y chromium)")
    from playwright import sync_api  # a dev dependency (pyproject's dev extra)

    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        sync_api.expect.set_options(timeout=60_000)  # auto-waiting: generous for a loaded machine
        yield browser
        browser.close()


@pytest.fixture(scope="package")
def served_mock() -> Iterator[RunningMock]:
    with run_mock() as mock:
        yield mock


@pytest.fixture
def mock(served_mock: RunningMock) -> RunningMock:
    served_mock.reset()
    return served_mock


def edit_state(mock: RunningMock, change: Any) -> None:
    """Change the world the way a test harness would: dump, edit, load (``/__mock__/state``)."""
    state = net.get(f"{mock.base_url}/__mock__/state").json()
    change(state)
    net.put(f"{mock.base_url}/__mock__/state", json=state).raise_for_status()


@pytest.fixture
def tool(mock: RunningMock) -> Iterator[ConsoleTool]:
    """The example tool with web pages, serving HTTP, as the fixtures' "Mock Grading Tool"."""
    grading, config = mock.tool("Mock Grading Tool"), mock.config
    lti = LtiTool(issuer=config["issuer"], platform_jwks_url=config["jwks_url"], authorize_url=config["authorize_url"],
                  token_url=config["token_url"], client_id=grading["client_id"],
                  private_key_pem=grading["private_key_pem"], kid=grading["kid"])
    with serve(ConsoleTool(lti)) as served:
        def point_at_tool(state: dict[str, Any]) -> None:
            for key in state["developer_keys"]:
                if key["id"] == GRADING_KEY:
                    key.update(redirect_uris=[f"{served.base_url}/launch"], oidc_initiation_url=f"{served.base_url}/login")
            for row in state["tools"]:
                if row["id"] == GRADING_TOOL:
                    row.update(url=f"{served.base_url}/launch", domain="127.0.0.1", placements=PLACEMENTS)

        edit_state(mock, point_at_tool)
        yield served


def axe_script() -> Path | None:
    if AXE.is_file():
        return AXE
    if os.environ.get("CI"):
        pytest.fail("axe-core is missing in CI: `make test` installs it (make axe)")
    return None


def ours(frame: Any) -> bool:
    """A page of the mock's console (or one of its explanations in a tool's frame), not a tool's page."""
    path = urlsplit(frame.url).path
    if path == "/__mock__/" or path.startswith("/__mock__/ui/"):
        return True
    try:
        return bool(frame.evaluate("() => document.body !== null && document.body.classList.contains('frame-page')"))
    except Exception:  # a frame navigating away, or a closed page: nothing to check
        return False


def axe_violations(frame: Any) -> list[str]:
    """The serious and critical axe-core violations of a page or frame, one line each."""
    script = axe_script()
    if script is None:
        return []
    if not frame.evaluate("() => typeof window.axe !== 'undefined'"):
        frame.add_script_tag(path=str(script))
    result = frame.evaluate("() => axe.run(document, {resultTypes: ['violations'], iframes: false})")
    return [f"{frame.url}: {v['id']} ({v['impact']}) {v['help']}: "
            + "; ".join(" ".join(map(str, node["target"])) for node in v["nodes"][:5])
            for v in result["violations"] if v["impact"] in BLOCKING_IMPACTS]


class Screens:
    """Numbered screenshots of one test, the console errors of every page it opened, and the
    accessibility violations of the console pages it looked at."""

    def __init__(self, context: Any, folder: Path) -> None:
        self.context = context
        self.folder = folder
        self.errors: list[str] = []
        self.allowed: list[str] = []
        self.violations: list[str] = []
        self.count = 0
        context.on("page", self.watch)

    def audit(self, page_or_frame: Any) -> None:
        """Check a console page (or frame) as it is now with axe-core; violations fail the test."""
        self.violations.extend(axe_violations(page_or_frame))

    def audit_open_pages(self) -> None:
        for page in self.context.pages:
            for frame in page.frames:
                if ours(frame):
                    self.audit(frame)

    def watch(self, page: Any) -> None:
        page.on("console", lambda message: message.type == "error" and self.errors.append(f"{page.url}: {message.text}"))
        page.on("pageerror", lambda error: self.errors.append(f"{page.url}: {error}"))

    def allow(self, message: str) -> None:
        """Accept one console error the test provokes on purpose (e.g. chromium's log of an intended 400)."""
        self.allowed.append(message)

    def unexpected_errors(self) -> list[str]:
        errors = list(self.errors)
        for message in self.allowed:
            found = next((e for e in errors if e.endswith(message)), None)
            assert found is not None, f"expected console error not seen: {message}"
            errors.remove(found)
        return errors

    def new_page(self) -> Any:
        return self.context.new_page()

    def shot(self, page: Any, name: str, *, readme: str | None = None) -> Path:
        self.count += 1
        path = self.folder / f"{self.count:02d}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        if readme and os.environ.get("UPDATE_README_SCREENSHOTS"):
            README_SHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(README_SHOTS / readme))
        return path


@pytest.fixture
def screens(browser: Any, request: pytest.FixtureRequest) -> Iterator[Screens]:
    """A fresh browser context (laptop-sized, clipboard allowed); fails the test on console errors."""
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    context.set_default_timeout(60_000)  # actions and navigations: generous for a loaded machine (Playwright's is 30 s)
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    folder = ARTIFACTS / re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    screens = Screens(context, folder)
    yield screens
    screens.audit_open_pages()
    context.close()
    assert screens.unexpected_errors() == [], "browser console errors"
    assert not screens.violations, "serious or critical accessibility violations (axe-core):\n" + "\n".join(
        dict.fromkeys(screens.violations))
