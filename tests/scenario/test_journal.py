"""The request journal: filters, redaction, ring buffer, reset and state dumps (§ issue)."""

from __future__ import annotations

import json
from typing import Any

from mockserver import create_app, scenario
from tests import net
from tests.ltiutil import AGS_LINEITEM_RO, bearer, get_token, token_form, tool_named

COURSE = 101


def journal(client: Any, **params: Any) -> dict[str, Any]:
    response = client.get("/__mock__/requests", params=params)
    assert response.status_code == 200, response.text
    return response.json()


def test_every_request_is_journaled_with_operation_status_and_redacted_identity(client, config, grading_token):
    client.get(f"/api/lti/courses/{COURSE}/line_items?per_page=1", headers=bearer(grading_token))
    client.get("/api/lti/courses/999/line_items", headers=bearer(grading_token))
    client.get("/api/lti/nowhere")
    entries = journal(client)["requests"]
    assert [(e["method"], e["operation_id"], e["status"]) for e in entries] == [
        ("POST", "createAccessToken", 200),
        ("GET", "listLineItems", 200),
        ("GET", "listLineItems", 404),
        ("GET", None, 404),
    ]
    token_request, listing = entries[0], entries[1]
    grading = tool_named(config, "Mock Grading Tool")
    assert token_request["client_id"] == grading["client_id"]
    assert token_request["body"]["client_assertion"] == {"redacted": "client_assertion", "sub": grading["client_id"]}
    assert token_request["body"]["grant_type"] == "client_credentials"
    assert listing["query"] == {"per_page": "1"}
    assert listing["headers"]["authorization"] == "Bearer [redacted]"
    assert listing["auth"]["client_id"] == grading["client_id"]
    assert set(listing["auth"]["scopes"]) == set(grading["scopes"])
    assert 'rel="current"' in listing["response_headers"]["link"]
    assert [e["seq"] for e in entries] == sorted(e["seq"] for e in entries)


def test_control_requests_are_not_journaled(client):
    client.get("/__mock__/config")
    client.get("/__mock__/requests")
    client.get("/__mock__/clock")
    assert journal(client)["count"] == 0


def test_no_token_assertion_or_key_text_ever_reaches_the_journal(client, config):
    grading = tool_named(config, "Mock Grading Tool")
    form = token_form(grading, config["token_url"], grading["scopes"])
    token = client.post(config["token_url"], data=form).json()["access_token"]
    client.get(f"/api/lti/courses/{COURSE}/line_items?access_token={token}", headers=bearer(token))
    # secrets in places a careless tool might put them: a JSON body, a text body, a bad token
    client.post(f"/api/lti/courses/{COURSE}/line_items", headers={**bearer(token), "Content-Type": "application/json"},
                content=json.dumps({"label": "x", "scoreMaximum": 1, "note": grading["private_key_pem"],
                                    "private_key": "hunter2", "assertion": form["client_assertion"]}))
    client.post(config["token_url"], content=f"oops {form['client_assertion']} {grading['private_key_pem']}",
                headers={"Content-Type": "text/plain"})
    client.get(f"/api/lti/courses/{COURSE}/line_items", headers={"Authorization": "Bearer not-a-jwt-secret"})

    dump = json.dumps(journal(client))
    state_dump = client.get("/__mock__/state?journal=true").json()["scenario"]
    for text in (token, form["client_assertion"], grading["private_key_pem"], "hunter2", "not-a-jwt-secret"):
        assert text not in dump
        assert text not in json.dumps(state_dump)
    for fragment in ("BEGIN PRIVATE KEY", token.split(".")[1], form["client_assertion"].split(".")[2]):
        assert fragment not in dump
    assert "[redacted jwt]" in dump and "[redacted pem]" in dump
    bad = journal(client, operation_id="listLineItems")["requests"][-1]
    assert bad["auth"]["client_id"] is None and bad["status"] == 401
    assert len(bad["auth"]["token_sha256"]) == 16


