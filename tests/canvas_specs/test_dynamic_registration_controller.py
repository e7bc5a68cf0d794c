"""Canvas's ``spec/controllers/lti/ims/dynamic_registration_controller_spec.rb`` (LTI dynamic registration),
against the mock over HTTP. The registration token comes from ``registration_token`` as the fixture's admin.
"""

from __future__ import annotations

import time
from typing import Any

import jwt
import pytest

from tests.canvas_specs.citation import canvas_spec

SPEC = "spec/controllers/lti/ims/dynamic_registration_controller_spec.rb"
ADMIN = {"Authorization": "Bearer mock-admin-token-TEST-ONLY"}
TOOL_CONFIGURATION = "https://purl.imsglobal.org/spec/lti-tool-configuration"
SCOPES = ["https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly",
          "https://purl.imsglobal.org/spec/lti-ags/scope/score"]


def registration_params() -> dict[str, Any]:
    """The spec's ``registration_params`` (hosts moved to the loopback address the mock accepts)."""
    return {
        "application_type": "web", "grant_types": ["client_credentials", "implicit"], "response_types": ["id_token"],
        "redirect_uris": ["http://127.0.0.1:9010/launch"], "initiate_login_uri": "http://127.0.0.1:9010/login",
        "client_name": "the client name", "jwks_uri": "http://127.0.0.1:9010/api/jwks",
        "token_endpoint_auth_method": "private_key_jwt", "scope": " ".join(SCOPES),
        "logo_uri": "http://127.0.0.1:9010/logo.jpg",
        TOOL_CONFIGURATION: {
            "domain": "127.0.0.1",
            "messages": [{"type": "LtiResourceLinkRequest", "label": "deep link label", "placements": ["course_navigation"],
                          "target_link_uri": "http://127.0.0.1:9010/launch", "custom_parameters": {"foo": "bar"},
                          "icon_uri": "http://127.0.0.1:9010/icon.jpg"}],
            "custom_parameters": {"global_foo": "global_bar"},
            "claims": ["iss", "sub"],
            "target_link_uri": "http://127.0.0.1:9010/launch",
            "https://canvas.instructure.com/lti/privacy_level": "email_only",
        },
    }


@pytest.fixture
def token(client: Any) -> str:
    response = client.get("/api/lti/accounts/1/registration_token", headers=ADMIN)
    assert response.status_code == 200
    return response.json()["token"]


def register(client: Any, token: str, body: dict[str, Any]) -> Any:
    return client.post("/api/lti/registrations", json=body, headers={"Authorization": f"Bearer {token}"})


def keys(client: Any) -> list[dict[str, Any]]:
    return client.get("/__mock__/state").json()["developer_keys"]


@canvas_spec(SPEC, "#registration_token / returns a 200")
def test_registration_token(client: Any) -> None:
    response = client.get("/api/lti/accounts/1/registration_token", headers=ADMIN)
    assert response.status_code == 200 and response.json()["token"]


@canvas_spec(SPEC, "#create / with a valid token / and with valid registration params / accepts valid params and creates "
                   "a registration model", follows_code="app/models/lti/ims/registration.rb")
def test_registration_echoes_the_request(client: Any, token: str) -> None:
    params = registration_params()
    response = register(client, token, params)
    assert response.status_code == 200, response.text
    body = response.json()
    for name in ("application_type", "grant_types", "initiate_login_uri", "redirect_uris", "logo_uri", "response_types",
                 "client_name", "jwks_uri", "token_endpoint_auth_method"):
        assert body[name] == params[name], name
    assert body["scope"].split()[:2] == SCOPES  # the current model adds openid after the registered scopes
    assert body["client_id"] == keys(client)[-1]["id"]
    registration = client.get("/__mock__/state").json()["ims_registrations"][-1]
    assert registration["privacy_level"] == "email_only"
    assert body[TOOL_CONFIGURATION]["https://canvas.instructure.com/lti/registration_config_url"] == \
        f"http://testserver/api/lti/registrations/{registration['id']}/view"


@canvas_spec(SPEC, "#create / with a valid token / and with valid registration params / fills in values on the developer key")
def test_registration_fills_the_developer_key(client: Any, token: str) -> None:
    params = registration_params()
    register(client, token, params)
    key = keys(client)[-1]
    assert (key["name"], key["scopes"], key["redirect_uris"]) == (params["client_name"], SCOPES, params["redirect_uris"])
    assert (key["public_jwk_url"], key["oidc_initiation_url"], key["account_id"]) == \
        (params["jwks_uri"], params["initiate_login_uri"], 1)


@canvas_spec(SPEC, "#create / and with invalid registration params / returns a 422 with validation errors; doesn't create "
                   "a stray developer key")
def test_invalid_grant_types(client: Any, token: str) -> None:
    before = len(keys(client))
    response = register(client, token, {**registration_params(), "grant_types": ["not_part_of_the_spec", "implicit"]})
    assert response.status_code == 422
    assert "Must include client_credentials, implicit" in response.text
    assert len(keys(client)) == before


@canvas_spec(SPEC, "#create / and with invalid registration params / with invalid response types / returns a 422 with "
                   "validation errors")
def test_invalid_response_types(client: Any, token: str) -> None:
    response = register(client, token, {**registration_params(), "response_types": ["not_part_of_the_spec"]})
    assert response.status_code == 422 and "Must include id_token" in response.text


@canvas_spec(SPEC, "#create / with an invalid token / that has no uuid / returns a 401")
def test_token_without_uuid(client: Any, token: str) -> None:
    claims = jwt.decode(token, options={"verify_signature": False})
    del claims["uuid"]
    forged = jwt.encode(claims, client.app.state.secret, algorithm="HS256")
    assert register(client, forged, registration_params()).status_code == 401


@canvas_spec(SPEC, "#create / with an invalid token / from more than an hour ago / returns a 401")
def test_token_from_more_than_an_hour_ago(client: Any, token: str) -> None:
    claims = jwt.decode(token, options={"verify_signature": False})
    stale = jwt.encode({**claims, "exp": int(time.time()) - 120}, client.app.state.secret, algorithm="HS256")
    assert register(client, stale, registration_params()).status_code == 401
