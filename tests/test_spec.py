"""The spec is valid, and it and the handlers cover each other exactly (acceptance 4)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from openapi_spec_validator import validate

from mockserver.auth.pipeline import FILTERS
from mockserver.handlers import HANDLERS
from mockserver.spec import SPEC_PATH, load_spec, operations

UPSTREAM = Path(__file__).resolve().parents[2] / "shared" / "upstream" / "instructure-canvas-lti-openapi.yml"


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    return load_spec()


def test_spec_is_valid_openapi(spec: dict[str, Any]) -> None:
    assert spec["openapi"] == "3.0.3"
    validate(spec)


def test_spec_parses_without_libyaml(spec: dict[str, Any]) -> None:
    """The spec is plain YAML for every parser: the mock reads it with libyaml where PyYAML has it, which
    accepts some text that PyYAML's own parser (and other tools) refuse, e.g. ``?`` inside a flow mapping."""
    assert yaml.load(SPEC_PATH.read_text(encoding="utf-8"), Loader=yaml.SafeLoader) == spec


def test_every_operation_has_a_handler_and_every_handler_an_operation(spec: dict[str, Any]) -> None:
    operation_ids = set(operations(spec))
    assert operation_ids - set(HANDLERS) == set(), "operations without a handler"
    assert set(HANDLERS) - operation_ids == set(), "handlers without an operation"


def test_every_operation_is_documented(spec: dict[str, Any]) -> None:
    for op_id, info in operations(spec).items():
        op = spec["paths"][info.path][info.method.lower()]
        assert op.get("tags"), op_id
        assert "security" in op, f"{op_id}: security must be explicit"
        assert op["responses"], op_id
        for name in info.filters:
            assert name == "scope" or name in FILTERS, f"{op_id}: unknown filter {name}"


def test_lti_services_name_their_scopes_and_error_media_types(spec: dict[str, Any]) -> None:
    """LTI services under /api/lti/courses|groups name their scopes and answer IMS media types (errors:
    plain JSON). The user-authenticated Canvas API endpoints there (security ``CanvasApiToken``: jwt_token,
    the legacy membership service) are Canvas API controllers: no LTI scopes, plain JSON throughout."""
    services: set[str] = set()
    for op_id, info in operations(spec).items():
        if not info.path.startswith("/api/lti/courses") and not info.path.startswith("/api/lti/groups"):
            continue
        op = spec["paths"][info.path][info.method.lower()]
        user_token = any("CanvasApiToken" in requirement for requirement in op["security"])
        if user_token:
            assert not any(info.scope_sets), f"{op_id}: a Canvas API token operation names LTI scopes"
        else:
            services.add(op_id)
            assert info.scope_sets and all(info.scope_sets), f"{op_id}: no LTI scopes"
        for status, response in op["responses"].items():
            if "$ref" in response:
                response = spec["components"]["responses"][response["$ref"].rsplit("/", 1)[1]]
            media = set(response.get("content", {}))
            if status == "403":  # the throttle's text/plain refusal (§15.3) can answer any of them
                media.discard("text/plain")
            if status.startswith("2") and not user_token:
                assert all(m.startswith("application/vnd.ims.") for m in media), f"{op_id} {status}: {media}"
            else:
                assert media <= {"application/json"}, f"{op_id} {status}: {media}"
    assert {"listLineItems", "createScore", "listResults", "listCourseMemberships", "listGroupMemberships"} <= services


def test_links_connect_create_to_reads_and_scores(spec: dict[str, Any]) -> None:
    create = spec["paths"]["/api/lti/courses/{course_id}/line_items"]["post"]["responses"]["201"]["links"]
    assert {link["operationId"] for link in create.values()} >= {"getLineItem", "updateLineItem", "deleteLineItem", "createScore", "listResults"}
    score = spec["paths"]["/api/lti/courses/{course_id}/line_items/{line_item_id}/scores"]["post"]["responses"]["200"]["links"]
    assert {link["operationId"] for link in score.values()} >= {"getResult", "listResults"}


def test_spec_file_is_the_one_served(client: Any) -> None:
    served = client.get("/openapi.json").json()
    assert set(served["paths"]) == set(load_spec(SPEC_PATH)["paths"])


def test_upstream_paths_we_cover_exist_upstream(spec: dict[str, Any]) -> None:
    """Our operations on paths the upstream description also has use the same methods."""
    if not UPSTREAM.exists():
        pytest.skip("upstream description not available")
    import yaml

    upstream = yaml.safe_load(UPSTREAM.read_text())
    normalise = lambda p: "/".join("{}" if s.startswith("{") else s for s in p.split("/"))  # noqa: E731
    theirs = {normalise(p): set(item) for p, item in upstream["paths"].items()}
    shared = 0
    for path, item in spec["paths"].items():
        methods = {m for m in item if m in ("get", "put", "post", "delete", "patch")}
        if normalise(path) in theirs:
            shared += 1
            assert theirs[normalise(path)] & methods, path
    assert shared >= 8


def test_every_canvas_answer_declares_the_throttle_headers(spec: dict[str, Any]) -> None:
    """Canvas's throttle middleware is always on (§15.3): every response of every operation but
    the mock's own carries X-Request-Cost and X-Rate-Limit-Remaining; the throttle's own refusal
    carries only X-Rate-Limit-Remaining, always ``0.0``."""
    missing = []
    for op_id, info in operations(spec).items():
        op = spec["paths"][info.path][info.method.lower()]
        if "MockControl" in op.get("tags", []):
            continue
        for status, response in op["responses"].items():
            refusal = response.get("$ref") == "#/components/responses/RateLimitExceeded"
            if "$ref" in response:
                response = spec["components"]["responses"][response["$ref"].rsplit("/", 1)[1]]
            headers = set(response.get("headers", {}))
            if refusal:
                declared = headers == {"X-Rate-Limit-Remaining"}
            else:
                declared = {"X-Request-Cost", "X-Rate-Limit-Remaining"} <= headers
            if not declared:
                missing.append(f"{op_id} {status}")
    assert missing == []
