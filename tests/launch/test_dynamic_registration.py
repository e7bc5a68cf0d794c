"""Acceptance 4 (§12): a tool registers itself, then uses its own key; and the errors."""

from __future__ import annotations

import time
from typing import Any

import httpx
import jwt
import pytest

from mockserver.testing import RunningMock
from tests import net

from .conftest import start_launch
from .tool import LTI, LtiTool, browse_launch, serve

ADMIN = {"Authorization": "Bearer mock-admin-token-TEST-ONLY"}
NRPS = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"
SCORE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
GENERIC_UNAUTHORIZED = {"errors": [{"message": "An error occurred.", "error_code": "unauthorized"}]}


def test_tool_registers_itself_then_calls_a_service(mock: RunningMock) -> None:
    tool = LtiTool(issuer="", platform_jwks_url="", authorize_url="", token_url="")
    tool.generate_key()
    with serve(tool):
        token = net.get(f"{mock.base_url}/api/lti/accounts/1/registration_token", headers=ADMIN).json()
        assert token["oidc_configuration_url"].startswith(f"{mock.base_url}/api/lti/security/openid-configuration?")
        # Canvas opens the tool's registration URL with these two parameters.
        registered = net.get(f"{tool.base_url}/register", params={
            "openid_configuration": token["oidc_configuration_url"], "registration_token": token["token"]})
        assert registered.status_code == 200, registered.text
        body = registered.json()
        assert body["client_id"] == tool.client_id and body["jwks_uri"] == f"{tool.base_url}/jwks"
        assert body["token_endpoint_auth_method"] == "private_key_jwt" and body["deployment_id"]
        assert NRPS in body["scope"].split(" ")

        # Its own key (served from its jwks_uri) gets it a token; the roster service answers.
        access = tool.access_token([NRPS])
        members = net.get(f"{mock.base_url}/api/lti/courses/101/names_and_roles",
                            headers={"Authorization": f"Bearer {access}"})
        assert members.status_code == 200, members.text
        assert members.json()["members"]

        # …and it can be launched, with its registered custom parameters expanded.
        claims = browse_launch(start_launch(mock, tool=tool.client_id, course="101", user="20")).json()["claims"]
        assert claims["aud"] == tool.client_id and claims[LTI + "custom"] == {"course": "101"}
        assert "name" in claims and "email" in claims  # claims name+email → public

        # A key it does not publish is refused.
        other = LtiTool(issuer="", platform_jwks_url="", authorize_url="", token_url=tool.token_url,
                        client_id=tool.client_id)
        other.generate_key()
        with pytest.raises(httpx.HTTPStatusError):
            other.access_token([NRPS])

    state = net.get(f"{mock.base_url}/__mock__/state").json()
    reg = next(r for r in state["ims_registrations"] if r["developer_key_id"] == tool.client_id)
    assert reg["guid"] == token["uuid"] and reg["placements"] == ["course_navigation", "link_selection"]
    key = next(k for k in state["developer_keys"] if k["id"] == tool.client_id)
    assert key["public_jwk_url"] == f"{tool.base_url}/jwks" and key["bindings"] == {"1": "on"}


def _registration(**overrides: Any) -> dict[str, Any]:
    body = {"client_name": "T", "redirect_uris": ["http://127.0.0.1:1/launch"], "initiate_login_uri": "http://127.0.0.1:1/login",
            "jwks_uri": "http://127.0.0.1:1/jwks", "scope": NRPS,
            "https://purl.imsglobal.org/spec/lti-tool-configuration": {"domain": "127.0.0.1",
                                                                       "target_link_uri": "http://127.0.0.1:1/launch"}}
    body.update(overrides)
    return {k: v for k, v in body.items() if v is not None}


@pytest.fixture
def reg_token(client: Any) -> str:
    response = client.get("/api/lti/accounts/2/registration_token", headers=ADMIN)
    assert response.status_code == 200
    return response.json()["token"]


def test_registration_token_auth(client: Any) -> None:
    assert client.get("/api/lti/accounts/1/registration_token").json()["status"] == "unauthenticated"
    bad = client.get("/api/lti/accounts/1/registration_token", headers={"Authorization": "Bearer nope"})
    assert bad.status_code == 401 and bad.json() == {"errors": [{"message": "Invalid access token."}]}
    teacher = client.get("/api/lti/accounts/1/registration_token", headers={"Authorization": "Bearer mock-teacher-token-TEST-ONLY"})
    assert teacher.status_code == 401 and teacher.json()["status"] == "unauthorized"
    assert client.get("/api/lti/accounts/999/registration_token", headers=ADMIN).status_code == 404
    client.post("/__mock__/clock", json={"now": 1_900_000_000, "freeze": True})
    token = client.get("/api/lti/accounts/2/registration_token", headers=ADMIN).json()["token"]
    claims = jwt.decode(token, options={"verify_signature": False, "verify_exp": False})
    assert claims["root_account_global_id"] == 1 and claims["user_id"] == 1
    assert claims["exp"] == 1_900_000_000 + 3600  # an hour of mock time


