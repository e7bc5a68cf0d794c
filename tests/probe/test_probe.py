"""The probe against hand-written tools served over HTTP: a strict one that must pass everything,
a careless one caught exactly where it is careless, and the probe's own rules (outcomes, deep
linking errors, success rules, redirects, selection by severity)."""

from __future__ import annotations

import socket

import pytest

from conformance.probe import BaselineRejected, ProbeError, ProbeOptions, RefusalLooksLikeLaunch, SuccessRule, probe_tool
from conformance.probe.attacks import CASES
from conformance.probe.flow import Flow, new_browser
from conformance.probe.reasons import reason
from conformance.probe.report import junit_xml, markdown
from conformance.probe.run import ProbeResult
from conformance.probe.severity import Severity
from conformance.probe.verdict import Outcome
from mockserver.testing import RunningMock, free_port
from tests import net
from tests.launch.conftest import point_key_at

from .tools.key_mistakes import MISTAKES

TOOL = "Mock Grading Tool"

#: The careless tool (tools/careless.py), from its code: alg "none" (exactly) decoded unverified;
#: aud never checked, so azp neither; the nonce never remembered, so any id_token of this
#: platform posts under any state its cookie matches; iat checked only for the future; the
#: target_link_uri claim never read.
CARELESS_ACCEPTS = {
    "alg_none": Severity.MUST,
    "wrong_aud": Severity.MUST,
    "aud_array_without_azp": Severity.SHOULD,
    "azp_other_client": Severity.SHOULD,
    "wrong_nonce": Severity.MUST,
    "foreign_id_token": Severity.MUST,  # the attacker's state and cookie, the victim's id_token
    "id_token_after_new_login": Severity.MUST,
    "nonce_replay": Severity.SHOULD,  # its state cookie stays after a launch
    "missing_target_link_uri": Severity.SHOULD,
    "iat_old": Severity.POLICY,
}


def run(mock: RunningMock, **options: object) -> ProbeResult:
    return probe_tool(ProbeOptions(tool=TOOL, base_url=mock.base_url, **options))  # type: ignore[arg-type]


def test_cases_are_described_for_a_security_team() -> None:
    ids = [c.id for c in CASES]
    assert len(ids) == len(set(ids))
    for case in CASES:
        assert case.references and case.accepted and case.reproduce and case.targets, case.id
        assert case.title and case.group, case.id


def test_strict_tool_passes_every_case_at_every_severity(mock: RunningMock, strict: str) -> None:
    result = run(mock, fail_on=Severity.POLICY)
    assert result.findings == [] and result.ok, [(c.id, c.outcome, c.reason[:100]) for c in result.findings]
    refused = [c for c in result.cases if c.outcome is Outcome.REFUSED]
    assert len(refused) == len(CASES) - 1  # all but key_rotation
    # Each refusal came from the check its case aims at, as the tool's own words say.
    assert {c.id: c.refused_by for c in refused if c.refused_by not in c.targets} == {}
    assert result.deep_linking is not None and result.deep_linking.ok


def test_careless_tool_is_caught_exactly_where_it_is_careless(mock: RunningMock, careless: str) -> None:
    result = run(mock)
    assert {c.id: c.severity for c in result.accepted_attacks} == CARELESS_ACCEPTS
    assert {c.id for c in result.findings} == set(CARELESS_ACCEPTS)  # nothing crashed, nothing errored
    by_id = {c.id: c for c in result.cases}
    assert by_id["key_rotation"].outcome is Outcome.ACCEPTED
    # It refuses the other spellings of "none": PyJWT's algorithms=["RS256"] (the kid is a published one).
    assert "The specified alg value is not allowed" in by_id["alg_none_NONE"].reason
    assert by_id["oversized_unsigned"].reason.startswith("413 ")  # MAX_CONTENT_LENGTH, before parsing
    assert result.deep_linking is not None and result.deep_linking.ok


