"""Rails (Rack) nested parameters: ``a[b][c]=1``, ``a[]=1&a[]=2``, ``a[][x]=1&a[][y]=2``.

Canvas's REST endpoints accept the same arguments as JSON or as form fields named this way
(``course_navigation[text]=…``, ``custom_fields[key]=…``, ``include[]=…``). This reproduces
``Rack::QueryParser#normalize_params`` so a form body becomes the same structure a JSON body
would be; a conflict (``a=1&a[b]=2``) is Rack's ``ParameterTypeError``, a 400 in Canvas.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import parse_qsl

DEPTH_LIMIT = 32
_KEY = re.compile(r"^([^\[\]]*)((?:\[[^\[\]]*\])*)(.*)$", re.DOTALL)  # a name may hold a newline


class RailsParamsError(ValueError):
    """The parameters cannot be nested consistently (Rack raises; Canvas answers 400)."""


def _split(name: str) -> list[str]:
    """``a[b][]`` -> ``["a", "b", ""]``. Rack treats anything after a stray bracket as text."""
    match = _KEY.match(name)
    assert match is not None
    head, brackets, rest = match.groups()
    if not head and brackets:  # "[a]=1": Rack uses the bracketed text as the key
        head, brackets = brackets[1:].split("]", 1)[0], brackets[brackets.index("]") + 1:]
    parts = [head + rest if not brackets else head]
    parts += re.findall(r"\[([^\[\]]*)\]", brackets)
    if brackets and rest:
        parts[-1] += rest
    return parts


def _assign(target: Any, parts: list[str], value: Any, name: str) -> Any:
    key, rest = parts[0], parts[1:]
    if not isinstance(target, dict):
        raise RailsParamsError(f"expected a hash (got {type(target).__name__}) for param `{name}'")
    if not rest:
        target[key] = value
        return target
    if rest[0] == "":  # key[] …
        current = target.setdefault(key, [])
        if not isinstance(current, list):
            raise RailsParamsError(f"expected an array (got {type(current).__name__}) for param `{name}'")
        if len(rest) == 1:
            current.append(value)
        else:
            # key[][child]: start a new hash when the last one already has this child
            if current and isinstance(current[-1], dict) and not _has_path(current[-1], rest[1:]):
                _assign(current[-1], rest[1:], value, name)
            else:
                current.append(_assign({}, rest[1:], value, name))
        return target
    current = target.setdefault(key, {})
    if not isinstance(current, dict):
        raise RailsParamsError(f"expected a hash (got {type(current).__name__}) for param `{name}'")
    _assign(current, rest, value, name)
    return target


def _has_path(target: dict[str, Any], parts: list[str]) -> bool:
    key = parts[0]
    if key not in target:
        return False
    if len(parts) == 1 or parts[1] == "":
        return True
    inner = target[key]
    return isinstance(inner, dict) and _has_path(inner, parts[1:])


def nest(pairs: Iterable[tuple[str, Any]]) -> dict[str, Any]:
    """Nest flat ``(name, value)`` pairs the way Rails builds ``params``."""
    params: dict[str, Any] = {}
    for name, value in pairs:
        if not name:
            continue
        parts = _split(name)
        if len(parts) > DEPTH_LIMIT:
            raise RailsParamsError(f"param `{name}' nests too deeply")
        _assign(params, parts, value, name)
    return params


def parse_query(text: str) -> dict[str, Any]:
    """A form-encoded body or query string, nested."""
    try:
        pairs = parse_qsl(text, keep_blank_values=True, strict_parsing=False, errors="strict")
    except UnicodeDecodeError as exc:
        raise RailsParamsError(f"invalid %-encoding ({exc})") from None
    return nest(pairs)


def parse_body(raw: bytes, content_type: str | None) -> Any:
    """A request body by its media type: JSON as is, form bodies nested. Multipart is handled
    by the caller (it needs the parsed parts)."""
    media = (content_type or "").split(";")[0].strip().lower()
    if not raw.strip():
        return {}
    if media.endswith("json"):
        try:
            return json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as exc:
            raise RailsParamsError(f"invalid JSON in request body ({exc})") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise RailsParamsError("request body is not valid UTF-8") from None
    return parse_query(text)


TRUE_VALUES = frozenset({"1", "true", "t", "yes", "y", "on"})


def to_bool(value: Any) -> bool:
    """``Canvas::Plugin.value_to_boolean``: form strings "1"/"true"/"yes"/"on" are true."""
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return value != 0
    return str(value).strip().lower() in TRUE_VALUES


def to_int(value: Any) -> int | None:
    """``to_i`` for numeric settings; ``None`` when absent or not a number."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    try:
        return int(float(str(value).strip()))
    except ValueError:
        return None


async def _multipart_items(request: Any, raw: bytes | None, content_type: str, body: Any) -> list[tuple[str, str]]:
    """Multipart fields in order, repeated ones kept: from the raw body when a validator kept
    it, else from the form connexion's request parsed (and cached) for this call."""
    if raw is not None:
        try:
            return await _multipart_pairs(raw, content_type)
        except Exception as exc:  # starlette's MultiPartException and friends
            raise RailsParamsError(f"invalid multipart body ({exc})") from None
    from ..connexion_adapter import connexion_context

    try:
        cached = getattr(getattr(connexion_context.request, "_starlette_request", None), "_form", None)
    except RuntimeError:  # outside a connexion request
        cached = None
    if cached is not None:
        return [(k, v if isinstance(v, str) else "") for k, v in cached.multi_items()]
    return [(str(k), str(v)) for k, v in (body or {}).items()] if isinstance(body, dict) else []


async def _multipart_pairs(raw: bytes, content_type: str) -> list[tuple[str, str]]:
    from starlette.datastructures import Headers
    from starlette.formparsers import MultiPartParser

    async def stream():  # type: ignore[no-untyped-def]
        yield raw
        yield b""

    form = await MultiPartParser(Headers({"content-type": content_type}), stream()).parse()
    pairs: list[tuple[str, str]] = []
    for key, value in form.multi_items():
        pairs.append((key, value if isinstance(value, str) else (await value.read()).decode("utf-8", "replace")))
    return pairs


async def request_params(request: Any, body: Any = None) -> dict[str, Any]:
    """Rails ``params`` for a request: the query string, then the body on top, nested.

    JSON bodies arrive parsed (connexion's ``body``); form bodies are re-read from the raw
    bytes the form validator keeps in the scope, because connexion's flattened form arguments
    lose repeated fields (``a[]=1&a[]=2``).
    """
    from .validation import RAW_FORM_KEY

    params: dict[str, Any] = parse_query(request.url.query)
    content_type = request.headers.get("content-type") or ""
    media = content_type.split(";")[0].strip().lower()
    raw = request.scope.get("extensions", {}).get(RAW_FORM_KEY)
    if media == "application/x-www-form-urlencoded" and raw is not None:
        parsed: Any = parse_body(raw, media)
    elif media == "multipart/form-data":
        parsed = nest(await _multipart_items(request, raw, content_type, body))
    elif media.endswith("json"):
        parsed = body if body is not None else {}
    else:
        parsed = {}
    if isinstance(parsed, dict):
        params.update(parsed)
        return params
    params["_json"] = parsed  # a JSON array body (bulk create): Rails keeps it as ``_json``
    return params
