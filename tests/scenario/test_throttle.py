"""Canvas's leaky-bucket throttle (§15.3), drained by the mock clock, never by sleeping.

The clock is frozen in every test: the bucket leaks only when the test moves the clock, so the
figures are exact however slow the machine is."""

from __future__ import annotations

import argparse

import httpx
import pytest

from mockserver import cli, create_app
from tests import net
from tests.scenario.tool import Tool

COURSE = 101
LINE_ITEMS = f"/api/lti/courses/{COURSE}/line_items"
THROTTLED = "403 Forbidden (Rate Limit Exceeded)\n"


@pytest.fixture(autouse=True)
def frozen(mock):
    mock.freeze_clock()


def remaining(response: httpx.Response) -> float:
    return float(response.headers["x-rate-limit-remaining"])


def assert_throttled(response: httpx.Response) -> None:
    assert response.status_code == 403
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    assert response.text == THROTTLED
    assert response.headers["x-rate-limit-remaining"] == "0.0"
    assert "x-request-cost" not in response.headers


def test_headers_always_refusals_only_when_enabled(mock, tool):
    """Canvas's throttle middleware always counts and always sends its headers; refusing is opt-in."""
    assert mock.throttle()["enabled"] is False
    tool.max_attempts = 1
    tokens = [tool.fetch_token() for _ in range(5)]            # 201 each, from one address
    assert [t.status_code for t in tokens] == [200] * 5       # a full bucket, but nothing refused
    assert [t.headers["x-request-cost"] for t in tokens] == ["201.0"] * 5
    assert [remaining(t) for t in tokens] == [399, 198, -3, -200, -200]  # capped at maximum 800
    figures = [remaining(tool.call("GET", LINE_ITEMS)) for _ in range(3)]
    assert figures == [599, 598, 597]                         # the tool's own bucket, 1 per request
    bad = tool.http.get(LINE_ITEMS)                           # no token: 401 still counted, by address
    # at the 800 cap the up-front 50 is not added, yet it is refunded: 800 - 50 + 1
    assert bad.status_code == 401 and bad.headers["x-request-cost"] == "1.0" and remaining(bad) == -151
    assert "x-rate-limit-remaining" not in net.get(f"{mock.base_url}/__mock__/config").headers
    entries = mock.requests(operation_id="createAccessToken")
    assert [e["throttle"]["throttled"] for e in entries] == [False] * 5
    assert [e["response_headers"]["x-rate-limit-remaining"] for e in entries] == ["399.0", "198.0", "-3.0", "-200.0", "-200.0"]

    mock.throttle(enabled=True)                                # the same full bucket now refuses
    assert_throttled(tool.fetch_token())
    mock.advance_clock(90)                                     # 800 - 900 leaked: empty again
    assert remaining(tool.fetch_token()) == 399


def test_headers_follow_the_configured_bucket(mock, tool):
    state = mock.throttle(enabled=True, cost=125)
    assert state == {"enabled": True, "hwm": 600.0, "maximum": 800.0, "outflow": 10.0, "up_front_cost": 50.0,
                     "cost": 125.0, "token_endpoint_cost": 200.0, "buckets": {}}
    token = tool.fetch_token()
    assert token.headers["x-request-cost"] == "325.0"  # 125 + the token endpoint's extra 200
    assert remaining(token) == 275
    figures = []
    for _ in range(3):
        response = tool.call("GET", LINE_ITEMS)
        assert response.headers["x-request-cost"] == "125.0"
        figures.append(remaining(response))
    assert figures == [475, 350, 225]
    buckets = mock.throttle()["buckets"]
    assert set(buckets) == {"ip:127.0.0.1", f"lti_advantage:{tool.tool['client_id']}"}
    assert buckets["ip:127.0.0.1"]["remaining"] == 275

    mock.advance_clock(10)  # 10 s at 10 units/s
    assert remaining(tool.call("GET", LINE_ITEMS)) == 225 + 100 - 125


def test_naive_retry_loop_is_throttled_and_recovers_once_the_bucket_drains(mock, tool):
    """The tool retries every non-2xx after sleep(1); its sleep is the mock clock, so no waiting."""
    mock.throttle(enabled=True, cost=125)
    item = tool.create_line_item(COURSE)                       # 125 in the tool's bucket
    for user in (20, 21, 22):                                  # 250, 375, 500
        assert tool.post_score(item["id"], user).status_code == 200
    assert remaining(tool.call("GET", LINE_ITEMS)) == -25  # 550 < hwm: let in, 625

    tool.max_attempts = 3
    tool.attempts.clear()
    assert_throttled(tool.post_score(item["id"], 20))         # retrying at once never helps
    assert tool.attempts == [403, 403, 403]

    tool.max_attempts, tool.sleep = 30, mock.advance_clock
    tool.attempts.clear()
    response = tool.post_score(item["id"], 20)
    assert response.status_code == 200
    # 625 leaks 10/s: let in once the level plus the up-front 50 is below 600, after 8 s
    assert tool.attempts == [403] * 8 + [200]
    assert remaining(response) == 600 - (625 - 80 + 125)
    throttled = mock.requests(operation_id="createScore", status=403)
    assert len(throttled) == 3 + len(tool.attempts) - 1 and all(e["throttle"]["throttled"] for e in throttled)


