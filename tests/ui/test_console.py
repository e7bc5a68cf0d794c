"""The web console in a real browser (Playwright + Debian's chromium), against a real LTI tool.

Waiting is always on a DOM condition (Playwright's auto-waiting ``expect``), never a sleep.
"""

from __future__ import annotations

import os
from typing import Any

import pytest

if not os.environ.get("CI"):  # in CI a missing Playwright is a failure, not a skip
    pytest.importorskip("playwright")
from playwright.sync_api import expect

from mockserver.testing import RunningMock
from tests import net

from .conftest import Screens, edit_state
from .tool import ConsoleTool

COURSE = 101
STUDENT = 21  # Samuel Student


def open_page(screens: Screens, url: str) -> Any:
    page = screens.new_page()
    page.goto(url)
    return page


def launch_as_student(screens: Screens, mock: RunningMock) -> tuple[Any, Any]:
    """From the course page: act as the student, press the tool's course navigation link; the tool's page."""
    page = open_page(screens, f"{mock.base_url}/__mock__/ui/courses/{COURSE}")
    page.get_by_label("Act as").select_option(str(STUDENT))
    page.get_by_role("button", name="Switch").click()
    expect(page.locator(".acting")).to_contain_text("Samuel Student")
    page.locator(".course-nav").get_by_role("button", name="Grading Tool").click()
    frame = page.frame_locator("#tool-frame")
    expect(frame.get_by_role("heading")).to_have_text("Hello, Samuel Student")
    return page, frame


def test_home_page(mock: RunningMock, screens: Screens) -> None:
    page = open_page(screens, f"{mock.base_url}/__mock__/ui/")
    expect(page).to_have_title("Home · Canvas LTI mock console")
    expect(page.get_by_role("link", name="Computer Science 101")).to_be_visible()
    key = page.locator("#key-10000000000001")
    expect(key.locator(".client-id")).to_have_text("10000000000001")
    expect(key.locator(".deployment-id")).to_have_text(mock.tool("Mock Grading Tool")["deployment_id"])
    for name in ("Tool configuration (JSON)", "Platform JWKS"):
        href = page.get_by_role("link", name=name).get_attribute("href")
        assert net.get(f"{mock.base_url}{href}").status_code == 200, href
    page.get_by_role("button", name="Get a registration token").click()
    openid = page.get_by_role("link", name="openid-configuration (with a registration token)")
    answer = net.get(openid.get_attribute("href") or "")
    assert answer.status_code == 200 and answer.json()["issuer"] == mock.config["issuer"]
    key.get_by_role("button", name="Copy client id of Mock Grading Tool").click()
    expect(page.locator("#flash")).to_have_text("Copied to the clipboard")
    assert page.evaluate("navigator.clipboard.readText()") == "10000000000001"
    key.get_by_text("Private key (TEST-ONLY)").click()
    key.get_by_role("button", name="Copy TEST-ONLY private key PEM of Mock Grading Tool").click()
    assert page.evaluate("navigator.clipboard.readText()") == mock.tool("Mock Grading Tool")["private_key_pem"]
    screens.shot(page, "home")


def test_launch_as_student_inside_the_iframe(mock: RunningMock, tool: ConsoleTool, screens: Screens) -> None:
    page, frame = launch_as_student(screens, mock)
    expect(frame.locator(".roles")).to_contain_text("Learner")
    expect(frame.locator(".who")).to_contain_text("Computer Science 101")
    assert tool.lti.launches[-1]["https://www.instructure.com/placement"] == "course_navigation"
    assert page.url.startswith(f"{mock.base_url}/__mock__/ui/courses/{COURSE}")  # the course page stayed
    # The frame takes the content area, as Canvas gives a tool: the column's width beside the course
    # navigation, most of the window's height.
    column = page.locator("#launch-area").evaluate("area => area.parentElement.getBoundingClientRect().width")
    box = page.locator("#tool-frame").bounding_box()
    assert box["width"] >= 0.95 * column and box["height"] >= 0.6 * page.viewport_size["height"]
    screens.shot(page, "course-launch", readme="course.png")


