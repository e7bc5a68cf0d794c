"""Canvas's ``spec/controllers/security_controller_spec.rb``: the platform JWKS (the first, shared example)."""

from __future__ import annotations

from typing import Any

from tests.canvas_specs.citation import canvas_spec

SECURITY = "spec/controllers/security_controller_spec.rb"


@canvas_spec(SECURITY, "returns well-formed public key jwks")
def test_jwks_keys_have_only_public_members(client: Any) -> None:
    """Canvas asserts each key's members are within kid, kty, alg, e, n, use: nothing private leaks."""
    response = client.get("/api/lti/security/jwks")
    assert response.status_code == 200
    keys = response.json()["keys"]
    assert keys
    for key in keys:
        assert set(key) - {"kid", "kty", "alg", "e", "n", "use"} == set(), key
