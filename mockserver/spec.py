"""The curated spec, loaded once, and what the mock needs to know about each operation."""

from __future__ import annotations

import contextlib
import functools
import hashlib
import marshal
import os
import sys
import tempfile
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
    #: ``text/html`` only, so a request that fails validation gets a readable page, not JSON.
    html_errors: bool = False


#: Parsed specs kept in the user's cache directory, newest first; older ones are removed.
CACHE_KEPT = 8


def cache_dir() -> Path:
    """Where parsed specs are kept: ``$XDG_CACHE_HOME`` (or ``~/.cache``) ``/canvas-lti-contract``."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "canvas-lti-contract"


@functools.cache
def _load(path: str) -> bytes:
    """The parsed spec, marshalled: loading that makes a private copy several times faster than a deepcopy.

    Parsing the YAML is most of building an app (about 0.2 s of CPU, as long as importing
    Starlette and uvicorn), so the parsed form is also kept on disk, as Python keeps bytecode,
    under the hash of the spec's bytes: a changed spec is parsed again, and a cache that cannot be
    read or written is passed by (``marshal`` holds only data, never code)."""
    text = Path(path).read_bytes()
    cached = cache_dir() / f"spec-{hashlib.sha256(text).hexdigest()[:32]}-py{sys.version_info[0]}{sys.version_info[1]}" \
                           f"-m{marshal.version}.marshal"
    with contextlib.suppress(OSError, ValueError, EOFError, TypeError):
        data = cached.read_bytes()
        if isinstance(marshal.loads(data), dict):
            return data
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    data = marshal.dumps(yaml.load(text, Loader=loader))
    with contextlib.suppress(OSError):
        _keep(cached, data)
    return data


def _keep(cached: Path, data: bytes) -> None:
    """Write ``cached`` whole or not at all (processes may build apps at once), then drop the oldest."""
    cached.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=cached.parent, prefix=".spec-", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, cached)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    kept = sorted(cached.parent.glob("spec-*.marshal"), key=lambda file: file.stat().st_mtime, reverse=True)
    for old in kept[CACHE_KEPT:]:
        with contextlib.suppress(OSError):
            old.unlink()


def load_spec(path: str | Path = SPEC_PATH) -> dict[str, Any]:
    """A private copy of the spec (connexion mutates what it is given)."""
    return marshal.loads(_load(str(path)))  # type: ignore[no-any-return]


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
                html_errors=set(_response(spec, op, "400").get("content", {})) == {"text/html"},
            )
    return index