def test_score_appears_in_the_gradebook_without_reload(mock: RunningMock, tool: ConsoleTool, screens: Screens) -> None:
    gradebook = open_page(screens, f"{mock.base_url}/__mock__/ui/courses/{COURSE}/gradebook")
    expect(gradebook.get_by_role("heading", name="Gradebook")).to_be_visible()
    gradebook.evaluate("window.notReloaded = true")
    _, frame = launch_as_student(screens, mock)
    frame.get_by_role("button", name="Post score").click()
    expect(frame.locator(".outcome")).to_have_text("Score posted: 8/10")
    line_item = tool.line_items[-1].rsplit("/", 1)[1]
    cell = gradebook.locator(f"#cell-{line_item}-{STUDENT}")
    expect(cell.locator(".score")).to_have_text("8 / 10")
    expect(cell).to_contain_text("Completed · FullyGraded")
    expect(cell.locator(".comment")).to_have_text("“Well done”")
    assert gradebook.evaluate("window.notReloaded") is True
    cell.get_by_text("History (1)").click()
    expect(cell.locator(".history li")).to_contain_text("200")
    screens.shot(gradebook, "gradebook", readme="gradebook.png")


def test_requests_page_shows_token_and_score_requests(mock: RunningMock, tool: ConsoleTool, screens: Screens) -> None:
    _, frame = launch_as_student(screens, mock)
    frame.get_by_role("button", name="Post score").click()
    expect(frame.locator(".outcome")).to_have_text("Score posted: 8/10")
    page = open_page(screens, f"{mock.base_url}/__mock__/ui/requests")
    journal = page.locator("#journal")
    expect(journal.locator('.entry[data-operation="createAccessToken"]').first).to_be_visible()
    score = journal.locator('.entry[data-operation="createScore"]')
    expect(score).to_have_count(1)
    expect(score.locator(".status")).to_have_text("200")
    screens.shot(page, "requests")
    page.get_by_label("Operation").select_option("createScore")
    page.get_by_role("button", name="Filter").click()
    expect(journal.locator(".entry")).to_have_count(1)
    score.locator("summary").click()
    expect(score).to_contain_text('"scoreGiven": 8')
    expect(score).to_contain_text("Bearer [redacted]")
    expect(score.locator(".curl code")).to_contain_text('"Authorization: Bearer $ACCESS_TOKEN"')
    expect(score.locator(".curl code")).to_contain_text("/scores")
    screens.shot(page, "requests-score-expanded")
    token = open_page(screens, f"{mock.base_url}/__mock__/ui/requests?operation=createAccessToken")
    entry = token.locator(".entry").first
    entry.locator("summary").click()
    expect(entry).to_contain_text('"access_token": "[redacted]"')  # the response body, redacted
    expect(entry.locator(".curl code")).to_contain_text("client_assertion=$CLIENT_ASSERTION")


def test_fault_added_in_the_ui_fails_the_next_score(mock: RunningMock, tool: ConsoleTool, screens: Screens) -> None:
    page = open_page(screens, f"{mock.base_url}/__mock__/ui/scenario")
    form = page.locator(".fault-form")
    form.get_by_label("Kind").select_option("status")
    form.get_by_label("Status", exact=True).fill("503")
    form.get_by_label("Operation").select_option("createScore")
    form.get_by_label("Times").fill("1")
    form.get_by_role("button", name="Add rule").click()
    expect(page.locator("#flash")).to_have_text("Fault rule added")
    expect(page.locator("#fault-sets .fault-rule")).to_contain_text("status 503")
    rule = mock.faults()["sets"][0]["rules"][0]
    assert {k: rule[k] for k in ("kind", "status", "operation_id", "times")} == {
        "kind": "status", "status": 503, "operation_id": "createScore", "times": 1}
    screens.shot(page, "fault-added")

    course, frame = launch_as_student(screens, mock)
    frame.get_by_role("button", name="Post score").click()
    expect(frame.locator(".outcome")).to_have_text("Score failed: 503")
    screens.shot(course, "score-failed")
    expect(page.locator("#fault-sets .fault-rule td").nth(1)).to_have_text("1")  # matched, live
    requests = open_page(screens, f"{mock.base_url}/__mock__/ui/requests?status=503")
    expect(requests.locator('.entry[data-operation="createScore"]')).to_have_count(1)
    expect(requests.locator(".entry .badge")).to_have_text("fault status")
    screens.shot(requests, "requests-503")
    # The rule fired once: the tool's next score goes through; then remove the used-up set.
    _, again = launch_as_student(screens, mock)
    again.get_by_role("button", name="Post score").click()
    expect(again.locator(".outcome")).to_have_text("Score posted: 8/10")
    page.get_by_role("button", name="Remove #1").click()
    expect(page.locator("#fault-sets")).to_contain_text("No faults")
    assert mock.faults()["sets"] == []


