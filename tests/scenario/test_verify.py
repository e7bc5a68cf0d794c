"""Verification helpers on RunningMock: pass when the tool behaved, fail readably when not."""

from __future__ import annotations

import pytest

from tests.ltiutil import AGS_LINEITEM_RO, AGS_SCORE
from tests.scenario.tool import Tool

COURSE = 101


def test_assert_one_score_passes_for_exactly_one_accepted_score(mock, tool):
    item = tool.create_line_item(COURSE)
    assert tool.post_score(item["id"], 20).status_code == 200
    tool.post_score(item["id"], 21)
    entry = mock.assert_one_score(user_id=20, line_item_id=item["id"])
    assert entry["body"]["userId"] == "20"
    line_item_id = item["id"].rsplit("/", 1)[1]
    mock.assert_one_score(user_id="21", line_item_id=line_item_id)


def test_assert_one_score_fails_readably_on_a_duplicate(mock, tool):
    item = tool.create_line_item(COURSE)
    tool.post_score(item["id"], 20)
    tool.post_score(item["id"], 20, given=6)
    with pytest.raises(AssertionError) as failure:
        mock.assert_one_score(user_id=20, line_item_id=item["id"])
    message = str(failure.value)
    assert f"expected exactly one score accepted for user 20 on line item {item['id']}, saw 2" in message
    assert message.count("POST /api/lti/courses/101/line_items/") == 4  # both listings show both
    assert "→ 200 [createScore]" in message


def test_assert_one_score_fails_readably_when_none_was_accepted(mock, tool):
    item = tool.create_line_item(COURSE)
    mock.add_faults({"kind": "status", "status": 503, "operation_id": "createScore"})
    tool.max_attempts = 2
    assert tool.post_score(item["id"], 20).status_code == 503
    with pytest.raises(AssertionError) as failure:
        mock.assert_one_score(user_id=20, line_item_id=item["id"])
    assert "saw 0" in str(failure.value)
    assert "→ 503 [createScore] (injected status)" in str(failure.value)


def test_a_score_processed_before_an_injected_gateway_timeout_counts(mock, tool):
    """The classic double-post: Canvas recorded the score, the tool saw a 504 and posted again."""
    item = tool.create_line_item(COURSE)
    mock.add_faults({"kind": "status", "status": 504, "when": "after", "times": 1, "operation_id": "createScore"})
    assert tool.post_score(item["id"], 20).status_code == 200
    assert tool.attempts[-2:] == [504, 200]
    with pytest.raises(AssertionError, match="saw 2"):
        mock.assert_one_score(user_id=20, line_item_id=item["id"])


def test_assert_no_request_without_scope(mock):
    tool = Tool(mock, scopes=[AGS_LINEITEM_RO])
    tool.list_line_items(COURSE)
    mock.assert_no_request_without_scope(AGS_LINEITEM_RO)
    with pytest.raises(AssertionError) as failure:
        mock.assert_no_request_without_scope(AGS_SCORE)
    message = str(failure.value)
    assert f"expected every request under /api/lti/ to carry a token with scope {AGS_SCORE!r}" in message
    assert "1 of 1 did not" in message
    assert f"token scopes: ['{AGS_LINEITEM_RO}']" in message

    tool.token = "garbage"
    tool.max_attempts = 1
    tool.call("GET", f"/api/lti/courses/{COURSE}/line_items")
    with pytest.raises(AssertionError, match="token scopes: none"):
        mock.assert_no_request_without_scope(AGS_LINEITEM_RO)
    tool.close()


def test_assert_followed_all_pages(mock, tool):
    for label in ("A", "B", "C"):
        tool.create_line_item(COURSE, label)
    items = tool.list_line_items(COURSE, per_page=2)
    assert len(items) >= 4
    mock.assert_followed_all_pages("listLineItems")

    mock.clear_requests()
    tool.list_line_items(COURSE, per_page=2, follow=False)
    with pytest.raises(AssertionError) as failure:
        mock.assert_followed_all_pages("listLineItems")
    message = str(failure.value)
    assert 'expected the tool to follow every rel="next" page of listLineItems; 1 next page(s) never fetched' in message
    assert "page=2&per_page=2" in message


def test_assert_followed_all_pages_when_never_called(mock):
    with pytest.raises(AssertionError, match="never called it"):
        mock.assert_followed_all_pages("listCourseMemberships")


def test_the_canvas_mock_fixture_has_the_helpers(canvas_mock):
    tool = Tool(canvas_mock)
    item = tool.create_line_item(COURSE)
    tool.post_score(item["id"], 22)
    canvas_mock.assert_one_score(user_id=22, line_item_id=item["id"])
    assert canvas_mock.requests(operation_id="createLineItem")[0]["status"] in (200, 201)
    tool.close()
