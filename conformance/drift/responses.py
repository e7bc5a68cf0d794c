"""Response comparison: status codes, media types, headers and response schemas."""

from __future__ import annotations

from typing import Any

from conformance.drift.bodies import diff_content
from conformance.drift.context import Context
from conformance.drift.model import pointer
from conformance.drift.parameters import diff_serialization, parameter_schema
from conformance.drift.refs import Resolver
from conformance.drift.schemas import diff_schema


def _responses(op: dict[str, Any], resolver: Resolver) -> dict[str, dict[str, Any]]:
    """Responses keyed by status as a string (YAML turns ``200`` into an int)."""
    found: dict[str, dict[str, Any]] = {}
    for code, response in (op.get("responses") or {}).items():
        resolved = resolver.deref(response)
        found[str(code).upper()] = resolved if isinstance(resolved, dict) else {}
    return found


def is_success(code: str) -> bool:
    return code.startswith("2")


def diff_responses(ctx: Context, old_op: dict[str, Any], new_op: dict[str, Any]) -> None:
    old, new = _responses(old_op, ctx.old), _responses(new_op, ctx.new)
    for code in sorted(old.keys() - new.keys()):
        kind = "success" if is_success(code) else "non-success"
        ctx.emit(
            f"response-{kind}-status-removed",
            pointer("responses", code),
            f"response status {code} removed",
        )
    for code in sorted(new.keys() - old.keys()):
        kind = "success" if is_success(code) else "non-success"
        ctx.emit(
            f"response-{kind}-status-added",
            pointer("responses", code),
            f"response status {code} added",
        )
    for code in sorted(old.keys() & new.keys()):
        _diff_response(ctx, code, old[code], new[code])


def _diff_response(ctx: Context, code: str, old: dict[str, Any], new: dict[str, Any]) -> None:
    diff_content(ctx, old, new, ("responses", code), "response-media-type", "response-property",
                 removed=f"status {code} no longer returns {{name}}", added=f"status {code} may now return {{name}}")
    _diff_headers(ctx, code, old, new)


def _headers(response: dict[str, Any], resolver: Resolver) -> dict[str, tuple[str, dict[str, Any]]]:
    found: dict[str, tuple[str, dict[str, Any]]] = {}
    for name, header in (response.get("headers") or {}).items():
        if str(name).lower() == "content-type":  # ignored by the OpenAPI spec
            continue
        resolved = resolver.deref(header)
        found[str(name).lower()] = (str(name), resolved if isinstance(resolved, dict) else {})
    return found


def _diff_headers(ctx: Context, code: str, old: dict[str, Any], new: dict[str, Any]) -> None:
    old_headers, new_headers = _headers(old, ctx.old), _headers(new, ctx.new)
    for key in sorted(old_headers.keys() - new_headers.keys()):
        name, header = old_headers[key]
        kind = "required" if header.get("required") else "optional"
        ctx.emit(
            f"response-{kind}-header-removed",
            pointer("responses", code, "headers", name),
            f"{kind} response header {name} removed from status {code}",
        )
    for key in sorted(new_headers.keys() - old_headers.keys()):
        name = new_headers[key][0]
        ctx.emit(
            "response-header-added",
            pointer("responses", code, "headers", name),
            f"response header {name} added to status {code}",
        )
    for key in sorted(old_headers.keys() & new_headers.keys()):
        name, header = new_headers[key]
        where = pointer("responses", code, "headers", name)
        if old_headers[key][1].get("required") and not header.get("required"):
            ctx.emit(
                "response-header-became-optional",
                where,
                f"response header {name} is no longer guaranteed",
            )
        elif header.get("required") and not old_headers[key][1].get("required"):
            ctx.emit("response-header-became-required", where, f"response header {name} is now always sent")
        diff_serialization(ctx, {"in": "header", **old_headers[key][1]}, {"in": "header", **header}, where, "response-header")
        old_schema, new_schema = parameter_schema(old_headers[key][1]), parameter_schema(header)
        if old_schema is not None and new_schema is not None:
            diff_schema(ctx, old_schema, new_schema, where + "/schema", "response-property")
