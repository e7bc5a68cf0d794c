"""Canvas's ``spec/controllers/security_controller_spec.rb``: the platform JWKS and the OpenID configuration."""

from __future__ import annotations

import time
from typing import Any

import jwt

from tests.canvas_specs.citation import canvas_spec

SECURITY = "spec/controllers/security_controller_spec.rb"
ADMIN = {"Authorization": "Bearer mock-admin-token-TEST-ONLY"}
AUTHORIZATION_ENDPOINT = (
    "The OpenID configuration's `authorization_endpoint` is on the mock's own host (Canvas names its shared OIDC "
    "host, `sso.canvaslms.com` in production, `canvas.instructure.com` in its specs): a tool that follows it "
    "reaches the mock."
)


@canvas_spec(SECURITY, "returns well-formed public key jwks")
def test_jwks_keys_have_only_public_members(client: Any) -> None:
    """Canvas asserts each key's members are within kid, kty, alg, e, n, use: nothing private leaks."""
    response = client.get("/api/lti/security/jwks")
    assert response.status_code == 200
    keys = response.json()["keys"]
    assert keys
    for key in keys:
        assert set(key) - {"kid", "kty", "alg", "e", "n", "use"} == set(), key


@canvas_spec(SECURITY, "returns ok status; returns a jwk set")
def test_jwks_answers_a_key_set(client: Any) -> None:
    response = client.get("/api/lti/security/jwks")
    assert response.status_code == 200
    assert response.json()["keys"] and all(key["kty"] == "RSA" and key["kid"] for key in response.json()["keys"])


@canvas_spec(SECURITY, "sets the Cache-control header")
def test_jwks_is_cacheable_for_ten_days(client: Any) -> None:
    assert "max-age=864000" in client.get("/api/lti/security/jwks").headers["cache-control"]


def registration_token(client: Any, **overrides: Any) -> str:
    token = client.get("/api/lti/accounts/1/registration_token", headers=ADMIN).json()["token"]
    if not overrides:
        return token
    claims = {**jwt.decode(token, options={"verify_signature": False}), **overrides}
    return jwt.encode(claims, client.app.state.secret, algorithm="HS256")


@canvas_spec(SECURITY, "openid_configuration / rejects timed-out tokens")
def test_openid_configuration_refuses_an_expired_token(client: Any) -> None:
    expired = registration_token(client, exp=int(time.time()) - 300)
    response = client.get("/api/lti/security/openid-configuration", params={"registration_token": expired})
    assert response.status_code == 401


@canvas_spec(SECURITY, "openid_configuration / contains the correct information")
def test_openid_configuration_describes_this_canvas(client: Any) -> None:
    response = client.get("/api/lti/security/openid-configuration", params={"registration_token": registration_token(client)})
    assert response.status_code == 200
    body = response.json()
    assert body["issuer"] == "https://canvas.instructure.com"
    assert body["registration_endpoint"] == "http://testserver/api/lti/registrations"
    platform = body["https://purl.imsglobal.org/spec/lti-platform-configuration"]
    assert platform["product_family_code"] == "canvas"
    assert platform["https://canvas.instructure.com/lti/account_name"] == "Mock University"


@canvas_spec(SECURITY, "openid_configuration / contains the correct information (authorization_endpoint)",
             difference=AUTHORIZATION_ENDPOINT)
def test_openid_configuration_authorization_endpoint(client: Any) -> None:
    response = client.get("/api/lti/security/openid-configuration", params={"registration_token": registration_token(client)})
    assert response.json()["authorization_endpoint"] == "http://canvas.instructure.com/api/lti/authorize_redirect"


@canvas_spec(SECURITY, "with ?rotation_check=1 / returns whether each key is from the current month")
def test_jwks_rotation_check(client: Any) -> None:
    client.post("/__mock__/clock", json={"freeze": True})
    day = client.get("/__mock__/clock").json()["now"][8:10].lstrip("0")
    keys = client.get("/api/lti/security/jwks").json()["keys"]
    lines = client.get("/api/lti/security/jwks", params={"rotation_check": "1"}).json()
    assert len(lines) == len(keys)
    for index, line in enumerate(lines):
        assert line in (f"today is day {day} and key {index} is from this month",
                        f"today is day {day} and key {index} is not from this month")


@canvas_spec(SECURITY, "sharding / openid_configuration / works cross-shard (account_lti_guid)")
def test_openid_configuration_names_the_accounts_lti_guid(client: Any) -> None:
    response = client.get("/api/lti/security/openid-configuration", params={"registration_token": registration_token(client)})
    platform = response.json()["https://purl.imsglobal.org/spec/lti-platform-configuration"]
    guid = next(a["lti_guid"] for a in client.get("/__mock__/state").json()["accounts"] if a["id"] == 1)
    assert platform["https://canvas.instructure.com/lti/account_lti_guid"] == guid
    assert platform["https://canvas.instructure.com/lti/account_name"] == "Mock University"
