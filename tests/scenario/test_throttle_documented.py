"""The throttle's refusal is part of the spec wherever the throttle can answer (issue 24).

Canvas's throttle is Rack middleware ahead of routing and authentication (§15.3), so a client
whose bucket is full gets 403 ``text/plain`` on any operation. A spec-driven client or fuzzer
must not flag it as an undocumented status or content type: here schemathesis fuzzes every
operation the throttle counts while the mock refuses every request, with the mock's own response
validation on, and its conformance checks must find nothing.

Small by default; raise with ``THROTTLE_MAX_EXAMPLES=50`` for a deeper run.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from mockserver import create_app
from mockserver.spec import load_spec, operations
from mockserver.throttle import THROTTLED_BODY, counts

SPEC = load_spec()
COUNTED = sorted(op_id for op_id, info in operations(SPEC).items() if counts(info.path))
NOT_COUNTED = sorted(op_id for op_id, info in operations(SPEC).items() if not counts(info.path))
CHECKS = [status_code_conformance, content_type_conformance, response_headers_conformance,
          response_schema_conformance]
SETTINGS = settings(max_examples=int(os.environ.get("THROTTLE_MAX_EXAMPLES", "3")), deadline=None,
                    database=None, suppress_health_check=list(HealthCheck))


def _response(op_id: str, status: str) -> dict[str, Any]:
    info = operations(SPEC)[op_id]
    response = SPEC["paths"][info.path][info.method.lower()]["responses"].get(status, {})
    if "$ref" in response:
        response = SPEC["components"]["responses"][response["$ref"].rsplit("/", 1)[1]]
    return response


def test_the_spec_documents_the_refusal_exactly_where_the_throttle_counts() -> None:
    assert len(COUNTED) >= 70 and NOT_COUNTED  # Canvas's surface, and the mock's control API
    throttle_body = {"$ref": "#/components/schemas/RateLimitExceeded"}
    missing = [op_id for op_id in COUNTED
               if _response(op_id, "403").get("content", {}).get("text/plain", {}).get("schema") != throttle_body]
    assert missing == []
    assert [op_id for op_id in NOT_COUNTED if "text/plain" in _response(op_id, "403").get("content", {})] == []
    assert SPEC["components"]["schemas"]["RateLimitExceeded"]["enum"] == [THROTTLED_BODY.decode()]


@pytest.fixture(scope="module")
def refusing() -> Iterator[Any]:
    """A mock whose throttle refuses every request (high-water mark 0), answers validated."""
    app = create_app(validate_responses=True)
    with app.test_client() as client:
        assert client.post("/__mock__/throttle", json={"enabled": True, "hwm": 0}).status_code == 200
    yield app


@pytest.fixture(scope="module")
def schema(refusing: Any) -> Any:
    return schemathesis.openapi.from_asgi("/openapi.json", refusing)


@pytest.mark.parametrize("operation_id", COUNTED)
def test_a_fuzzer_finds_the_throttled_answer_documented(schema: Any, operation_id: str) -> None:
    operation = schema.find_operation_by_id(operation_id)
    seen: list[int] = []

    @given(case=operation.as_strategy())
    @SETTINGS
    def fuzz(case: Any) -> None:
        response = case.call()
        assert response.status_code == 403, response.text[:200]
        assert response.headers["content-type"] == ["text/plain; charset=utf-8"]
        assert response.content == THROTTLED_BODY
        case.validate_response(response, checks=CHECKS)
        seen.append(response.status_code)

    fuzz()
    assert seen


def test_the_control_api_is_never_throttled(refusing: Any) -> None:
    with refusing.test_client() as client:
        assert client.get("/api/lti/security/jwks").status_code == 403
        assert client.get("/__mock__/config").status_code == 200
