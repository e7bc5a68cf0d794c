"""Fault injection, observed by an httpx client over real HTTP (and in-process where it can)."""

from __future__ import annotations

import argparse
import gc
import json
import time
import warnings

import httpx
import pytest

from mockserver import cli, create_app
from tests import net
from tests.ltiutil import bearer, get_token

JWKS = "/api/lti/security/jwks"
LINE_ITEMS = "/api/lti/courses/101/line_items"


def get(mock, path=JWKS, **kwargs):
    return net.get(mock.base_url + path, **kwargs)


def test_status_500_has_canvas_body_and_bypasses_response_validation(mock):
    rule_set = mock.add_faults({"kind": "status", "status": 500, "operation_id": "getPlatformJwks", "times": 1}, seed=3)
    response = get(mock)
    assert response.status_code == 500  # not documented for getPlatformJwks; validation is on
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert body["errors"] == [{"message": "An error occurred.", "error_code": "internal_server_error"}]
    assert isinstance(body["error_report_id"], int)
    assert get(mock).status_code == 200  # times: 1
    listed = mock.faults()["sets"][0]
    assert listed["id"] == rule_set["id"] and listed["rules"][0]["fired"] == 1 and listed["rules"][0]["exhausted"]
    entry = mock.requests(operation_id="getPlatformJwks")[0]
    assert entry["status"] == 500 and entry["fault"]["kind"] == "status"


@pytest.mark.parametrize(("status", "title"), [(502, "502 Bad Gateway"), (503, "503 Service Temporarily Unavailable"),
                                               (504, "504 Gateway Time-out")])
def test_gateway_statuses_answer_the_load_balancer_page(mock, status, title):
    mock.add_faults({"kind": "status", "status": status})
    response = get(mock)
    assert response.status_code == status
    assert response.headers["content-type"] == "text/html"
    assert f"<title>{title}</title>" in response.text


def test_status_body_override(mock):
    mock.add_faults({"kind": "status", "status": 429, "body": "slow down", "content_type": "text/plain"})
    response = get(mock)
    assert (response.status_code, response.text, response.headers["content-type"]) == (429, "slow down", "text/plain")


def test_expired_token_fault(mock, tool):
    tool.fetch_token()
    mock.add_faults({"kind": "expired_token", "path": "/api/lti/", "times": 1})
    response = get(mock, LINE_ITEMS, headers=bearer(tool.token))
    assert response.status_code == 401
    assert response.json() == {"errors": {"type": "unauthorized", "message": "Access token expired"}}
    assert get(mock, LINE_ITEMS, headers=bearer(tool.token)).status_code == 200


def test_dropped_connection(mock):
    mock.add_faults({"kind": "drop", "times": 1})
    with pytest.raises(httpx.RemoteProtocolError, match="Server disconnected without sending a response"):
        get(mock)
    assert get(mock).status_code == 200
    dropped, ok = mock.requests(operation_id="getPlatformJwks")
    assert dropped["status"] is None and dropped["fault"]["kind"] == "drop" and ok["status"] == 200


def test_truncated_body(mock):
    whole = get(mock).content
    mock.add_faults({"kind": "truncate", "keep_bytes": 10, "times": 1})
    with pytest.raises(httpx.RemoteProtocolError, match=f"received 10 bytes, expected {len(whole)}"):
        get(mock)


def test_malformed_body(mock):
    mock.add_faults({"kind": "malformed", "times": 1})
    response = get(mock)
    assert response.status_code == 200
    with pytest.raises(json.JSONDecodeError):
        response.json()
    assert len(response.content) < len(get(mock).content)


def test_latency(mock):
    mock.add_faults({"kind": "latency", "delay": 0.3, "times": 1})
    started = time.perf_counter()
    assert get(mock).status_code == 200
    assert time.perf_counter() - started >= 0.3
    with pytest.raises(httpx.ReadTimeout):  # only the read is short: a loaded machine may be slow to connect
        mock.add_faults({"kind": "latency", "delay": 0.5, "times": 1})
        httpx.get(mock.base_url + JWKS, timeout=httpx.Timeout(30, read=0.1))


def test_matching_by_method_path_prefix_regex_and_skip(mock, tool):
    tool.fetch_token()
    mock.add_faults(
        {"kind": "status", "status": 503, "method": "POST", "path": "/api/lti/courses/"},
        {"kind": "status", "status": 502, "path_regex": r"/line_items/\d+$", "skip": 1, "times": 1},
    )
    assert get(mock, LINE_ITEMS, headers=bearer(tool.token)).status_code == 200
    created = net.post(mock.base_url + LINE_ITEMS, json={"label": "x", "scoreMaximum": 1},
                         headers=bearer(tool.token))
    assert created.status_code == 503
    item = get(mock, LINE_ITEMS, headers=bearer(tool.token)).json()[0]["id"]
    path = httpx.URL(item).path
    assert [get(mock, path, headers=bearer(tool.token)).status_code for _ in range(3)] == [200, 502, 200]


