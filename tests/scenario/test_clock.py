"""The mock clock over HTTP: token expiry and assertion age follow it, without sleeping."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import httpx
import pytest

from tests.ltiutil import token_form

LINE_ITEMS = "/api/lti/courses/101/line_items"


def test_get_and_move_the_clock(mock):
    before = mock.clock()
    assert before["offset"] == 0.0 and abs(before["epoch"] - time.time()) < 5
    assert datetime.fromisoformat(before["now"].replace("Z", "+00:00")).timestamp() == pytest.approx(before["epoch"], abs=1e-3)

    moved = mock.advance_clock(3600)
    assert moved["offset"] == pytest.approx(3600) and moved["epoch"] - before["epoch"] == pytest.approx(3600, abs=5)
    assert mock.set_clock("2030-01-02T03:04:05Z")["now"].startswith("2030-01-02T03:04:05")
    assert mock.set_clock(1_900_000_000)["epoch"] == pytest.approx(1_900_000_000, abs=5)
    assert mock.set_clock("2031-01-01T00:00:00+02:00")["now"].startswith("2030-12-31T22:00:00")
    assert mock.reset_clock()["offset"] == 0.0
    mock.advance_clock(-30)
    mock.reset()
    assert mock.clock()["offset"] == 0.0


@pytest.mark.parametrize("body", [{}, {"advance": 1, "reset": True}, {"advance": "soon"}, {"now": "tomorrow"},
                                  {"advance": True}, {"later": 1}])
def test_bad_clock_changes_are_refused(mock, body):
    response = httpx.post(f"{mock.base_url}/__mock__/clock", json=body)
    assert response.status_code == 400
    assert response.json()["errors"][0]["message"]  # the schema's or the handler's reason
    assert mock.clock()["offset"] == 0.0


def test_an_access_token_expires_when_the_clock_passes_an_hour(mock, tool):
    tool.fetch_token()
    token = tool.token
    headers = {"Authorization": f"Bearer {token}"}
    assert httpx.get(mock.base_url + LINE_ITEMS, headers=headers).status_code == 200
    mock.advance_clock(3601)
    response = httpx.get(mock.base_url + LINE_ITEMS, headers=headers)
    assert response.status_code == 401
    assert response.json() == {"errors": {"type": "unauthorized", "message": "Access token expired"}}
    # a tool that re-fetches its token on 401 carries on (its fresh assertion is dated by the
    # mock clock: an assertion dated by the wall clock would now be an hour old, see below)
    now = int(mock.clock()["epoch"])
    assert tool.fetch_token(iat=now, exp=now + 300).status_code == 200
    assert httpx.get(mock.base_url + LINE_ITEMS, headers={"Authorization": f"Bearer {tool.token}"}).status_code == 200
    assert [e["status"] for e in mock.requests(operation_id="listLineItems")] == [200, 401, 200]


def test_client_assertion_age_is_judged_by_the_mock_clock(mock, tool):
    token_url = mock.config["token_url"]
    wall = int(time.time())
    mock.advance_clock(301)
    form = token_form(tool.tool, token_url, tool.scopes, iat=wall, exp=wall + 3600)
    response = httpx.post(token_url, data=form)
    assert response.status_code == 400
    assert response.json() == {"error": "invalid_request",
                               "error_description": "the 'iat' must be less than 300 seconds old"}

    mock.advance_clock(-2 * 301)  # now the wall-clock iat is five minutes in the mock's future
    response = httpx.post(token_url, data=token_form(tool.tool, token_url, tool.scopes, iat=wall, exp=wall + 3600))
    assert response.json()["error_description"] == "the 'iat' must not be in the future"

    mock.set_clock("2030-06-01T12:00:00Z")
    then = int(datetime(2030, 6, 1, 12, tzinfo=UTC).timestamp())
    response = httpx.post(token_url, data=token_form(tool.tool, token_url, tool.scopes, iat=then, exp=then + 300))
    assert response.status_code == 200, response.text


def test_clock_offset_is_in_the_state_dump(mock):
    mock.advance_clock(1234)
    dump = httpx.get(f"{mock.base_url}/__mock__/state").json()
    assert dump["scenario"]["clock"]["offset"] == pytest.approx(1234)
    mock.reset()
    assert httpx.put(f"{mock.base_url}/__mock__/state", json=dump).status_code == 204
    assert mock.clock()["offset"] == pytest.approx(1234)
