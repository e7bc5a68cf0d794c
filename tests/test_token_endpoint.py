"""POST /login/oauth2/token: every error of §8.2, exactly as Canvas sends it."""

from __future__ import annotations

import time
import warnings
from typing import Any

import jwt
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mockserver.auth import jws
from tests.ltiutil import AGS_LINEITEM, AGS_SCORE, NRPS, token_form, tool_named


def oauth_error(response: Any, status: int, error: str, description: str) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    assert response.json() == {"error": error, "error_description": description}


@pytest.fixture
def tool(config: dict[str, Any]) -> dict[str, Any]:
    return tool_named(config, "Mock Grading Tool")


def test_success_grants_exactly_the_requested_scopes(client: Any, config: dict[str, Any], tool: dict[str, Any]) -> None:
    response = client.post("/login/oauth2/token", data=token_form(tool, config["token_url"], [AGS_SCORE, AGS_LINEITEM]))
    assert response.status_code == 200
    body = response.json()
    assert body["scope"] == f"{AGS_SCORE} {AGS_LINEITEM}"
    claims = jwt.decode(body["access_token"], options={"verify_signature": False})
    assert claims["sub"] == tool["client_id"] and claims["scopes"] == body["scope"]
    assert claims["aud"] == config["token_url"] and claims["exp"] - claims["iat"] == 3600
    assert claims["iss"] == config["issuer"]


def test_scopes_alias_and_jti_replay_accepted(client: Any, config: dict[str, Any], tool: dict[str, Any]) -> None:
    form = token_form(tool, config["token_url"], [NRPS])
    form["scopes"] = form.pop("scope")
    assert client.post("/login/oauth2/token", data=form).status_code == 200
    assert client.post("/login/oauth2/token", data=form).status_code == 200  # §8.2.6: no jti replay check


@pytest.mark.parametrize("grant_type", [None, "password", ""])
def test_unsupported_grant_type(client: Any, config: dict[str, Any], tool: dict[str, Any], grant_type: Any) -> None:
    form = token_form(tool, config["token_url"], [NRPS])
    if grant_type is None:
        del form["grant_type"]
    else:
        form["grant_type"] = grant_type
    oauth_error(client.post("/login/oauth2/token", data=form), 400, "unsupported_grant_type",
                "The grant_type you requested is not currently supported")


@pytest.mark.parametrize("sub", ["99999999999999", None])
def test_unknown_client(client: Any, config: dict[str, Any], tool: dict[str, Any], sub: Any) -> None:
    response = client.post("/login/oauth2/token", data=token_form(tool, config["token_url"], [NRPS], sub=sub))
    oauth_error(response, 401, "invalid_client", "unknown client")
    assert response.headers["www-authenticate"] == "Canvas OAuth 2.0"


def test_inactive_key_is_unknown_client(app: Any, client: Any, config: dict[str, Any], tool: dict[str, Any]) -> None:
    app.state.world.developer_keys[tool["client_id"]].workflow_state = "inactive"
    oauth_error(client.post("/login/oauth2/token", data=token_form(tool, config["token_url"], [NRPS])),
                401, "invalid_client", "unknown client")


def test_signed_with_another_key(client: Any, config: dict[str, Any], tool: dict[str, Any]) -> None:
    impostor = {**tool, "private_key_pem": tool_named(config, "Unbound Tool")["private_key_pem"]}
    oauth_error(client.post("/login/oauth2/token", data=token_form(impostor, config["token_url"], [NRPS])),
                400, "invalid_request", "JWS signature invalid.")


def test_hs256_assertion_rejected(client: Any, config: dict[str, Any], tool: dict[str, Any]) -> None:
    now = int(time.time())
    claims = {"iss": "x", "sub": tool["client_id"], "aud": config["token_url"], "iat": now, "exp": now + 60, "jti": "j"}
    form = token_form(tool, config["token_url"], [NRPS])
    form["client_assertion"] = jwt.encode(claims, "a-shared-secret-that-is-long-enough-1234", algorithm="HS256")
    oauth_error(client.post("/login/oauth2/token", data=form), 400, "invalid_request", "JWS signature invalid.")


