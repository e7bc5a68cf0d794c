"""The example tool's tests: what a vendor's suite looks like with the ``canvas_mock`` fixture.

``pip install canvas-lti-contract`` registers the fixture; copy this file and ``example_tool.py``
into your project and run ``pytest``. Nothing here sleeps: the tool's ``sleep`` and ``clock`` are
the mock's clock.
"""

from __future__ import annotations

import pytest
from example_tool import ExampleTool, ToolError

COURSE = 101


@pytest.fixture
def tool(canvas_mock):
    """The example tool registered as the mock's "Mock Grading Tool", on the mock's clock."""
    return ExampleTool.from_registration(canvas_mock.config, canvas_mock.tool("Mock Grading Tool"),
                                         clock=lambda: canvas_mock.clock()["epoch"], sleep=canvas_mock.advance_clock)


@pytest.fixture
def course(canvas_mock):
    return f"{canvas_mock.base_url}/api/lti/courses/{COURSE}"


def test_syncs_each_grade_once(canvas_mock, tool, course):
    student = canvas_mock.user(20)["lti_id"]
    item = tool.sync_grades(course, "Quiz 1", {student: 8}, maximum=10)
    canvas_mock.assert_one_score(user_id=20, line_item_id=item["id"])
    canvas_mock.verify(1, operation_id="createLineItem", body_contains={"label": "Quiz 1", "scoreMaximum": 10})
    assert tool.results(item["id"])[0]["resultScore"] == 8


def test_no_duplicate_score_when_canvas_times_out_after_saving(canvas_mock, tool, course):
    canvas_mock.add_faults({"kind": "status", "status": 504, "when": "after", "times": 1, "operation_id": "createScore"})
    student = canvas_mock.user(21)["lti_id"]
    item = tool.sync_grades(course, "Quiz 2", {student: 7}, maximum=10)
    canvas_mock.assert_one_score(user_id=21, line_item_id=item["id"])  # not posted again after the 504


def test_survives_dropped_connections_and_unavailability(canvas_mock, tool, course):
    canvas_mock.add_faults(
        {"kind": "status", "status": 503, "operation_id": "createScore", "times": 2},
        {"kind": "drop", "path": "/api/lti/", "probability": 0.3},
        seed=7)
    students = [canvas_mock.user(user_id)["lti_id"] for user_id in (20, 21, 22)]
    item = tool.sync_grades(course, "Lab", dict.fromkeys(students, 9), maximum=10)
    for user_id in (20, 21, 22):
        canvas_mock.assert_one_score(user_id=user_id, line_item_id=item["id"])
    canvas_mock.verify(1, operation_id="createLineItem", status=201)  # no duplicate after a dropped create


def test_refreshes_an_expired_token(canvas_mock, tool, course):
    tool.line_items(course)
    canvas_mock.advance_clock(3601)
    tool._token_expires = float("inf")  # as if the tool had misjudged the expiry: Canvas's 401 must be handled
    tool.line_items(course)
    canvas_mock.verify(2, operation_id="createAccessToken", status=200)


def test_backs_off_when_throttled(canvas_mock, tool, course):
    canvas_mock.throttle(enabled=True, cost=125)
    for _ in range(8):
        tool.line_items(course)
    throttled = [e for e in canvas_mock.requests(operation_id="listLineItems") if e["status"] == 403]
    assert throttled, "the throttle never answered 403: the test proves nothing"
    canvas_mock.verify(8, operation_id="listLineItems", status=200)


def test_reads_every_roster_page(canvas_mock, tool, course):
    members = tool.members(course)
    assert {m["user_id"] for m in members} >= {canvas_mock.user(u)["lti_id"] for u in (20, 21, 22)}
    canvas_mock.assert_followed_all_pages("listCourseMemberships")


def test_gives_up_with_a_clear_error_when_canvas_keeps_failing(canvas_mock, tool, course):
    canvas_mock.add_faults({"kind": "status", "status": 500, "operation_id": "listLineItems"})
    with pytest.raises(ToolError, match="gave up after 5 attempts"):
        tool.line_items(course)
