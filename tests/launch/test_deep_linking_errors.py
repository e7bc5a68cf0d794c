"""Acceptance 3 (§11): every rejection of a deep linking response, and nothing changes."""

from __future__ import annotations

import base64
import json
import time
from typing import Any

import jwt
import pytest

from tests.ltiutil import tool_named

from .dlutil import deep_linking_claims, response_claims, return_path, sign


@pytest.fixture
def grading(config: dict[str, Any]) -> dict[str, Any]:
    return tool_named(config, "Mock Grading Tool")


@pytest.fixture
def path(client: Any) -> str:
    return return_path(deep_linking_claims(client))


def post(client: Any, path: str, token: Any) -> Any:
    data = {} if token is None else {"JWT": token}
    return client.post(path, data=data)


def rejected(client: Any, path: str, token: Any, attribute: str, *messages: str) -> None:
    before = client.get("/__mock__/state").json()
    response = post(client, path, token)
    assert response.status_code == 400, response.text
    assert response.headers["content-type"].startswith("application/json")
    assert response.json() == {"errors": {attribute: list(messages)}}
    after = client.get("/__mock__/state").json()
    assert {k: v for k, v in after.items() if k != "scenario"} == {k: v for k, v in before.items() if k != "scenario"}


def test_accepted(client: Any, path: str, grading: dict[str, Any]) -> None:
    response = post(client, path, sign(grading, response_claims(grading)))
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")


def test_format(client: Any, path: str) -> None:
    for token in (None, "", "a.b", "not a jwt at all"):
        rejected(client, path, token, "jwt", "JWT format is invalid")


def _unsigned(claims: dict[str, Any], alg: str) -> str:
    def b64(value: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()
    return f"{b64({'alg': alg, 'typ': 'JWT'})}.{b64(claims)}."


def test_unexpected_alg(client: Any, path: str, grading: dict[str, Any]) -> None:
    claims = response_claims(grading)
    rejected(client, path, _unsigned(claims, "none"), "jwt", "JWT has unexpected alg")
    rejected(client, path, jwt.encode(claims, "a-shared-secret-that-is-long-enough-0123456789", algorithm="HS256"),
             "jwt", "JWT has unexpected alg")


def test_client_not_found(client: Any, path: str, grading: dict[str, Any]) -> None:
    rejected(client, path, sign(grading, response_claims(grading, iss="99999999999999")), "developer_key", "Client not found")
    rejected(client, path, sign(grading, response_claims(grading, iss=None)), "developer_key", "Client not found")


def test_forged_signature(client: Any, path: str, grading: dict[str, Any], config: dict[str, Any]) -> None:
    other = tool_named(config, "Roster Only Tool")
    rejected(client, path, sign(other, response_claims(grading)), "jwt", "JWT verification failure")
    good = sign(grading, response_claims(grading))
    head, body, signature = good.split(".")
    tampered = json.loads(base64.urlsafe_b64decode(body + "=="))
    tampered["iss"] = grading["client_id"]
    tampered["https://purl.imsglobal.org/spec/lti-dl/claim/msg"] = "tampered"
    forged_body = base64.urlsafe_b64encode(json.dumps(tampered).encode()).rstrip(b"=").decode()
    rejected(client, path, f"{head}.{forged_body}.{signature}", "jwt", "JWT verification failure")


def test_claims(client: Any, path: str, grading: dict[str, Any]) -> None:
    now = int(time.time())
    rejected(client, path, sign(grading, response_claims(grading, nonce=None)), "jwt",
             "the following assertions are missing: jti")
    rejected(client, path, sign(grading, response_claims(grading, aud="https://wrong.example")), "jwt", "the 'aud' is invalid")
    rejected(client, path, sign(grading, response_claims(grading, exp=now - 1)), "jwt", "the JWT has expired")
    rejected(client, path, sign(grading, response_claims(grading, iat=now - 301)), "jwt",
             "the 'iat' must be less than 300 seconds old")
    rejected(client, path, sign(grading, response_claims(grading, iat=now + 120)), "jwt",
             "the 'iat' must not be in the future")
    assert post(client, path, sign(grading, response_claims(grading, aud=["x", "https://canvas.instructure.com"]))).status_code == 200


def test_inactive_key(client: Any, path: str, grading: dict[str, Any]) -> None:
    client.app.state.world.developer_keys[grading["client_id"]].workflow_state = "inactive"
    rejected(client, path, sign(grading, response_claims(grading)), "developer_key", "Developer key inactive")


def test_key_inactive_in_context(client: Any, path: str, grading: dict[str, Any]) -> None:
    client.app.state.world.developer_keys[grading["client_id"]].bindings["1"] = "off"
    rejected(client, path, sign(grading, response_claims(grading)), "developer_key", "Developer key inactive in context")


def test_invalid_return_data(client: Any, path: str, grading: dict[str, Any]) -> None:
    token = sign(grading, response_claims(grading))
    rejected(client, "/courses/101/deep_linking_response?data=forged", token, "data", "invalid_or_malformed")
    rejected(client, "/courses/101/deep_linking_response", token, "data", "presence_required")
    rejected(client, path.replace("/courses/101/", "/courses/103/"), token, "data", "invalid_or_malformed")
    client.post("/__mock__/clock", json={"advance": 3601})
    rejected(client, path, sign(grading, response_claims(grading, iat=int(time.time()) + 3601,
                                                         exp=int(time.time()) + 3900)),
             "data", "invalid_or_malformed")


def test_bad_content_items(client: Any, path: str, grading: dict[str, Any]) -> None:
    cases = [
        ({"type": "ltiResourceLink", "lineItem": {"scoreMaximum": -1}}, "lineItem.scoreMaximum must be a non-negative number"),
        ({"type": "ltiResourceLink", "lineItem": {"scoreMaximum": "10"}}, "lineItem.scoreMaximum must be a non-negative number"),
        ({"type": "ltiResourceLink", "custom": ["a"]}, "custom must be an object of strings"),
        ({"type": "ltiResourceLink", "url": 5}, "url must be a string"),
        ({"title": "no type"}, "content_items must be an array of objects with a type"),
    ]
    for item, message in cases:
        ok = {"type": "ltiResourceLink", "title": "fine", "lineItem": {"scoreMaximum": 5}}
        rejected(client, path, sign(grading, response_claims(grading, [ok, item])), "content_items", message)


def test_unknown_course(client: Any, grading: dict[str, Any]) -> None:
    response = post(client, "/courses/999/deep_linking_response?data=x", sign(grading, response_claims(grading)))
    assert response.status_code == 404
