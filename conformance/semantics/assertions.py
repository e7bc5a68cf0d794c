"""The token endpoint trusts a client assertion only as far as Canvas does (§8.2 steps 2-5).

A platform that grants tokens for an assertion it should refuse answers the same well-formed
token as for a good one, so no shape check can tell. Each check here sends one kind of bad
assertion, signed with the suite's own key unless the point is the signature, and expects the
refusal Canvas gives: 401 ``invalid_client`` for a key it cannot find, 400 ``invalid_request``
for an assertion it cannot trust. They only ask for tokens, so they run against a real Canvas too.
"""

from __future__ import annotations

import functools
import time
import uuid
from typing import Any

import jwt

from mockserver.tool_client import signing_key

from . import semantic_check
from .probe import Probe, Skip
from .tokens import TOKEN_OP, read_scopes

#: Claims JwtValidator requires (``require_iss``); ``sub`` names the key, so dropping it is 401.
VALIDATED_CLAIMS = ("aud", "exp", "iat", "jti", "iss")
#: Canvas's limits (§8.2 step 5): ``iat`` at most 300 s old and 30 s ahead. Ours are well past them,
#: so a real Canvas's clock may differ from ours by minutes without changing the verdict.
STALE = 900
AHEAD = 600
#: A developer key id no Canvas issues (global ids are shard × 10^13 + local id).
UNKNOWN_CLIENT = "99999999999999999"


@functools.lru_cache(maxsize=1)
def foreign_key() -> Any:
    """An RSA key the target has never seen (generated once per process: it costs ~50 ms)."""
    from cryptography.hazmat.primitives.asymmetric import rsa

    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def signed_assertion(probe: Probe, *, key: Any = None, kid: str | None = None, **changes: Any) -> str:
    """The suite's usual assertion with ``changes`` (a claim set to None is left out), signed with
    ``key`` (default: the suite's) under ``kid``; Skip when the run has no private key for its tool."""
    creds = probe.target.creds
    if not creds.private_key_pem:
        raise Skip("no private key for the suite's tool (--private-key)")
    issued = int(time.time())
    claims = {"iss": creds.client_id, "sub": creds.client_id, "aud": creds.token_url,
              "iat": issued, "exp": issued + 300, "jti": str(uuid.uuid4())}
    claims.update(changes)
    claims = {name: value for name, value in claims.items() if value is not None}
    return jwt.encode(claims, key or signing_key(creds.private_key_pem), algorithm="RS256",
                      headers={"kid": kid or creds.kid})


def _expect_refused(probe: Probe, assertion: str, status: int, error: str, what: str) -> None:
    got_status, body = probe.token_response(read_scopes(probe)[:1], assertion=assertion)
    got = body.get("error") if isinstance(body, dict) else None
    if got_status == 200:
        probe.fail(TOKEN_OP, f"{what}: a token was granted; Canvas refuses it with {status} {error}")
    elif (got_status, got) != (status, error):
        probe.fail(TOKEN_OP, f"{what}: expected {status} {error}, got {got_status} {got or str(body)[:120]}")


@semantic_check("§8.2 step 4", TOKEN_OP)
def assertion_signature_verified(probe: Probe) -> None:
    """An assertion signed with a key the developer key does not hold (same ``kid``, right claims) is
    refused with 400 ``invalid_request``."""
    _expect_refused(probe, signed_assertion(probe, key=foreign_key()), 400, "invalid_request",
                    "an assertion signed with another RSA key")


@semantic_check("§8.2 step 2-3", TOKEN_OP)
def assertion_sub_names_the_client(probe: Probe) -> None:
    """The developer key is the assertion's ``sub``: an unknown ``sub`` is 401 ``invalid_client``,
    whatever ``iss`` says."""
    _expect_refused(probe, signed_assertion(probe, sub=UNKNOWN_CLIENT), 401, "invalid_client",
                    f"an assertion whose sub is the unknown client {UNKNOWN_CLIENT} (iss is the suite's client)")


@semantic_check("§8.2 step 5", TOKEN_OP)
def expired_assertion_refused(probe: Probe) -> None:
    """An assertion past its ``exp`` is refused with 400 ``invalid_request``."""
    issued = int(time.time()) - 240
    _expect_refused(probe, signed_assertion(probe, iat=issued, exp=issued + 60), 400, "invalid_request",
                    "an assertion that expired three minutes ago")


@semantic_check("§8.2 step 5", TOKEN_OP)
def stale_assertion_refused(probe: Probe) -> None:
    """An assertion issued more than 5 minutes ago is refused with 400 ``invalid_request``, even
    when its ``exp`` is still ahead."""
    issued = int(time.time()) - STALE
    _expect_refused(probe, signed_assertion(probe, iat=issued, exp=issued + STALE + 300), 400, "invalid_request",
                    f"an assertion issued {STALE} s ago (exp still ahead)")


@semantic_check("§8.2 step 5", TOKEN_OP)
def future_assertion_refused(probe: Probe) -> None:
    """An assertion whose ``iat`` lies in the future is refused with 400 ``invalid_request``."""
    issued = int(time.time()) + AHEAD
    _expect_refused(probe, signed_assertion(probe, iat=issued, exp=issued + 300), 400, "invalid_request",
                    f"an assertion issued {AHEAD} s from now")


@semantic_check("§8.2 step 5", TOKEN_OP)
def assertion_audience_checked(probe: Probe) -> None:
    """An assertion addressed to another token URL is refused with 400 ``invalid_request``."""
    _expect_refused(probe, signed_assertion(probe, aud="https://elsewhere.invalid/login/oauth2/token"), 400,
                    "invalid_request", "an assertion whose aud is another platform's token URL")


@semantic_check("§8.2 step 5", TOKEN_OP)
def assertion_claims_required(probe: Probe) -> None:
    """An assertion without any one of ``aud exp iat jti iss`` is refused with 400 ``invalid_request``."""
    for claim in VALIDATED_CLAIMS:
        _expect_refused(probe, signed_assertion(probe, **{claim: None}), 400, "invalid_request",
                        f"an assertion without {claim}")