def test_clock_advance_shows_in_the_ui(mock: RunningMock, screens: Screens) -> None:
    page = open_page(screens, f"{mock.base_url}/__mock__/ui/scenario")
    expect(page.locator("#mock-clock .offset")).to_have_text("(real time)")
    page.get_by_label("Advance by").fill("90000")
    page.get_by_role("button", name="Advance").click()
    expect(page.locator("#flash")).to_have_text("Clock advanced")
    expect(page.locator("#mock-clock .offset")).to_have_text("(offset +1d 1h)")
    expect(page.locator("[data-mock-offset]")).to_have_text("(offset +1d 1h)")
    assert round(mock.clock()["offset"]) == 90000
    screens.shot(page, "clock-advanced")
    page.get_by_label("Set to").fill("next tuesday")
    screens.allow("the server responded with a status of 400 (Bad Request)")
    page.get_by_role("button", name="Set", exact=True).click()
    expect(page.locator("#flash")).to_have_text(  # a sentence, not the API's JSON
        "The clock change was refused: not an ISO 8601 time or epoch seconds: 'next tuesday'.")
    other = open_page(screens, f"{mock.base_url}/__mock__/ui/")
    expect(other.locator("#mock-clock .offset")).to_have_text("(offset +1d 1h)")
    mock.reset_clock()  # through the JSON API: the open page follows
    expect(other.locator("#mock-clock .offset")).to_have_text("(real time)")


def test_names_are_shown_as_text_never_as_markup(mock: RunningMock, screens: Screens) -> None:
    evil = '<script>window.pwned = 1</script><img src=x onerror="window.pwned = 2">'

    def rename(state: dict[str, Any]) -> None:
        state["tools"][0]["name"] = evil
        state["courses"][0]["name"] = evil
        state["users"][4]["name"] = evil

    edit_state(mock, rename)
    for url in ("/__mock__/ui/", f"/__mock__/ui/courses/{COURSE}", f"/__mock__/ui/courses/{COURSE}/roster",
                f"/__mock__/ui/courses/{COURSE}/gradebook"):
        page = open_page(screens, f"{mock.base_url}{url}")
        expect(page.get_by_text(evil).first).to_be_visible()
        assert page.evaluate("window.pwned") is None, url
        assert page.locator("img[src=x]").count() == 0
        screens.shot(page, "escaped")
    launch = open_page(screens, f"{mock.base_url}/__mock__/")
    expect(launch.locator("select[name=tool] option").first).to_contain_text(evil)
    assert launch.evaluate("window.pwned") is None


def test_keyboard_alone_reaches_and_launches_a_tool(mock: RunningMock, tool: ConsoleTool, screens: Screens) -> None:
    page = open_page(screens, f"{mock.base_url}/__mock__/ui/courses/{COURSE}?user={STUDENT}")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to content")).to_be_focused()
    for _ in range(20):  # Tab through the header and course navigation to the tool's link
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == "Grading Tool":
            break
    expect(page.locator(".course-nav").get_by_role("button", name="Grading Tool")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.frame_locator("#tool-frame").get_by_role("heading")).to_have_text("Hello, Samuel Student")


