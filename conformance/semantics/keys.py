"""Platform keys and discovery (§9): the JWKS is stable until rotated, every token Canvas signs
names a key the JWKS publishes, and the OpenID configuration points at this platform."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

import jwt
from jwt.algorithms import RSAAlgorithm

from ..recipes import DEEP_LINKING_REQUEST, Recipes, RecipeUnavailable
from . import semantic_check
from .probe import Probe, Skip

JWKS_PATH = "/api/lti/security/jwks"


def _keys(probe: Probe) -> dict[str, dict[str, Any]]:
    """kid -> JWK of the published set."""
    response = probe.get(JWKS_PATH)
    body = probe.json(response)
    if response.status_code != 200 or not isinstance(body, dict) or not isinstance(body.get("keys"), list):
        raise Skip(f"the JWKS answered {response.status_code}")
    return {str(k.get("kid")): k for k in body["keys"] if isinstance(k, dict)}


@semantic_check("§9.1", "getPlatformJwks")
def jwks_stable_until_rotated(probe: Probe) -> None:
    """Fetched twice with no rotation between, the JWKS publishes the same keys under the same kids."""
    first, second = _keys(probe), _keys(probe)
    if first != second:
        changed = sorted(set(first) ^ set(second)) or sorted(k for k in first if first[k] != second.get(k))
        probe.fail("getPlatformJwks", f"the key set changed between two reads with no rotation: kids {changed}")


@semantic_check("§9.1, §10.3", "getPlatformJwks", "authorizeLaunch", mock_only=True)
def signed_token_kid_in_jwks(probe: Probe) -> None:
    """Every id_token (resource link and deep linking launches) names in its header a ``kid`` the
    JWKS publishes, and verifies with that key."""
    recipes = Recipes(probe.ctx)
    for message_type in (None, DEEP_LINKING_REQUEST):
        try:
            token = recipes.launch_id_token(message_type)
        except RecipeUnavailable as exc:
            raise Skip(str(exc)) from None
        kid = str(jwt.get_unverified_header(token).get("kid"))
        keys = _keys(probe)
        what = f"the {message_type or 'LtiResourceLinkRequest'} id_token"
        if kid not in keys:
            probe.fail("authorizeLaunch", f"{what} is signed with kid {kid!r}, which the JWKS does not publish "
                                          f"({sorted(keys)})")
            continue
        try:
            key = RSAAlgorithm.from_jwk(json.dumps(keys[kid]))
            jwt.decode(token, key, algorithms=["RS256"], options={"verify_aud": False, "verify_exp": False})  # type: ignore[arg-type]
        except (jwt.PyJWTError, ValueError) as exc:
            probe.fail("authorizeLaunch", f"{what} does not verify with the published key {kid!r}: {exc}")


@semantic_check("§9.2", "getOpenIdConfiguration", "getRegistrationToken")
def openid_configuration_matches_platform(probe: Probe) -> None:
    """The OpenID configuration names this platform's endpoints: its JWKS (which answers with keys),
    token URL, authorization and registration endpoints, on the host that was asked."""
    token = probe.json(probe.api("GET", f"/api/lti/accounts/{probe.root_account()}/registration_token"))
    if not isinstance(token, dict) or not token.get("token"):
        raise Skip("no registration token")
    response = probe.get("/api/lti/security/openid-configuration", registration_token=token["token"])
    config = probe.json(response)
    if response.status_code != 200 or not isinstance(config, dict):
        probe.fail("getOpenIdConfiguration", f"a fresh registration token was refused: {response.status_code}")
        return
    host = urlsplit(probe.target.base_url).netloc
    expected = {"jwks_uri": JWKS_PATH, "token_endpoint": "/login/oauth2/token",
                "authorization_endpoint": "/api/lti/authorize_redirect", "registration_endpoint": "/api/lti/registrations"}
    for name, path in expected.items():
        parts = urlsplit(str(config.get(name, "")))
        if parts.netloc != host or parts.path != path:
            probe.fail("getOpenIdConfiguration", f"{name} must be {path} on {host}, got {config.get(name)!r}")
    jwks = probe.get(str(config.get("jwks_uri", "")))
    if jwks.status_code != 200 or not (probe.json(jwks) or {}).get("keys"):
        probe.fail("getOpenIdConfiguration", f"jwks_uri {config.get('jwks_uri')!r} does not answer a key set: {jwks.status_code}")


@semantic_check("§9.1", "getPlatformJwks", "authorizeLaunch", mock_only=True)
def rotation_keeps_cached_keys_valid(probe: Probe) -> None:
    """A key rotation is seamless for a tool that caches the JWKS: the key that signed before it stays
    published after it, and the key that signs after it was published before it."""
    recipes = Recipes(probe.ctx)
    try:
        before_kid = str(jwt.get_unverified_header(recipes.launch_id_token(None)).get("kid"))
        before = _keys(probe)
        probe.control("POST", "/__mock__/keys/rotate")
        after_kid = str(jwt.get_unverified_header(recipes.launch_id_token(None)).get("kid"))
    except RecipeUnavailable as exc:
        raise Skip(str(exc)) from None
    after = _keys(probe)
    if before_kid not in after:
        probe.fail("getPlatformJwks", f"after a rotation the JWKS dropped {before_kid}, the key that signed before it: "
                                      f"a tool's id_tokens in flight no longer verify (published: {sorted(after)})")
    if after_kid not in before:
        probe.fail("getPlatformJwks", f"after a rotation id_tokens are signed with {after_kid}, which the JWKS did not "
                                      f"publish before it: a tool that cached the JWKS cannot verify them")


