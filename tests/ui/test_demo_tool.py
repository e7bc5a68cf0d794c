"""The demo tool out of the box, through the browser only: the default fixtures install it, a
click on the course page launches it, it posts a score through AGS and returns deep linking content.
"""

from __future__ import annotations

import os

import pytest

if not os.environ.get("CI"):  # in CI a missing Playwright is a failure, not a skip
    pytest.importorskip("playwright")
from playwright.sync_api import expect

from mockserver.demo_tool.validation import CHECKS
from mockserver.testing import RunningMock

from .conftest import Screens

COURSE = 101
STUDENT = 21  # Samuel Student


def test_the_demo_tool_home_page(mock: RunningMock, screens: Screens) -> None:
    page = screens.new_page()
    page.goto(f"{mock.base_url}/__mock__/demo-tool/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Demo Tool")
    expect(page.locator("#public-jwk")).to_contain_text('"kid": "demo-tool-key-1"')
    screens.audit(page)


def test_the_demo_tool_launches_grades_and_deep_links_out_of_the_box(mock: RunningMock, screens: Screens) -> None:
    page = screens.new_page()
    page.goto(f"{mock.base_url}/__mock__/ui/courses/{COURSE}?user={STUDENT}")
    # The fixtures' other tools stand for the tool under test, and say so.
    for name, why in (("Mock Grading Tool", "where nothing answers until you start a tool there"),
                      ("Roster Only Tool", "it has no OIDC login URL, so it cannot be launched")):
        card = page.locator("article.tool", has=page.get_by_role("heading", name=name, exact=True))
        expect(card.locator(".tool-description")).to_contain_text(why)
    page.locator(".course-nav").get_by_role("button", name="Demo Tool").click()
    frame = page.frame_locator("#tool-frame")
    expect(frame.get_by_role("heading", level=1)).to_have_text("Hello, Samuel Student")
    expect(frame.locator(".checks .fail")).to_have_count(0)
    expect(frame.locator(".checks .pass")).to_have_count(len(CHECKS))
    screens.audit(page.frame(name="tool-frame"))  # the demo tool's pages are checked with axe-core too
    frame.get_by_role("button", name="Post score").click()
    expect(frame.locator(".outcome")).to_have_text("Score posted: 8/10 for Samuel Student.")
    screens.audit(page.frame(name="tool-frame"))
    screens.shot(page, "demo-tool-scored")
    grades = screens.new_page()
    grades.goto(f"{mock.base_url}/__mock__/ui/courses/{COURSE}/gradebook")
    expect(grades.get_by_role("columnheader", name="Demo Tool activity")).to_be_visible()

    # Deep linking, as the teacher: the tool's picker, then the new assignment on the course page.
    page.goto(f"{mock.base_url}/__mock__/ui/courses/{COURSE}")
    page.get_by_role("button", name="Launch Add a Demo Tool activity").click()
    frame.get_by_label("Demo graded activity").check()
    screens.audit(page.frame(name="tool-frame"))
    frame.get_by_label("Demo reading").check()
    frame.get_by_role("button", name="Add to the course").click()
    results = page.locator("#deep-linking")
    expect(results.get_by_role("heading", name="Demo graded activity")).to_be_visible()
    expect(results).to_contain_text("Created assignment Demo graded activity")
    expect(results.get_by_role("heading", name="Demo reading")).to_be_visible()
    screens.shot(page, "demo-tool-deep-linked")
