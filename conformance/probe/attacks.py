"""The probe's cases: small registered functions, one hostile (or, for rotation, legitimate)
launch each, as schemathesis registers its checks.

A case gets a fresh :class:`~.flow.Flow` — a real OIDC flow through the tool, the valid
id_token in hand — and returns the :class:`Attempt` to post instead. Everything but the
id_token (and, for ``state_mismatch``, the state) is the tool's own flow. Claims the platform
must vouch for are re-signed by the mock (``POST /__mock__/id_tokens``); tokens no platform
would sign are forged here (:mod:`.forge`).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from . import forge
from .flow import Flow
from .platform import Platform

LTI = "https://purl.imsglobal.org/spec/lti/claim/"
DELETE = object()
OTHER_CLIENT = "probe-other-client"
#: A Canvas id_token is 2–6 KB; a tool should refuse one of 1 MiB before parsing it.
OVERSIZED_BYTES = 1024 * 1024


@dataclass
class Attempt:
    """What to post: ``replay`` posts the token once first and judges the second post."""

    id_token: str
    state: str | None = None
    replay: bool = False
    note: str = ""


@dataclass
class Context:
    flow: Flow
    platform: Platform
    foreign: forge.ForeignKey

    @property
    def iat(self) -> int:
        return int(self.flow.claims.get("iat") or 0)

    def claims(self, **changes: Any) -> dict[str, Any]:
        """The valid claims with changes; LTI claims by short name, ``DELETE`` removes."""
        claims = dict(self.flow.claims)
        for name, value in changes.items():
            full = name if name in claims or name in ("iss", "aud", "azp", "iat", "exp", "nonce", "sub") else LTI + name
            if value is DELETE:
                claims.pop(full, None)
            else:
                claims[full] = value
        return claims

    def resign(self, **changes: Any) -> Attempt:
        """The platform's own signature on tampered claims."""
        return Attempt(self.platform.sign(self.claims(**changes)))

    def published_key(self, kid: str) -> dict[str, Any]:
        return next(k for k in self.platform.jwks()["keys"] if k.get("kid") == kid)


@dataclass(frozen=True)
class Case:
    id: str
    group: str
    title: str
    build: Callable[[Context], Attempt]
    expect: str = "reject"  # or "accept": a positive case
    prepare: Callable[[Platform], None] | None = None


CASES: list[Case] = []


def case(id: str, group: str, title: str, *, expect: str = "reject",
         prepare: Callable[[Platform], None] | None = None) -> Callable[[Callable[[Context], Attempt]], Callable[[Context], Attempt]]:
    def register(build: Callable[[Context], Attempt]) -> Callable[[Context], Attempt]:
        CASES.append(Case(id, group, title, build, expect, prepare))
        return build
    return register


# -- algorithm and key ------------------------------------------------------------------------------

@case("alg_none", "algorithm and key", "alg: none, no signature")
def alg_none(ctx: Context) -> Attempt:
    return Attempt(forge.unsigned(ctx.flow.header, ctx.flow.claims))


@case("hs256_public_key", "algorithm and key", "HS256, keyed with the platform's public key (PEM)")
def hs256_public_key(ctx: Context) -> Attempt:
    secret = forge.public_pem(ctx.published_key(ctx.flow.header["kid"]))
    return Attempt(forge.hs256(ctx.flow.header, ctx.flow.claims, secret))


@case("unknown_kid", "algorithm and key", "signed by a key that is not in the JWKS (unknown kid)")
def unknown_kid(ctx: Context) -> Attempt:
    return Attempt(ctx.foreign.sign(ctx.flow.header, ctx.flow.claims, kid=f"probe-unknown-{secrets.token_hex(4)}"))


@case("kid_foreign_signature", "algorithm and key", "kid of a published key, signature by another key")
def kid_foreign_signature(ctx: Context) -> Attempt:
    return Attempt(ctx.foreign.sign(ctx.flow.header, ctx.flow.claims, kid=ctx.flow.header["kid"]),
                   note="signature by a key not in the JWKS")


# -- time -------------------------------------------------------------------------------------------

@case("expired", "time", "expired (exp an hour before the launch)")
def expired(ctx: Context) -> Attempt:
    return ctx.resign(iat=ctx.iat - 7200, exp=ctx.iat - 3600)