FORGERIES = [c.id for c in CASES if c.group in ("algorithm and key", "JOSE header injection")]
HS256 = {f"hs256_{e}": c for e, c in [("spki_pem", "hs256_public_key"), ("pkcs1_pem", "hs256_pkcs1_pem"),
                                      ("jwk_json", "hs256_jwk_json"), ("pem_no_newline", "hs256_pem_no_newline")]}


@pytest.mark.parametrize("strict", [{"mistakes": frozenset(MISTAKES)}], indirect=True)
def test_each_forgery_is_taken_by_the_mistake_it_targets(mock: RunningMock, strict: str) -> None:
    """Proof that the forged tokens are well-formed: a tool with every classic key-selection mistake
    takes each of them (all but a foreign key under an unknown or a published kid)."""
    result = run(mock, cases=FORGERIES, deep_linking=False)
    assert {c.id for c in result.accepted_attacks} == set(FORGERIES) - {"unknown_kid", "kid_foreign_signature"}
    notes = {c.id: c.notes for c in result.cases}
    assert notes["jku_header"][0].startswith("the tool fetched the attacker's key set (jku) (1 request(s) from 127.0.0.1)")
    assert notes["x5u_header"][0].startswith("the tool fetched the attacker's certificate (x5u)")


@pytest.mark.parametrize("strict, accepted", [({"mistakes": frozenset({m})}, c) for m, c in HS256.items()],
                         indirect=["strict"], ids=list(HS256))
def test_each_hs256_key_encoding_is_a_different_secret(mock: RunningMock, strict: str, accepted: str) -> None:
    result = run(mock, cases=list(HS256.values()), deep_linking=False)
    assert [c.id for c in result.accepted_attacks] == [accepted]


@pytest.mark.parametrize("careless", [{"hang_up": True}], indirect=True)
def test_a_hang_up_is_a_crash_not_a_refusal(mock: RunningMock, careless: str) -> None:
    result = run(mock, cases=["expired", "state_mismatch"], deep_linking=False)
    expired, state = result.cases
    assert expired.outcome is Outcome.CRASHED and expired.reason.startswith("no answer: RemoteProtocolError")
    assert expired.finding is Severity.SHOULD and state.outcome is Outcome.REFUSED
    assert result.ok and not run(mock, cases=["expired"], fail_on=Severity.SHOULD, deep_linking=False).ok


def test_no_answer_in_time_is_a_crash() -> None:
    """A tool that takes the connection and never answers, under the probe's own timeout
    (``--timeout``): no answer, a crash. It cannot flake: the server never answers at all."""
    with socket.create_server(("127.0.0.1", 0)) as silent:
        url = f"http://127.0.0.1:{silent.getsockname()[1]}/launch"
        flow = Flow(new_browser(timeout=0.1), {}, url, {"id_token": "x", "state": "s"})
        try:
            answer = flow.post(flow.id_token)
        finally:
            flow.close()
    assert answer.status is None and "Timeout" in (answer.error or "")
    assert SuccessRule().outcome(answer) is Outcome.CRASHED and SuccessRule(status=200).crashed(answer)
    assert reason(answer).startswith("no answer: ") and "Timeout" in reason(answer)


@pytest.mark.parametrize("careless", [{"layout": "Quiz Tool"}], indirect=True)
def test_a_4xx_page_with_the_success_text_is_a_refusal(mock: RunningMock, careless: str) -> None:
    """Every page of this tool, its 400 refusals too, carries its layout's header: with that header
    as the success text, a 4xx is still a refusal (only --success-status can say otherwise)."""
    result = run(mock, success=SuccessRule(text="Quiz Tool"), cases=["alg_none", "expired"], deep_linking=False)
    assert [(c.id, c.outcome, c.reason[:20]) for c in result.cases] == [
        ("alg_none", Outcome.ACCEPTED, "200 Quiz Tool Launch"), ("expired", Outcome.REFUSED, "400 Quiz Tool bad id")]
    assert result.cases[1].refusal_source == "expiry (exp)"