def test_filters(client, config):
    grading = get_token(client, config, "Mock Grading Tool")
    reader = get_token(client, config, "Mock Grading Tool", [AGS_LINEITEM_RO])
    roster_tool = tool_named(config, "Roster Only Tool")
    roster = get_token(client, config, "Roster Only Tool")
    client.get(f"/api/lti/courses/{COURSE}/line_items", headers=bearer(grading))
    client.get(f"/api/lti/courses/{COURSE}/line_items", headers=bearer(reader))
    client.get(f"/api/lti/courses/{COURSE}/names_and_roles", headers=bearer(roster))
    client.get("/api/lti/security/jwks")
    client.post("/__mock__/clock", json={"advance": 120})
    client.get("/api/lti/security/jwks")

    assert journal(client, operation_id="listLineItems")["count"] == 2
    assert journal(client, method="post")["count"] == 3
    assert journal(client, method="GET", path_prefix="/api/lti/security/")["count"] == 2
    by_roster = journal(client, client_id=roster_tool["client_id"])["requests"]
    assert [e["operation_id"] for e in by_roster] == ["createAccessToken", "listCourseMemberships"]
    grading_id = tool_named(config, "Mock Grading Tool")["client_id"]
    assert journal(client, client_id=grading_id, operation_id="listLineItems")["count"] == 2
    assert journal(client, status=200, operation_id="getPlatformJwks")["count"] == 2

    last = journal(client)["requests"][-1]
    assert journal(client, since=last["time"])["requests"] == [last]
    assert journal(client, since=last["time_iso"])["requests"] == [last]
    assert journal(client, since=str(last["time"] - 60))["requests"] == [last]
    assert journal(client, since="2000-01-01T00:00:00Z")["count"] == 8
    bad = client.get("/__mock__/requests", params={"since": "yesterday"})
    assert bad.status_code == 400 and "since" in bad.json()["errors"][0]["message"]


def test_clear_reset_and_ring_buffer(client):
    for _ in range(3):
        client.get("/api/lti/security/jwks")
    assert client.delete("/__mock__/requests").status_code == 204
    assert journal(client)["count"] == 0

    scenario.configure(client.app.state, journal_capacity=2)  # `canvas-lti mock --journal-size 2`
    for _ in range(5):
        client.get("/api/lti/security/jwks")
    body = journal(client)
    assert body["capacity"] == 2 and body["count"] == 2 and body["evicted"] == 3
    first = body["requests"][0]["seq"]
    assert [e["seq"] for e in body["requests"]] == [first, first + 1]

    assert client.post("/__mock__/reset").status_code == 204
    body = journal(client)
    assert body["count"] == 0 and body["capacity"] == 2  # the start-up size survives a reset


def test_state_dump_round_trip_includes_the_journal():
    app = create_app(validate_responses=True)
    with app.test_client() as client:
        client.get("/api/lti/security/jwks")
        assert "journal" not in client.get("/__mock__/state").json()["scenario"]
        dump = client.get("/__mock__/state", params={"journal": "true"}).json()
    assert dump["scenario"]["journal"]["entries"][0]["operation_id"] == "getPlatformJwks"
    other = create_app(validate_responses=True)
    with other.test_client() as client:
        assert client.put("/__mock__/state", json=dump).status_code == 204
        assert [e["operation_id"] for e in journal(client)["requests"]] == ["getPlatformJwks"]
        broken = {**dump, "scenario": {"journal": {"entries": "nope"}}}
        assert client.put("/__mock__/state", json=broken).status_code == 400
        assert journal(client)["count"] == 1


def test_real_http_journal_sees_client_ip(mock):
    net.get(f"{mock.base_url}/api/lti/security/jwks")
    (entry,) = mock.requests(operation_id="getPlatformJwks")
    assert entry["client_ip"] == "127.0.0.1" and entry["status"] == 200


def test_responses_are_journaled_redacted_like_requests(client, config, grading_token):
    client.get(f"/api/lti/courses/{COURSE}/line_items", headers=bearer(grading_token))
    token_request, listing = journal(client)["requests"]
    assert token_request["response_body_format"] == "json"
    assert token_request["response_body"]["access_token"] == "[redacted]"
    assert token_request["response_body"]["token_type"] == "Bearer"
    assert listing["response_body_format"] == "json"
    assert [item["label"] for item in listing["response_body"]] == [
        item["label"] for item in client.get(f"/api/lti/courses/{COURSE}/line_items", headers=bearer(grading_token)).json()]
    assert grading_token not in json.dumps(journal(client))
