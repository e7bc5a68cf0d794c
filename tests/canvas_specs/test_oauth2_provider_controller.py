"""Canvas's ``spec/controllers/oauth2_provider_controller_spec.rb``, ``POST token`` with the ``client_credentials``
grant (the LTI Advantage token endpoint), against the mock over HTTP.

Canvas's spec signs the client assertion with the developer key's private JWK; here the grading tool's
TEST-ONLY key from ``/__mock__/config`` does the same.
"""

from __future__ import annotations

import time
from typing import Any

import pytest

from tests.canvas_specs.citation import canvas_spec
from tests.canvas_specs.services import GRADING_KEY, edit_state, record
from tests.ltiutil import AGS_LINEITEM, ASSERTION_TYPE, assertion, token_form, tool_named

SPEC = "spec/controllers/oauth2_provider_controller_spec.rb"
TOKEN = "/login/oauth2/token"
AUD = "http://testserver/login/oauth2/token"


@pytest.fixture
def grading(config: dict[str, Any]) -> dict[str, Any]:
    return tool_named(config, "Mock Grading Tool")


def request_token(client: Any, grading: dict[str, Any], **claims: Any) -> Any:
    return client.post(TOKEN, data=token_form(grading, AUD, [AGS_LINEITEM], **claims))


def oauth_error(response: Any, status: int, error: str) -> None:
    assert response.status_code == status, response.text
    assert response.json()["error"] == error


@canvas_spec(SPEC, "client_credentials / common oauth2 token checks / valid request / outputs the token json if "
                   "everything checks out")
def test_token_json(client: Any, grading: dict[str, Any]) -> None:
    response = request_token(client, grading)
    assert response.status_code == 200
    body = response.json()
    assert sorted(body) == ["access_token", "expires_in", "scope", "token_type"]
    assert body["token_type"] == "Bearer" and body["scope"] == AGS_LINEITEM


@canvas_spec(SPEC, "client_credentials / common oauth2 token checks / invalid key / key is inactive / validate that "
                   "invalid_client is in response")
def test_inactive_key(client: Any, grading: dict[str, Any]) -> None:
    edit_state(client, lambda state: record(state, "developer_keys", id=GRADING_KEY).update(workflow_state="inactive"))
    oauth_error(request_token(client, grading), 401, "invalid_client")


@pytest.mark.parametrize("sub", ["0", "a"], ids=["not-found", "not-an-integer"])
@canvas_spec(SPEC, "client_credentials / common oauth2 token checks / invalid key / key is not found, key is not an integer")
def test_unknown_key(client: Any, grading: dict[str, Any], sub: str) -> None:
    oauth_error(request_token(client, grading, sub=sub, iss=sub), 401, "invalid_client")


@pytest.mark.parametrize("claim", ["aud", "exp", "iat", "jti", "iss"])
@canvas_spec(SPEC, "additional client_credentials checks / with missing assertion / returns 400 when <assertion> missing")
def test_missing_assertion_claim(client: Any, grading: dict[str, Any], claim: str) -> None:
    response = request_token(client, grading, **{claim: None})
    oauth_error(response, 400, "invalid_request")
    assert response.json()["error_description"] == f"the following assertions are missing: {claim}"


@canvas_spec(SPEC, "additional client_credentials checks / with missing assertion / returns 400 when sub missing "
                   "(expected unauthorized)")
def test_missing_sub(client: Any, grading: dict[str, Any]) -> None:
    oauth_error(request_token(client, grading, sub=None), 401, "invalid_client")


@canvas_spec(SPEC, "additional client_credentials checks / with bad aud / validate that invalid_request is in response")
def test_bad_aud(client: Any, grading: dict[str, Any]) -> None:
    response = request_token(client, grading, aud="doesnotexist")
    oauth_error(response, 400, "invalid_request")
    assert response.json()["error_description"] == "the 'aud' is invalid"