def test_deep_linking_shows_what_the_tool_sent_back(mock: RunningMock, tool: ConsoleTool, screens: Screens) -> None:
    page = open_page(screens, f"{mock.base_url}/__mock__/ui/courses/{COURSE}")  # as the teacher
    expect(page.locator(".acting")).to_contain_text("Terry Teacher")
    page.get_by_role("button", name="Launch Add quizzes").click()
    page.frame_locator("#tool-frame").get_by_role("button", name="Add Console quiz 2").click()
    expect(page.locator("#flash")).to_have_text("The tool returned 1 content item(s): Done")
    item = page.locator("#deep-linking .content-item")
    expect(item).to_have_count(1)
    expect(item).to_contain_text("Console quiz 2")
    expect(item).to_contain_text("via course_assignments_menu")
    expect(item).to_contain_text("Created assignment Console quiz 2")
    expect(item).to_contain_text("Created resource link")
    expect(page.locator("section[aria-labelledby=assignments-h]").get_by_text("Console quiz 2")).to_be_visible()
    screens.shot(page, "deep-linking")


def test_window_placements_open_a_new_window(mock: RunningMock, tool: ConsoleTool, screens: Screens) -> None:
    page = open_page(screens, f"{mock.base_url}/__mock__/ui/courses/{COURSE}?user={STUDENT}")
    with page.context.expect_page() as opened:
        page.get_by_role("button", name="Launch Grading Tool report").click()
    window = opened.value
    expect(window.get_by_role("heading")).to_have_text("Hello, Samuel Student")
    assert tool.lti.launches[-1]["https://www.instructure.com/placement"] == "assignment_view"
    expect(page.frame_locator("#tool-frame").locator("body")).to_be_empty()


def test_throttle_keys_reset_and_state_round_trip_from_the_scenario_page(mock: RunningMock, screens: Screens,
                                                                         tmp_path: Any) -> None:
    page = open_page(screens, f"{mock.base_url}/__mock__/ui/scenario")
    page.get_by_label("Throttle on").check()
    page.get_by_label("Budget (high water mark)").fill("300")
    page.get_by_role("button", name="Apply").click()
    expect(page.locator(".throttle-state")).to_have_text("on")
    assert mock.throttle()["enabled"] is True and mock.throttle()["hwm"] == 300

    page.get_by_role("button", name="Rotate platform keys").click()
    expect(page.locator(".kid-past")).to_have_text("mock-platform-key-1")
    expect(page.locator(".kid-current")).to_have_text("mock-platform-key-2")

    with page.expect_download() as download:
        page.get_by_role("link", name="Download state", exact=True).click()
    saved = tmp_path / "state.json"
    download.value.save_as(saved)
    assert '"format": "canvas-lti-mock-state/1"' in saved.read_text().replace('":"', '": "')

    page.get_by_role("button", name="Reset the world").click()
    dialog = page.get_by_role("dialog", name="Reset the world?")
    dialog.get_by_role("button", name="Keep it").click()  # asks first; keeping changes nothing
    expect(dialog).to_be_hidden()
    assert mock.throttle()["enabled"] is True
    page.get_by_role("button", name="Reset the world").click()
    dialog.get_by_role("button", name="Reset the world").click()
    expect(page.locator("#flash")).to_have_text("World reset to the fixtures")
    expect(page.locator(".throttle-state")).to_have_text("off")
    expect(page.get_by_label("Throttle on")).not_to_be_checked()  # the form shows the state after the reset
    expect(page.get_by_label("Budget (high water mark)")).to_have_value(str(mock.throttle()["hwm"]))
    expect(page.locator(".kid-current")).to_have_text("mock-platform-key-1")

    page.get_by_label("Upload a state dump").set_input_files(str(saved))
    page.get_by_role("button", name="Load", exact=True).click()
    expect(page.locator("#flash")).to_have_text("State loaded")
    expect(page.locator(".throttle-state")).to_have_text("on")  # the dump's scenario part came back
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "something else"}')
    page.get_by_label("Upload a state dump").set_input_files(str(bad))
    screens.allow("the server responded with a status of 400 (Bad Request)")  # chromium logs the refused upload
    page.get_by_role("button", name="Load", exact=True).click()
    expect(page.locator("#flash")).to_have_text("The format must be one of 'canvas-lti-mock-state/1' (it was 'something else').")
    screens.shot(page, "scenario")
