"""``canvas-lti probe-tool``: exit codes, console table, Markdown and JUnit reports."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from conformance.cli import main
from mockserver.testing import RunningMock


def test_reports_and_exit_code_for_accepted_attacks(mock: RunningMock, careless: str, tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    report, junit = tmp_path / "probe.md", tmp_path / "probe.xml"
    code = main(["probe-tool", "--tool", "Mock Grading Tool", "--base-url", mock.base_url,
                 "--report", str(report), "--junit-xml", str(junit)])
    assert code == 1
    out = capsys.readouterr().out
    assert "alg_none" in out and "header.alg: 'none'" in out and "5 attacks accepted" in out
    text = report.read_text()
    assert "Verdict: **FAIL**" in text
    accepted = text.split("## Accepted attacks")[1].split("##")[0]
    assert {line.split("`")[1] for line in accepted.splitlines() if line.startswith("- `")} == {
        "alg_none", "nonce_replay", "wrong_nonce", "wrong_aud", "aud_array_without_azp"}
    assert "| `expired` | time | reject | rejected | ok | iat: " in text
    suite = ET.parse(junit).getroot()
    failed = {c.get("name") for c in suite.iter("testcase") if c.find("failure") is not None}
    assert failed == {"alg_none", "nonce_replay", "wrong_nonce", "wrong_aud", "aud_array_without_azp"}
    assert suite.get("failures") == "5" and int(suite.get("tests")) == 21 + 10


def test_exit_0_when_everything_is_rejected(mock: RunningMock, careless: str) -> None:
    assert main(["probe-tool", "--client-id", "10000000000001", "--base-url", mock.base_url, "--course", "101",
                 "--user", "10", "--case", "expired", "--case", "state_mismatch", "--case", "key_rotation"]) == 0


def test_baseline_refused_exits_2_with_the_tools_answer(mock: RunningMock, careless: str,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["probe-tool", "--tool", "Mock Grading Tool", "--base-url", mock.base_url, "--success-status", "201"])
    assert code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith("canvas-lti probe-tool: the tool rejected a valid launch (expected status 201); "
                              "it answered 200 Launched OK")


def test_unreachable_mock_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["probe-tool", "--tool", "X", "--base-url", "http://127.0.0.1:9"]) == 2
    assert "cannot reach the mock" in capsys.readouterr().err
