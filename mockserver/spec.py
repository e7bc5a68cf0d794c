"""The curated spec, loaded once, and what the mock needs to know about each operation."""

from __future__ import annotations

import functools
import pickle
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

SPEC_PATH = Path(__file__).resolve().parent.parent / "specs" / "canvas-lti.yaml"
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


@functools.cache
def _load(path: str) -> bytes:
    """The parsed spec, pickled: unpickling makes a private copy several times faster than deepcopy."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with open(path, encoding="utf-8") as handle:
        return pickle.dumps(yaml.load(handle, Loader=loader), protocol=pickle.HIGHEST_PROTOCOL)


def load_spec(path: str | Path = SPEC_PATH) -> dict[str, Any]:
    """A private copy of the spec (connexion mutates what it is given)."""
    return pickle.loads(_load(str(path)))


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
            )
    return index
