"""The probe against two real tools served over HTTP: one made with pylti1p3, one careless.

What pylti1p3 rejects was found by running it (pylti1p3 2.0, Flask 3.1, the library's defaults):
each case below names the reason the library gives, so a change in the library or in the probe
shows up here.
"""

from __future__ import annotations

import httpx
import pytest

from conformance.probe import BaselineRejected, ProbeError, ProbeOptions, SuccessRule, probe_tool
from conformance.probe.attacks import CASES
from conformance.probe.report import junit_xml
from mockserver.testing import RunningMock, free_port
from tests.launch.conftest import point_key_at

TOOL = "Mock Grading Tool"

#: pylti1p3's own reason for each rejected case (its LtiException text), or the status its plain
#: ``Exception`` for an unknown iss/client id turns into in a tool that catches ``LtiException``.
PYLTI1P3_REJECTS = {
    "alg_none": "Unable to find public key",  # no JWKS key has alg none
    "hs256_public_key": "Unable to find public key",  # nor HS256
    "unknown_kid": "Unable to find public key",
    "kid_foreign_signature": "Signature verification failed",
    "expired": "Signature has expired",
    "iat_future": "The token is not yet valid (iat)",
    "wrong_aud": "500",  # Exception: iss … [client_id=probe-other-client] not found in settings
    "wrong_iss": "500",  # Exception: iss https://probe.invalid not found in settings
    "wrong_nonce": "Invalid Nonce",
    "state_mismatch": "State not found",
    "missing_deployment_id": "deployment_id is not set in jwt body",
    "unknown_deployment": "Unable to find deployment",
    "missing_message_type": "Invalid message type",
    "missing_version": "Incorrect version, expected 1.3.0",
    "missing_roles": "Missing Roles Claim",
    "missing_resource_link": "Missing Resource Link Id",
    "wrong_message_type": "Unrecognized message type",
}
#: What it lets through: aud[0] is taken as the client id without looking for azp; the nonce stays
#: valid in the session after use; a form-encoded body has no size limit in Werkzeug.
PYLTI1P3_ACCEPTS = {"aud_array_without_azp", "nonce_replay", "oversized"}
CARELESS_ACCEPTS = {"alg_none", "nonce_replay", "wrong_nonce", "wrong_aud", "aud_array_without_azp"}


def run(mock: RunningMock, **options: object) -> object:
    return probe_tool(ProbeOptions(tool=TOOL, base_url=mock.base_url, **options))  # type: ignore[arg-type]


def test_every_case_is_covered_once() -> None:
    ids = [c.id for c in CASES]
    assert len(ids) == len(set(ids))
    assert set(PYLTI1P3_REJECTS) | PYLTI1P3_ACCEPTS | {"key_rotation"} == set(ids)


def test_pylti1p3_report_matches_what_the_library_rejects(mock: RunningMock, pylti_tool: str) -> None:
    result = run(mock)
    assert result.baseline.accepted and "Launched OK" in result.baseline.answer
    by_id = {c.id: c for c in result.cases}
    assert {c.id for c in result.accepted_attacks} == PYLTI1P3_ACCEPTS
    for case_id, reason in PYLTI1P3_REJECTS.items():
        case = by_id[case_id]
        assert case.accepted is False, case
        assert reason in case.answer, (case_id, case.answer)
    rotation = by_id["key_rotation"]
    assert rotation.accepted is True and rotation.ok, rotation
    assert result.deep_linking is not None and result.deep_linking.skipped is None
    assert [c.name for c in result.deep_linking.checks if not c.ok] == []
    assert not result.ok and {c.id for c in result.failed} == PYLTI1P3_ACCEPTS


def test_careless_tool_is_caught_exactly_where_it_is_careless(mock: RunningMock, careless: str) -> None:
    result = run(mock)
    assert {c.id for c in result.accepted_attacks} == CARELESS_ACCEPTS
    assert all(c.accepted is not None for c in result.cases)
    assert {c.id: c.accepted for c in result.cases}["key_rotation"] is True
    assert result.deep_linking is not None and result.deep_linking.ok


@pytest.mark.parametrize("careless", [{"deep_link_mistakes": True}], indirect=True)
def test_each_deep_linking_violation_is_reported(mock: RunningMock, careless: str) -> None:
    result = run(mock, cases=["alg_none"])
    checks = {c.name: c.violations for c in result.deep_linking.checks}
    assert {name for name, violations in checks.items() if violations} == {"aud", "deployment_id", "content_items",
                                                                            "canvas_accepts"}
    assert "not the issuer 'https://canvas.instructure.com'" in checks["aud"][0]
    assert any("link needs a url" in v for v in checks["content_items"])
    assert checks["canvas_accepts"] == ["jwt: the 'aud' is invalid"]  # the mock's (Canvas's) own verdict


