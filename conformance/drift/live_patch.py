"""``--suggest-patch``: spec additions for what a live run saw, as a YAML JSON Patch (RFC 6902).

Each entry is an ``add`` operation on the description (undocumented status codes with a minimal
schema inferred from the example body, undocumented media types, undocumented properties with
their inferred types, enum values) plus an ``x-observed`` member saying why; RFC 6902 tools
ignore unknown members. Review before applying: an inferred schema knows one example only.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import yaml

from conformance.drift.live import Aggregate

#: Rules whose findings come with a proposed addition.
PATCHED_RULES = ("live-status-undocumented", "live-media-type-undocumented", "live-property-undocumented", "live-enum-value-undocumented")


def patch_operations(aggregates: Iterable[Aggregate]) -> list[dict[str, Any]]:
    operations: list[dict[str, Any]] = []
    seen: set[tuple[str, str]] = set()
    for group in aggregates:
        if group.rule not in PATCHED_RULES or not group.patch_path:
            continue
        key = (group.patch_path, repr(group.patch_value))
        if key in seen:
            continue
        seen.add(key)
        operations.append({"op": "add", "path": group.patch_path, "value": group.patch_value,
                           "x-observed": f"{group.rule} on {group.operation} at {group.location}: {group.message()}"})
    return operations


def suggest_patch(aggregates: Iterable[Aggregate], *, spec_label: str = "spec", target_label: str = "target") -> str:
    operations = patch_operations(aggregates)
    header = (f"# Proposed additions to {spec_label}, from `canvas-lti drift --live` against {target_label}.\n"
              "# A JSON Patch (RFC 6902) in YAML; review the inferred schemas before applying.\n")
    if not operations:
        return header + "[]\n"
    return header + yaml.safe_dump(operations, sort_keys=False, allow_unicode=True, width=120)
