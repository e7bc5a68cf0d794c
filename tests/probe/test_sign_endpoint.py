"""``POST /__mock__/id_tokens``: the platform's signature on given claims, journaled."""

from __future__ import annotations

from typing import Any

import jwt


def test_signs_claims_as_given_with_the_current_key(client: Any) -> None:
    claims = {"iss": "https://probe.invalid", "aud": ["a", "b"], "exp": 1, "custom": {"x": 1}}
    answer = client.post("/__mock__/id_tokens", json={"claims": claims})
    assert answer.status_code == 201 and answer.headers["cache-control"] == "no-store"
    body = answer.json()
    jwks = client.get("/api/lti/security/jwks").json()
    header = jwt.get_unverified_header(body["id_token"])
    assert header == {"alg": "RS256", "kid": body["kid"], "typ": "JWT"}
    key = next(k for k in jwks["keys"] if k["kid"] == body["kid"])
    decoded = jwt.decode(body["id_token"], jwt.PyJWK(key).key, algorithms=["RS256"],
                         options={"verify_exp": False, "verify_aud": False})
    assert decoded == claims  # nothing added, nothing checked

    rotated = client.post("/__mock__/keys/rotate").json()
    assert client.post("/__mock__/id_tokens", json={"claims": {}}).json()["kid"] == rotated["current"]


def test_signatures_are_journaled_big_ones_as_a_summary(client: Any) -> None:
    client.post("/__mock__/id_tokens", json={"claims": {"sub": "u1"}})
    client.post("/__mock__/id_tokens", json={"claims": {"sub": "u2", "pad": "x" * 20000}})
    entries = client.get("/__mock__/requests", params={"operation_id": "signMockIdToken"}).json()["requests"]
    assert [e["body"] for e in entries] == [{"claims": {"sub": "u1"}},
                                            {"claim_names": ["pad", "sub"], "claims_bytes": len('{"sub":"u2","pad":""}') + 20000}]
    assert all(e["status"] == 201 and e["path"] == "/__mock__/id_tokens" for e in entries)


def test_claims_must_be_an_object(client: Any) -> None:
    for body in ({"claims": [1]}, {}, {"claims": {}, "other": 1}):
        answer = client.post("/__mock__/id_tokens", json=body)
        assert answer.status_code == 400 and answer.json()["errors"][0]["message"]
    assert client.post("/__mock__/id_tokens", content=b"x", headers={"content-type": "text/plain"}).status_code == 415
    assert client.get("/__mock__/requests", params={"operation_id": "signMockIdToken"}).json()["count"] == 0
