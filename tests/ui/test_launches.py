"""Launches as a tool vendor works them from the console: the inspector, the editor, deep linking
with its validation report, and launches that go wrong, in a real browser against a real tool.

Waiting is always on a page condition (Playwright's auto-waiting ``expect``), never a sleep.
"""

from __future__ import annotations

import json
import os
import re
from typing import Any

import jwt
import pytest

if not os.environ.get("CI"):  # in CI a missing Playwright is a failure, not a skip
    pytest.importorskip("playwright")
from playwright.sync_api import expect

from mockserver.testing import RunningMock
from tests.launch.tool import LTI, free_port

from .conftest import Screens, edit_state
from .test_console import COURSE, STUDENT, launch_as_student, open_page
from .tool import ConsoleTool

TEACHER = 10


def inspect_current_launch(page: Any) -> Any:
    """Follow the status line's link to the inspector of the launch in the frame."""
    link = page.locator("#launch-status .launch-inspect")
    expect(link).to_be_visible()
    link.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Launch #")
    return page


def open_editor(page: Any) -> Any:
    """The launch editor ("Launch with options") of the Mock Grading Tool's card, opened."""
    card = page.locator("#tool-1")
    card.get_by_text("Launch with options").click()
    return card.locator("form.launch-editor")


def test_inspector_shows_the_conversation_and_the_id_token_claims(mock: RunningMock, tool: ConsoleTool,
                                                                  screens: Screens) -> None:
    page, _ = launch_as_student(screens, mock)
    status = page.locator("#launch-status")
    expect(status).to_contain_text("Grading Tool")
    expect(status).to_contain_text("course_navigation · LtiResourceLinkRequest")
    expect(status.locator(".launch-outcome")).to_have_text("The tool answered HTTP 200 (text/html)")
    inspect_current_launch(page)
    expect(page.locator(".launch-outcome")).to_have_text("The tool answered HTTP 200 (text/html)")
    page.locator("#step-id-token").evaluate("step => step.scrollIntoView()")
    screens.shot(page, "inspector", readme="inspector.png")

    auth = page.locator("#step-auth-1")
    for name in ("scope", "response_type", "response_mode", "prompt", "client_id", "redirect_uri", "login_hint",
                 "lti_message_hint", "nonce", "state"):
        expect(auth.locator(f'tr[data-check="{name}"] .verdict')).to_have_text("✓ pass")
    received = tool.lti.launches[-1]
    claims = page.locator("#step-id-token")
    roles = claims.locator(f'tr[data-claim="{LTI}roles"]')
    expect(roles).to_contain_text("The user's roles")
    expect(roles.locator("pre")).to_contain_text("membership#Learner")
    expect(claims.locator('tr[data-claim="sub"] pre')).to_have_text(json.dumps(received["sub"]))
    expect(claims.locator('tr[data-claim="nonce"] pre')).to_have_text(json.dumps(received["nonce"]))
    claims.get_by_role("button", name="Copy id_token (compact JWT)").click()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert jwt.decode(copied, options={"verify_signature": False}) == received  # the very token the tool got
    answer = page.locator("#step-answer-1")
    expect(answer).to_contain_text("HTTP 200")
    expect(answer.locator("pre")).to_contain_text("Hello, Samuel Student")
    journal = page.locator("#step-journal")
    expect(journal).to_contain_text("GET /api/lti/authorize_redirect")
    expect(journal).to_contain_text("GET /api/lti/authorize")

    page.get_by_role("link", name="These requests in full, with their curl commands").click()
    entries = page.locator("#journal .entry")
    expect(entries).to_have_count(2)
    expect(entries.first.locator(".launch-link")).to_have_text(re.compile(r"^launch #\d+$"))
    authorize = page.locator('.entry[data-operation="authorizeLaunch"]')
    authorize.locator("summary").first.click()
    expect(authorize.locator(".exchange")).to_contain_text(copied)  # the id_token, kept whole
    expect(authorize.locator(".curl code")).to_contain_text("lti_message_hint=%5Bredacted+jwt%5D")
    authorize.get_by_text("Reproducible curl of request").click()
    real = authorize.locator(".real-curl")
    expect(real).to_contain_text("lti_message_hint=eyJ")  # the real hint, for a replay


def test_a_claim_edited_in_the_editor_arrives_at_the_tool(mock: RunningMock, tool: ConsoleTool,
                                                          screens: Screens) -> None:
    page = open_page(screens, f"{mock.base_url}/__mock__/ui/courses/{COURSE}")
    editor = open_editor(page)
    editor.get_by_label("User", exact=True).select_option(str(STUDENT))
    editor.get_by_label("Role set").select_option("TA")
    editor.get_by_label("More roles").fill("Mentor")
    editor.get_by_label("Locale").fill("fr-CA")
    editor.get_by_label("Custom parameters (name=value").fill("color=blue\ncourse=$Canvas.course.id")
    editor.get_by_label("Extra claims (a JSON").fill('{"https://example.com/claim/shoe_size": 42}')
    editor.get_by_role("button", name="Launch Mock Grading Tool with these options").click()
    frame = page.frame_locator("#tool-frame")
    expect(frame.get_by_role("heading")).to_have_text("Hello, Samuel Student")
    # The editor sits below the frame: the launch scrolls the frame back into view, as Canvas shows a tool.
    expect(page.locator("#launch-status")).to_be_in_viewport()
    expect(page.locator("#tool-frame")).to_be_in_viewport(ratio=0.8)
    expect(frame.locator(".roles")).to_have_text("Instructor, TeachingAssistant, Instructor, User, Mentor")
    frame.get_by_text("Claims received").click()
    expect(frame.locator("pre.claims")).to_contain_text('"https://example.com/claim/shoe_size": 42')
    received = tool.lti.launches[-1]
    assert received["https://example.com/claim/shoe_size"] == 42
    assert received[LTI + "custom"] == {"color": "blue", "course": str(COURSE)}
    assert received["locale"] == received[LTI + "launch_presentation"]["locale"] == "fr-CA"
    assert received[LTI + "roles"][-1] == "http://purl.imsglobal.org/vocab/lis/v2/membership#Mentor"
    expect(page.locator("#recent-launches li").first).to_contain_text("Samuel Student: The tool answered HTTP 200")
    inspect_current_launch(page)
    expect(page.locator('tr[data-claim="https://example.com/claim/shoe_size"]')).to_contain_text(
        "Not a claim LTI or Canvas defines")
    expect(page.locator("#step-launch")).to_contain_text("editor: locale")


