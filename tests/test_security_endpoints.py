"""Platform JWKS and OpenID configuration (§9)."""

from __future__ import annotations

import json
import time
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization

GENERIC_UNAUTHORIZED = {"errors": [{"message": "An error occurred.", "error_code": "unauthorized"}]}


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


def test_jwks_body_is_compact_json_of_the_current_set(client: Any) -> None:
    """The body is encoded once per key set: it must follow each rotation and reset."""
    def body() -> bytes:
        response = client.get("/api/lti/security/jwks")
        assert response.headers["content-type"] == "application/json"
        return response.content

    before = body()
    assert before == json.dumps(json.loads(before), ensure_ascii=False, separators=(",", ":")).encode()
    assert client.post("/__mock__/keys/rotate").status_code == 200
    rotated = body()
    assert len(json.loads(rotated)["keys"]) == len(json.loads(before)["keys"]) + 1
    assert [k["kid"] for k in json.loads(rotated)["keys"]] == [k.kid for k in (
        client.app.state.keys.past, client.app.state.keys.current, client.app.state.keys.future)]
    client.post("/__mock__/reset")
    assert body() == before


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
    junk = client.get("/api/lti/security/openid-configuration?registration_token=junk")
    assert junk.status_code == 401 and junk.json() == GENERIC_UNAUTHORIZED
    expired = _registration_token(app, exp=int(time.time()) - 5)
    response = client.get(f"/api/lti/security/openid-configuration?registration_token={expired}")
    assert response.status_code == 401 and response.json() == GENERIC_UNAUTHORIZED
    unknown = _registration_token(app, root_account_global_id=4242)
    response = client.get(f"/api/lti/security/openid-configuration?registration_token={unknown}")
    assert response.status_code == 404 and response.json() == {"error": "Account 4242 not found."}


def test_openid_configuration_refuses_a_token_expired_by_the_mock_clock(client: Any) -> None:
    """Issue 12 (6): the token's ``exp`` is checked against the mock clock, as the registration is."""
    admin = {"Authorization": "Bearer mock-admin-token-TEST-ONLY"}
    url = client.get("/api/lti/accounts/1/registration_token", headers=admin).json()["oidc_configuration_url"]
    assert client.get(url).status_code == 200
    assert client.post("/__mock__/clock", json={"advance": 3000}).status_code == 200
    assert client.get(url).status_code == 200  # 50 minutes on: still within the hour
    assert client.post("/__mock__/clock", json={"advance": 100000}).status_code == 200
    response = client.get(url)
    assert response.status_code == 401 and response.json() == GENERIC_UNAUTHORIZED
    client.post("/__mock__/clock", json={"reset": True})
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("query", ["rotation_check=1", "rotation_check", "rotation_check=false"])
def test_jwks_rotation_check(client: Any, query: str) -> None:
    """Issue 12 (8): Canvas's diagnostic (§9.1) whenever the parameter is present, whatever its value."""
    keys = client.get("/api/lti/security/jwks").json()["keys"]
    client.post("/__mock__/clock", json={"now": "2031-07-09T12:00:00Z"})
    response = client.get(f"/api/lti/security/jwks?{query}")
    assert response.status_code == 200 and "cache-control" not in response.headers
    lines = response.json()
    assert len(lines) == len(keys)
    # The fixture set is a current and a future key (their kids are not time stamps): the current
    # one counts as this month's, the future one as next month's.
    assert lines == [f"today is day 9 and key {i} is {'' if i == 0 else 'not '}from this month" for i in range(len(keys))]


def test_jwks_rotation_check_reads_canvas_kids_and_follows_rotation(client: Any) -> None:
    from mockserver.auth.keys import PlatformKeys, generate_key

    state = client.app.state
    state.keys.replace_with(PlatformKeys(generate_key("2031-07-01T00:00:00Z"), past=generate_key("2031-06-01T00:00:00Z"),
                                         future=generate_key("2031-08-01T00:00:00Z_1")))
    client.post("/__mock__/clock", json={"now": "2031-07-31T23:00:00Z"})
    assert client.get("/api/lti/security/jwks?rotation_check=1").json() == [
        "today is day 31 and key 0 is not from this month",
        "today is day 31 and key 1 is from this month",
        "today is day 31 and key 2 is not from this month",
    ]
    client.post("/__mock__/clock", json={"advance": 7200})  # into August: the future key is this month's
    assert client.get("/api/lti/security/jwks?rotation_check=1").json() == [
        "today is day 1 and key 0 is not from this month",
        "today is day 1 and key 1 is not from this month",
        "today is day 1 and key 2 is from this month",
    ]
    # Rotating (future → current) restores the healthy picture.
    assert client.post("/__mock__/keys/rotate").status_code == 200
    report = client.get("/api/lti/security/jwks?rotation_check=1").json()
    assert report[1] == "today is day 1 and key 1 is from this month"
    assert client.get("/api/lti/security/jwks").json()["keys"][1]["kid"] == "2031-08-01T00:00:00Z_1"


def test_published_jwks_are_pyjwts_public_jwks(client: Any) -> None:
    """The mock writes a public JWK itself (so that building an app needs no PyJWT): each key it
    publishes, and each fixture developer key's, is PyJWT's ``to_jwk`` of the same key."""
    state = client.app.state
    published = client.get("/api/lti/security/jwks").json()["keys"]
    platform = [key for key in (state.keys.past, state.keys.current, state.keys.future) if key is not None]
    for jwk, key in zip(published, platform, strict=True):
        expected = jwt.algorithms.RSAAlgorithm.to_jwk(key.private_key.public_key(), as_dict=True)
        assert jwk == {"kid": key.kid, "alg": "RS256", "use": "sig", "kty": "RSA", "e": expected["e"], "n": expected["n"]}
    for developer_key in state.world.developer_keys.values():
        if developer_key.private_key_pem:
            public = jwt.algorithms.RSAAlgorithm.from_jwk(developer_key.public_jwk)
            private = serialization.load_pem_private_key(developer_key.private_key_pem.encode(), password=None)
            assert public.public_numbers() == private.public_key().public_numbers()


def test_a_platform_key_the_fixtures_do_not_give_is_made_once_and_kept(tmp_path: Any) -> None:
    """Without a platform key in the fixtures, the mock makes one (when first used, not at start-up):
    the JWKS publishes it under the same kid every time, and what the mock signs verifies with it."""
    import yaml

    from mockserver import create_app
    from mockserver.fixtures import DEFAULT_FIXTURES

    data = yaml.safe_load(DEFAULT_FIXTURES.read_text(encoding="utf-8"))
    data["platform"].pop("keys")
    (tmp_path / "keyless.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
    app = create_app(tmp_path / "keyless.yaml")
    with app.test_client() as client:
        first, again = (client.get("/api/lti/security/jwks").json()["keys"] for _ in range(2))
        assert first == again and [key["kid"] for key in first] == ["mock-platform-generated"]
        token = jwt.encode({"x": 1}, app.state.keys.current.private_key, algorithm="RS256", headers={"kid": first[0]["kid"]})
        assert jwt.decode(token, jwt.PyJWK(first[0]).key, algorithms=["RS256"]) == {"x": 1}
