"""The probe against pylti1p3 2.0 (Flask adapter): the documented set-up, the same tool with the
probe's findings fixed, and four weakened variants of the fixed tool.

Every expectation below was derived by reading pylti1p3's source (``pylti1p3/message_launch.py``,
``oidc_login.py``, ``session.py``, ``tool_config/dict.py``) and PyJWT's, and is written next to
the case it decides; running the probe then confirms it. A change in the library, in PyJWT or in
a case shows up here as a difference in an exact set.
"""

from __future__ import annotations

import dataclasses

import pytest

from conformance.probe import ProbeOptions, RefusalLooksLikeLaunch, SuccessRule, probe_tool
from conformance.probe.attacks import CASES
from conformance.probe.run import ProbeResult
from conformance.probe.severity import Severity
from conformance.probe.verdict import Outcome
from mockserver.testing import RunningMock

from .tools import DOCUMENTED, FIXED, LAUNCHED, Fixes

TOOL = "Mock Grading Tool"
FORGERIES = {"alg_none", "alg_none_None", "alg_none_NONE", "alg_none_nOnE", "hs256_public_key", "hs256_pkcs1_pem",
             "hs256_jwk_json", "hs256_pem_no_newline", "unknown_kid", "kid_foreign_signature", "jwk_header",
             "jku_header", "x5u_header", "kid_path_traversal", "kid_sql_injection"}

#: pylti1p3's documented set-up: what it accepts, and why (MessageLaunch.validate() runs
#: validate_state, validate_jwt_format, validate_nonce, validate_registration,
#: validate_jwt_signature, validate_deployment, validate_message — nothing else).
DOCUMENTED_ACCEPTS = {
    # validate_jwt_signature: jwt.decode(options={"verify_aud": False}); PyJWT's "require" defaults
    # to [] and exp is checked only when present.
    "missing_exp": Severity.MUST,
    "missing_iat": Severity.SHOULD,
    # validate_nonce: SessionService.check_nonce only asks whether "lti1p3-nonce-<nonce>" is in
    # the session; nothing ever removes it. A new login in the same browser sets a new state
    # cookie, which validate_state accepts, and the old nonce is still in the session.
    "id_token_after_new_login": Severity.MUST,
    # validate_state: check_state_is_valid(state, md5(id_token)) lets the same id_token be posted
    # again with the same state (its launch-restore feature), and the state cookie lives 5 minutes.
    "nonce_replay": Severity.SHOULD,
    # get_client_id: aud[0] if aud is a list; azp is never read anywhere in the library.
    "aud_array_without_azp": Severity.SHOULD,
    "azp_other_client": Severity.SHOULD,
    # No validator reads target_link_uri (message_validators/resource_message.py checks sub,
    # version, roles and resource_link.id).
    "missing_target_link_uri": Severity.SHOULD,
    # PyJWT checks iat only for being in the future: a day-old token with a live exp passes.
    "iat_old": Severity.POLICY,
    # Werkzeug applies max_form_memory_size to multipart bodies only; a form-encoded body has no limit.
    "oversized": Severity.POLICY,
    # validate_jwt_format json-decodes header and payload before validate_jwt_signature runs: the
    # 1 MiB body is parsed, then refused for its signature (not for its size).
    "oversized_unsigned": Severity.POLICY,
}
#: ToolConfDict.get_iss_config raises a plain Exception (not LtiException) for an unknown iss or
#: client id; the documented launch handler catches LtiException, its login handler nothing: 500.
DOCUMENTED_CRASHES = {
    "wrong_aud": "launch",  # client id = aud "probe-other-client": "iss … [client_id=…] not found in settings"
    "wrong_iss": "launch",  # "iss https://probe.invalid not found in settings"
    "login_foreign_iss": "login",  # OIDCLogin.validate_oidc_login → find_registration_by_params → same Exception
    "login_foreign_client_id": "login",
}
#: What the documented set-up refuses, with the check its answer comes from (read by the probe
#: from pylti1p3's own LtiException text) — every other case.
DOCUMENTED_REFUSES = {
    # get_public_key: a key must match the header's kid AND alg (a JWKS key's alg, default RS256),
    # so every non-RS256 header and every kid not in the platform's JWKS fails here, before any
    # signature is computed; jwk/jku/x5u are never read, so nothing is fetched.
    **dict.fromkeys(FORGERIES - {"kid_foreign_signature"}, "Unable to find public key"),
    "kid_foreign_signature": "Signature verification failed",  # jwt.decode with the published key
    "expired": "Signature has expired",  # PyJWT checks exp when present
    "nbf_future": "The token is not yet valid (nbf)",  # PyJWT checks nbf
    "iat_future": "The token is not yet valid (iat)",  # PyJWT checks iat is not in the future
    "missing_deployment_id": "deployment_id is not set in jwt body",
    "unknown_deployment": "Unable to find deployment",
    "missing_message_type": "Invalid message type",
    "missing_version": "Incorrect version, expected 1.3.0",
    "missing_roles": "Missing Roles Claim",
    "missing_resource_link": "Missing Resource Link Id",
    "wrong_message_type": "Unrecognized message type",
    # The nonce lives in the Flask session, which is the browser's cookie: another browser's
    # session never saw the victim's nonce.
    "foreign_id_token": "Invalid Nonce",
    "wrong_nonce": "Invalid Nonce",
    # validate_state: no session state-hash entry and no "lti1p3-<state>" cookie with that state.
    "state_mismatch": "State not found",
    "state_without_cookie": "State not found",
    "login_csrf": "State not found",
    # The login passes target_link_uri on as redirect_uri: the platform (as Canvas) refuses an
    # unregistered one, so the browser never reaches the attacker; the tool's answer is its 302.
    "login_open_redirect": "302",
}


