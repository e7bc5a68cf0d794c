"""The CI recipes of the docs work: each job runs locally through tests/ci_recipes.py."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from mockserver.resources import spec_path
from mockserver.testing import free_port
from tests.ci_recipes import recipes, run_github_job, run_gitlab_job

ROOT = Path(__file__).resolve().parents[1]
RECIPES = recipes()
GITHUB_TOOL = ".github/workflows/lti-tool.yml"
GITHUB_DRIFT = ".github/workflows/api-drift.yml"
GITLAB = ".gitlab-ci.yml"


def test_the_docs_have_the_recipes() -> None:
    assert {GITHUB_TOOL, GITHUB_DRIFT, GITLAB} <= set(RECIPES)
    assert set(RECIPES[GITLAB]) >= {"tests-against-canvas-mock", "spec-drift"}


def vendor_project(base: Path) -> Path:
    """A tool vendor's repository: the example tool and its canvas_mock tests."""
    base.mkdir()
    for name in ("example_tool.py", "test_example_tool.py"):
        shutil.copy(ROOT / "examples" / name, base / name)
    return base


def test_github_tool_job_runs_the_vendors_tests_against_a_background_mock(tmp_path: Path) -> None:
    workflow = RECIPES[GITHUB_TOOL]
    result = run_github_job(workflow, "tests-against-canvas-mock", vendor_project(tmp_path / "tool"), free_port(), {})
    assert result.ok, result.describe()
    assert re.search(r"\b\d+ passed\b", result.describe()) and " failed" not in result.describe()
    assert [step.returncode for step in result.steps][-1] is None  # "cat mock.log" runs only on failure


def test_gitlab_tool_job_runs_the_vendors_tests_against_a_background_mock(tmp_path: Path) -> None:
    result = run_gitlab_job(RECIPES[GITLAB], "tests-against-canvas-mock", vendor_project(tmp_path / "tool"), free_port(), {})
    assert result.ok, result.describe()
    assert re.search(r"\b\d+ passed\b", result.describe()) and " failed" not in result.describe()


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=ci", "-c", "user.email=ci@example.invalid", *args], cwd=cwd, check=True,
                   capture_output=True)


def spec_change(base: Path, change: str) -> Path:
    """A clone whose branch ``feature`` changes specs/canvas-lti.yaml of ``origin/main``."""
    origin, clone = base / "origin.git", base / "clone"
    _git(base, "init", "-q", "--bare", "-b", "main", str(origin))
    _git(base, "clone", "-q", str(origin), str(clone))
    (clone / "specs").mkdir()
    shutil.copy(spec_path(), clone / "specs" / "canvas-lti.yaml")
    _git(clone, "checkout", "-q", "-b", "main")
    _git(clone, "add", ".")
    _git(clone, "commit", "-q", "-m", "spec")
    _git(clone, "push", "-q", "origin", "main")
    _git(clone, "checkout", "-q", "-b", "feature")
    spec = yaml.safe_load((clone / "specs" / "canvas-lti.yaml").read_text())
    if change == "breaking":
        del spec["paths"]["/api/lti/courses/{course_id}/line_items"]["post"]  # an operation removed
    else:
        spec["info"]["description"] = "Reworded."
    (clone / "specs" / "canvas-lti.yaml").write_text(yaml.safe_dump(spec, sort_keys=False))
    _git(clone, "commit", "-q", "-am", "change the spec")
    return clone


@pytest.mark.parametrize("change", ["breaking", "harmless"])
def test_github_drift_job_fails_only_on_breaking_spec_changes(tmp_path: Path, change: str) -> None:
    clone = spec_change(tmp_path, change)
    (tmp_path / "runner").mkdir()
    context = {"github.base_ref": "main", "github.token": "", "github.event.pull_request.number": "1"}
    workflow = RECIPES[GITHUB_DRIFT]
    job = next(iter(workflow["jobs"]))
    run = run_github_job(workflow, job, clone, free_port(), context)
    details = run.describe()
    assert (clone / "drift.md").exists(), details
    if change == "breaking":
        assert not run.ok and run.steps[-1].returncode == 1, details
        assert "breaking" in (clone / "drift.md").read_text()
    else:
        assert run.ok, details


@pytest.mark.parametrize("change", ["breaking", "harmless"])
def test_gitlab_drift_job_fails_only_on_breaking_spec_changes(tmp_path: Path, change: str) -> None:
    clone = spec_change(tmp_path, change)
    result = run_gitlab_job(RECIPES[GITLAB], "spec-drift", clone, free_port(),
                            {"CI_MERGE_REQUEST_TARGET_BRANCH_NAME": "main", "CI_PIPELINE_SOURCE": "merge_request_event"})
    assert (clone / "drift.md").exists(), result.describe()
    assert result.ok == (change == "harmless"), result.describe()


@pytest.mark.parametrize(("args", "env", "ok"), [
    (["install", "canvas-lti-contract"], {}, False),  # not on PyPI
    (["install", "."], {}, False),
    (["install", "canvas-lti-contract @ https://example.org/r/canvas_lti_contract-0.1.0-py3-none-any.whl"], {}, True),
    (["install", "canvas-lti-contract[conformance] @ git+https://example.org/org/canvas-lti-contract@v0.1.0"], {}, True),
    (["install", "canvas-lti-contract @ https://example.org/canvas-lti-contract.tar.gz"], {}, False),
    (["install", "canvas-lti-contract"], {"PIP_INDEX_URL": "https://pypi.example.org/simple"}, True),
    (["install", "--extra-index-url", "https://pypi.example.org/simple", "canvas-lti-contract"], {}, True),
    (["install", "dist/canvas_lti_contract-0.1.0-py3-none-any.whl"], {}, True),
    (["install", "-r", "requirements.txt"], {}, False),  # the package itself is never installed
])
def test_the_local_pip_accepts_only_routes_a_vendor_can_take(args: list[str], env: dict[str, str], ok: bool) -> None:
    from tests.pip_stub import problems

    assert (problems(args, env) == []) == ok, problems(args, env)
