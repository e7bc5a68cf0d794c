"""Shared bits of the REST API tests: the fixture API tokens (TEST-ONLY) and error checks."""

from __future__ import annotations

from typing import Any

ADMIN = {"Authorization": "Bearer mock-admin-token-TEST-ONLY"}
TEACHER = {"Authorization": "Bearer mock-teacher-token-TEST-ONLY"}
STUDENT = {"Authorization": "Bearer mock-student-token-TEST-ONLY"}
BOGUS = {"Authorization": "Bearer not-a-real-token"}
NOT_FOUND = {"errors": [{"message": "The specified resource does not exist."}]}
UNAUTHORIZED = {"status": "unauthorized", "errors": [{"message": "user not authorized to perform that action"}]}


def assert_auth_errors(client: Any, method: str, url: str, forbidden: dict[str, str] | None = STUDENT, **kwargs: Any) -> None:
    """No token, an unknown token and (when given) a user without the permission (§15.2)."""
    response = client.request(method, url, **kwargs)
    assert response.status_code == 401, response.text
    assert response.json() == {"status": "unauthenticated", "errors": [{"message": "user authorization required"}]}
    assert response.headers["www-authenticate"] == 'Bearer realm="canvas-lms"'
    response = client.request(method, url, headers=BOGUS, **kwargs)
    assert response.status_code == 401
    assert response.json() == {"errors": [{"message": "Invalid access token."}]}
    assert response.headers["www-authenticate"] == 'Bearer realm="canvas-lms"'
    if forbidden is not None:
        response = client.request(method, url, headers=forbidden, **kwargs)
        assert response.status_code == 403, response.text
        assert response.json() == UNAUTHORIZED


def links(response: Any) -> dict[str, str]:
    """``rel -> url`` of a Link header."""
    out = {}
    for part in response.headers.get("link", "").split(","):
        url, _, rel = part.partition(">; rel=")
        out[rel.strip('"')] = url.lstrip("<")
    return out


def new_rsa_key(kid: str) -> tuple[str, dict[str, Any]]:
    """A throwaway (TEST-ONLY) RSA key: its PEM and its public JWK."""
    import json

    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from jwt.algorithms import RSAAlgorithm

    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()).decode()
    jwk = json.loads(RSAAlgorithm.to_jwk(private.public_key()))
    jwk.update({"kid": kid, "alg": "RS256", "use": "sig"})
    return pem, jwk


def registered_tool(client: Any, scopes: list[str], name: str = "Service Tool", state: str = "on") -> dict[str, Any]:
    """A developer key made through the Registrations API (bound ``state``), in the shape the
    ``tests.ltiutil`` token helpers take."""
    pem, jwk = new_rsa_key(f"{name}-kid")
    config = {"title": name, "target_link_uri": "https://service.example.com/launch", "oidc_initiation_url": "https://service.example.com/oidc",
              "scopes": scopes, "public_jwk": jwk}
    response = client.post("/api/v1/accounts/1/lti_registrations", headers=ADMIN, json={"configuration": config, "workflow_state": state})
    assert response.status_code == 201, response.text
    reg = response.json()
    return {"name": name, "client_id": reg["developer_key_id"], "kid": jwk["kid"], "private_key_pem": pem, "scopes": scopes,
            "registration_id": reg["id"]}


def service_token(client: Any, tool: dict[str, Any], scopes: list[str] | None = None) -> str:
    from tests.ltiutil import token_form

    token_url = "http://testserver/login/oauth2/token"
    response = client.post(token_url, data=token_form(tool, token_url, scopes or tool["scopes"]))
    assert response.status_code == 200, response.text
    return response.json()["access_token"]