def run(mock: RunningMock) -> ProbeResult:
    return probe_tool(ProbeOptions(tool=TOOL, base_url=mock.base_url))


def test_the_three_tables_cover_every_case_once() -> None:
    tables = [set(DOCUMENTED_ACCEPTS), set(DOCUMENTED_CRASHES), set(DOCUMENTED_REFUSES), {"key_rotation"}]
    assert sum(map(len, tables)) == len(CASES) and set().union(*tables) == {c.id for c in CASES}


def test_documented_setup(mock: RunningMock, pylti_tool: str) -> None:
    result = run(mock)
    by_id = {c.id: c for c in result.cases}
    assert {c.id: c.severity for c in result.accepted_attacks} == DOCUMENTED_ACCEPTS
    assert {c.id for c in result.cases if c.outcome is Outcome.CRASHED} == set(DOCUMENTED_CRASHES)
    for case_id in DOCUMENTED_CRASHES:
        assert by_id[case_id].reason.startswith("500 ") and by_id[case_id].finding is Severity.SHOULD
    for case_id, reason in DOCUMENTED_REFUSES.items():
        assert by_id[case_id].outcome is Outcome.REFUSED, by_id[case_id]
        assert reason in by_id[case_id].reason, (case_id, by_id[case_id].reason)
    # The refusals come from the check each case aims at, as far as the tool's words tell.
    assert by_id["wrong_nonce"].refusal_source == "nonce" and by_id["expired"].refusal_source == "expiry (exp)"
    assert by_id["alg_none"].refusal_source == "key lookup (kid/alg)"
    jku = by_id["jku_header"].notes
    assert jku == ["the tool did not fetch the attacker's key set (jku)"]
    assert "passed the attacker's target_link_uri on as its redirect_uri" in by_id["login_open_redirect"].notes[0]
    assert by_id["key_rotation"].outcome is Outcome.ACCEPTED  # the JWKS is fetched at every launch
    assert by_id["oversized_unsigned"].notes == ["refused by: signature as the same token without the padding — "
                                                 "after reading the whole body"]
    assert result.deep_linking is not None and result.deep_linking.ok
    # At the default --fail-on must, the run fails for exactly the two MUSTs it accepts.
    assert {c.id for c in result.failed} == {"missing_exp", "id_token_after_new_login"} and not result.ok


A, R, C = Outcome.ACCEPTED, Outcome.REFUSED, Outcome.CRASHED

