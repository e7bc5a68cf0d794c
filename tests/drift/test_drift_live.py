"""``canvas-lti drift --live``: the spec against a running target's actual answers.

The default in-process mock is the reference (no warnings, no breaking findings); deliberately
altered mocks (an ASGI wrapper around ``mockserver.create_app()``, served over HTTP) must yield
exactly the findings their alteration explains, on the right operations and locations.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from conformance.cli import main
from conformance.drift import Severity, load_spec
from conformance.drift.live import Exchange, LiveChecker, aggregate, infer_schema
from conformance.drift.live_plan import run_live
from conformance.safety import Gate
from conformance.targets import in_process_target
from mockserver import create_app
from mockserver.testing import run_mock

SPEC = str(Path(__file__).resolve().parents[2] / "specs" / "canvas-lti.yaml")
LINE_ITEMS = "GET /api/lti/courses/{course_id}/line_items"
LINE_ITEM = "GET /api/lti/courses/{course_id}/line_items/{line_item_id}"
JWKS = "GET /api/lti/security/jwks"

Key = tuple[str, str, str]  # (rule, operation, location)
Rewrite = Callable[[dict[str, Any], int, list[tuple[bytes, bytes]], bytes], tuple[int, list[tuple[bytes, bytes]], bytes]]


class Rewriter:
    """ASGI wrapper: buffers each HTTP answer and lets ``rewrite`` change status, headers, body."""

    def __init__(self, app: Any, rewrite: Rewrite) -> None:
        self.app = app
        self.rewrite = rewrite

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start: dict[str, Any] = {}
        chunks: list[bytes] = []

        async def capture(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
                return
            if message["type"] != "http.response.body":
                await send(message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body"):
                return
            status, headers, body = self.rewrite(scope, start["status"], list(start.get("headers", [])), b"".join(chunks))
            headers = [(k, v) for k, v in headers if k.lower() != b"content-length"] + [(b"content-length", str(len(body)).encode())]
            await send({"type": "http.response.start", "status": status, "headers": headers})
            await send({"type": "http.response.body", "body": body})

        await self.app(scope, receive, capture)


def _media(headers: list[tuple[bytes, bytes]]) -> str:
    return next((v.decode() for k, v in headers if k.lower() == b"content-type"), "")


def rename_label(scope: dict[str, Any], status: int, headers: list[tuple[bytes, bytes]], body: bytes) -> Any:
    """(a) Line items answer ``title`` instead of ``label``."""
    if "lineitem" not in _media(headers) or not body:
        return status, headers, body
    data = json.loads(body)
    for item in data if isinstance(data, list) else [data]:
        if isinstance(item, dict) and "label" in item:
            item["title"] = item.pop("label")
    return status, headers, json.dumps(data).encode()


def teapot_jwks(scope: dict[str, Any], status: int, headers: list[tuple[bytes, bytes]], body: bytes) -> Any:
    """(b) The JWKS route answers 418, a status the spec does not document."""
    if scope["path"] == "/api/lti/security/jwks":
        return 418, [(b"content-type", b"application/json")], b'{"error": "I\'m a teapot"}'
    return status, headers, body


def plain_json_line_items(scope: dict[str, Any], status: int, headers: list[tuple[bytes, bytes]], body: bytes) -> Any:
    """(c) The line item list is ``application/json`` instead of the IMS container type."""
    if status == 200 and scope["method"] == "GET" and scope["path"].endswith("/line_items"):
        headers = [(k, v) for k, v in headers if k.lower() != b"content-type"] + [(b"content-type", b"application/json")]
    return status, headers, body


def drift_json(tmp_path: Path, *argv: str) -> tuple[int, dict[str, Any]]:
    out = tmp_path / "live.json"
    code = main(["drift", "--live", "--format", "json", "--output", str(out), *argv])
    return code, json.loads(out.read_text())


def keys(report: dict[str, Any]) -> set[Key]:
    return {(f["rule"], f["operation"], f["location"]) for f in report["findings"]}


@pytest.fixture(scope="module")
def baseline(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    code, report = drift_json(tmp_path_factory.mktemp("baseline"), "--fail-on", "warning")
    assert code == 0
    return report


def altered(tmp_path: Path, rewrite: Rewrite, *argv: str) -> tuple[int, dict[str, Any]]:
    with run_mock(app=Rewriter(create_app(), rewrite)) as mock:
        return drift_json(tmp_path, "--base-url", mock.base_url, *argv)


def test_in_process_mock_matches_the_spec(baseline: dict[str, Any], capsys: pytest.CaptureFixture[str]) -> None:
    summary = baseline["summary"]
    assert summary["breaking"] == 0 and summary["warning"] == 0
    # What remains are fields the spec's schemas do not list but allow (info, not drift that breaks).
    assert {(f["rule"], f["severity"]) for f in baseline["findings"]} <= {("live-property-undocumented", "info")}
    assert baseline["new"] == "http://testserver (mock)"


def test_text_output_and_request_count(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["drift", "--live", "--fail-on", "breaking"]) == 0
    out, err = capsys.readouterr()
    assert out.startswith("Spec drift specs/canvas-lti.yaml -> http://testserver (mock): 0 breaking, 0 warning")
    assert "request(s) in" in err


def test_renamed_field(tmp_path: Path, baseline: dict[str, Any]) -> None:
    code, report = altered(tmp_path, rename_label, "--fail-on", "breaking")
    assert code == 1
    assert keys(report) - keys(baseline) == {
        ("live-required-missing", LINE_ITEMS, "/responses/200/body/*/label"),
        ("live-property-undocumented", LINE_ITEMS, "/responses/200/body/*/title"),
        ("live-required-missing", LINE_ITEM, "/responses/200/body/label"),
        ("live-property-undocumented", LINE_ITEM, "/responses/200/body/title"),
    }
    by_key = {(f["rule"], f["operation"], f["location"]): f for f in report["findings"]}
    assert by_key[("live-required-missing", LINE_ITEMS, "/responses/200/body/*/label")]["severity"] == "breaking"
    title = by_key[("live-property-undocumented", LINE_ITEMS, "/responses/200/body/*/title")]
    assert title["severity"] == "warning"  # LineItem has additionalProperties: false
    assert "additionalProperties: false" in title["message"] and "e.g." in title["message"]


@pytest.fixture(scope="module")
def teapot(tmp_path_factory: pytest.TempPathFactory) -> tuple[int, dict[str, Any], str]:
    tmp_path = tmp_path_factory.mktemp("teapot")
    patch = tmp_path / "patch.yaml"
    code, report = altered(tmp_path, teapot_jwks, "--fail-on", "warning", "--suggest-patch", str(patch))
    return code, report, patch.read_text()


def test_undocumented_status(teapot: tuple[int, dict[str, Any], str], baseline: dict[str, Any]) -> None:
    code, report, _ = teapot
    assert code == 1
    assert keys(report) - keys(baseline) == {("live-status-undocumented", JWKS, "/responses/418")}
    finding = next(f for f in report["findings"] if f["rule"] == "live-status-undocumented")
    assert finding["severity"] == "warning" and "teapot" in finding["message"]


def test_suggest_patch_proposes_the_status(teapot: tuple[int, dict[str, Any], str]) -> None:
    import yaml

    _, _, text = teapot
    operations = yaml.safe_load(text)
    status = next(op for op in operations if op["path"] == "/paths/~1api~1lti~1security~1jwks/get/responses/418")
    assert status["op"] == "add"
    assert status["value"]["content"]["application/json"]["schema"] == {"type": "object", "properties": {"error": {"type": "string"}}}


def test_changed_media_type(tmp_path: Path, baseline: dict[str, Any]) -> None:
    code, report = altered(tmp_path, plain_json_line_items, "--fail-on", "warning")
    assert code == 1
    assert keys(report) - keys(baseline) == {("live-media-type-undocumented", LINE_ITEMS, "/responses/200/content/application~1json")}


def test_write_flow_cleans_up_and_read_only_sends_no_writes() -> None:
    spec = load_spec(SPEC)
    gate = Gate(allow_writes=False)
    result = run_live(in_process_target(gate), spec)
    assert {method for method, path in gate.methods if method != "GET"} <= {"POST"}
    assert all(path.endswith("/login/oauth2/token") for method, path in gate.methods if method == "POST")
    assert not result.report.has_at_least(Severity.WARNING)

    gate = Gate(allow_writes=True)
    result = run_live(in_process_target(gate), spec, allow_writes=True)
    flow = [(ex.operation_id, ex.status) for ex in result.exchanges if ex.purpose.startswith("write flow")]
    assert flow[0] == ("createLineItem", 201) and flow[-1] == ("deleteLineItem", 204)
    assert ("createScore", 200) in flow and ("listResults", 200) in flow
    assert not result.report.has_at_least(Severity.WARNING)


def test_budget_stops_early(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, report = drift_json(tmp_path, "--max-requests", "6")
    assert code == 0 and report["summary"]["total"] == 0  # the few answers it got match the spec
    assert "stopped early: request budget of 6 spent" in capsys.readouterr().err


def test_live_takes_no_old_new(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["drift", SPEC, SPEC, "--live"]) == 2
    assert "takes no OLD NEW" in capsys.readouterr().err


# -- the checker on a tiny spec -------------------------------------------------------------------

TINY = {
    "openapi": "3.0.3",
    "info": {"title": "t", "version": "1"},
    "paths": {"/things": {"get": {"operationId": "getThing", "responses": {
        "200": {
            "description": "ok",
            "headers": {"X-Count": {"required": True, "schema": {"type": "integer"}}, "Link": {"schema": {"type": "string"}}},
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}},
        },
        "4XX": {"description": "error", "content": {"application/json": {"schema": {"type": "object"}}}},
    }}}},
    "components": {"schemas": {"Thing": {
        "type": "object", "required": ["id", "kind"],
        "properties": {
            "id": {"type": "integer"},
            "kind": {"type": "string", "enum": ["a", "b"]},
            "at": {"type": "string", "format": "date-time", "nullable": True},
            "owner": {"nullable": True, "allOf": [{"$ref": "#/components/schemas/Owner"}]},
            "shape": {"oneOf": [{"$ref": "#/components/schemas/Circle"}, {"$ref": "#/components/schemas/Square"}]},
        },
    }, "Owner": {"type": "object", "properties": {"name": {"type": "string"}}, "additionalProperties": False},
        "Circle": {"type": "object", "required": ["r"], "properties": {"r": {"type": "number"}}, "additionalProperties": False},
        "Square": {"type": "object", "required": ["side"], "properties": {"side": {"type": "number"}}, "additionalProperties": False}}},
}


def check(body: Any, status: int = 200, headers: dict[str, str] | None = None, media: str = "application/json") -> set[tuple[str, str, str]]:
    checker = LiveChecker(TINY)
    checker.check(Exchange("getThing", "GET", "/things", status, {"x-count": "1", "link": "<a>", **(headers or {})}, body, media))
    return {(a.rule, a.location, a.severity.value) for a in aggregate(checker.observations)}


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"id": 1, "kind": "a", "at": None, "owner": None, "shape": {"r": 1}}, set()),
        ({"id": 1, "kind": "a", "at": "2024-01-01T00:00:00Z", "owner": {"name": "x"}, "shape": {"side": 2}}, set()),
        ({"id": "1", "kind": "c"}, {("live-type-mismatch", "/responses/200/body/id", "breaking"),
                                    ("live-enum-value-undocumented", "/responses/200/body/kind", "warning")}),
        ({"kind": "a", "at": "yesterday"}, {("live-required-missing", "/responses/200/body/id", "breaking"),
                                            ("live-format-mismatch", "/responses/200/body/at", "warning")}),
        ({"id": 1, "kind": "a", "extra": [1], "owner": {"name": "x", "mail": "m"}},
         {("live-property-undocumented", "/responses/200/body/extra", "info"),
          ("live-property-undocumented", "/responses/200/body/owner/mail", "warning")}),
        ({"id": 1, "kind": "a", "shape": {"side": "2"}}, {("live-type-mismatch", "/responses/200/body/shape/side", "breaking")}),
    ],
)
def test_checker_rules(body: Any, expected: set[tuple[str, str, str]]) -> None:
    assert check(body) == expected


def test_checker_status_media_and_headers() -> None:
    ok = {"id": 1, "kind": "a"}
    assert check({"e": 1}, status=404) == set()  # 4XX documents it
    assert check(ok, status=500) == {("live-status-undocumented", "/responses/500", "warning")}
    assert check(ok, media="text/plain") == {("live-media-type-undocumented", "/responses/200/content/text~1plain", "warning")}
    assert check("{", media="application/json") == {("live-body-unparseable", "/responses/200/body", "warning")}
    assert check(ok, headers={"x-count": "many"}) == {("live-header-malformed", "/responses/200/headers/X-Count", "warning")}
    checker = LiveChecker(TINY)
    checker.check(Exchange("getThing", "GET", "/things", 200, {}, ok, "application/json"))
    assert {(a.rule, a.location, a.severity.value) for a in aggregate(checker.observations)} == {
        ("live-header-missing", "/responses/200/headers/X-Count", "warning"),
        ("live-header-missing", "/responses/200/headers/Link", "info"),
    }


def test_aggregation_counts_and_examples() -> None:
    checker = LiveChecker(TINY)
    for value in ("c", "d", "c", "e", "f"):
        checker.check(Exchange("getThing", "GET", "/things", 200, {"x-count": "1", "link": "<a>"}, {"id": 1, "kind": value}, "application/json"))
    (group,) = aggregate(checker.observations)
    assert (group.responses, group.occurrences, group.examples) == (5, 5, ["c", "d", "e"])
    assert "seen in 5 response(s)" in group.message() and 'e.g. "c", "d", "e"' in group.message()
    assert group.patch_path == "/components/schemas/Thing/properties/kind/enum/-"


def test_infer_schema() -> None:
    assert infer_schema({"a": [1], "b": None, "c": "2024-01-01T00:00:00Z", "d": 1.5, "e": True}) == {
        "type": "object", "properties": {
            "a": {"type": "array", "items": {"type": "integer"}}, "b": {"nullable": True},
            "c": {"type": "string", "format": "date-time"}, "d": {"type": "number"}, "e": {"type": "boolean"}}}