@pytest.mark.parametrize(("overrides", "description"), [
    (lambda now: {"iss": None}, "the following assertions are missing: iss"),
    (lambda now: {"jti": None, "iat": None}, "the following assertions are missing: iat,jti"),
    (lambda now: {"aud": "https://elsewhere.example/login/oauth2/token"}, "the 'aud' is invalid"),
    (lambda now: {"exp": now - 10}, "the JWT has expired"),
    (lambda now: {"iat": now + 120}, "the 'iat' must not be in the future"),
    (lambda now: {"iat": now - 301}, "the 'iat' must be less than 300 seconds old"),
    (lambda now: {"iat": now - 301, "aud": "https://x.example/"}, "the 'aud' is invalid"),
])
def test_assertion_claims(client: Any, config: dict[str, Any], tool: dict[str, Any], overrides: Any, description: str) -> None:
    form = token_form(tool, config["token_url"], [NRPS], **overrides(int(time.time())))
    response = client.post("/login/oauth2/token", data=form)
    oauth_error(response, 400, "invalid_request", description)


def test_aud_may_be_a_list(client: Any, config: dict[str, Any], tool: dict[str, Any]) -> None:
    form = token_form(tool, config["token_url"], [NRPS], aud=["https://other/", config["token_url"]])
    assert client.post("/login/oauth2/token", data=form).status_code == 200


def test_scope_not_granted(client: Any, config: dict[str, Any]) -> None:
    roster_tool = tool_named(config, "Roster Only Tool")
    response = client.post("/login/oauth2/token", data=token_form(roster_tool, config["token_url"], [NRPS, AGS_SCORE, AGS_LINEITEM]))
    oauth_error(response, 400, "invalid_scope",
                "A requested scope is invalid, unknown, malformed, or exceeds the scope granted by the resource owner. "
                f"The following scopes were requested, but not granted: {AGS_SCORE} and {AGS_LINEITEM}")


def test_no_scope_requested(client: Any, config: dict[str, Any], tool: dict[str, Any]) -> None:
    response = client.post("/login/oauth2/token", data=token_form(tool, config["token_url"], []))
    assert response.status_code == 400 and response.json()["error"] == "invalid_scope"


def test_unbound_key_still_gets_a_token(client: Any, config: dict[str, Any]) -> None:
    unbound = tool_named(config, "Unbound Tool")
    assert client.post("/login/oauth2/token", data=token_form(unbound, config["token_url"], [NRPS])).status_code == 200


def test_malformed_assertion_is_unknown_client(client: Any, config: dict[str, Any], tool: dict[str, Any]) -> None:
    form = token_form(tool, config["token_url"], [NRPS])
    form["client_assertion"] = "not-a-jwt"
    oauth_error(client.post("/login/oauth2/token", data=form), 401, "invalid_client", "unknown client")


JSON_VALUES = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
                           lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
                           max_leaves=8)


@settings(max_examples=40, deadline=None)
@given(claims=st.dictionaries(st.text(), JSON_VALUES, max_size=6), secret=st.text(min_size=1))
def test_access_tokens_are_signed_exactly_as_pyjwt_signs_them(claims: dict[str, Any], secret: str) -> None:
    """The endpoint's HS256 fast path (auth/jws.py) against ``jwt.encode`` on the same claims."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", jwt.InsecureKeyLengthWarning)
        try:
            expected = jwt.encode(claims, secret, algorithm="HS256")
        except jwt.InvalidKeyError:  # PyJWT refuses the secret: so must the fast path
            with pytest.raises(jwt.InvalidKeyError):
                jws.encode_hs256(claims, secret)
            return
        assert jws.encode_hs256(claims, secret) == expected


def test_a_public_jwk_is_one_key_object_whatever_its_member_order() -> None:
    """``tokens._public_key_of`` keys its cache by a JWK's content: member order does not matter,
    a member that is not a string (``key_ops``) still works, and other content is another key."""
    from cryptography.hazmat.primitives.asymmetric import rsa

    from mockserver.auth.keys import public_jwk
    from mockserver.auth.tokens import _public_key_of

    def jwk(kid: str) -> dict[str, Any]:
        return public_jwk(rsa.generate_private_key(public_exponent=65537, key_size=2048).public_key(), kid)

    first, second = jwk("a"), jwk("b")
    reordered = dict(reversed(list(first.items())))
    assert _public_key_of(reordered) is _public_key_of(first)
    assert _public_key_of(second).public_numbers() != _public_key_of(first).public_numbers()
    with_ops = {**first, "key_ops": ["verify"]}
    assert _public_key_of(with_ops).public_numbers() == _public_key_of(first).public_numbers()
