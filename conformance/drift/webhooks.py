"""OpenAPI 3.1 webhooks: calls the API makes *to* the client.

The roles swap: the client receives the webhook's request body and sends its response. So a
webhook request body is judged like a response (widening what arrives breaks the receiver)
and the webhook's response like a request. The same operation walk runs, and each finding is
re-emitted under its mirror rule (``request-property-*`` <-> ``response-property-*``).
"""

from __future__ import annotations

from typing import Any

from conformance.drift.context import Context
from conformance.drift.operations import diff_operation
from conformance.drift.paths import collect_operations
from conformance.drift.rules import RULES

#: Body-level rules whose mirror is not a plain request/response swap.
_MIRRORS = {
    "request-body-media-type-added": "response-media-type-added",
    "request-body-media-type-removed": "response-media-type-removed",
    "request-body-media-type-schema-added": "response-media-type-schema-added",
    "request-body-media-type-schema-removed": "response-media-type-schema-removed",
}
_MIRRORS |= {v: k for k, v in _MIRRORS.items()}
#: One-way: what the receiver gets (body, headers, query) judged as a response it parses.
_MIRRORS |= {
    "request-body-removed": "response-media-type-removed",
    "request-body-added-required": "response-media-type-added",
    "request-body-added-optional": "response-media-type-added",
    "request-body-became-required": "response-property-became-required",
    "request-body-became-optional": "response-property-became-optional",
    "request-required-parameter-added": "response-header-added",
    "request-optional-parameter-added": "response-header-added",
    "request-parameter-removed": "response-optional-header-removed",
    "request-parameter-became-required": "response-property-became-required",
    "request-parameter-became-optional": "response-header-became-optional",
}


def mirror(rule_id: str) -> str:
    """The rule for the same change with client and server swapped (itself if none)."""
    if rule_id in _MIRRORS:
        return _MIRRORS[rule_id]
    if rule_id.startswith("request-parameter-"):  # a parameter's schema: what the receiver gets
        rule_id = "request-property-" + rule_id.removeprefix("request-parameter-")
    head, _, rest = rule_id.partition("-")
    swapped = {"request": "response", "response": "request"}.get(head)
    if swapped and f"{swapped}-{rest}" in RULES:
        return f"{swapped}-{rest}"
    return rule_id


def _label(name: str, method: str) -> str:
    return f"{method.upper()} webhook:{name}"


def diff_webhooks(ctx: Context, old_doc: dict[str, Any], new_doc: dict[str, Any]) -> None:
    old_ops = collect_operations(old_doc, ctx.old, "webhooks")
    new_ops = collect_operations(new_doc, ctx.new, "webhooks")
    for key in sorted(old_ops.keys() - new_ops.keys()):
        op = old_ops[key]
        ctx.for_operation(_label(op.path, op.method)).emit("webhook-removed", "", f"webhook {op.path} ({op.method.upper()}) removed")
    for key in sorted(new_ops.keys() - old_ops.keys()):
        op = new_ops[key]
        ctx.for_operation(_label(op.path, op.method)).emit("webhook-added", "", f"webhook {op.path} ({op.method.upper()}) added")
    for key in sorted(old_ops.keys() & new_ops.keys()):
        old, new = old_ops[key], new_ops[key]
        scoped = ctx.for_operation(_label(new.path, new.method))
        scratch = Context(ctx.old, ctx.new, operation=scoped.operation)
        diff_operation(scratch, old, new, old_doc, new_doc)
        for finding in scratch.findings:
            scoped.emit(mirror(finding.rule_id), finding.location, finding.message)
