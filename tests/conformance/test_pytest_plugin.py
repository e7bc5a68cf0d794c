"""The conformance suite as pytest items (conformance.pytest_plugin), in a QA team's own project."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.responses import JSONResponse

from mockserver.testing import run_mock

from . import variants

pytest_plugins = ["pytester"]
PLUGIN = ["-p", "conformance.pytest_plugin", "-p", "no:cacheprovider", "--canvas-seed", "1", "--canvas-max-examples", "3"]


def junit_cases(path: Path) -> dict[str, ET.Element]:
    return {case.get("name", ""): case for case in ET.parse(path).iter("testcase")}


def test_one_item_per_operation_with_junit_output(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_own="def test_the_teams_own_test():\n    assert True\n")
    result = pytester.runpytest_subprocess(*PLUGIN, "--canvas-conform", "--canvas-include-tag", "Scores",
                                           "--canvas-include-tag", "Security", "--junitxml=conform.xml", "-v")
    result.assert_outcomes(passed=5)  # 4 operations tagged Scores or Security, and the team's own test
    result.stdout.fnmatch_lines(["canvas-lti conform: a fresh in-process mock; profile ci; seed 1",
                                 "canvas-lti-conform::createScore PASSED*"])
    cases = junit_cases(pytester.path / "conform.xml")
    assert {"createScore", "getPlatformJwks", "test_the_teams_own_test"} <= set(cases)
    assert cases["createScore"].get("classname") == "canvas-lti-conform"
    properties = {p.get("name"): p.get("value") for p in cases["createScore"].iter("property")}
    assert int(properties["cases"]) > 0 and "×" in properties["statuses"]


def test_marker_selects_only_the_conformance_items(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_own="def test_the_teams_own_test():\n    assert True\n")
    pytester.makeini("[pytest]\ncanvas_conform = true\n")  # enabled from the project's configuration
    result = pytester.runpytest_subprocess(*PLUGIN, "--canvas-operation", "getPlatformJwks", "-m", "canvas_conform", "-v")
    result.assert_outcomes(passed=1, deselected=1)


def test_dormant_unless_enabled(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_own="def test_the_teams_own_test():\n    assert True\n")
    result = pytester.runpytest_subprocess(*PLUGIN)
    result.assert_outcomes(passed=1)
    assert "canvas-lti conform" not in result.stdout.str()


def test_a_wrong_answer_fails_its_item_with_the_check_and_a_curl(pytester: pytest.Pytester) -> None:
    with run_mock(app=variants.wrap(variants.created_as_200)) as broken:
        result = pytester.runpytest_subprocess(*PLUGIN, "--canvas-conform", "--canvas-base-url", broken.base_url,
                                               "--canvas-operation", "createLineItem", "--canvas-operation", "listLineItems")
    result.assert_outcomes(passed=1, failed=1)
    out = result.stdout.str()
    assert "POST /api/lti/courses/{course_id}/line_items [createLineItem]" in out  # the failing item's header
    assert "- status_code_conformance (×" in out and "Received: 200" in out
    assert "reproduce: curl -X POST" in out and "FAILED canvas-lti-conform::createLineItem" in out


def test_a_real_canvas_without_credentials_fails_with_the_missing_options(pytester: pytest.Pytester) -> None:
    not_the_mock = Starlette()  # answers /__mock__/config, but not with the mock's shape
    not_the_mock.add_route("/{path:path}", lambda request: JSONResponse({"errors": [{"message": "not found"}]}))
    with run_mock(app=not_the_mock) as canvas:
        result = pytester.runpytest_subprocess(*PLUGIN, "--canvas-conform", "--canvas-base-url", canvas.base_url,
                                               "--canvas-operation", "getPlatformJwks")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*the target cannot be used: * is not our mock; "
                                 "a real Canvas needs --canvas-client-id, --canvas-private-key, --canvas-kid, --canvas-course-id*"])
