"""The library entry point: ``compare(old, new) -> Report``."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from conformance.drift.context import Context
from conformance.drift.ignore import IgnoreRule, partition
from conformance.drift.lifecycle import before_sunset
from conformance.drift.model import Report
from conformance.drift.operations import diff_operation
from conformance.drift.paths import collect_operations, template_key
from conformance.drift.refs import Resolver
from conformance.drift.security import diff_security_schemes
from conformance.drift.webhooks import diff_webhooks


def compare(
    old: dict[str, Any],
    new: dict[str, Any],
    *,
    ignore: Iterable[IgnoreRule] = (),
    old_label: str = "old",
    new_label: str = "new",
) -> Report:
    """Every difference between two loaded OpenAPI 3 documents, classified and sorted."""
    ctx = Context(Resolver(old), Resolver(new))
    old_ops = collect_operations(old, ctx.old)
    new_ops = collect_operations(new, ctx.new)
    old_paths = {template_key(op.path) for op in old_ops.values()}
    new_paths = {template_key(op.path) for op in new_ops.values()}
    for key in sorted(old_ops.keys() - new_ops.keys()):
        op = old_ops[key]
        scoped = ctx.for_operation(op.label)
        stability = str(op.operation.get("x-stability-level", "")).lower()
        if op.operation.get("deprecated") and before_sunset(op.operation):
            scoped.emit(
                "operation-removed-before-sunset",
                "",
                f"deprecated operation removed before its sunset {op.operation.get('x-sunset')}",
            )
        elif op.operation.get("deprecated"):
            scoped.emit("deprecated-operation-removed", "", "deprecated operation removed")
        elif stability in ("alpha", "draft"):
            scoped.emit("unstable-operation-removed", "", f"{stability} operation removed")
        elif template_key(op.path) not in new_paths:
            scoped.emit("path-removed", "", f"path {op.path} removed")
        else:
            scoped.emit("operation-removed", "", f"{op.method.upper()} removed from {op.path}")
    for key in sorted(new_ops.keys() - old_ops.keys()):
        op = new_ops[key]
        scoped = ctx.for_operation(op.label)
        if template_key(op.path) not in old_paths:
            scoped.emit("path-added", "", f"path {op.path} added")
        else:
            scoped.emit("operation-added", "", f"{op.method.upper()} added to {op.path}")
    for key in sorted(old_ops.keys() & new_ops.keys()):
        diff_operation(ctx.for_operation(new_ops[key].label), old_ops[key], new_ops[key], old, new)
    diff_webhooks(ctx, old, new)
    diff_security_schemes(ctx.for_operation("(components)"), old, new)
    kept, suppressed = partition(ctx.findings, list(ignore))
    return Report(kept, suppressed=suppressed, old_label=old_label, new_label=new_label)