#: The fixed tool's variants, each one real mistake (:data:`WEAKENINGS`), with the exact findings it
#: then has: the case and its outcome. Each truth is read from pylti1p3's source (and PyJWT's) with
#: the weakening in place, and written next to it.
VARIANTS: dict[str, tuple[Fixes, dict[str, Outcome]]] = {
    "fixed": (FIXED, {}),
    # Neither the nonce nor the state is used up (pylti1p3's own state check is back): the same
    # id_token posts twice, and posts again into a new login.
    "nonce never consumed": (dataclasses.replace(FIXED, consume_nonce=False, single_use_state=False),
                             {"nonce_replay": A, "id_token_after_new_login": A}),
    # The state launches once, but the nonce stays good: a second post with the same state is
    # refused, the used id_token posted into a new login (a fresh state) is not.
    "state single-use, nonce not": (dataclasses.replace(FIXED, consume_nonce=False), {"id_token_after_new_login": A}),
    # validate_jwt_signature skipped: no key lookup, no jwt.decode — so neither PyJWT's exp, nbf,
    # iat checks nor its "require" run. The size limit (413) still stops the unsigned 1 MiB body,
    # and the fixed tool's own age check (in validate_message) still refuses the day-old iat.
    "signature check skipped": (FIXED.weakened("skip_signature"),
                                dict.fromkeys(FORGERIES | {"expired", "missing_exp", "nbf_future", "missing_iat",
                                                           "iat_future"}, A)),
    # azp never looked at: several audiences without azp, and an azp naming another client.
    "azp ignored": (dataclasses.replace(FIXED, check_azp=False), {"aud_array_without_azp": A, "azp_other_client": A}),
    # verify_exp off: PyJWT's _validate_exp never runs; "require" still wants exp present, and the
    # age check (iat at most 300 s old) does not look at exp — a fresh iat with a past exp passes.
    "exp not verified": (FIXED.weakened("exp_unchecked"), {"expired": A}),
    # verify_nbf off: _validate_nbf never runs; nothing else reads nbf.
    "nbf ignored": (FIXED.weakened("nbf_unchecked"), {"nbf_future": A}),
    # get_client_id is the configured client id: validate_registration finds the registration by
    # it and compares it with itself; aud is never read. The azp check still wants azp with
    # several audiences and azp = this client, so only a single foreign aud gets through.
    "aud not verified": (FIXED.weakened("aud_unread"), {"wrong_aud": A}),
    # get_iss_config answers for any iss: check_iss_has_one_client is True for an unknown iss (the
    # default relation), find_registration and find_deployment then get the one platform's config,
    # whose key_set_url is the real JWKS: the platform-signed token with a foreign iss verifies.
    # The login's validate_oidc_login takes the same path: a foreign iss goes on to authorize.
    "iss not checked": (FIXED.weakened("any_issuer"), {"wrong_iss": A, "login_foreign_iss": A}),
    # keys[0] of the platform's JWKS (past, current, future: the fixture's current key first) with
    # its own alg (RS256): every forgery fails PyJWT's algorithms=["RS256"] or the signature with
    # the real key. After two rotations keys[0] is the past key, so the rotated launch is refused.
    "kid ignored (first JWKS key)": (FIXED.weakened("first_jwks_key"), {"key_rotation": R}),
    # algorithms=[the header's alg] with the kid's RSA key: PyJWT refuses a PEM key as an HMAC
    # secret (InvalidKeyError, caught by the fixed tool: 400), "none" with a key, and the other
    # spellings as unsupported algorithms. So HS256 "with the public key" stays refused.
    "header alg trusted": (FIXED.weakened("header_alg"), {}),
    # set_public_key_caching: fetch_public_key answers from the cache while it lives (2 h), and
    # get_public_key never refetches for an unknown kid: after the platform's rotation, the new
    # kid is not in the cached set ("Unable to find public key"). Nothing else changes.
    "JWKS cached (set_public_key_caching)": (FIXED.weakened("jwks_cached"), {"key_rotation": R}),
    # fetch_public_key(header jku) replaces the key set: the attacker's key set (its kid, RS256)
    # verifies the attacker's signature. jwk and x5u are still never read.
    "jku followed": (FIXED.weakened("jku_followed"), {"jku_header": A}),
    # The state is not compared with its cookie (still once only). The nonce lives in the Flask
    # session, the browser's cookie, so a cookieless post and another browser's form still fail
    # "Invalid Nonce": only a made-up state in the right browser gets through.
    "state without its cookie": (FIXED.weakened("state_cookie_unchecked"), {"state_mismatch": A}),
    # validate_oidc_login's exception (an unknown iss or client id) falls back to the configured
    # registration: both logins go on to the platform's authorize endpoint. The launch still checks.
    "login takes any iss/client_id": (FIXED.weakened("lax_login"), {"login_foreign_iss": A,
                                                                    "login_foreign_client_id": A}),
    # pass_params_to_launch keeps the login's target_link_uri; after the (valid) launch the tool
    # redirects there: the attacker's page.
    "target_link_uri followed": (FIXED.weakened("target_followed"), {"login_open_redirect": A}),
    # validate_deployment skipped: nothing else reads deployment_id on a resource link launch.
    "deployment_id not checked": (FIXED.weakened("deployment_unchecked"),
                                  {"missing_deployment_id": A, "unknown_deployment": A}),
    # Every message goes to ResourceMessageValidator (sub, version, roles, resource_link.id), none
    # to the check of message_type: a missing one and a tool-to-platform one both launch.
    "message_type not checked": (FIXED.weakened("message_type_unchecked"),
                                 {"missing_message_type": A, "wrong_message_type": A}),
    # The library's plain Exception (ToolConfDict.get_iss_config: an unknown iss or client id) not
    # caught: a 500 at launch (wrong_aud, wrong_iss) and at login. Crashes, not refusals.
    "500 on unknown iss/client": (dataclasses.replace(FIXED, catch_errors=False),
                                  {"wrong_aud": C, "wrong_iss": C, "login_foreign_iss": C,
                                   "login_foreign_client_id": C}),
}


