"""Per-operation comparison: metadata (operationId, deprecation, text) then each part."""

from __future__ import annotations

from typing import Any

from conformance.drift.bodies import diff_request_body
from conformance.drift.context import Context
from conformance.drift.lifecycle import diff_stability, diff_sunset
from conformance.drift.parameters import diff_parameters
from conformance.drift.paths import Operation
from conformance.drift.responses import diff_responses
from conformance.drift.security import diff_security, effective_security


def _text(value: Any) -> str:
    """Text fields compare modulo whitespace: re-wrapping a paragraph is not a change."""
    return " ".join(str(value or "").split())


def diff_operation(
    ctx: Context, old: Operation, new: Operation, old_doc: dict[str, Any], new_doc: dict[str, Any]
) -> None:
    o, n = old.operation, new.operation
    old_id, new_id = o.get("operationId"), n.get("operationId")
    if old_id != new_id:
        if old_id is None:
            ctx.emit("operation-id-added", "/operationId", f"operationId {new_id!r} added")
        elif new_id is None:
            ctx.emit("operation-id-removed", "/operationId", f"operationId {old_id!r} removed")
        else:
            ctx.emit(
                "operation-id-changed",
                "/operationId",
                f"operationId changed from {old_id!r} to {new_id!r}",
            )
    if bool(o.get("deprecated")) != bool(n.get("deprecated")):
        if n.get("deprecated"):
            ctx.emit("operation-deprecated", "/deprecated", "operation deprecated")
        else:
            ctx.emit("operation-undeprecated", "/deprecated", "operation no longer deprecated")
    diff_stability(ctx, o, n)
    diff_sunset(ctx, o, n, "operation", "", "deprecated operation")
    for field in ("summary", "description"):
        if _text(o.get(field)) != _text(n.get(field)):
            ctx.emit(f"operation-{field}-changed", f"/{field}", f"{field} text changed")
    diff_parameters(ctx, old, new)
    diff_request_body(ctx, o, n)
    diff_responses(ctx, o, n)
    diff_security(ctx, effective_security(o, old_doc), effective_security(n, new_doc))
