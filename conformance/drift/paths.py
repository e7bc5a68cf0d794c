"""Operation matching: method + path template, tolerant of renamed path parameters.

``/a/{id}`` and ``/a/{line_item_id}`` are the same URL, so templates are keyed with parameter
names erased (``/a/{}``) and path parameters are matched by their position in the template.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from conformance.drift.refs import Resolver

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_PARAM = re.compile(r"\{([^}/]*)\}")


def template_key(path: str) -> str:
    return _PARAM.sub("{}", path)


def template_names(path: str) -> list[str]:
    return _PARAM.findall(path)


@dataclass(frozen=True)
class Operation:
    """One operation with the path item it lives in (path-level parameters apply to it)."""

    method: str
    path: str
    operation: dict[str, Any]
    path_item: dict[str, Any]

    @property
    def label(self) -> str:
        return f"{self.method.upper()} {self.path}"


def collect_operations(
    document: dict[str, Any], resolver: Resolver, section: str = "paths"
) -> dict[tuple[str, str], Operation]:
    """Operations keyed by (normalised template, method); exact templates break rare ties.

    ``section="webhooks"`` collects OpenAPI 3.1 webhooks, keyed by name instead of path."""
    found: dict[tuple[str, str], Operation] = {}
    paths = document.get(section) or {}
    if not isinstance(paths, dict):
        return found
    for path in sorted(paths, key=str):
        item = resolver.deref(paths[path])
        if not isinstance(item, dict):
            continue
        for method in HTTP_METHODS:
            op = resolver.deref(item.get(method))
            if not isinstance(op, dict):
                continue
            key = (template_key(str(path)), method)
            if key in found:  # two templates differing only in parameter names
                key = (str(path), method)
            found[key] = Operation(method, str(path), op, item)
    return found
