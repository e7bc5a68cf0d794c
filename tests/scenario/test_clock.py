"""The mock clock over HTTP: token expiry and assertion age follow it, without sleeping."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest

from tests import net
from tests.ltiutil import token_form

LINE_ITEMS = "/api/lti/courses/101/line_items"


def test_get_and_move_the_clock(mock):
    wall_before = time.time()
    before = mock.clock()
    assert before["offset"] == 0.0 and before["frozen"] is False
    assert wall_before <= before["epoch"] <= time.time()  # real time, without a timing window
    assert datetime.fromisoformat(before["now"].replace("Z", "+00:00")).timestamp() == pytest.approx(before["epoch"], abs=1e-3)

    moved = mock.advance_clock(3600)
    assert moved["offset"] == 3600 and moved["epoch"] >= before["epoch"] + 3600
    assert mock.set_clock("2030-01-02T03:04:05Z")["now"].startswith("2030-01-02T03:04:05")
    wall_before = time.time()
    epoch = mock.set_clock(1_900_000_000)["epoch"]
    assert 1_900_000_000 <= epoch <= 1_900_000_000 + (time.time() - wall_before)
    assert mock.set_clock("2031-01-01T00:00:00+02:00")["now"].startswith("2030-12-31T22:00:00")
    assert mock.reset_clock()["offset"] == 0.0
    mock.advance_clock(-30)
    mock.reset()
    assert mock.clock()["offset"] == 0.0


def test_a_frozen_clock_moves_only_when_told(mock):
    frozen = mock.freeze_clock()
    assert frozen["frozen"] is True
    assert mock.clock()["epoch"] == frozen["epoch"]
    assert mock.advance_clock(2.5)["epoch"] == frozen["epoch"] + 2.5
    assert mock.set_clock(1_900_000_000)["epoch"] == 1_900_000_000  # stays frozen
    stood = mock.clock()
    assert (stood["now"], stood["epoch"], stood["frozen"]) == ("2030-03-17T17:46:40Z", 1_900_000_000, True)
    thawed = mock.thaw_clock()
    assert thawed["frozen"] is False and thawed["epoch"] >= 1_900_000_000
    assert mock.clock()["epoch"] >= thawed["epoch"]  # runs on from where it stood
    assert mock.set_clock("2030-01-01T00:00:00Z", freeze=True)["epoch"] == 1_893_456_000
    mock.reset()
    assert mock.clock()["frozen"] is False and mock.clock()["offset"] == 0.0


def test_journal_times_and_token_expiry_follow_a_frozen_clock(mock, tool):
    stood = mock.set_clock(1_900_000_000, freeze=True)["epoch"]
    now = int(stood)
    assert tool.fetch_token(iat=now, exp=now + 300).status_code == 200
    token = tool.token
    headers = {"Authorization": f"Bearer {token}"}
    assert net.get(mock.base_url + LINE_ITEMS, headers=headers).status_code == 200
    assert [e["time"] for e in mock.requests()] == [stood, stood]
    mock.advance_clock(3599)  # a second before exp = iat + 3600
    assert net.get(mock.base_url + LINE_ITEMS, headers=headers).status_code == 200
    mock.advance_clock(1)
    assert net.get(mock.base_url + LINE_ITEMS, headers=headers).status_code == 401


@pytest.mark.parametrize("body", [{}, {"advance": 1, "reset": True}, {"advance": "soon"}, {"now": "tomorrow"},
                                  {"advance": True}, {"later": 1}, {"freeze": "yes"},
                                  {"advance": 1, "now": 5, "freeze": True}])
def test_bad_clock_changes_are_refused(mock, body):
    response = net.post(f"{mock.base_url}/__mock__/clock", json=body)
    assert response.status_code == 400, body
    assert response.json()["errors"][0]["message"]  # the schema's or the handler's reason
    assert mock.clock()["offset"] == 0.0


def test_an_access_token_expires_when_the_clock_passes_an_hour(mock, tool):
    tool.fetch_token()
    token = tool.token
    headers = {"Authorization": f"Bearer {token}"}
    assert net.get(mock.base_url + LINE_ITEMS, headers=headers).status_code == 200
    mock.advance_clock(3601)
    response = net.get(mock.base_url + LINE_ITEMS, headers=headers)
    assert response.status_code == 401
    assert response.json() == {"errors": {"type": "unauthorized", "message": "Access token expired"}}
    # a tool that re-fetches its token on 401 carries on (its fresh assertion is dated by the
    # mock clock: an assertion dated by the wall clock would now be an hour old, see below)
    now = int(mock.clock()["epoch"])
    assert tool.fetch_token(iat=now, exp=now + 300).status_code == 200
    assert net.get(mock.base_url + LINE_ITEMS, headers={"Authorization": f"Bearer {tool.token}"}).status_code == 200
    assert [e["status"] for e in mock.requests(operation_id="listLineItems")] == [200, 401, 200]


def test_client_assertion_age_is_judged_by_the_mock_clock(mock, tool):
    token_url = mock.config["token_url"]
    wall = int(mock.freeze_clock()["epoch"])  # the tool's own (wall) clock, as the mock stood
    mock.advance_clock(301)
    form = token_form(tool.tool, token_url, tool.scopes, iat=wall, exp=wall + 3600)
    response = net.post(token_url, data=form)
    assert response.status_code == 400
    assert response.json() == {"error": "invalid_request",
                               "error_description": "the 'iat' must be less than 300 seconds old"}

    mock.advance_clock(-2 * 301)  # now the wall-clock iat is five minutes in the mock's future
    response = net.post(token_url, data=token_form(tool.tool, token_url, tool.scopes, iat=wall, exp=wall + 3600))
    assert response.json()["error_description"] == "the 'iat' must not be in the future"

    mock.set_clock("2030-06-01T12:00:00Z")
    then = int(datetime(2030, 6, 1, 12, tzinfo=UTC).timestamp())
    response = net.post(token_url, data=token_form(tool.tool, token_url, tool.scopes, iat=then, exp=then + 300))
    assert response.status_code == 200, response.text


def test_clock_offset_is_in_the_state_dump(mock):
    mock.advance_clock(1234)
    dump = net.get(f"{mock.base_url}/__mock__/state").json()
    assert dump["scenario"]["clock"] == {"offset": 1234, "frozen_at": None}
    mock.reset()
    assert net.put(f"{mock.base_url}/__mock__/state", json=dump).status_code == 204
    assert mock.clock()["offset"] == 1234


def test_a_frozen_clock_is_in_the_state_dump(mock):
    mock.set_clock(1_900_000_000, freeze=True)
    dump = net.get(f"{mock.base_url}/__mock__/state").json()
    assert dump["scenario"]["clock"]["frozen_at"] == 1_900_000_000
    mock.reset()
    assert net.put(f"{mock.base_url}/__mock__/state", json=dump).status_code == 204
    assert mock.clock()["epoch"] == 1_900_000_000 and mock.clock()["frozen"] is True