def test_deep_linking_round_trip_with_the_validation_report(mock: RunningMock, tool: ConsoleTool,
                                                           screens: Screens) -> None:
    page = open_page(screens, f"{mock.base_url}/__mock__/ui/courses/{COURSE}")  # as the teacher
    page.get_by_role("button", name="Launch Add quizzes").click()
    frame = page.frame_locator("#tool-frame")
    frame.get_by_role("button", name="Add Console quiz 2").click()
    expect(page.locator("#launch-status .launch-outcome")).to_have_text(
        "Canvas accepted the deep-linking response: 1 content item(s), created assignment “Console quiz 2”")
    expect(page.locator("#tool-frame")).to_have_attribute("src", "about:blank")  # the tool is closed
    expect(page.locator("#deep-linking .content-item")).to_contain_text("Created assignment Console quiz 2")
    inspect_current_launch(page)
    report = page.locator("#step-deep-linking-1")
    expect(report.locator(".dl-outcome")).to_contain_text("Canvas accepted it")
    for name in ("format", "alg", "iss", "kid", "signature", "aud", "nonce", "iat", "exp", "deployment_id",
                 "message_type", "data", "content_items"):
        expect(report.locator(f'table:first-of-type tr[data-check="{name}"] .verdict')).to_have_text("✓ pass")
    item = report.locator("table.checks").nth(1)
    expect(item.locator("caption")).to_have_text("Content item 1: ltiResourceLink “Console quiz 2”")
    expect(item.locator('tr[data-check="lineItem"]')).to_contain_text("creates an assignment worth 20 points")
    screens.shot(page, "deep-linking-report")


def test_a_broken_deep_linking_response_is_explained_not_dumped(mock: RunningMock, tool: ConsoleTool,
                                                               screens: Screens) -> None:
    page = open_page(screens, f"{mock.base_url}/__mock__/ui/courses/{COURSE}")
    page.get_by_role("button", name="Launch Add quizzes").click()
    frame = page.frame_locator("#tool-frame")
    frame.get_by_role("button", name="Send a response for another platform").click()
    expect(frame.get_by_role("heading", level=1)).to_have_text("Canvas refused the deep-linking response")
    expect(frame.locator(".reason")).to_contain_text("jwt: the 'aud' is invalid")
    expect(frame.locator("dl")).to_contain_text("must contain the platform's issuer https://canvas.instructure.com, "
                                                "got 'https://wrong.example'")
    assert "{" not in frame.locator("body").inner_text()  # not the JSON error body
    expect(page.locator("#launch-status .launch-outcome")).to_have_text(
        "Canvas refused the deep-linking response: jwt: the 'aud' is invalid")
    expect(page.locator("#recent-launches li").first).to_contain_text("Canvas refused the deep-linking response")
    screens.shot(page, "deep-linking-refused")
    frame.get_by_role("link", name=re.compile(r"^Open the inspector for launch #\d+$")).click()
    expect(page).to_have_url(re.compile(rf"^{mock.base_url}/__mock__/ui/launches/\d+$"))
    expect(page.locator('#step-deep-linking-1 tr[data-check="aud"] .verdict')).to_have_text("✗ fail")


def test_refused_and_unreachable_launches_get_a_readable_page(mock: RunningMock, tool: ConsoleTool,
                                                             screens: Screens) -> None:
    page = open_page(screens, f"{mock.base_url}/__mock__/ui/courses/{COURSE}")
    editor = open_editor(page)
    editor.get_by_label("Message type").select_option("LtiDeepLinkingRequest")  # course_navigation cannot
    editor.get_by_role("button", name="Launch Mock Grading Tool with these options").click()
    frame = page.frame_locator("#tool-frame")
    expect(frame.get_by_role("heading", level=1)).to_have_text("The launch did not start")
    expect(frame.locator(".reason")).to_contain_text("Placement 'course_navigation' does not support deep linking")
    expect(page.locator("#launch-status .launch-outcome")).to_contain_text("Canvas refused to start the launch")

    dead = f"http://127.0.0.1:{free_port()}"  # nothing listens there

    def login_nowhere(state: dict[str, Any]) -> None:
        for key in state["developer_keys"]:
            if key["id"] == "10000000000001":
                key["oidc_initiation_url"] = f"{dead}/login"

    edit_state(mock, login_nowhere)
    page.reload()
    page.locator(".course-nav").get_by_role("button", name="Grading Tool").click()
    expect(frame.get_by_role("heading", level=1)).to_have_text("The tool cannot be reached")
    expect(frame.locator(".reason")).to_contain_text(f"{dead}/login")
    expect(frame.locator(".reason")).to_contain_text("connection refused")
    expect(page.locator("#launch-status .launch-outcome")).to_contain_text("cannot be reached")
    screens.shot(page, "unreachable")
