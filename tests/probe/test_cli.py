"""``canvas-lti probe-tool``: exit codes and --fail-on, --case by severity, --list-cases, the console
table, Markdown and JUnit reports, and report paths checked before the run."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from conformance.cli import main
from conformance.probe.attacks import CASES
from mockserver.testing import RunningMock

BASE = ["probe-tool", "--tool", "Mock Grading Tool"]


def test_reports_group_findings_by_severity(mock: RunningMock, careless: str, tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    report, junit = tmp_path / "probe.md", tmp_path / "probe.xml"
    cases = ["alg_none", "expired", "aud_array_without_azp", "iat_old", "state_mismatch"]
    code = main([*BASE, "--base-url", mock.base_url, "--report", str(report), "--junit-xml", str(junit),
                 "--no-deep-linking", *(arg for c in cases for arg in ("--case", c))])
    assert code == 1  # alg_none, a MUST, is accepted
    out = capsys.readouterr().out
    assert "alg_none               must      reject  accepted  FAIL (must)" in out
    assert "iat_old                policy    reject  accepted  (policy)" in out
    assert "400 state mismatch [state]" in out
    assert "5 cases: 2 refused, 3 accepted, 0 crashed, 0 errors; findings: must 1, should 1, policy 1; " \
           "1 at or above --fail-on must" in out
    text = report.read_text()
    assert "Verdict: **FAIL** at `--fail-on must`" in text
    must = text.split("### must (1)")[1].split("###")[0]
    assert "**`alg_none`**" in must and "Accepted means: the tool launched a token nobody signed." in must
    assert "RFC 8725 §2.1, §3.1" in must and "By hand: Take the id_token" in must
    assert "**`aud_array_without_azp`**" in text.split("### should (1, below --fail-on)")[1]
    assert "| `expired` | must | reject | refused | ok | exp: " in text
    assert "<details><summary><code>expired</code>: refused</summary>" in text
    assert "- refused by: expiry (exp)" in text
    suite = ET.parse(junit).getroot()
    failed = {c.get("name"): c.get("classname") for c in suite.iter("testcase") if c.find("failure") is not None}
    assert failed == {"alg_none": "probe.must.algorithm_and_key"}
    assert suite.get("failures") == "1" and suite.get("tests") == "5"
    iat_old = next(c for c in suite.iter("testcase") if c.get("name") == "iat_old")
    assert "accepted means: the tool launched a day-old token" in iat_old.find("system-out").text


def test_fail_on_sets_what_fails_the_run(mock: RunningMock, pylti_tool: str, tmp_path: Path) -> None:
    # pylti1p3 as documented crashes (500) on an unknown iss: a finding at should, not a refusal.
    args = [*BASE, "--base-url", mock.base_url, "--no-deep-linking", "--case", "wrong_iss", "--case", "iat_old"]
    junit = tmp_path / "probe.xml"
    assert main(args) == 0
    assert main([*args, "--fail-on", "should", "--junit-xml", str(junit)]) == 1
    failure = next(c for c in ET.parse(junit).getroot().iter("testcase") if c.get("name") == "wrong_iss").find("failure")
    assert failure.get("type") == "crashed" and failure.get("message").startswith("tool crashed (should)")
    assert "tool's answer:\n500 " in failure.text
    assert main([*args, "--fail-on", "policy"]) == 1


def test_list_cases_needs_no_mock(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["probe-tool", "--list-cases"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in lines] == [c.id for c in CASES]
    assert lines[0].split()[:2] == ["alg_none", "must"] and "RFC 8725" in lines[0]
    assert any(line.split()[:2] == ["aud_array_without_azp", "should"] for line in lines)
    assert any(line.split()[:2] == ["oversized", "policy"] for line in lines)


@pytest.mark.parametrize("arg, message", [
    (["--report", "/no/such/dir/probe.md"], "error: argument --report: directory /no/such/dir does not exist"),
    (["--junit-xml", "."], "error: argument --junit-xml: . is a directory"),
    (["--case", "nope"], "error: unknown case(s) nope"),
])
def test_bad_arguments_exit_2_before_the_run(arg: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    # The mock URL is unreachable: the argument is refused before anything is contacted.
    assert main([*BASE, "--base-url", "http://127.0.0.1:9", *arg]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith(f"canvas-lti probe-tool: {message}")


def test_timeout_is_a_positive_number_of_seconds(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main([*BASE, "--base-url", "http://127.0.0.1:9", "--timeout", "0"])
    assert exited.value.code == 2
    assert "argument --timeout: '0' is not a number of seconds greater than 0" in capsys.readouterr().err


def test_baseline_refused_exits_2_with_the_tools_answer(mock: RunningMock, careless: str,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    code = main([*BASE, "--base-url", mock.base_url, "--success-status", "201"])
    assert code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith("canvas-lti probe-tool: error: the tool rejected a valid launch (expected status 201); "
                              "it answered 200 Launched OK")


def test_unreachable_mock_and_missing_tool_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*BASE, "--base-url", "http://127.0.0.1:9"]) == 2
    assert "argument --base-url: cannot reach http://127.0.0.1:9: connection refused" in capsys.readouterr().err
    assert main(["probe-tool", "--base-url", "http://127.0.0.1:9"]) == 2
    assert "one of --tool or --client-id is required" in capsys.readouterr().err