@pytest.mark.parametrize("pylti_tool, expected", [({"fixes": fixes}, failing) for fixes, failing in VARIANTS.values()],
                         ids=list(VARIANTS), indirect=["pylti_tool"])
def test_variant_fails_exactly_its_cases(mock: RunningMock, pylti_tool: str, expected: dict[str, Outcome]) -> None:
    result = probe_tool(ProbeOptions(tool=TOOL, base_url=mock.base_url, deep_linking=not expected))
    assert {c.id: c.outcome for c in result.findings} == expected, [(c.id, c.outcome, c.reason[:80])
                                                                     for c in result.findings]
    assert not expected or result.deep_linking is None
    assert expected or (result.deep_linking is not None and result.deep_linking.ok)


@pytest.mark.parametrize("pylti_tool", [{"fixes": FIXED.weakened("errors_as_200")}], indirect=True)
def test_refusals_answered_200_need_a_success_text(mock: RunningMock, pylti_tool: str) -> None:
    """The fixed tool answering each refusal with a 200 page of the error text: by the default rule
    (any 2xx) every refusal would be an accepted attack, so the control stops the probe (exit 2 on
    the command line) before any case; with the launched page's text, the verdicts are the fixed
    tool's: no finding."""
    with pytest.raises(RefusalLooksLikeLaunch, match=r"\(any 2xx status\): 200 LTI launch refused: Invalid id_token"):
        probe_tool(ProbeOptions(tool=TOOL, base_url=mock.base_url, deep_linking=False))
    result = probe_tool(ProbeOptions(tool=TOOL, base_url=mock.base_url, success=SuccessRule(text=LAUNCHED),
                                     deep_linking=False))
    assert result.findings == [], [(c.id, c.outcome, c.reason[:80]) for c in result.findings]


@pytest.mark.parametrize("pylti_tool", [{"cache_storage": True}], indirect=True)
def test_documented_cache_storage_over_http(mock: RunningMock, pylti_tool: str) -> None:
    """pylti1p3's README recommends FlaskCacheDataStorage where cookies are unreliable. Over plain
    HTTP, CacheDataStorage.get_session_cookie_name returns None ("less secure … please use HTTPS on
    production", its own comment), so no session id prefixes the keys: every browser's nonces share
    one namespace, and a victim's unused id_token launches in the attacker's login. Nothing else
    changes (state still needs its cookie; the state-hash entry exists only after a launch)."""
    result = run(mock)
    assert {c.id for c in result.accepted_attacks} == set(DOCUMENTED_ACCEPTS) | {"foreign_id_token"}
    assert {c.id for c in result.cases if c.outcome is Outcome.CRASHED} == set(DOCUMENTED_CRASHES)


TIME_CASES = ["expired", "missing_exp", "nbf_future", "missing_iat", "iat_future", "iat_old"]


@pytest.mark.parametrize("pylti_tool", [{"fixes": DOCUMENTED.weakened("skip_signature")}],
                         indirect=True)
def test_time_cases_are_taken_when_no_time_is_checked(mock: RunningMock, pylti_tool: str) -> None:
    """The documented set-up with validate_jwt_signature skipped runs no PyJWT check at all: every
    time case is then accepted, so each carries a token that is otherwise valid."""
    result = probe_tool(ProbeOptions(tool=TOOL, base_url=mock.base_url, cases=TIME_CASES, deep_linking=False))
    assert [c.id for c in result.accepted_attacks] == TIME_CASES
