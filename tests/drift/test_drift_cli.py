"""``canvas-lti drift`` end to end, in-process (argument parsing, exit codes, output)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from conformance.cli import main

from .builders import drift_main, obj, op_doc, response_doc

OLD = response_doc(obj({"id": {"type": "string"}, "label": {"type": "string"}}, ["id", "label"]))
#: label removed (breaking) and an optional property added (info)
NEW = response_doc(obj({"id": {"type": "string"}, "tag": {"type": "string"}}, ["id"]))
#: only an optional response property removed (warning)
WARN_ONLY = response_doc(obj({"id": {"type": "string"}}, ["id"]))
WARN_OLD = response_doc(obj({"id": {"type": "string"}, "tag": {"type": "string"}}, ["id"]))


def write(path: Path, document: Any, fmt: str = "yaml") -> str:
    if fmt == "json":
        path.write_text(json.dumps(document))
    else:
        path.write_text(yaml.safe_dump(document))
    return str(path)


@pytest.fixture
def pair(tmp_path: Path) -> tuple[str, str]:
    return write(tmp_path / "old.yaml", OLD), write(tmp_path / "new.json", NEW, "json")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = drift_main(["drift", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_default_never_fails(capsys: pytest.CaptureFixture[str], pair: tuple[str, str]) -> None:
    code, out, _ = run(capsys, *pair)
    assert code == 0
    assert "response-required-property-removed" in out
    assert "BREAKING" in out


@pytest.mark.parametrize(
    ("old", "new", "fail_on", "expected"),
    [
        (OLD, NEW, "breaking", 1),
        (OLD, NEW, "warning", 1),
        (WARN_OLD, WARN_ONLY, "breaking", 0),
        (WARN_OLD, WARN_ONLY, "warning", 1),
        (WARN_ONLY, WARN_OLD, "warning", 0),  # only an optional property added: info
        (OLD, OLD, "warning", 0),
    ],
)
def test_fail_on_exit_codes(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    old: Any,
    new: Any,
    fail_on: str,
    expected: int,
) -> None:
    a, b = write(tmp_path / "a.yaml", old), write(tmp_path / "b.yaml", new)
    assert run(capsys, a, b, "--fail-on", fail_on)[0] == expected


@pytest.mark.parametrize(
    ("name", "content"),
    [
        (
            "ignore.yaml",
            "ignore:\n  - rule: response-required-property-removed\n"
            "    operation: GET /things\n    reason: known\n",
        ),
        ("ignore.json", json.dumps([{"rule": "response-*-property-removed"}])),
        ("ignore.txt", "# known drift\nresponse-required-property-removed GET /things\n"),
        ("ignore.txt", "* * /responses/200/content/application~1json/schema/properties/label\n"),
        ("ignore.yml", "- location: /responses/200\n  rule: response-required-*\n"),
    ],
)
def test_ignore_file_suppresses(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    pair: tuple[str, str],
    name: str,
    content: str,
) -> None:
    ignore = tmp_path / name
    ignore.write_text(content)
    code, out, _ = run(
        capsys, *pair, "--ignore", str(ignore), "--fail-on", "breaking", "--format", "json"
    )
    assert code == 0
    payload = json.loads(out)
    assert payload["summary"]["suppressed"] == 1
    assert "response-required-property-removed" not in {f["rule"] for f in payload["findings"]}
    assert payload["findings"], "only the matching finding is suppressed"


def test_ignore_that_matches_nothing_keeps_everything(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, pair: tuple[str, str]
) -> None:
    ignore = tmp_path / "ignore.txt"
    ignore.write_text("response-required-property-removed POST /things\n")
    code, _, _ = run(capsys, *pair, "--ignore", str(ignore), "--fail-on", "breaking")
    assert code == 1


@pytest.mark.parametrize("fmt", ["text", "markdown", "json"])
def test_formats(capsys: pytest.CaptureFixture[str], pair: tuple[str, str], fmt: str) -> None:
    code, out, err = run(capsys, *pair, "--format", fmt)
    assert code == 0 and out and not err
    if fmt == "json":
        payload = json.loads(out)
        assert payload["summary"]["breaking"] == 1
        assert {f["rule"] for f in payload["findings"]} == {
            "response-required-property-removed",
            "response-optional-property-added",
        }
        assert set(payload["findings"][0]) == {
            "rule",
            "severity",
            "side",
            "operation",
            "location",
            "message",
        }
    elif fmt == "markdown":
        assert "| Severity | Count |" in out
        assert "### `GET /things`" in out
    else:
        assert out.startswith("Spec drift")
        assert "GET /things" in out


def test_markdown_without_findings(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    a = write(tmp_path / "a.yaml", OLD)
    code, out, _ = run(capsys, a, a, "--format", "markdown")
    assert code == 0 and "No differences found." in out


def test_output_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, pair: tuple[str, str]
) -> None:
    target = tmp_path / "report.md"
    code, out, _ = run(capsys, *pair, "--format", "markdown", "--output", str(target))
    assert code == 0 and out == ""
    assert "response-required-property-removed" in target.read_text()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "no such file"),
        ("openapi: [unclosed\n", "invalid YAML"),
        ("- just\n- a list\n", "not an OpenAPI document"),
        ("swagger: '2.0'\npaths: {}\n", "Swagger 2.0"),
        ("openapi: 2.5\npaths: {}\n", "unsupported OpenAPI version"),
        ("openapi: 3.0.0\npaths: [1]\n", "'paths' must be a mapping"),
        ("openapi: 3.0.0\npaths:\n  /x:\n    get:\n      responses:\n        '200':\n          description: ok\n"
         "          content:\n            application/json:\n              schema: {$ref: '#/components/schemas/Missing'}\n",
         "$ref '#/components/schemas/Missing' resolves to nothing, used at #/paths/~1x/get/responses/200/content/application~1json/schema"),
    ],
)
def test_bad_input_exits_2(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    pair: tuple[str, str],
    content: str | None,
    message: str,
) -> None:
    bad = tmp_path / "bad.yaml"
    if content is not None:
        bad.write_text(content)
    code, out, err = run(capsys, pair[0], str(bad))
    assert code == 2 and out == ""
    assert message in err
    assert err.startswith("canvas-lti drift: error:") and err.count("\n") == 1


def test_bad_ignore_file_exits_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, pair: tuple[str, str]
) -> None:
    ignore = tmp_path / "ignore.yaml"
    ignore.write_text("ignore: {rule: x}\n")
    code, _, err = run(capsys, *pair, "--ignore", str(ignore))
    assert code == 2 and "ignore" in err


def test_missing_new_exits_2(capsys: pytest.CaptureFixture[str], pair: tuple[str, str]) -> None:
    code, _, err = run(capsys, pair[0])
    assert code == 2 and "OLD NEW" in err


@pytest.mark.parametrize("extra", [["--live"], ["--base-url", "https://canvas.test"]])
def test_live_mode_takes_no_old_new(
    capsys: pytest.CaptureFixture[str], pair: tuple[str, str], extra: list[str]
) -> None:
    code, out, err = run(capsys, *pair, *extra)
    assert code == 2 and out == ""
    assert "takes no OLD NEW" in err


def test_unknown_format_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], pair: tuple[str, str]
) -> None:
    with pytest.raises(SystemExit) as exc:
        drift_main(["drift", *pair, "--format", "xml"])
    assert exc.value.code == 2
    assert "invalid choice" in capsys.readouterr().err


def test_operation_label_in_json(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    a = write(tmp_path / "a.yaml", op_doc(path="/x/{id}"))
    b = write(tmp_path / "b.yaml", op_doc(path="/x/{id}", operation={"deprecated": True}))
    _, out, _ = run(capsys, a, b, "--format", "json")
    (finding,) = json.loads(out)["findings"]
    assert finding == {
        "rule": "operation-deprecated",
        "severity": "info",
        "side": "operation",
        "operation": "GET /x/{id}",
        "location": "/deprecated",
        "message": "operation deprecated",
    }


def test_entry_point_registers_drift(
    capsys: pytest.CaptureFixture[str], pair: tuple[str, str]
) -> None:
    assert main(["drift", *pair, "--fail-on", "breaking"]) == 1
    assert "response-required-property-removed" in capsys.readouterr().out
    with pytest.raises(SystemExit) as exc:
        main(["drift", "--help"])
    assert exc.value.code == 0
    assert "--fail-on" in capsys.readouterr().out
