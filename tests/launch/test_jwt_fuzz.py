"""Acceptance 5: hypothesis mutates the JWTs the mock accepts — client assertions at the token
endpoint and deep linking response JWTs. Every mutation that breaks the header, a required claim
or the signature is rejected with a documented error; nothing ever answers 500."""

from __future__ import annotations

import base64
import json
import time
import uuid
from typing import Any

import jwt
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jwt.algorithms import RSAAlgorithm

from tests.ltiutil import tool_named

from .dlutil import deep_linking_claims, response_claims, return_path

SETTINGS = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
JSON_VALUES = st.one_of(st.none(), st.booleans(), st.integers(-2**40, 2**40), st.text(max_size=20),
                        st.lists(st.text(max_size=5), max_size=3), st.dictionaries(st.text(max_size=5), st.integers(), max_size=2))
ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
TOKEN_ERRORS = {"JWS signature invalid.", "unknown client"}


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def rs256(claims: dict[str, Any], pem: str, kid: str) -> str:
    """Sign any JSON (PyJWT's encoder refuses some claim types we want to send)."""
    algorithm = RSAAlgorithm(RSAAlgorithm.SHA256)
    signing_input = f"{b64(json.dumps({'alg': 'RS256', 'typ': 'JWT', 'kid': kid}).encode())}.{b64(json.dumps(claims).encode())}"
    return f"{signing_input}.{b64(algorithm.sign(signing_input.encode(), algorithm.prepare_key(pem)))}"


@st.composite
def mutation(draw: st.DrawFn, claim_names: tuple[str, ...]) -> tuple[str, Any]:
    """(kind, detail): a header, claim or signature mutation."""
    kind = draw(st.sampled_from(["alg", "header", "drop_claim", "claim", "signature", "truncate"]))
    if kind == "alg":
        return kind, draw(st.sampled_from(["none", "None", "HS256", "RS512", "ES256", "PS256", "", "rs256"]))
    if kind == "header":
        return kind, (draw(st.sampled_from(["kid", "typ", "jku", "x5u", "crit"])), draw(JSON_VALUES))
    if kind == "drop_claim":
        return kind, draw(st.sampled_from(claim_names))
    if kind == "claim":
        return kind, (draw(st.sampled_from(claim_names)), draw(JSON_VALUES))
    if kind == "signature":
        return kind, (draw(st.integers(0, 300)), draw(st.integers(1, 63)))
    return kind, draw(st.integers(1, 3))


def apply(token: str, kind: str, detail: Any, resign: Any) -> tuple[str, bool]:
    """The mutated token, and whether it must be rejected whatever the mutated value."""
    head, body, sig = token.split(".")
    header, claims = json.loads(unb64(head)), json.loads(unb64(body))
    if kind == "alg":
        header["alg"] = detail
        return f"{b64(json.dumps(header).encode())}.{body}.{sig if detail != 'none' else ''}", True
    if kind == "header":
        name, value = detail
        header[name] = value
        return f"{b64(json.dumps(header).encode())}.{body}.{sig}", name not in ("kid",) or value != header.get("kid")
    if kind == "drop_claim":
        claims.pop(detail, None)
        return resign(claims), True
    if kind == "claim":
        name, value = detail
        claims[name] = value
        return resign(claims), False  # some values are harmless (another jti, a plausible iat)
    if kind == "signature":
        raw = bytearray(unb64(sig))
        position, flip = detail
        raw[position % len(raw)] ^= flip
        return f"{head}.{body}.{b64(bytes(raw))}", True
    return ".".join(token.split(".")[:3 - detail]) if detail < 3 else token[: len(token) // 2], True


# -- token endpoint -------------------------------------------------------------------------------


@pytest.fixture
def grading(config: dict[str, Any]) -> dict[str, Any]:
    return tool_named(config, "Mock Grading Tool")


def _assertion_claims(grading: dict[str, Any], token_url: str) -> dict[str, Any]:
    now = int(time.time())
    return {"iss": grading["client_id"], "sub": grading["client_id"], "aud": token_url, "iat": now,
            "exp": now + 300, "jti": str(uuid.uuid4())}


@SETTINGS
@given(change=mutation(("iss", "sub", "aud", "exp", "iat", "jti")))
def test_token_endpoint_rejects_mutated_assertions(client: Any, config: dict[str, Any], grading: dict[str, Any],
                                                   change: tuple[str, Any]) -> None:
    token_url = config["token_url"]

    def resign(claims: dict[str, Any]) -> str:
        return rs256(claims, grading["private_key_pem"], grading["kid"])

    mutated, must_reject = apply(resign(_assertion_claims(grading, token_url)), *change, resign)
    response = client.post(token_url, data={"grant_type": "client_credentials", "client_assertion_type": ASSERTION_TYPE,
                                            "client_assertion": mutated, "scope": grading["scopes"][0]})
    assert response.status_code in (200, 400, 401), response.text
    if response.status_code == 200:
        assert not must_reject, change
        return
    body = response.json()
    assert set(body) == {"error", "error_description"}
    if response.status_code == 401:
        assert body == {"error": "invalid_client", "error_description": "unknown client"}
    else:
        assert body["error"] == "invalid_request"
        description = body["error_description"]
        assert description in TOKEN_ERRORS or all(part.startswith("the ") for part in description.split(" | ")), description


# -- deep linking response --------------------------------------------------------------------------

DL_ATTRIBUTES = {"jwt", "developer_key", "data", "content_items"}


@SETTINGS
@given(change=mutation(("iss", "aud", "exp", "iat", "nonce")))
def test_deep_linking_rejects_mutated_jwts(client: Any, grading: dict[str, Any], change: tuple[str, Any]) -> None:
    path = _path(client)

    def resign(claims: dict[str, Any]) -> str:
        return rs256(claims, grading["private_key_pem"], grading["kid"])

    mutated, must_reject = apply(resign(response_claims(grading)), *change, resign)
    response = client.post(path, data={"JWT": mutated})
    assert response.status_code in (200, 400), response.text
    if response.status_code == 200:
        assert not must_reject, change
        return
    errors = response.json()["errors"]
    assert set(errors) <= DL_ATTRIBUTES and all(isinstance(m, str) for ms in errors.values() for m in ms)


@SETTINGS
@given(items=st.lists(st.dictionaries(st.sampled_from(["type", "url", "title", "custom", "lineItem", "html"]),
                                      JSON_VALUES | st.sampled_from(["ltiResourceLink", "html"]), max_size=4),
                      max_size=3) | JSON_VALUES)
def test_deep_linking_content_items_never_500(client: Any, grading: dict[str, Any], items: Any) -> None:
    path = _path(client)
    claims = response_claims(grading)
    claims["https://purl.imsglobal.org/spec/lti-dl/claim/content_items"] = items
    token = jwt.encode(claims, grading["private_key_pem"], algorithm="RS256", headers={"kid": grading["kid"]})
    response = client.post(path, data={"JWT": token})
    assert response.status_code in (200, 400), response.text
    if response.status_code == 400:
        assert set(response.json()["errors"]) == {"content_items"}


_PATHS: dict[int, str] = {}


def _path(client: Any) -> str:
    """One deep linking launch per app (the return data stays valid for an hour)."""
    key = id(client.app)
    if key not in _PATHS:
        _PATHS.clear()
        _PATHS[key] = return_path(deep_linking_claims(client))
    return _PATHS[key]
