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
    assert "Accepted (2):" in message
    assert message.count("POST /api/lti/courses/101/line_items/") == 2
    assert "→ 200 [createScore]" in message


def test_assert_one_score_takes_the_canvas_id_or_the_lti_id(mock, tool):
    item = tool.create_line_item(COURSE)
    lti_id = mock.user(20)["lti_id"]
    assert tool.post_score(item["id"], lti_id).status_code == 200  # the tool sends the LTI id, as in a launch
    assert mock.assert_one_score(user_id=20, line_item_id=item["id"])["body"]["userId"] == lti_id
    assert mock.assert_one_score(user_id=lti_id, line_item_id=item["id"])["body"]["userId"] == lti_id
    mock.assert_one_score(user_id=lti_id)  # any line item


def test_assert_one_score_failure_shows_near_misses_with_the_differing_fields(mock, tool):
    item = tool.create_line_item(COURSE)
    other = tool.create_line_item(COURSE, "Other")
    tool.post_score(item["id"], 21)
    tool.post_score(other["id"], 20)
    with pytest.raises(AssertionError) as failure:
        mock.assert_one_score(user_id=20, line_item_id=item["id"])
    message = str(failure.value)
    lti_20 = mock.user(20)["lti_id"]
    assert "saw 0" in message and "Accepted (0):\n  (none)" in message
    assert "Other score requests, with what differed (2):" in message
    assert f"userId '21' (wanted 20 or {lti_20})" in message
    other_path = other["id"].split("://", 1)[1].split("/", 1)[1]
    assert f"line item '/{other_path}' (wanted {item['id']})" in message
    assert "userId '20'" not in message  # the score for user 20 differed only in its line item


def test_verify_counts_matching_requests_like_wiremock(mock, tool):
    item = tool.create_line_item(COURSE)
    tool.post_score(item["id"], 20, given=7)
    tool.post_score(item["id"], 21)
    scores = mock.verify(2, method="POST", path="/api/lti/courses/101/line_items/*/scores")
    assert [e["status"] for e in scores] == [200, 200]
    mock.verify(1, operation_id="createScore", body_contains={"userId": "20", "scoreGiven": 7})
    mock.verify(1, operation_id="createLineItem", status=201, client_id=tool.tool["client_id"])
    mock.verify(2, body_contains="FullyGraded")  # a string is looked for in the body text
    mock.verify(3, body_contains="scoreMaximum")  # the line item too
    mock.verify(0, method="DELETE")
    with pytest.raises(AssertionError) as failure:
        mock.verify(1, operation_id="createScore", body_contains={"userId": "22"})
    message = str(failure.value)
    assert 'expected 1 request(s) matching operation createScore, body containing {"userId": "22"}; saw 0.' in message
    assert "Near misses, with what differed" in message
    near = [line for line in message.splitlines() if "[createScore]" in line]
    assert len(near) == 2 and all("body {" in line and "(wanted containing" in line for line in near)
    assert "operation 'createLineItem' (wanted createScore)" in message


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