def test_success_text_decides_acceptance(mock: RunningMock, careless: str) -> None:
    result = run(mock, success=SuccessRule(text="Launched OK"), cases=["alg_none", "expired"], deep_linking=False)
    assert [(c.id, c.accepted) for c in result.cases] == [("alg_none", True), ("expired", False)]
    with pytest.raises(BaselineRejected, match=r"rejected a valid launch .*the text 'Welcome'.* 200 Launched OK"):
        run(mock, success=SuccessRule(text="Welcome"))


def test_unknown_tool_and_case_are_clear_errors(mock: RunningMock, careless: str) -> None:
    with pytest.raises(ProbeError, match="no developer key 'Nope'"):
        probe_tool(ProbeOptions(tool="Nope", base_url=mock.base_url))
    with pytest.raises(ProbeError, match="unknown case"):
        run(mock, cases=["no_such_case"])


def test_probe_requests_are_in_the_journal(mock: RunningMock, careless: str) -> None:
    httpx.delete(f"{mock.base_url}/__mock__/requests")
    result = run(mock, cases=["expired"], deep_linking=False)
    journal = httpx.get(f"{mock.base_url}/__mock__/requests").json()["requests"]
    operations = [e["operation_id"] for e in journal]
    # baseline + the case: two flows through authorize_redirect → authorize, one signature
    assert operations.count("authorizeRedirect") == 2 and operations.count("authorizeLaunch") == 2
    signed = [e for e in journal if e["operation_id"] == "signMockIdToken"]
    assert len(signed) == 1 and signed[0]["status"] == 201
    claims = signed[0]["body"]["claims"]
    assert claims["iat"] < claims["exp"] < result.baseline_claims["iat"]  # expired an hour ago
    assert claims["nonce"] and claims["aud"] == result.client_id


@pytest.mark.parametrize("careless", [{"picker": True}], indirect=True)
def test_deep_linking_needing_a_person_is_skipped_not_failed(mock: RunningMock, careless: str) -> None:
    result = run(mock, cases=["expired"])
    assert result.deep_linking.skipped.startswith("the tool's answer to a deep linking launch has no form with a JWT "
                                                  "field: 200 Pick a resource Chapter 1")
    assert result.ok  # the one case went as expected; nothing was checked that could fail
    assert '<skipped message="the tool' in junit_xml(result)


def test_a_tool_that_is_not_running_is_a_clear_error(mock: RunningMock) -> None:
    point_key_at(mock, "10000000000001", 1, f"http://127.0.0.1:{free_port()}")  # nothing listens there
    with pytest.raises(ProbeError, match=r"the tool's OIDC login at http://127\.0\.0\.1:\d+/login failed"):
        run(mock)


@pytest.mark.parametrize("careless", [{"redirect_to": "/home"}], indirect=True)
def test_redirects_within_the_tool_are_followed(mock: RunningMock, careless: str) -> None:
    result = run(mock, cases=["alg_none", "expired"], deep_linking=False)
    assert result.baseline.answer == "200 Launched OK: home"
    assert [(c.id, c.accepted, c.answer[:3]) for c in result.cases] == [("alg_none", True, "200"), ("expired", False, "400")]


@pytest.mark.parametrize("careless", [{"redirect_to": "https://app.invalid/home"}], indirect=True)
def test_a_redirect_elsewhere_is_the_answer(mock: RunningMock, careless: str) -> None:
    with pytest.raises(BaselineRejected, match=r"it answered 302 → https://app\.invalid/home"):
        run(mock, cases=["alg_none"])
    result = run(mock, success=SuccessRule(status=302), cases=["alg_none", "expired"], deep_linking=False)
    assert [(c.id, c.accepted) for c in result.cases] == [("alg_none", True), ("expired", False)]


@pytest.mark.parametrize("pylti_tool", [{"js_redirect": True}], indirect=True)
def test_a_login_that_redirects_by_script_is_followed(mock: RunningMock, pylti_tool: str) -> None:
    result = run(mock, cases=["wrong_nonce"], deep_linking=False)
    assert result.baseline.accepted and [(c.id, c.answer) for c in result.cases] == [
        ("wrong_nonce", "400 LTI launch refused: Invalid Nonce")]
