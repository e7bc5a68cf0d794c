"""Algorithm and key: tokens signed with no key, the wrong kind of key, or someone else's key."""

from __future__ import annotations

import secrets

from .. import forge
from ..reasons import KEY, SIGNATURE
from ..severity import Severity
from .context import Attempt, Context
from .registry import case

GROUP = "algorithm and key"
MUST = Severity.MUST
BY_HAND = "Take the id_token from the platform's auto-posting form (the browser's developer tools), "
NONE_REFS = ("RFC 8725 §2.1, §3.1", "RFC 7518 §3.6", "IMS Security Framework §5.1.3 step 1",
             "OWASP WSTG: Testing JSON Web Tokens")
SPELLING_REFS = ("RFC 7515 §4.1.1 (alg is case-sensitive)", *NONE_REFS)
HS256_REFS = ("RFC 8725 §2.1, §3.1 (key confusion)", "IMS Security Framework §5.1.3 steps 1 and 6",
              "OWASP WSTG: Testing JSON Web Tokens")
UNSIGNED = "the tool launched a token nobody signed"


def _alg_none(spelling: str) -> None:
    @case(f"alg_none{'' if spelling == 'none' else '_' + spelling}", GROUP,
          f"alg: {spelling!r}, no signature", MUST, targets=(KEY, SIGNATURE),
          references=NONE_REFS if spelling == "none" else SPELLING_REFS,
          accepted=UNSIGNED + ("" if spelling == "none" else
                               " (its alg check compares 'none' case-insensitively, or not at all)"),
          reproduce=BY_HAND + f"set the header's alg to {spelling!r}, drop the signature (keep the last dot) "
                              "and post the form.")
    def build(ctx: Context) -> Attempt:
        return Attempt(forge.unsigned(ctx.flow.header, ctx.flow.claims, alg=spelling))


for _spelling in ("none", "None", "NONE", "nOnE"):
    _alg_none(_spelling)


HS256_ENCODINGS = {
    "spki_pem": ("hs256_public_key", "the platform's public key as SPKI PEM (the JWKS key, PEM-encoded)"),
    "pkcs1_pem": ("hs256_pkcs1_pem", "the public key as PKCS#1 PEM (BEGIN RSA PUBLIC KEY)"),
    "jwk_json": ("hs256_jwk_json", "the public key's JWK, as compact JSON"),
    "pem_no_newline": ("hs256_pem_no_newline", "the SPKI PEM without its final newline"),
}


def _hs256(encoding: str, case_id: str, what: str) -> None:
    @case(case_id, GROUP, f"HS256, keyed with {what}", MUST, references=HS256_REFS, targets=(KEY, SIGNATURE),
          accepted="the tool verified an HMAC keyed with public data: anyone can sign as the platform",
          reproduce=BY_HAND + f"set alg to HS256 and sign header.claims with HMAC-SHA256, keyed with {what} "
                              "(from the platform's JWKS), then post the form.")
    def build(ctx: Context) -> Attempt:
        secret = forge.public_key_encodings(ctx.published_key(ctx.flow.header["kid"]))[encoding]
        return Attempt(forge.hs256(ctx.flow.header, ctx.flow.claims, secret))


for _encoding, (_id, _what) in HS256_ENCODINGS.items():
    _hs256(_encoding, _id, _what)


@case("unknown_kid", GROUP, "signed by a key that is not in the JWKS (unknown kid)", MUST, targets=(KEY, SIGNATURE),
      references=("IMS Security Framework §5.1.3 step 1", "RFC 7515 §5.2"),
      accepted="the tool launched a token signed by a key the platform never published",
      reproduce=BY_HAND + "re-sign its claims with a key of your own (RS256, a kid not in the platform's JWKS) "
                          "and post the form.")
def unknown_kid(ctx: Context) -> Attempt:
    return Attempt(ctx.foreign.sign(ctx.flow.header, ctx.flow.claims, kid=f"probe-unknown-{secrets.token_hex(4)}"))


@case("kid_foreign_signature", GROUP, "kid of a published key, signature by another key", MUST,
      targets=(SIGNATURE, KEY), references=("IMS Security Framework §5.1.3 step 1", "RFC 7515 §5.2"),
      accepted="the tool found the platform's key by kid but did not verify the signature with it",
      reproduce=BY_HAND + "re-sign its claims with a key of your own, keeping the header's kid, and post the form.")
def kid_foreign_signature(ctx: Context) -> Attempt:
    return Attempt(ctx.foreign.sign(ctx.flow.header, ctx.flow.claims, kid=ctx.flow.header["kid"]),
                   note="signature by a key not in the JWKS")
