"""Canvas's ``spec/lib/canvas/oauth/client_credentials_provider_spec.rb``: the client-credentials grant behind
``POST /login/oauth2/token`` for LTI keys (``AsymmetricClientCredentialsProvider``) and the access token it issues.
"""

from __future__ import annotations

import time
import uuid
from typing import Any

import jwt

from tests.canvas_specs.citation import canvas_spec
from tests.canvas_specs.services import GRADING_KEY, edit_state, record, state_row
from tests.ltiutil import AGS_LINEITEM, ASSERTION_TYPE, bearer, get_token, token_form, tool_named

SPEC = "spec/lib/canvas/oauth/client_credentials_provider_spec.rb"
CODE = "lib/canvas/oauth/client_credentials_provider.rb"
TOKEN = "/login/oauth2/token"
AUD = "http://testserver/login/oauth2/token"
DEMO_KEY = "10000000000004"


def claims_of(token: str) -> dict[str, Any]:
    return jwt.decode(token, options={"verify_signature": False})


@canvas_spec(SPEC, "AsymmetricClientCredentialsProvider / generate_token / has the correct expected keys")
def test_token_answer_keys(client: Any, config: dict[str, Any]) -> None:
    response = client.post(TOKEN, data=token_form(tool_named(config, "Mock Grading Tool"), AUD, [AGS_LINEITEM]))
    assert response.status_code == 200
    assert {"access_token", "token_type", "expires_in", "scope"} <= response.json().keys()


@canvas_spec(SPEC, "ClientCredentialsProvider / generate_token / with account scoped dev_key / includes a custom canvas "
                   "account_id claim in the token")
def test_account_scoped_key_token_names_the_account(client: Any, config: dict[str, Any]) -> None:
    edit_state(client, lambda state: record(state, "developer_keys", id=GRADING_KEY).update(account_id=1))
    token = get_token(client, config, "Mock Grading Tool", [AGS_LINEITEM])
    assert claims_of(token)["canvas.instructure.com"] == {"account_uuid": state_row(client, "accounts", id=1)["uuid"]}
    assert client.get("/api/lti/courses/101/line_items", headers=bearer(token)).status_code == 200


@canvas_spec(SPEC, "ClientCredentialsProvider / generate_token (a key with no account: no canvas.instructure.com claim)",
             follows_code=CODE)
def test_site_key_token_has_no_account_claim(client: Any, config: dict[str, Any]) -> None:
    assert "canvas.instructure.com" not in claims_of(get_token(client, config, "Mock Grading Tool", [AGS_LINEITEM]))


@canvas_spec(SPEC, "AsymmetricClientCredentialsProvider / #valid? / with unsupported algorithm; #error_message / with "
                   "unsupported algorithm")
def test_hs256_assertion_is_refused(client: Any) -> None:
    now = int(time.time())
    assertion = jwt.encode({"iss": "someiss", "sub": GRADING_KEY, "aud": AUD, "iat": now - 60, "exp": now + 600,
                            "jti": str(uuid.uuid4())}, "lowentropy-secret-of-at-least-32-bytes", algorithm="HS256")
    response = client.post(TOKEN, data={"grant_type": "client_credentials", "client_assertion_type": ASSERTION_TYPE,
                                        "client_assertion": assertion, "scope": AGS_LINEITEM})
    assert response.status_code == 400 and response.json()["error"] == "invalid_request"
    assert response.json()["error_description"]


@canvas_spec(SPEC, "AsymmetricClientCredentialsProvider / using public jwk url / when there is no public jwk")
def test_key_set_from_the_public_jwk_url(client: Any, config: dict[str, Any]) -> None:
    edit_state(client, lambda state: record(state, "developer_keys", id=DEMO_KEY).update(
        public_jwk=None, public_jwk_url="http://testserver/__mock__/demo-tool/jwks"))
    token = get_token(client, config, "Demo Tool", [AGS_LINEITEM])
    assert claims_of(token)["sub"] == DEMO_KEY


@canvas_spec(SPEC, "AsymmetricClientCredentialsProvider / using public jwk url / when the url is not valid giving a 404")
def test_public_jwk_url_that_answers_nothing(client: Any, config: dict[str, Any]) -> None:
    edit_state(client, lambda state: record(state, "developer_keys", id=DEMO_KEY).update(
        public_jwk=None, public_jwk_url="http://127.0.0.1:9/no-such-jwks"))
    response = client.post(TOKEN, data=token_form(tool_named(config, "Demo Tool"), AUD, [AGS_LINEITEM]))
    assert response.status_code == 400 and response.json()["error"] == "invalid_request"
