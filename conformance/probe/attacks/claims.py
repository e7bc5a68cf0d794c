"""Claims the platform itself signs, tampered: time, audience and issuer, deployment, the LTI
message claims, and size. The mock re-signs each (``POST /__mock__/id_tokens``), so only the
claim under test is wrong and the tool's answer is about that claim alone.
"""

from __future__ import annotations

from .. import forge
from ..reasons import AUDIENCE, CLAIMS, DEPLOYMENT, EXPIRY, ISSUER, SIZE, TARGET, TIME, reason, refused_by, summary
from ..severity import Severity
from ..verdict import Outcome
from .context import DELETE, LTI, OTHER_CLIENT, Attempt, Context
from .registry import case

MUST, SHOULD, POLICY = Severity.MUST, Severity.SHOULD, Severity.POLICY
SF = "IMS Security Framework §5.1.3"
OIDC = "OpenID Connect Core §3.1.3.7"
RESIGN = "Have the platform sign the launch's claims with "
#: A Canvas id_token is 2–6 KB; a tool should refuse one of 1 MiB before parsing it.
OVERSIZED_BYTES = 1024 * 1024
#: How old ``iat_old``'s token is: far beyond any tool's sensible age limit, well within its exp.
OLD = 24 * 3600
SIZE_REFS = ("no specification sets a limit: a policy", "OWASP Denial of Service Cheat Sheet (input size)")


# -- time ---------------------------------------------------------------------------------------

#: How long before the launch ``expired``'s token expired: beyond any clock-skew leeway (RFC 7519
#: §4.1.4: "a few minutes"). Its iat stays the launch's, so a tool that limits a token's age but
#: never reads exp cannot refuse it for its age: only the exp check can.
EXPIRED = 600


@case("expired", "time", f"expired {EXPIRED // 60} minutes ago (exp), issued now (iat)", MUST, targets=(EXPIRY,),
      references=(f"{SF} step 7", f"{OIDC} step 9", "RFC 7519 §4.1.4"),
      accepted=f"the tool launched a token {EXPIRED // 60} minutes past its exp: it never reads exp (an age limit "
               "on iat does not stand in for it: a platform may issue short-lived tokens)",
      reproduce=RESIGN + f"exp {EXPIRED // 60} minutes in the past and iat unchanged (e.g. `POST /__mock__/id_tokens`).")
def expired(ctx: Context) -> Attempt:
    return ctx.resign(exp=ctx.iat - EXPIRED)


@case("missing_exp", "time", "no exp", MUST, targets=(EXPIRY, TIME),
      references=(f"{SF} step 7", "OpenID Connect Core §2 (exp REQUIRED)", "RFC 7519 §4.1.4"),
      accepted="the tool launched a token that never expires: a leaked one works forever",
      reproduce=RESIGN + "exp removed.")
def missing_exp(ctx: Context) -> Attempt:
    return ctx.resign(exp=DELETE)


@case("nbf_future", "time", "not valid before half an hour from now (nbf)", MUST, targets=(TIME,),
      references=("RFC 7519 §4.1.5 (MUST NOT be accepted before nbf)",),
      accepted="the tool launched a token before its nbf",
      reproduce=RESIGN + "nbf half an hour after iat.")
def nbf_future(ctx: Context) -> Attempt:
    return ctx.resign(nbf=ctx.iat + 1800)


@case("missing_iat", "time", "no iat", SHOULD, targets=(TIME,),
      references=("OpenID Connect Core §2 (iat REQUIRED)", "IMS Security Framework §5.1.2"),
      accepted="the tool launched a token without iat, so it cannot limit a token's age",
      reproduce=RESIGN + "iat removed.")
def missing_iat(ctx: Context) -> Attempt:
    return ctx.resign(iat=DELETE)


@case("iat_future", "time", "issued an hour in the future", POLICY, targets=(TIME,),
      references=(f"{SF} step 8 (MAY)", f"{OIDC} step 10"),
      accepted="the tool launched a token issued an hour from now (beyond any clock skew)",
      reproduce=RESIGN + "iat one hour and exp two hours ahead.")
