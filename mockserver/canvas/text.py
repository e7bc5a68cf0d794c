"""Text the mock can store: every string must be encodable as UTF-8.

Strict UTF-8 decoding never yields a lone UTF-16 surrogate, but a JSON ``\\ud800`` escape does,
and so does a multipart part in an exotic ``charset`` (``utf-7``, ``unicode_escape``). Such a
string cannot be written out again — as JSON, in a state dump or in the journal — so the request
validators refuse it with a 400 before anything is stored (:func:`first_unencodable`), and the
journal, which records refused requests too, keeps a printable form (:func:`printable`).

Query strings, headers and paths cannot carry one: Starlette and uvicorn percent-decode them
with ``errors="replace"`` and headers are latin-1.
"""

from __future__ import annotations

import re
import reprlib
from typing import Any

#: A JSON escape that may decode to a surrogate; without one, parsed JSON text has none.
SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


def encodable(text: str) -> bool:
    if text.isascii():
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def printable(text: str) -> str:
    """``text``, with anything UTF-8 cannot encode written as a ``\\udxxx`` escape."""
    return text if encodable(text) else text.encode("utf-8", "backslashreplace").decode("utf-8")


def _lone_surrogate(text: str) -> str:
    """The first code point of ``text`` that UTF-8 cannot encode, as a ``\\uXXXX`` escape."""
    return next(f"\\u{ord(c):04x}" for c in text if 0xD800 <= ord(c) <= 0xDFFF)


def first_unencodable(value: Any) -> tuple[str, str] | None:
    """``(dotted field path, offending code point)`` of the first key or string in ``value``
    that UTF-8 cannot encode, else None. Iterative: a body nested as deep as the parser allows
    must not overflow the stack here."""
    stack: list[tuple[str, Any]] = [("", value)]
    while stack:
        path, item = stack.pop()
        if isinstance(item, str):
            if not encodable(item):
                return path, _lone_surrogate(item)
        elif isinstance(item, dict):
            for key, child in reversed(item.items()):
                name = str(key)
                child_path = f"{path}.{name}" if path else name
                if not encodable(name):
                    return printable(child_path), _lone_surrogate(name)
                stack.append((child_path, child))
        elif isinstance(item, list | tuple):
            stack.extend((f"{path}.{index}" if path else str(index), child)
                         for index, child in reversed(list(enumerate(item))))
    return None


def unencodable_message(code_point: str) -> str:
    return f"text cannot be encoded as UTF-8 (lone UTF-16 surrogate {code_point})"


#: Characters of a value sent an error message repeats. Rails's validation messages repeat none
#: (``is too long (maximum is 255 characters)``); where Canvas's do repeat one, a long one is cut.
ECHO_LIMIT = 100
ECHO_CUT = "…[truncated]"
_ECHO_REPR = reprlib.Repr()  # (keyword arguments only from Python 3.12)
_ECHO_REPR.maxlevel, _ECHO_REPR.maxdict, _ECHO_REPR.maxlist = 3, 4, 4
_ECHO_REPR.maxstring = _ECHO_REPR.maxother = _ECHO_REPR.maxlong = ECHO_LIMIT


def echo(value: Any) -> str:
    """``value`` as an error message repeats it (``str``), cut after ``ECHO_LIMIT`` characters."""
    text = value if isinstance(value, str) else _ECHO_REPR.repr(value)
    return text if len(text) <= ECHO_LIMIT else text[:ECHO_LIMIT] + ECHO_CUT


def echo_repr(value: Any) -> str:
    """``repr(value)``, as jsonschema's messages put it, bounded (``reprlib``): a long string
    keeps its start and end, a large container its first members."""
    return _ECHO_REPR.repr(value)