def fault_sequence(mock, seed):
    mock.reset()
    mock.add_faults({"kind": "status", "status": 500, "probability": 0.4},
                    {"kind": "status", "status": 503, "probability": 0.5}, seed=seed)
    return [get(mock).status_code for _ in range(30)]


def test_same_seed_same_faults(mock):
    first = fault_sequence(mock, 42)
    assert set(first) == {200, 500, 503}
    assert fault_sequence(mock, 42) == first
    assert fault_sequence(mock, 43) != first
    report_ids = [e for e in mock.requests() if e["status"] == 500]
    assert report_ids  # error_report_id is seeded too:
    bodies = []
    for _ in range(2):
        mock.reset()
        mock.add_faults({"kind": "status", "status": 500, "times": 2}, seed=9)
        bodies.append([get(mock).json()["error_report_id"] for _ in range(2)])
    assert bodies[0] == bodies[1]


def test_invalid_rules_are_refused(mock):
    for body in ({"rules": []}, {"rules": [{"kind": "explode"}]}, {"rules": [{"kind": "status"}]},
                 {"rules": [{"kind": "drop", "probability": 2}]}, {"rules": [{"kind": "drop", "path_regex": "("}]},
                 {"seed": "x", "rules": [{"kind": "drop"}]}, {"rules": [{"kind": "drop", "colour": "red"}]}):
        response = net.post(f"{mock.base_url}/__mock__/faults", json=body)
        assert response.status_code == 400, body
        assert response.json()["errors"][0]["message"].startswith("Invalid ")  # schema or rule check
    assert mock.faults()["sets"] == []


def test_delete_and_reset_clear_faults(mock):
    mock.add_faults({"kind": "status", "status": 500})
    assert net.delete(f"{mock.base_url}/__mock__/faults").status_code == 204
    assert get(mock).status_code == 200
    mock.add_faults({"kind": "status", "status": 500})
    mock.reset()
    assert get(mock).status_code == 200


def test_control_endpoints_are_never_faulted(mock):
    mock.add_faults({"kind": "drop"})
    assert net.get(f"{mock.base_url}/__mock__/config").status_code == 200


def test_faults_file_at_start_up_survives_reset(tmp_path):
    path = tmp_path / "faults.yaml"
    path.write_text("seed: 5\nrules:\n  - {kind: status, status: 503, operation_id: getPlatformJwks, times: 1}\n")
    parser = argparse.ArgumentParser()
    cli.add_parser(parser.add_subparsers())
    args = parser.parse_args(["mock", "--faults", str(path)])
    app = create_app(validate_responses=True)
    cli.configure_scenario(app.state, args)
    with app.test_client() as client:
        assert [client.get(JWKS).status_code for _ in range(2)] == [503, 200]
        client.post("/__mock__/reset")
        assert [client.get(JWKS).status_code for _ in range(2)] == [503, 200]

    path.write_text(json.dumps({"sets": [{"rules": [{"kind": "nope"}]}]}))
    with pytest.raises(ValueError, match=r"rule set 0: rules\[0\]\.kind"):
        cli.configure_scenario(create_app().state, parser.parse_args(["mock", "--faults", str(path)]))


def test_in_process_client_sees_faults_too(client, config):
    token = get_token(client, config, "Mock Grading Tool")
    client.post("/__mock__/faults", json={"rules": [{"kind": "status", "status": 502, "times": 1}]})
    assert client.get(LINE_ITEMS, headers=bearer(token)).status_code == 502
    client.post("/__mock__/faults", json={"rules": [{"kind": "drop", "times": 1}]})
    with warnings.catch_warnings():
        # connexion's ServerErrorMiddleware builds (and never awaits) its error response on the way out
        warnings.simplefilter("ignore", RuntimeWarning)
        with pytest.raises(RuntimeError):  # only a real server can drop a connection; in-process it raises
            client.get(LINE_ITEMS, headers=bearer(token))
        gc.collect()


def test_fault_state_round_trips_through_state_dump(mock):
    mock.add_faults({"kind": "status", "status": 500, "probability": 0.5}, seed=11)
    [get(mock) for _ in range(5)]
    dump = net.get(f"{mock.base_url}/__mock__/state").json()
    expected = [get(mock).status_code for _ in range(10)]
    assert net.put(f"{mock.base_url}/__mock__/state", json=dump).status_code == 204
    assert [get(mock).status_code for _ in range(10)] == expected


def test_one_rule_set_is_removed_and_the_others_keep_firing(mock):
    first = mock.add_faults({"kind": "status", "status": 503, "operation_id": "listLineItems"})
    second = mock.add_faults({"kind": "status", "status": 502})
    mock.remove_faults(first["id"])
    assert [s["id"] for s in mock.faults()["sets"]] == [second["id"]]
    assert get(mock).status_code == 502
    missing = net.delete(f"{mock.base_url}/__mock__/faults/{first['id']}")
    assert missing.status_code == 404 and missing.json()["errors"][0]["message"] == f"No fault rule set {first['id']}"