def test_token_endpoint_extra_cost_throttles_a_tool_that_fetches_a_token_per_call(mock):
    mock.throttle(enabled=True)
    tool = Tool(mock)
    responses = [tool.fetch_token() for _ in range(4)]  # 201 each: 1 + the endpoint's extra 200
    assert [r.status_code for r in responses] == [200, 200, 200, 403]
    assert [remaining(r) for r in responses[:3]] == [399, 198, -3]
    assert_throttled(responses[3])
    tool.close()


def test_settings_are_settable_and_validated(mock, tool):
    mock.throttle(enabled=True, hwm=100, up_front_cost=0, cost=60, outflow=1, maximum=1000)
    statuses = [tool.call("GET", LINE_ITEMS).status_code for _ in range(1)]
    tool.max_attempts = 1
    statuses += [tool.call("GET", LINE_ITEMS).status_code for _ in range(2)]
    assert statuses[:2] == [200, 200] and statuses[2] == 403
    for bad in ({"hwm": -1}, {"enabled": "yes"}, {"colour": 1}, {"cost": "x"}):
        response = net.post(f"{mock.base_url}/__mock__/throttle", json=bad)
        assert response.status_code == 400, bad
    assert mock.throttle(reset_buckets=True)["buckets"] == {}
    assert tool.call("GET", LINE_ITEMS).status_code == 200
    assert mock.throttle(enabled=False)["enabled"] is False
    figures = [tool.call("GET", LINE_ITEMS) for _ in range(3)]  # over hwm again, but let in
    assert [r.status_code for r in figures] == [200] * 3 and remaining(figures[-1]) == 100 - 4 * 60


def test_identifier_falls_back_to_the_token_hash(mock, tool):
    mock.throttle(enabled=True)
    tool.max_attempts = 1
    tool.token = "not-a-valid-token"
    response = tool.call("GET", LINE_ITEMS)
    assert response.status_code == 401 and response.headers["x-request-cost"] == "1.0"
    assert any(key.startswith("token:") for key in mock.throttle()["buckets"])
    assert "not-a-valid-token" not in str(mock.throttle())


def test_reset_restores_the_start_up_throttle():
    parser = argparse.ArgumentParser()
    cli.add_parser(parser.add_subparsers())
    app = create_app(validate_responses=True)
    cli.configure_scenario(app.state, parser.parse_args(["mock", "--throttle", "--throttle-hwm", "300",
                                                         "--throttle-cost", "2"]))
    with app.test_client() as client:
        client.post("/__mock__/throttle", json={"enabled": False, "hwm": 5})
        client.post("/__mock__/reset")
        client.post("/__mock__/clock", json={"freeze": True})
        state = client.get("/__mock__/throttle").json()
        assert (state["enabled"], state["hwm"], state["cost"]) == (True, 300.0, 2.0)
        response = client.get("/api/lti/security/jwks")
        assert response.headers["x-request-cost"] == "2.0"
        assert response.headers["x-rate-limit-remaining"] == "298.0"
    default = create_app()
    with default.test_client() as client:
        client.post("/__mock__/throttle", json={"enabled": True})
        client.post("/__mock__/reset")
        assert client.get("/__mock__/throttle").json()["enabled"] is False


def test_buckets_are_traffic_in_the_state_dump(mock, tool):
    """Like the journal, the always-on buckets are dumped only with ``journal=true``; a dump
    without them leaves the current buckets alone when loaded."""
    tool.fetch_token()
    plain = net.get(f"{mock.base_url}/__mock__/state").json()["scenario"]["throttle"]
    assert "buckets" not in plain and plain["enabled"] is False
    full = net.get(f"{mock.base_url}/__mock__/state", params={"journal": "true"}).json()
    assert full["scenario"]["throttle"]["buckets"]["ip:127.0.0.1"]["remaining"] == 399
    mock.reset()
    assert net.put(f"{mock.base_url}/__mock__/state", json=full).status_code == 204
    assert mock.throttle()["buckets"]["ip:127.0.0.1"]["remaining"] == 399
    without = net.get(f"{mock.base_url}/__mock__/state").json()
    assert net.put(f"{mock.base_url}/__mock__/state", json=without).status_code == 204
    assert mock.throttle()["buckets"]["ip:127.0.0.1"]["remaining"] == 399  # kept