def iat_future(ctx: Context) -> Attempt:
    return ctx.resign(iat=ctx.iat + 3600, exp=ctx.iat + 7200)


@case("iat_old", "time", "issued a day ago, exp still ahead", POLICY, targets=(TIME,),
      references=(f"{SF} step 8 (MAY)", f"{OIDC} step 10"),
      accepted="the tool launched a day-old token because its exp was still ahead: it keeps no age limit, so "
               "it must remember every nonce for as long as any exp",
      reproduce=RESIGN + "iat one day in the past, exp an hour ahead.")
def iat_old(ctx: Context) -> Attempt:
    return ctx.resign(iat=ctx.iat - OLD, exp=ctx.iat + 3600)


# -- audience and issuer --------------------------------------------------------------------------

@case("wrong_aud", "audience and issuer", "aud names another client", MUST, targets=(AUDIENCE, ISSUER),
      references=(f"{SF} step 3", f"{OIDC} step 3"),
      accepted="the tool launched a token meant for another client: any tool of the platform can replay its "
               "launches here",
      reproduce=RESIGN + "aud set to another client id.")
def wrong_aud(ctx: Context) -> Attempt:
    return ctx.resign(aud=OTHER_CLIENT)


@case("aud_array_without_azp", "audience and issuer", "aud is an array with another client, no azp", SHOULD,
      targets=(AUDIENCE,), references=(f"{SF} step 4", f"{OIDC} step 4"),
      accepted="the tool took a token for several audiences without an azp saying it is the one authorized",
      reproduce=RESIGN + "aud = [its client id, another client id] and no azp.")
def aud_array_without_azp(ctx: Context) -> Attempt:
    return ctx.resign(aud=[ctx.flow.claims.get("aud"), OTHER_CLIENT], azp=DELETE)


@case("azp_other_client", "audience and issuer", "azp names another client (aud is the tool)", SHOULD,
      targets=(AUDIENCE,), references=(f"{SF} step 5", f"{OIDC} step 5"),
      accepted="the tool launched a token whose authorized party is another client",
      reproduce=RESIGN + "aud its own client id and azp another client id.")
def azp_other_client(ctx: Context) -> Attempt:
    return ctx.resign(aud=ctx.client_id, azp=OTHER_CLIENT)


@case("wrong_iss", "audience and issuer", "iss of another platform", MUST, targets=(ISSUER,),
      references=(f"{SF} step 2", f"{OIDC} step 2"),
      accepted="the tool launched a token from an issuer it does not know",
      reproduce=RESIGN + "iss set to another platform's issuer.")
def wrong_iss(ctx: Context) -> Attempt:
    return ctx.resign(iss="https://probe.invalid")


# -- deployment -------------------------------------------------------------------------------------

@case("missing_deployment_id", "deployment", "no deployment_id", MUST, targets=(DEPLOYMENT,),
      references=("LTI Core 1.3 §5.3.3",), accepted="the tool launched without knowing which installation sent it",
      reproduce=RESIGN + "the deployment_id claim removed.")
def missing_deployment_id(ctx: Context) -> Attempt:
    return ctx.resign(deployment_id=DELETE)


@case("unknown_deployment", "deployment", "a deployment_id the tool was never installed as", MUST,
      targets=(DEPLOYMENT,), references=("LTI Core 1.3 §5.3.3",),
      accepted="the tool launched for an installation it never had (another customer's, say)",
      reproduce=RESIGN + "deployment_id set to one the tool does not know.")
def unknown_deployment(ctx: Context) -> Attempt:
    return ctx.resign(deployment_id="999999:probe-unknown-deployment")


# -- LTI claims --------------------------------------------------------------------------------------

