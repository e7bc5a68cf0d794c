"""Loading a description from a file or URL into a plain dict, with one-line errors.

Both sides of a comparison come from the same loader, so CI can diff a checked-in file against
a published URL. libyaml's ``CSafeLoader`` is used when available: the upstream description is
~210 KB and the pure-Python loader alone would eat most of the 2-second budget.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

try:
    _YamlLoader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - libyaml missing
    _YamlLoader = yaml.SafeLoader


class LoadError(Exception):
    """A source that cannot be compared: the message is shown to the user as one line."""


def is_url(source: str) -> bool:
    return source.startswith(("http://", "https://"))


def read_source(source: str | Path) -> str:
    """The raw text of a file path or an http(s) URL."""
    text_source = str(source)
    if is_url(text_source):
        import httpx

        try:
            response = httpx.get(text_source, timeout=30.0, follow_redirects=True)
            response.raise_for_status()
        except httpx.HTTPError as exc:
            raise LoadError(f"cannot fetch {text_source}: {exc}") from exc
        return response.text
    path = Path(text_source)
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise LoadError(f"{text_source}: no such file") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise LoadError(f"{text_source}: cannot read: {exc}") from exc


def parse_text(text: str, source: str = "<text>") -> Any:
    """JSON when it looks like JSON (fast path), YAML otherwise."""
    stripped = text.lstrip()
    if stripped.startswith(("{", "[")):
        try:
            return json.loads(text)
        except ValueError:
            pass  # maybe YAML flow style; fall through
    try:
        return yaml.load(text, Loader=_YamlLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        problem = getattr(exc, "problem", None) or type(exc).__name__
        raise LoadError(f"{source}: invalid YAML/JSON{where}: {problem}") from exc


def load_spec(source: str | Path) -> dict[str, Any]:
    """Load and sanity-check an OpenAPI 3.x document from a path or http(s) URL.

    References into other files (relative to ``source``) are loaded too; see ``bundle``. A
    reference that resolves to nothing is a load error: comparing through it would report
    nonsense (a schema "changed to any") or nothing at all.
    """
    label = str(source)
    document = parse_text(read_source(source), label)
    check_openapi(document, label)
    from conformance.drift.bundle import bundle  # bundle imports this module
    from conformance.drift.refs import dangling_refs

    document = bundle(document, label)
    dangling = dangling_refs(document)
    if dangling:
        ref, where = dangling[0]
        more = f" (and {len(dangling) - 1} more)" if len(dangling) > 1 else ""
        raise LoadError(f"{label}: $ref {ref!r} resolves to nothing, used at {where}{more}")
    return document


def check_openapi(document: Any, label: str = "<document>") -> None:
    """Reject anything that is not an OpenAPI 3 document, before comparing produces nonsense."""
    if not isinstance(document, dict):
        raise LoadError(f"{label}: not an OpenAPI document (top level is not a mapping)")
    version = document.get("openapi")
    if version is None:
        hint = " (Swagger 2.0 is not supported)" if "swagger" in document else ""
        raise LoadError(f"{label}: not an OpenAPI document (no 'openapi' field){hint}")
    if not str(version).startswith("3."):
        raise LoadError(f"{label}: unsupported OpenAPI version {version!r} (need 3.x)")
    paths = document.get("paths", {})
    if paths is not None and not isinstance(paths, dict):
        raise LoadError(f"{label}: 'paths' must be a mapping")