@pytest.mark.parametrize("careless", [{"layout": f"<style>{'x' * 100_000}</style>"}], indirect=True)
def test_the_success_text_is_found_after_a_large_head(mock: RunningMock, careless: str) -> None:
    result = run(mock, success=SuccessRule(text="Launched OK"), cases=["alg_none"], deep_linking=False)
    assert result.baseline.outcome is Outcome.ACCEPTED and result.cases[0].outcome is Outcome.ACCEPTED


@pytest.mark.parametrize("careless", [{"size_refused_as_400": True}], indirect=True)
def test_a_size_limit_that_does_not_say_so_is_told_by_comparison(mock: RunningMock, careless: str) -> None:
    """A bare 400 for the 1 MiB body (Django's RequestDataTooBig): the same forgery without the
    padding gets another answer (its signature), so the size was refused. The documented pylti1p3
    tool answers both alike and is still counted accepted (test_pylti1p3)."""
    result = run(mock, cases=["oversized_unsigned"], deep_linking=False)
    case = result.cases[0]
    assert case.outcome is Outcome.REFUSED and case.reason == "400 Bad Request (400)"
    assert case.notes == ["refused for its size: the same token without the padding got 400 bad id_token: "
                          "Signature verification failed"]


@pytest.mark.parametrize("careless", [{"refuse_by_redirect": True, "layout": "Quiz Tool"}], indirect=True)
def test_refusals_that_pass_for_launches_stop_the_probe(mock: RunningMock, careless: str) -> None:
    """This tool answers a refused launch with a 302 to its own error page, a 200 in the same
    layout as a launched page. By any 2xx, or by the layout's header, every refusal would read as an
    accepted attack: the control (an id_token that is not a JWT) stops the probe before any case.
    With a text only a launched page shows, the verdicts are the careless tool's own."""
    for rule in (SuccessRule(), SuccessRule(text="Quiz Tool")):
        with pytest.raises(RefusalLooksLikeLaunch, match=r"not a JWT passes as a launch \((any 2xx status|the text "
                                                         r"'Quiz Tool')\): 200 Quiz Tool Sorry: bad id_token"):
            run(mock, success=rule, cases=["alg_none"])
    result = run(mock, success=SuccessRule(text="Launched OK"), cases=["alg_none", "expired"], deep_linking=False)
    assert [(c.id, c.outcome) for c in result.cases] == [("alg_none", Outcome.ACCEPTED), ("expired", Outcome.REFUSED)]
    assert result.cases[1].reason == "200 Quiz Tool Sorry: bad id_token: Signature has expired"


@pytest.mark.parametrize("careless", [{"server_state": True}], indirect=True)
def test_a_state_not_bound_to_the_browser_is_caught(mock: RunningMock, careless: str) -> None:
    result = run(mock, cases=["state_mismatch", "state_without_cookie", "login_csrf"], deep_linking=False)
    assert [(c.id, c.outcome) for c in result.cases] == [("state_mismatch", Outcome.REFUSED),
                                                         ("state_without_cookie", Outcome.ACCEPTED),
                                                         ("login_csrf", Outcome.ACCEPTED)]


@pytest.mark.parametrize("careless", [{"lax_login": True}], indirect=True)
def test_a_lax_login_is_caught(mock: RunningMock, careless: str) -> None:
    """Any iss and client_id taken at login, and the login's target_link_uri followed after the launch."""
    result = run(mock, cases=["login_foreign_iss", "login_foreign_client_id", "login_open_redirect"],
                 deep_linking=False)
    assert [c.outcome for c in result.cases] == [Outcome.ACCEPTED] * 3
    redirect = result.cases[2]
    assert redirect.reason.startswith("302 → http://127.0.0.1:") and redirect.reason.endswith("/landing.html")
    assert redirect.notes == ["the login went through; the valid id_token was posted",
                              f"the browser was sent to {redirect.reason.removeprefix('302 → ')}"]