@canvas_spec(SPEC, "additional client_credentials checks / with aud as an array")
def test_aud_array(client: Any, grading: dict[str, Any]) -> None:
    assert request_token(client, grading, aud=[AUD, "doesnotexist"]).status_code == 200


@canvas_spec(SPEC, "additional client_credentials checks / with a port in the aud")
def test_aud_with_a_port(client: Any, grading: dict[str, Any]) -> None:
    form = token_form(grading, "http://test.host:3000/login/oauth2/token", [AGS_LINEITEM])
    assert client.post(TOKEN, data=form, headers={"Host": "test.host:3000"}).status_code == 200


@canvas_spec(SPEC, "additional client_credentials checks / with bad exp")
def test_expired_assertion(client: Any, grading: dict[str, Any]) -> None:
    response = request_token(client, grading, exp=int(time.time()) - 60)
    oauth_error(response, 400, "invalid_request")
    assert response.json()["error_description"] == "the JWT has expired"


@canvas_spec(SPEC, "additional client_credentials checks / with iat in the future by a small amount / returns an access token")
def test_iat_slightly_ahead(client: Any, grading: dict[str, Any]) -> None:
    client.post("/__mock__/clock", json={"freeze": True})
    now = int(client.get("/__mock__/clock").json()["epoch"])
    assert request_token(client, grading, iat=now + 5, exp=now + 300).status_code == 200


@pytest.mark.parametrize("ahead", [60, 360], ids=["one-minute", "six-minutes"])
@canvas_spec(SPEC, "additional client_credentials checks / with bad iat; with iat too far in future")
def test_iat_in_the_future(client: Any, grading: dict[str, Any], ahead: int) -> None:
    client.post("/__mock__/clock", json={"freeze": True})
    now = int(client.get("/__mock__/clock").json()["epoch"])
    response = request_token(client, grading, iat=now + ahead, exp=now + ahead + 300)
    oauth_error(response, 400, "invalid_request")
    assert response.json()["error_description"] == "the 'iat' must not be in the future"


@canvas_spec(SPEC, "additional client_credentials checks / with bad signing key")
def test_assertion_signed_by_another_key(client: Any, grading: dict[str, Any], config: dict[str, Any]) -> None:
    other = tool_named(config, "Roster Only Tool")
    forged = {**other, "client_id": grading["client_id"]}
    response = client.post(TOKEN, data=token_form(forged, AUD, [AGS_LINEITEM]))
    oauth_error(response, 400, "invalid_request")


@canvas_spec(SPEC, "additional client_credentials checks / with same token / returns 200")
def test_same_assertion_twice(client: Any, grading: dict[str, Any]) -> None:
    form = {"grant_type": "client_credentials", "client_assertion_type": ASSERTION_TYPE,
            "client_assertion": assertion(grading, AUD), "scope": AGS_LINEITEM}
    assert client.post(TOKEN, data=form).status_code == 200
    assert client.post(TOKEN, data=form).status_code == 200  # jti replay is not checked


@canvas_spec(SPEC, "additional client_credentials checks / with symmetric client identification / rejects by default",
             follows_code="lib/canvas/oauth/grant_types/client_credentials.rb")
def test_client_id_and_secret_are_refused(client: Any) -> None:
    response = client.post(TOKEN, data={"grant_type": "client_credentials", "client_id": GRADING_KEY,
                                        "client_secret": "a-secret", "scope": AGS_LINEITEM})
    oauth_error(response, 400, "invalid_request")
    assert response.json()["error_description"] == "assertion method not supported for this grant_type"


@canvas_spec(SPEC, "common oauth2 token checks / invalid grant_type provided / unsupported grant_type / expect redirect "
                   "with error in query; missing grant_type")
def test_unsupported_or_missing_grant_type(client: Any, grading: dict[str, Any]) -> None:
    form = token_form(grading, AUD, [AGS_LINEITEM])
    oauth_error(client.post(TOKEN, data={**form, "grant_type": "urn:unsupported"}), 400, "unsupported_grant_type")
    del form["grant_type"]
    assert client.post(TOKEN, data=form).status_code == 400