@case("iat_future", "time", "issued an hour in the future")
def iat_future(ctx: Context) -> Attempt:
    return ctx.resign(iat=ctx.iat + 3600, exp=ctx.iat + 7200)


# -- audience and issuer ----------------------------------------------------------------------------

@case("wrong_aud", "audience and issuer", "aud names another client")
def wrong_aud(ctx: Context) -> Attempt:
    return ctx.resign(aud=OTHER_CLIENT)


@case("aud_array_without_azp", "audience and issuer", "aud is an array with another client, no azp")
def aud_array_without_azp(ctx: Context) -> Attempt:
    return ctx.resign(aud=[ctx.flow.claims.get("aud"), OTHER_CLIENT], azp=DELETE)


@case("wrong_iss", "audience and issuer", "iss of another platform")
def wrong_iss(ctx: Context) -> Attempt:
    return ctx.resign(iss="https://probe.invalid")


# -- replay and state -------------------------------------------------------------------------------

@case("nonce_replay", "replay and state", "the same id_token posted twice (nonce replay)")
def nonce_replay(ctx: Context) -> Attempt:
    return Attempt(ctx.flow.id_token, replay=True, note="posted twice: the second post is judged")


@case("wrong_nonce", "replay and state", "a nonce the tool never issued")
def wrong_nonce(ctx: Context) -> Attempt:
    return ctx.resign(nonce=f"probe-{secrets.token_hex(8)}")


@case("state_mismatch", "replay and state", "state differs from the one the tool issued")
def state_mismatch(ctx: Context) -> Attempt:
    state = f"probe-{secrets.token_hex(8)}"
    return Attempt(ctx.flow.id_token, state=state, note=f"form state={state}")


# -- deployment -------------------------------------------------------------------------------------

@case("missing_deployment_id", "deployment", "no deployment_id")
def missing_deployment_id(ctx: Context) -> Attempt:
    return ctx.resign(deployment_id=DELETE)


@case("unknown_deployment", "deployment", "a deployment_id the tool was never installed as")
def unknown_deployment(ctx: Context) -> Attempt:
    return ctx.resign(deployment_id="999999:probe-unknown-deployment")


# -- claims -----------------------------------------------------------------------------------------

@case("missing_message_type", "claims", "no message_type")
def missing_message_type(ctx: Context) -> Attempt:
    return ctx.resign(message_type=DELETE)


@case("missing_version", "claims", "no version")
def missing_version(ctx: Context) -> Attempt:
    return ctx.resign(version=DELETE)


@case("missing_roles", "claims", "no roles")
def missing_roles(ctx: Context) -> Attempt:
    return ctx.resign(roles=DELETE)


@case("missing_resource_link", "claims", "resource link launch without resource_link")
def missing_resource_link(ctx: Context) -> Attempt:
    return ctx.resign(resource_link=DELETE)


@case("wrong_message_type", "claims", "message_type a platform never launches with (LtiDeepLinkingResponse)")
def wrong_message_type(ctx: Context) -> Attempt:
    return ctx.resign(message_type="LtiDeepLinkingResponse")


@case("oversized", "claims", "a 1 MiB id_token (Canvas's are 2–6 KB)")
def oversized(ctx: Context) -> Attempt:
    custom = dict(ctx.flow.claims.get(LTI + "custom") or {})
    custom["probe_padding"] = "x" * (OVERSIZED_BYTES * 3 // 4)  # base64 grows it by 4/3
    attempt = ctx.resign(custom=custom)
    attempt.note = f"id_token of {len(attempt.id_token):,} bytes"
    return attempt


# -- key rotation (positive) --------------------------------------------------------------------------

def _rotate_twice(platform: Platform) -> None:
    """Twice: after one rotation the new current key was already published (as the future one),
    so only a second one makes the tool meet a kid it has never seen and must refetch."""
    platform.rotate_keys()
    platform.rotate_keys()


@case("key_rotation", "key rotation", "platform keys rotated twice: a kid the tool never saw (must refetch the JWKS)",
      expect="accept", prepare=_rotate_twice)
def key_rotation(ctx: Context) -> Attempt:
    return Attempt(ctx.flow.id_token, note=f"kid={ctx.flow.header.get('kid')} (new)")
