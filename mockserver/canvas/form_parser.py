"""Form-encoded bodies read as Starlette reads them, in one pass over the body.

Starlette's ``FormParser`` drives python-multipart's querystring parser, which calls back into
Python for every field start, name, value and end: for the token endpoint's four fields that
was a quarter of the request. The body of such a request is small and already in memory, so
:class:`FormParser` here splits it as python-multipart does — fields are separated by ``&``
only, empty fields are skipped, a field without ``=`` is a name with an empty value, the first
``=`` ends the name — and decodes each name and value exactly as Starlette does (latin-1, then
``unquote_plus``, memoised for short percent-encoded text: a tool sends the same ``scope`` and
``client_assertion_type`` with every token request, and Python's percent-decoding costs about a
microsecond per escape), with Starlette's field-count and field-size limits and messages.
``tests/test_form_parser.py`` holds it to Starlette's parser on generated bodies.
"""

from __future__ import annotations

import functools
from urllib.parse import unquote_plus

from starlette import formparsers
from starlette.datastructures import FormData


class FormParser(formparsers.FormParser):
    """``starlette.formparsers.FormParser`` with the same answers, without per-field callbacks."""

    async def parse(self) -> FormData:
        body = b"".join([chunk async for chunk in self.stream])
        items: list[tuple[str, str]] = []
        for field in body.split(b"&"):
            if not field:
                continue
            name, _, value = field.partition(b"=")
            if len(name) + len(value) > self.max_part_size:
                raise formparsers.MultiPartException(
                    f"Field exceeded maximum size of {int(self.max_part_size / 1024)}KB.")
            if len(items) + 1 > self.max_fields:
                raise formparsers.MultiPartException(
                    f"Too many fields. Maximum number of fields is {self.max_fields}.")
            items.append((_decoded(name), _decoded(value)))
        return FormData(items)


def _decoded(raw: bytes) -> str:
    return _decoded_escaped(raw) if b"%" in raw and len(raw) <= 4096 else unquote_plus(raw.decode("latin-1"))


@functools.lru_cache(maxsize=512)
def _decoded_escaped(raw: bytes) -> str:
    return unquote_plus(raw.decode("latin-1"))