def _missing(claim: str, section: str, severity: Severity = MUST, why: str = "", targets: tuple[str, ...] = ()) -> None:
    @case(f"missing_{claim}", "claims", f"no {claim}", severity, targets=(CLAIMS, *targets),
          references=(f"LTI Core 1.3 §{section}",),
          accepted=f"the tool launched without the required {claim} claim{why}",
          reproduce=RESIGN + f"the {claim} claim removed.")
    def build(ctx: Context) -> Attempt:
        return ctx.resign(**{claim: DELETE})


_missing("message_type", "5.3.1")
_missing("version", "5.3.2")
_missing("roles", "5.3.7")
_missing("resource_link", "5.3.5")
_missing("target_link_uri", "5.3.4", SHOULD, ", so it cannot check the launch is for the URL it was started for",
         (TARGET,))


@case("wrong_message_type", "claims", "message_type a platform never launches with (LtiDeepLinkingResponse)", MUST,
      targets=(CLAIMS,), references=("LTI Core 1.3 §5.3.1", "LTI Deep Linking 2.0 (a tool-to-platform message)"),
      accepted="the tool launched a message meant for the platform (a tool's own deep linking response)",
      reproduce=RESIGN + "message_type LtiDeepLinkingResponse.")
def wrong_message_type(ctx: Context) -> Attempt:
    return ctx.resign(message_type="LtiDeepLinkingResponse")


# -- size ----------------------------------------------------------------------------------------------

def _padded(ctx: Context) -> dict[str, object]:
    custom = dict(ctx.flow.claims.get(LTI + "custom") or {})
    custom["probe_padding"] = "x" * (OVERSIZED_BYTES * 3 // 4)  # base64 grows it by 4/3
    return ctx.claims(custom=custom)


@case("oversized", "size", "a platform-signed 1 MiB id_token (Canvas's are 2–6 KB)", POLICY, targets=(SIZE,),
      references=SIZE_REFS, accepted="the tool read and launched a 1 MiB id_token",
      reproduce=RESIGN + "a custom claim of 768 KiB.")
def oversized(ctx: Context) -> Attempt:
    token = ctx.platform.sign(_padded(ctx))
    return Attempt(token, note=f"id_token of {len(token):,} bytes")


@case("oversized_unsigned", "size", "a 1 MiB id_token with a signature that verifies with no key", POLICY,
      targets=(SIZE,), references=(*SIZE_REFS, "RFC 7515 §5.2 (verify, then use the payload)"),
      accepted="the tool did not refuse the body for its size: it launched, or refused it only for a later check "
               "(signature, key, claims), so it read 1 MiB of anyone's JSON before verifying anything",
      reproduce="Take the id_token from the platform's form, add a 768 KiB claim, keep the header and a "
                "signature of random bytes, and post the form: a size limit answers 413 (or says so).")
def oversized_unsigned(ctx: Context) -> Attempt:
    token = forge.bad_signature(ctx.flow.header, _padded(ctx))
    answer = ctx.flow.post(token)
    attempt = Attempt(token, answer=answer, note=f"id_token of {len(token):,} bytes, no valid signature")
    rule, source = ctx.setup.success, refused_by(answer)
    if rule.crashed(answer):
        return attempt  # judged as any answer: a crash
    if rule.accepted(answer) or source == SIZE:
        attempt.outcome = Outcome.ACCEPTED if rule.accepted(answer) else Outcome.REFUSED
        return attempt
    # Refused, but for what? The same forgery without the padding, on a fresh flow: an answer
    # that differs says the size was refused by a limit that does not say so (a bare 400).
    small = ctx.start()
    same_size = small.post(forge.bad_signature(small.header, small.claims))
    alike = (same_size.status, refused_by(same_size)) == (answer.status, source) and \
        (source is not None or reason(same_size) == reason(answer))
    attempt.outcome = Outcome.ACCEPTED if alike else Outcome.REFUSED
    attempt.notes.append(f"refused by: {source or 'the same answer'} as the same token without the padding — after "
                         "reading the whole body" if alike else "refused for its size: the same token without the "
                         f"padding got {summary(reason(same_size))}")
    return attempt
