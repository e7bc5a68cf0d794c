"""The conformance suite as pytest items (conformance.pytest_plugin), in a QA team's own project."""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

from starlette.applications import Starlette
from starlette.responses import JSONResponse

from mockserver.testing import run_mock

from . import variants

PLUGIN = ["-p", "conformance.pytest_plugin", "-p", "no:cacheprovider", "--canvas-seed", "1", "--canvas-max-examples", "3"]
OWN_TEST = "def test_the_teams_own_test():\n    assert True\n"


@dataclass
class Outcome:
    returncode: int
    out: str
    cases: dict[str, ET.Element]

    def counts(self) -> dict[str, int]:
        found = {"passed": 0, "failed": 0, "skipped": 0}
        for case in self.cases.values():
            kinds = {child.tag for child in case}
            found["failed" if kinds & {"failure", "error"} else "skipped" if "skipped" in kinds else "passed"] += 1
        return found


def qa_project(path: Path, *args: str, ini: str | None = None) -> Outcome:
    """A QA team's repository with one test of its own, where pytest runs with ``args``."""
    path.mkdir(exist_ok=True)
    (path / "test_own.py").write_text(OWN_TEST)
    if ini:
        (path / "pytest.ini").write_text(ini)
    report = path / "junit.xml"
    run = subprocess.run([sys.executable, "-m", "pytest", *PLUGIN, f"--junitxml={report}", "-v", *args],
                         cwd=path, capture_output=True, text=True, timeout=900)
    cases = {case.get("name", ""): case for case in ET.parse(report).iter("testcase")} if report.exists() else {}
    return Outcome(run.returncode, run.stdout + run.stderr, cases)


def test_one_item_per_operation_with_junit_output(tmp_path: Path) -> None:
    result = qa_project(tmp_path, "--canvas-conform", "--canvas-include-tag", "Scores", "--canvas-include-tag", "Security")
    assert result.counts() == {"passed": 5, "failed": 0, "skipped": 0}, result.out  # 4 operations + the team's test
    assert "canvas-lti conform: a fresh in-process mock; profile ci; seed 1" in result.out
    assert "canvas-lti-conform::createScore PASSED" in result.out
    assert {"createScore", "getPlatformJwks", "test_the_teams_own_test"} <= set(result.cases)
    assert result.cases["createScore"].get("classname") == "canvas-lti-conform"
    properties = {p.get("name"): p.get("value") for p in result.cases["createScore"].iter("property")}
    assert int(properties["cases"]) > 0 and "×" in properties["statuses"]


def test_marker_selects_only_the_conformance_items(tmp_path: Path) -> None:
    result = qa_project(tmp_path, "--canvas-operation", "getPlatformJwks", "-m", "canvas_conform",
                        ini="[pytest]\ncanvas_conform = true\n")  # enabled from the project's configuration
    assert set(result.cases) == {"getPlatformJwks"} and result.counts()["passed"] == 1, result.out
    assert "1 deselected" in result.out


def test_dormant_unless_enabled(tmp_path: Path) -> None:
    result = qa_project(tmp_path)
    assert set(result.cases) == {"test_the_teams_own_test"} and result.returncode == 0, result.out
    assert "canvas-lti conform" not in result.out


def test_a_wrong_answer_fails_its_item_with_the_check_and_a_curl(tmp_path: Path) -> None:
    with run_mock(app=variants.wrap(variants.created_as_200)) as broken:
        result = qa_project(tmp_path, "--canvas-conform", "--canvas-base-url", broken.base_url, "-m", "canvas_conform",
                            "--canvas-operation", "createLineItem", "--canvas-operation", "listLineItems")
    assert result.counts() == {"passed": 1, "failed": 1, "skipped": 0}, result.out
    assert "POST /api/lti/courses/{course_id}/line_items [createLineItem]" in result.out  # the failing item's header
    assert "- status_code_conformance (×" in result.out and "Received: 200" in result.out
    assert "reproduce: curl -X POST" in result.out and "FAILED canvas-lti-conform::createLineItem" in result.out


def test_a_real_canvas_without_credentials_fails_with_the_missing_options(tmp_path: Path) -> None:
    not_the_mock = Starlette()  # answers /__mock__/config, but not with the mock's shape
    not_the_mock.add_route("/{path:path}", lambda request: JSONResponse({"errors": [{"message": "not found"}]}))
    with run_mock(app=not_the_mock) as canvas:
        result = qa_project(tmp_path, "--canvas-conform", "--canvas-base-url", canvas.base_url, "-m", "canvas_conform",
                            "--canvas-operation", "getPlatformJwks")
    assert result.counts() == {"passed": 0, "failed": 1, "skipped": 0}, result.out
    assert ("is not our mock; a real Canvas needs --canvas-client-id, --canvas-private-key, --canvas-kid, "
            "--canvas-course-id") in result.out
