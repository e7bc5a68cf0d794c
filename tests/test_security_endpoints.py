"""Platform JWKS and OpenID configuration (§9)."""

from __future__ import annotations

import time
from typing import Any

import jwt


def test_jwks(client: Any) -> None:
    response = client.get("/api/lti/security/jwks")
    assert response.status_code == 200
    assert response.headers["cache-control"] == "max-age=864000"
    keys = response.json()["keys"]
    assert keys and all(set(k) == {"kty", "e", "n", "kid", "alg", "use"} for k in keys)
    assert all(k["alg"] == "RS256" and k["use"] == "sig" for k in keys)
    # the published key verifies what the platform signs
    current = jwt.PyJWK(keys[0]).key
    state = client.app.state
    token = jwt.encode({"x": 1}, state.keys.current.private_key, algorithm="RS256")
    assert jwt.decode(token, current, algorithms=["RS256"]) == {"x": 1}


def _registration_token(app: Any, **claims: Any) -> str:
    payload = {"uuid": "u", "root_account_global_id": 1, "exp": int(time.time()) + 3600, **claims}
    return jwt.encode(payload, app.state.secret, algorithm="HS256")


def test_openid_configuration(app: Any, client: Any) -> None:
    response = client.get(f"/api/lti/security/openid-configuration?registration_token={_registration_token(app)}")
    assert response.status_code == 200
    body = response.json()
    assert body["issuer"] == "https://canvas.instructure.com"
    assert body["token_endpoint"] == "http://testserver/login/oauth2/token"
    assert body["registration_endpoint"] == "http://testserver/api/lti/registrations"
    platform = body["https://purl.imsglobal.org/spec/lti-platform-configuration"]
    assert platform["product_family_code"] == "canvas"
    assert platform["https://canvas.instructure.com/lti/account_name"] == "Mock University"


def test_openid_configuration_errors(app: Any, client: Any) -> None:
    missing = client.get("/api/lti/security/openid-configuration")
    assert missing.status_code == 401
    assert missing.json() == {"error": "Access token missing (You must include the registration_token parameter)."}
    assert client.get("/api/lti/security/openid-configuration?registration_token=junk").status_code == 401
    expired = _registration_token(app, exp=int(time.time()) - 5)
    assert client.get(f"/api/lti/security/openid-configuration?registration_token={expired}").status_code == 401
    unknown = _registration_token(app, root_account_global_id=4242)
    response = client.get(f"/api/lti/security/openid-configuration?registration_token={unknown}")
    assert response.status_code == 404 and response.json() == {"error": "Account 4242 not found."}
