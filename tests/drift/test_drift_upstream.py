"""Drift between Instructure's published description and ours (and an edited upstream copy).

The upstream file lives outside the repo (``../shared/upstream``); tests skip cleanly without it.
"""

from __future__ import annotations

import copy
import json
import time
from pathlib import Path
from typing import Any

import pytest
import yaml

from conformance.cli import main
from conformance.drift import compare, load_spec
from conformance.drift.paths import HTTP_METHODS, template_key

REPO = Path(__file__).resolve().parents[2]
UPSTREAM = REPO.parent / "shared" / "upstream" / "instructure-canvas-lti-openapi.yml"
OURS = REPO / "specs" / "canvas-lti.yaml"
LINE_ITEMS = "/api/lti/courses/{course_id}/line_items"
LINE_ITEM = "/api/lti/courses/{course_id}/line_items/{id}"


@pytest.fixture(scope="module")
def upstream() -> dict[str, Any]:
    if not UPSTREAM.is_file():
        pytest.skip(f"upstream description not available at {UPSTREAM}")
    return load_spec(UPSTREAM)


def operation_keys(document: dict[str, Any]) -> set[tuple[str, str]]:
    return {
        (template_key(path), method)
        for path, item in document["paths"].items()
        for method in HTTP_METHODS
        if method in item
    }


def edited(upstream: dict[str, Any]) -> dict[str, Any]:
    """A copy of upstream with a handful of known edits."""
    new = copy.deepcopy(upstream)
    paths = new["paths"]
    del paths["/api/lti/security/jwks"]
    paths["/api/lti/brand_new"] = {"get": {"responses": {"200": {"description": "ok"}}}}
    # rename a path parameter: same URL, must not be a removal
    item = paths.pop(LINE_ITEM)
    for op in item.values():
        for param in op.get("parameters", []):
            if param.get("name") == "id" and param.get("in") == "path":
                param["name"] = "line_item_id"
    paths[LINE_ITEM.replace("{id}", "{line_item_id}")] = item
    # drop one query parameter and make another required
    params = paths[LINE_ITEMS]["get"]["parameters"]
    queries = [p for p in params if p["in"] == "query"]
    params.remove(queries[0])
    queries[1]["required"] = True
    return new


def test_upstream_against_itself_is_clean(upstream: dict[str, Any]) -> None:
    assert compare(upstream, copy.deepcopy(upstream)).findings == []


def test_upstream_against_edited_copy(upstream: dict[str, Any]) -> None:
    new = edited(upstream)
    report = compare(upstream, new)
    by_rule: dict[str, set[str]] = {}
    for f in report.findings:
        by_rule.setdefault(f.rule_id, set()).add(f.operation)
    assert by_rule.pop("path-removed") == {"GET /api/lti/security/jwks"}
    assert by_rule.pop("path-added") == {"GET /api/lti/brand_new"}
    renamed = by_rule.pop("request-path-parameter-renamed")
    assert renamed and all("{line_item_id}" in op for op in renamed)
    assert by_rule.pop("request-parameter-removed") == {f"GET {LINE_ITEMS}"}
    assert by_rule.pop("request-parameter-became-required") == {f"GET {LINE_ITEMS}"}
    assert by_rule == {}, "nothing else differs"
    # and the reverse direction mirrors it
    reverse = compare(new, upstream).rule_ids()
    assert {
        "path-added",
        "path-removed",
        "request-optional-parameter-added",
        "request-parameter-became-optional",
    } <= reverse


def test_edited_copy_through_the_cli(
    upstream: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "edited.yaml"
    target.write_text(yaml.safe_dump(edited(upstream)))
    assert main(["drift", str(UPSTREAM), str(target), "--fail-on", "breaking"]) == 1
    assert "path-removed" in capsys.readouterr().out


def test_upstream_against_ours(
    upstream: dict[str, Any],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    request: pytest.FixtureRequest,
) -> None:
    if not OURS.is_file():
        pytest.skip(f"{OURS} not written yet")
    ours = load_spec(OURS)
    report_path = tmp_path / "drift.json"
    started = time.perf_counter()
    code = main(
        ["drift", str(UPSTREAM), str(OURS), "--format", "json", "--output", str(report_path)]
    )
    elapsed = time.perf_counter() - started
    if request.config.getoption("capture") == "no":  # visible with -s; no timing assertion
        with capsys.disabled():
            print(f"\nupstream vs ours via `canvas-lti drift`: {elapsed:.3f}s")
    assert code == 0
    payload = json.loads(report_path.read_text())
    findings = payload["findings"]
    assert findings, "the curated spec differs from upstream"
    assert payload["summary"]["total"] == len(findings)
    # operations only one side has are reported as added / removed, and nothing else is
    only_upstream = operation_keys(upstream) - operation_keys(ours)
    only_ours = operation_keys(ours) - operation_keys(upstream)
    removed = {
        f["operation"]
        for f in findings
        if f["rule"] in ("path-removed", "operation-removed", "deprecated-operation-removed")
    }
    added = {f["operation"] for f in findings if f["rule"] in ("path-added", "operation-added")}

    def keys(labels: set[str]) -> set[tuple[str, str]]:
        return {
            (template_key(label.split(" ", 1)[1]), label.split(" ", 1)[0].lower())
            for label in labels
        }

    assert keys(removed) == only_upstream
    assert keys(added) == only_ours
    # the same run in Markdown and text renders too
    for fmt in ("markdown", "text"):
        assert main(["drift", str(UPSTREAM), str(OURS), "--format", fmt]) == 0
    assert capsys.readouterr().out