def test_registration_errors(client: Any, reg_token: str, app: Any) -> None:
    def post(body: Any, token: str | None = reg_token) -> Any:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return client.post("/api/lti/registrations", json=body, headers=headers)

    for token in (None, "garbage"):  # Canvas::Security.decode_jwt raises: the generic 401
        response = post(_registration(), token)
        assert response.status_code == 401 and response.json() == GENERIC_UNAUTHORIZED
    partial = jwt.encode({"uuid": "u", "root_account_global_id": 1, "exp": int(time.time()) + 60}, app.state.secret,
                         algorithm="HS256")
    response = post(_registration(), partial)
    assert response.status_code == 401 and response.json() == {"errorMessage": "JWT did not include expected contents"}
    claims = jwt.decode(reg_token, options={"verify_signature": False})
    elsewhere = jwt.encode({**claims, "root_account_global_id": 999}, app.state.secret, algorithm="HS256")
    response = post(_registration(), elsewhere)
    assert response.status_code == 404 and response.json() == {"errorMessage": "Specified account does not exist"}
    response = post([1, 2])
    assert response.status_code == 422
    assert response.json() == {"errors": [{"field": "body", "message": "The request body must be a JSON object",
                                           "error_code": None}]}
    response = post(_registration(redirect_uris="http://x"))
    assert response.status_code == 422
    assert [(e["field"], e["error_code"]) for e in response.json()["errors"]] == [("redirect_uris", None)]
    cases = [
        (_registration(redirect_uris=["ftp://x/launch"]), "redirect_uris", "Must only contain valid URIs"),
        (_registration(client_name=None), "client_name", "can't be blank"),
        (_registration(jwks_uri="https://tool.example.com/jwks"), "jwks_uri", None),
        (_registration(scope=f"{NRPS} https://example.com/made-up"), "scopes", "Invalid scopes: https://example.com/made-up"),
        (_registration(**{"https://purl.imsglobal.org/spec/lti-tool-configuration": None}), "lti_tool_configuration", "can't be blank"),
    ]
    for body, attribute, message in cases:
        response = post(body)
        assert response.status_code == 422, response.text
        errors = [e for e in response.json()["errors"] if e["field"] == attribute]
        assert errors and all(set(e) == {"field", "message", "error_code"} for e in response.json()["errors"])
        assert message is None or errors[0]["message"] == message
    before = len(client.get("/__mock__/state").json()["developer_keys"])
    assert post(_registration()).status_code == 200
    assert len(client.get("/__mock__/state").json()["developer_keys"]) == before + 1


def test_registration_token_expires_by_the_mock_clock(client: Any, reg_token: str) -> None:
    """Issue 12 (5, 6): an expired token is refused, by the mock clock, in Canvas's generic shape."""
    assert client.post("/__mock__/clock", json={"advance": 100000}).status_code == 200
    response = client.post("/api/lti/registrations", json=_registration(), headers={"Authorization": f"Bearer {reg_token}"})
    assert response.status_code == 401 and response.json() == GENERIC_UNAUTHORIZED


def test_registered_scope_is_the_scopes_then_openid(client: Any, reg_token: str) -> None:
    """Issue 12 (10, §12.2): the answer's ``scope`` adds ``openid``; the key holds the registered scopes only."""
    response = client.post("/api/lti/registrations", json=_registration(scope=f"{NRPS} {SCORE}"),
                           headers={"Authorization": f"Bearer {reg_token}"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["scope"] == f"{NRPS} {SCORE} openid"
    key = next(k for k in client.get("/__mock__/state").json()["developer_keys"] if k["id"] == body["client_id"])
    assert key["scopes"] == [NRPS, SCORE]
    bare = client.post("/api/lti/registrations", json=_registration(scope=""), headers={"Authorization": f"Bearer {reg_token}"})
    assert bare.status_code == 200 and bare.json()["scope"] == "openid"


def test_dynamic_registration_deployment_is_stamped_with_the_mock_clock(client: Any) -> None:
    client.post("/__mock__/clock", json={"now": "2030-02-03T04:05:06Z", "freeze": True})
    reg_token = client.get("/api/lti/accounts/1/registration_token", headers=ADMIN).json()["token"]
    response = client.post("/api/lti/registrations", json=_registration(), headers={"Authorization": f"Bearer {reg_token}"})
    assert response.status_code == 200, response.text
    tools = client.get("/api/v1/accounts/1/external_tools", headers=ADMIN, params={"per_page": 100}).json()
    tool = next(t for t in tools if t["developer_key_id"] == int(response.json()["client_id"]))
    assert tool["created_at"] == tool["updated_at"] == "2030-02-03T04:05:06Z"


def test_a_dynamically_registered_tool_gets_the_placements_its_messages_name(client: Any, reg_token: str) -> None:
    """What the console's "install by URL" shows: each message's placements become the installed tool's,
    with its message type, label, target link URI and custom parameters (IMS names mapped to Canvas's)."""
    config = {"domain": "127.0.0.1", "target_link_uri": "http://127.0.0.1:1/launch", "messages": [
        {"type": "LtiResourceLinkRequest", "label": "Open T", "placements": ["course_navigation"],
         "custom_parameters": {"from": "message"}},
        {"type": "LtiDeepLinkingRequest", "target_link_uri": "http://127.0.0.1:1/pick", "placements": ["ContentArea"]},
    ]}
    response = client.post("/api/lti/registrations", headers={"Authorization": f"Bearer {reg_token}"},
                           json=_registration(**{"https://purl.imsglobal.org/spec/lti-tool-configuration": config}))
    assert response.status_code == 200, response.text
    tools = client.get("/api/v1/accounts/1/external_tools", headers=ADMIN, params={"per_page": 100}).json()
    tool = next(t for t in tools if t["developer_key_id"] == int(response.json()["client_id"]))
    assert tool["course_navigation"]["text"] == "Open T"
    assert tool["course_navigation"]["message_type"] == "LtiResourceLinkRequest"
    assert tool["course_navigation"]["custom_fields"] == {"from": "message"}
    assert tool["link_selection"]["message_type"] == "LtiDeepLinkingRequest"  # ContentArea
    assert tool["link_selection"]["url"] == "http://127.0.0.1:1/pick" and tool["link_selection"]["text"] == "T"
