"""Canvas's ``spec/controllers/lti/public_jwk_controller_spec.rb``: ``PUT /api/lti/developer_key/update_public_jwk``.

Canvas validates the new key with ``Schemas::Lti::PublicJwk`` only (``DeveloperKey#validate_public_jwk``):
``kty``, ``e``, ``n``, ``kid``, ``alg`` and ``use`` present and strings, ``kty`` ``RSA``, ``alg`` ``RS256``;
the first failure is reported as ``Schemas::Base.simple_validation_errors`` words it. The content of ``n``
and ``e`` is not checked, so a key whose ``n`` is PEM text is stored, and client assertions can then no
longer be verified with it.
"""

from __future__ import annotations

from typing import Any

from tests.canvas_specs import lti_services as shared
from tests.canvas_specs.citation import canvas_spec
from tests.ltiutil import bearer, lti_error, token_form
from tests.rest.helpers import new_rsa_key

SPEC = "spec/controllers/lti/public_jwk_controller_spec.rb"
SCHEMA = "lib/schemas/lti/public_jwk.rb"
URL = "/api/lti/developer_key/update_public_jwk"
SCOPE = "https://canvas.instructure.com/lti/public_jwk/scope/update"
MEDIA = "application/vnd.ims.lis.v2.publicjwk+json"
LOOKUP = "https://canvas.instructure.com/lti/account_lookup/scope/show"
GROUP = "#update / check public jwk"


def update(mock: Any, jwk: Any) -> Any:
    return mock.put(URL, headers=bearer(shared.token_for(mock, [SCOPE])), json={"developer_key": {"public_jwk": jwk}})


def stored_jwk(mock: Any) -> Any:
    """The key's JWK as the registration's developer key shows it."""
    return mock.get(f"/api/lti/accounts/1/developer_keys/{shared.GRADING_KEY}/tool_configuration",
                    headers={"Authorization": "Bearer mock-admin-token-TEST-ONLY"}).json()["developer_key"]["public_jwk"]


def schema_error(response: Any, message: str) -> None:
    assert response.status_code == 422, response.text
    assert response.json() == {"errors": {"public_jwk": [{"attribute": "public_jwk", "type": message, "message": message}]}}


@canvas_spec(SPEC, "#update / lti services / common lti advantage request and response check / returns correct mime_type")
def test_lti_services_success(mock: Any) -> None:
    _, jwk = new_rsa_key("rotated")
    shared.check_success(mock, shared.Endpoint("PUT", URL, SCOPE, MEDIA, {"developer_key": {"public_jwk": jwk}}))


@canvas_spec(SPEC, f"{GROUP} / when public jwk is valid / update public jwk was successful")
def test_valid_jwk_is_stored_and_answered(mock: Any) -> None:
    old = stored_jwk(mock)
    _, jwk = new_rsa_key("rotated")
    response = update(mock, jwk)
    assert response.status_code == 200 and MEDIA in response.headers["content-type"]
    assert response.json()["public_jwk"] == jwk and response.json()["public_jwk"] != old
    assert stored_jwk(mock) == jwk


@canvas_spec(SPEC, f"{GROUP} / when pubic jwk is not valid / update public jwk was not successful")
def test_invalid_jwk_is_refused(mock: Any) -> None:
    old = stored_jwk(mock)
    schema_error(update(mock, {"hello": "world"}), "The following fields are required: kty, e, n, kid, alg, use")
    assert stored_jwk(mock) == old


@canvas_spec(SPEC, f"{GROUP} / when pubic jwk is empty / return 400 unathorized http status")
def test_empty_jwk_is_a_bad_request(mock: Any) -> None:
    old = stored_jwk(mock)
    response = update(mock, {})
    assert response.status_code == 400
    assert stored_jwk(mock) == old


@canvas_spec(SPEC, f"{GROUP} / when pubic jwk is not valid / update public jwk was not successful", follows_code=SCHEMA)
def test_alg_and_kty_are_constants(mock: Any) -> None:
    """``kty`` must be ``RSA`` and ``alg`` ``RS256``; the message names the value, its pointer and the schema."""
    _, jwk = new_rsa_key("rotated")
    schema_error(update(mock, {**jwk, "alg": "RS512"}), 'RS512 /alg. Schema: {"type"=>"string", "const"=>"RS256"}')
    schema_error(update(mock, {**jwk, "kty": "EC"}), 'EC /kty. Schema: {"type"=>"string", "const"=>"RSA"}')
    schema_error(update(mock, {**jwk, "n": 12345}), '12345 /n. Schema: {"type"=>"string"}')


@canvas_spec(SPEC, f"{GROUP} / when public jwk is valid / update public jwk was successful", follows_code=SCHEMA)
def test_pem_text_as_modulus_is_stored_as_canvas_does(mock: Any) -> None:
    """Canvas's schema types ``n`` as a string only, so PEM text passes; the tool's later client assertions
    cannot be verified with that key, and the token endpoint refuses them (400, not a server error)."""
    pem, jwk = new_rsa_key("pem-modulus")
    bad = {**jwk, "n": "-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA\n-----END PUBLIC KEY-----"}
    response = update(mock, bad)
    assert response.status_code == 200 and response.json()["public_jwk"] == bad
    config = mock.get("/__mock__/config").json()
    tool = next(t for t in config["tools"] if t["name"] == "Mock Grading Tool")
    refused = mock.post(config["token_url"], data=token_form({**tool, "kid": "pem-modulus", "private_key_pem": pem},
                                                             config["token_url"], [LOOKUP]))
    assert refused.status_code == 400 and refused.json()["error"] in ("invalid_client", "invalid_request")


@canvas_spec(SPEC, "#update / lti services / common lti advantage request and response check / with no access token")
def test_without_a_token(mock: Any) -> None:
    response = mock.put(URL, json={"developer_key": {"public_jwk": {}}})
    lti_error(response, 401, "Missing access token")
    assert MEDIA not in response.headers["content-type"]