@pytest.mark.parametrize("careless", [{"login_error_page_crashes": True}], indirect=True)
def test_a_login_sent_to_an_error_page_that_crashes_is_a_crash(mock: RunningMock, careless: str) -> None:
    """The tool refuses a foreign login with a redirect to its own error page, which answers 500."""
    result = run(mock, cases=["login_foreign_iss", "login_foreign_client_id"], deep_linking=False)
    assert [c.outcome for c in result.cases] == [Outcome.CRASHED] * 2
    assert result.cases[0].reason == "500 Sorry:"  # the error page's answer, not the redirect to it


@pytest.mark.parametrize("careless", [{"deep_link_mistakes": True}], indirect=True)
def test_each_deep_linking_violation_is_reported(mock: RunningMock, careless: str) -> None:
    result = run(mock, cases=["alg_none"])
    checks = {c.name: c.violations for c in result.deep_linking.checks}
    assert {name for name, violations in checks.items() if violations} == {"aud", "deployment_id", "content_items",
                                                                            "canvas_accepts"}
    assert "not the issuer 'https://canvas.instructure.com'" in checks["aud"][0]
    assert any("link needs a url" in v for v in checks["content_items"])
    assert checks["canvas_accepts"] == ["jwt: the 'aud' is invalid"]  # the mock's (Canvas's) own verdict


@pytest.mark.parametrize("careless", [{"picker": True}, {"deep_link_crash": True}], indirect=True,
                         ids=["needs a person", "crashes"])
def test_deep_linking_that_cannot_be_checked_is_an_error_not_a_pass(mock: RunningMock, careless: str) -> None:
    result = run(mock, cases=["expired"])
    error = result.deep_linking.error
    assert error.startswith("the tool's answer to a deep linking launch has no form with a JWT field: 200 Pick a "
                            "resource Chapter 1") or error.startswith("the tool crashed on a deep linking launch: 500")
    assert result.cases[0].ok and not result.ok  # the one case went as expected; nothing verified deep linking
    assert '<error message="the tool' in junit_xml(result)


def test_severity_names_select_cases(mock: RunningMock, careless: str) -> None:
    result = run(mock, cases=["policy", "alg_none"], deep_linking=False)
    assert [c.id for c in result.cases] == ["alg_none", *(c.id for c in CASES if c.severity is Severity.POLICY)]
    # alg_none fails at must; iat_old (accepted, policy) fails only when --fail-on reaches policy.
    assert {c.id for c in result.failed} == {"alg_none"}
    assert {c.id for c in result.findings} == {"alg_none", "iat_old"}
    assert [c.id for c in run(mock, cases=["policy"], fail_on=Severity.POLICY, deep_linking=False).failed] == ["iat_old"]


def test_success_text_decides_acceptance(mock: RunningMock, careless: str) -> None:
    result = run(mock, success=SuccessRule(text="Launched OK"), cases=["alg_none", "expired"], deep_linking=False)
    assert [(c.id, c.outcome) for c in result.cases] == [("alg_none", Outcome.ACCEPTED), ("expired", Outcome.REFUSED)]
    with pytest.raises(BaselineRejected, match=r"rejected a valid launch .*the text 'Welcome'.* 200 Launched OK"):
        run(mock, success=SuccessRule(text="Welcome"))


@pytest.mark.parametrize("careless", [{"json_errors": True}], indirect=True)
def test_a_json_refusal_is_reported_whole(mock: RunningMock, careless: str) -> None:
    result = run(mock, cases=["expired", "state_mismatch"], deep_linking=False)
    expired, state = result.cases
    assert expired.reason == '400 {"errors":[{"message":"bad id_token: Signature has expired"}]}'
    assert expired.refusal_source == "expiry (exp)" and state.refusal_source == "state"
    report = markdown(result)
    assert '400 {"errors":[{"message":"bad id_token: Signature has expired"}]}' in report
    assert "refused by: expiry (exp)" in report


