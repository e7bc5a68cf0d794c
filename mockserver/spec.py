"""The curated spec, loaded once, and what the mock needs to know about each operation."""

from __future__ import annotations

import functools
import pickle
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .resources import spec_path

SPEC_PATH = spec_path()
METHODS = ("get", "put", "post", "delete", "patch", "head", "options")


@dataclass(frozen=True)
class OperationInfo:
    operation_id: str
    method: str
    path: str
    tags: tuple[str, ...]
    #: Canvas before-filters, in order (``x-canvas-filters``).
    filters: tuple[str, ...]
    #: Alternatives of required scopes: satisfied when any one set is fully granted.
    scope_sets: tuple[frozenset[str], ...]
    mock_only: bool
    #: The operation is a page (a console page, the demo tool's): the spec gives its ``400`` as
    #: ``text/html``, so a request that fails validation gets a readable page, not JSON.
    html_errors: bool = False


@functools.cache
def _load(path: str) -> bytes:
    """The parsed spec, pickled: unpickling makes a private copy several times faster than deepcopy."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with open(path, encoding="utf-8") as handle:
        return pickle.dumps(yaml.load(handle, Loader=loader), protocol=pickle.HIGHEST_PROTOCOL)


def load_spec(path: str | Path = SPEC_PATH) -> dict[str, Any]:
    """A private copy of the spec (connexion mutates what it is given)."""
    return pickle.loads(_load(str(path)))


def _response(spec: dict[str, Any], op: dict[str, Any], status: str) -> dict[str, Any]:
    """The operation's response for ``status``, a ``#/components/responses/`` reference followed."""
    response = op.get("responses", {}).get(status) or {}
    ref = response.get("$ref", "")
    if ref.startswith("#/components/responses/"):
        response = spec.get("components", {}).get("responses", {}).get(ref.rsplit("/", 1)[1], {})
    return response


def operations(spec: dict[str, Any]) -> dict[str, OperationInfo]:
    index: dict[str, OperationInfo] = {}
    for path, item in spec.get("paths", {}).items():
        for method in METHODS:
            op = item.get(method)
            if not op:
                continue
            security = op.get("security", spec.get("security", []))
            scope_sets = tuple(
                frozenset(scope for scopes in requirement.values() for scope in scopes)
                for requirement in security if requirement
            )
            index[op["operationId"]] = OperationInfo(
                operation_id=op["operationId"], method=method.upper(), path=path,
                tags=tuple(op.get("tags", ())), filters=tuple(op.get("x-canvas-filters", ())),
                scope_sets=scope_sets, mock_only=bool(op.get("x-mock-only")),
                html_errors="text/html" in _response(spec, op, "400").get("content", {}),
            )
    return index
