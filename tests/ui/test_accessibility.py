"""Every console page, as the spec lists them, checked with axe-core in a real browser.

The pages come from ``specs/canvas-lti.yaml`` (every GET under ``/__mock__/ui/`` and the launch
form that answers an HTML page), so a page added to the console is checked without a change
here. Pages with live data are visited in a state that shows it: after a launch, a deep-linking
round trip and a refused response, with journal entries open. (``conftest.py`` checks every
console page a browser test leaves open, too.)
"""

from __future__ import annotations

import os
import re

import pytest

if not os.environ.get("CI"):  # in CI a missing Playwright is a failure, not a skip
    pytest.importorskip("playwright")
from playwright.sync_api import expect

from mockserver.spec import load_spec
from mockserver.testing import RunningMock
from tests import net

from .conftest import Screens, axe_script
from .test_console import COURSE, open_page
from .tool import ConsoleTool

PARAMETERS = {"course_id": str(COURSE), "client_id": "10000000000004"}  # the Demo Tool's key


def console_pages(launch_id: int) -> list[str]:
    """Every console page's URL, path parameters filled in; an unknown parameter fails loudly."""
    known = {**PARAMETERS, "launch_id": str(launch_id)}
    urls = []
    for path, item in load_spec()["paths"].items():
        operation = item.get("get")
        if operation is None or not (path == "/__mock__/" or path.startswith("/__mock__/ui/")):
            continue
        if "text/html" not in operation["responses"].get("200", {}).get("content", {}):
            continue  # static files
        names = re.findall(r"{(\w+)}", path)
        missing = [name for name in names if name not in known]
        assert not missing, f"{path}: add a value for {missing} to PARAMETERS"
        urls.append(re.sub(r"{(\w+)}", lambda m: known[m.group(1)], path))
    return urls


def test_every_console_page_has_no_serious_accessibility_violation(mock: RunningMock, tool: ConsoleTool,
                                                                     screens: Screens) -> None:
    if axe_script() is None:
        pytest.skip("axe-core is not installed (make axe)")
    course = open_page(screens, f"{mock.base_url}/__mock__/ui/courses/{COURSE}")
    course.get_by_role("button", name="Launch Add quizzes").click()
    frame = course.frame_locator("#tool-frame")
    frame.get_by_role("button", name="Send a response for another platform").click()
    expect(frame.get_by_role("heading", level=1)).to_have_text("Canvas refused the deep-linking response")
    screens.audit(course.frame(name="tool-frame"))  # the mock's explanation in the tool's frame
    course.locator("#tool-1").get_by_text("Launch with options").click()
    screens.audit(course)
    course.locator("#tool-frame").focus()  # a visible focus ring on the frame
    assert course.locator("#tool-frame").evaluate("frame => getComputedStyle(frame).outlineStyle") == "solid"
    launch_id = net.get(f"{mock.base_url}/__mock__/launches").json()["launches"][0]["id"]

    checked = []
    page = screens.new_page()
    for path in console_pages(launch_id):
        if not net.get(f"{mock.base_url}{path}").text.lstrip().startswith("<!DOCTYPE html>"):
            continue  # a fragment another page embeds (a status line), checked there
        page.goto(f"{mock.base_url}{path}")
        for summary in page.locator("details > summary").all()[:3]:  # open a few: their contents count too
            summary.click()
        screens.audit(page)
        expect(page.locator("h1"), path).to_have_count(1)
        checked.append(path)
    assert {"/__mock__/ui/", f"/__mock__/ui/launches/{launch_id}", "/__mock__/ui/scenario", "/__mock__/"} <= set(checked)

    # A phone, or half a laptop screen (WCAG reflow): no page scrolls sideways as a whole.
    page.set_viewport_size({"width": 360, "height": 740})
    sideways = {}
    for path in [*checked, "/__mock__/demo-tool/"]:
        page.goto(f"{mock.base_url}{path}")
        overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
        if overflow > 0:
            sideways[path] = overflow
    assert sideways == {}, f"pages wider than a 360 px window (by px): {sideways}"

    screens.allow("the server responded with a status of 404 (Not Found)")
    page.goto(f"{mock.base_url}/__mock__/ui/no/such/page")
    expect(page.get_by_role("heading", level=1)).to_have_text("Not found")
    screens.audit(page)
    screens.allow("the server responded with a status of 400 (Bad Request)")
    page.goto(f"{mock.base_url}/__mock__/ui/courses/{COURSE}?user=me")  # a bad query: the console's page, not JSON
    expect(page.get_by_role("heading", level=1)).to_have_text("Bad request")
    expect(page.locator(".reason")).to_contain_text("The query parameter “user” must be a whole number; “me” is not.")
    screens.audit(page)
    page.get_by_role("link", name="Open this page without the query").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Computer Science 101")
