"""The one-pass form parser (``mockserver/canvas/form_parser.py``) against Starlette's, which
drives python-multipart: the same fields, or the same refusal, for any body in any chunks."""

from __future__ import annotations

import asyncio
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from starlette.datastructures import Headers
from starlette.formparsers import FormParser as StarletteFormParser
from starlette.formparsers import MultiPartException

from mockserver.canvas.form_parser import FormParser

PIECES = st.sampled_from([b"&", b"=", b"%", b"+", b"a", b"Z9", b"%41", b"%2", b"%zz", b"%e2%9c%93", b"\xff", b"\xc3\xa9",
                          b";", b" ", b"%00", b"&&", b"=="])
BODIES = st.lists(PIECES, max_size=30).map(b"".join)


def _parse(parser_cls: type, chunks: list[bytes], **limits: Any) -> Any:
    async def stream():  # type: ignore[no-untyped-def]
        for chunk in chunks:
            yield chunk
        yield b""

    async def run() -> Any:
        try:
            return list((await parser_cls(Headers(), stream(), **limits).parse()).multi_items())
        except MultiPartException as exc:
            return ("refused", exc.message)

    return asyncio.run(run())


@settings(max_examples=300, deadline=None)
@given(body=BODIES, cuts=st.lists(st.integers(0, 200), max_size=4),
       limits=st.sampled_from([{}, {"max_fields": 2}, {"max_part_size": 4}, {"max_fields": 1, "max_part_size": 2}]))
def test_any_body_in_any_chunks_parses_as_starlette_parses_it(body: bytes, cuts: list[int], limits: dict[str, int]) -> None:
    edges = sorted({min(c, len(body)) for c in cuts})
    chunks = [body[a:b] for a, b in zip([0, *edges], [*edges, len(body)], strict=True)]
    assert _parse(FormParser, chunks, **limits) == _parse(StarletteFormParser, chunks, **limits)


def test_a_token_request_body() -> None:
    body = (b"grant_type=client_credentials&client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type"
            b"%3Ajwt-bearer&client_assertion=eyJ.eyJ.sig&scope=https%3A%2F%2Fpurl.imsglobal.org%2Fspec%2Flti-ags%2Fscope"
            b"%2Fscore+x")
    parsed = _parse(FormParser, [body])
    assert parsed == _parse(StarletteFormParser, [body])
    assert dict(parsed)["scope"] == "https://purl.imsglobal.org/spec/lti-ags/scope/score x"
