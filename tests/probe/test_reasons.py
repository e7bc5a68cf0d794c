"""Which check a refusal came from, read from the tool's own words: ltijs 5's error codes (its
``Auth.validateToken`` and ``claimValidation``, and jsonwebtoken's messages under them), answered
as ltijs does — a 401 (400 at login) with a JSON body whose ``details.message`` is the code."""

from __future__ import annotations

import json

import pytest

from conformance.probe import reasons
from conformance.probe.flow import Answer


def _ltijs(message: str, status: int = 401) -> Answer:
    body = {"status": status, "error": "Unauthorized" if status == 401 else "Bad Request",
            "details": {"description": "Error validating ltik or IdToken", "message": message}}
    return Answer(status, json.dumps(body), "http://tool.test/launch", content_type="application/json; charset=utf-8")


@pytest.mark.parametrize("message, check", [
    ("MISSING_VALIDATION_COOKIE", reasons.STATE),  # no state cookie for the form's state
    ("ISS_CLAIM_DOES_NOT_MATCH", reasons.ISSUER),  # the token's iss is not the login's
    ("UNREGISTERED_PLATFORM", reasons.ISSUER),  # no platform for (iss, aud)
    ("KID_NOT_FOUND", reasons.KEY),
    ("KEY_NOT_FOUND", reasons.KEY),  # no JWKS key with the header's kid
    ("ALG_NOT_RS256", reasons.KEY),
    ("secretOrPublicKey must be a symmetric key when using HS256", reasons.KEY),  # jsonwebtoken 9
    ("jwt signature is required", reasons.SIGNATURE),  # alg none: no signature
    ("invalid signature", reasons.SIGNATURE),
    ("jwt expired", reasons.EXPIRY),
    ("jwt not active", reasons.TIME),  # nbf
    ("TOKEN_TOO_OLD", reasons.TIME),  # iat older than tokenMaxAge
    ("NONCE_ALREADY_RECEIVED", reasons.NONCE),
    ("AZP_DOES_NOT_MATCH_CLIENTID", reasons.AUDIENCE),
    ("NO_MESSAGE_TYPE_CLAIM", reasons.CLAIMS),
    ("NO_TARGET_LINK_URI_CLAIM", reasons.TARGET),
    ("NO_RESOURCE_LINK_ID_CLAIM", reasons.CLAIMS),
    ("NO_LTI_VERSION_CLAIM", reasons.CLAIMS),
    ("NO_DEPLOYMENT_ID_CLAIM", reasons.DEPLOYMENT),
    ("NO_ROLES_CLAIM", reasons.CLAIMS),
])
def test_ltijs_error_codes_name_the_check(message: str, check: str) -> None:
    answer = _ltijs(message)
    assert reasons.refused_by(answer) == check
    assert reasons.reason(answer) == f'401 {{"status":401,"error":"Unauthorized","details":{{"description":' \
                                     f'"Error validating ltik or IdToken","message":"{message}"}}}}'


def test_a_body_that_names_no_check_says_nothing() -> None:
    assert reasons.refused_by(_ltijs("NO_LTIK_OR_IDTOKEN_FOUND")) is None
    assert reasons.refused_by(Answer(413, "<h1>PayloadTooLargeError</h1>")) == reasons.SIZE