def test_unknown_tool_and_case_are_clear_errors(mock: RunningMock, careless: str) -> None:
    with pytest.raises(ProbeError, match="no developer key 'Nope'"):
        probe_tool(ProbeOptions(tool="Nope", base_url=mock.base_url))
    with pytest.raises(ProbeError, match="unknown case"):
        run(mock, cases=["no_such_case"])


def test_probe_requests_are_in_the_journal(mock: RunningMock, careless: str) -> None:
    net.delete(f"{mock.base_url}/__mock__/requests")
    result = run(mock, cases=["expired"], deep_linking=False)
    journal = net.get(f"{mock.base_url}/__mock__/requests").json()["requests"]
    operations = [e["operation_id"] for e in journal]
    # baseline, the control (an id_token that is not a JWT) and the case: three flows through
    # authorize_redirect → authorize, one signature
    assert operations.count("authorizeRedirect") == 3 and operations.count("authorizeLaunch") == 3
    signed = [e for e in journal if e["operation_id"] == "signMockIdToken"]
    assert len(signed) == 1 and signed[0]["status"] == 201
    claims = signed[0]["body"]["claims"]
    assert claims["exp"] == claims["iat"] - 600 < result.baseline_claims["iat"]  # expired ten minutes ago
    assert claims["nonce"] and claims["aud"] == result.client_id


def test_a_tool_that_is_not_running_is_a_clear_error(mock: RunningMock) -> None:
    point_key_at(mock, "10000000000001", 1, f"http://127.0.0.1:{free_port()}")  # nothing listens there
    with pytest.raises(ProbeError, match=r"the tool's OIDC login at http://127\.0\.0\.1:\d+/login failed"):
        run(mock)


@pytest.mark.parametrize("careless", [{"redirect_to": "/home"}], indirect=True)
def test_redirects_within_the_tool_are_followed(mock: RunningMock, careless: str) -> None:
    result = run(mock, cases=["alg_none", "expired"], deep_linking=False)
    assert result.baseline.answer == "200 Launched OK: home"
    assert [(c.id, c.outcome, c.answer[:3]) for c in result.cases] == [("alg_none", Outcome.ACCEPTED, "200"),
                                                                      ("expired", Outcome.REFUSED, "400")]


@pytest.mark.parametrize("careless", [{"redirect_to": "https://app.invalid/home"}], indirect=True)
def test_a_redirect_elsewhere_is_the_answer(mock: RunningMock, careless: str) -> None:
    with pytest.raises(BaselineRejected, match=r"it answered 302 → https://app\.invalid/home"):
        run(mock, cases=["alg_none"])
    result = run(mock, success=SuccessRule(status=302), cases=["alg_none", "expired"], deep_linking=False)
    assert [(c.id, c.outcome) for c in result.cases] == [("alg_none", Outcome.ACCEPTED), ("expired", Outcome.REFUSED)]


@pytest.mark.parametrize("pylti_tool", [{"js_redirect": True}, {"check_cookies": True}], indirect=True,
                         ids=["js_redirect", "enable_check_cookies"])
def test_a_login_that_redirects_by_script_is_followed(mock: RunningMock, pylti_tool: str) -> None:
    """pylti1p3's two script pages at login: a redirect, and the cookie check that reloads the
    login URL with ``lti1p3_new_window=1`` (the login case is judged on the tool's answer to that)."""
    result = run(mock, cases=["wrong_nonce", "login_foreign_iss"], deep_linking=False)
    assert result.baseline.outcome is Outcome.ACCEPTED
    assert [(c.id, c.outcome, c.answer[:40]) for c in result.cases] == [
        ("wrong_nonce", Outcome.REFUSED, "400 LTI launch refused: Invalid Nonce"),
        ("login_foreign_iss", Outcome.CRASHED, "500 500 Internal Server Error Internal S")]
