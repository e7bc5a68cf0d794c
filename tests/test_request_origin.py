"""The request origin (``scheme://host[:port]``) every Canvas URL is built from is worked out once
per Host header (``RequestContext.base_url``); it must be what Starlette's ``request.url`` gives
for the whole request, whatever the path, query and Host header."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from starlette.requests import Request

from mockserver.context import RequestContext

HOSTS = st.one_of(
    st.none(),
    st.sampled_from(["canvas.test", "127.0.0.1:8080", "[::1]:9000", "[::1]", "example.edu:443", "h:0", "h:99999",
                     "h:x", "[::1", "a@b", "a/b", "a?b", "a#b", "", " ", "UPPER.Case:80"]),
    st.text(st.characters(min_codepoint=32, max_codepoint=255), max_size=20),
)
PATHS = st.one_of(
    st.sampled_from(["/", "/api/lti/courses/1/line_items", "//double", "/a?b", "/a#b", "/%2F", "/ü", "/a\\b", "/a\tb\n",
                     "/\r", "/ a ", "/\x00\x1f"]),
    st.text(st.characters(min_codepoint=0, max_codepoint=0x2FF), max_size=12).map(lambda text: "/" + text),
)
SERVERS = st.one_of(st.none(), st.sampled_from([("127.0.0.1", 8000), ("::1", 80), ("localhost", 443), ("h", 80)]))


def _scope(scheme: str, host: str | None, path: str, query: bytes, server: Any) -> dict[str, Any]:
    headers = [(b"accept", b"*/*")] + ([(b"host", host.encode("latin-1"))] if host is not None else [])
    return {"type": "http", "scheme": scheme, "server": server, "path": path, "query_string": query,
            "headers": headers, "method": "GET"}


#: UTF-8 query strings: request validation refuses others before a handler reads the URL
#: (tests/test_unencodable_text.py), and Starlette's ``request.url`` raises for them.
QUERIES = st.one_of(st.sampled_from([b"", b"a=1", b"x=%3F#", b"a=\tb", b"q=\xc3\xa9", b"a=\x00\n"]),
                    st.text(max_size=8).map(str.encode))


def _outcome(compute: Any) -> Any:
    try:
        return compute()
    except (ValueError, UnicodeDecodeError) as exc:  # what Starlette raises, the fast paths must raise
        return type(exc)


@settings(max_examples=300)
@given(st.sampled_from(["http", "https"]), HOSTS, PATHS, QUERIES, SERVERS)
def test_origin_is_starlettes_for_the_whole_url(scheme: str, host: str | None, path: str, query: bytes,
                                                server: Any) -> None:
    request = Request(_scope(scheme, host, path, query, server))
    try:
        expected = f"{request.url.scheme}://{request.url.netloc}"
    except ValueError as exc:  # urlsplit refuses some Host headers: so must the cached origin
        expected = type(exc)
    try:
        got: Any = RequestContext(state=None, request=request, auth=None).base_url  # type: ignore[arg-type]
    except ValueError as exc:
        got = type(exc)
    assert got == expected


def test_the_first_host_header_counts_as_in_starlette() -> None:
    scope = _scope("http", "first.test", "/", b"", None)
    scope["headers"].append((b"host", b"second.test"))
    assert RequestContext(state=None, request=Request(scope), auth=None).base_url == "http://first.test"  # type: ignore[arg-type]


@settings(max_examples=500)
@given(st.sampled_from(["http", "https"]), HOSTS, PATHS, QUERIES, SERVERS)
def test_url_and_path_are_starlettes(scheme: str, host: str | None, path: str, query: bytes, server: Any) -> None:
    """``ctx.url`` (NRPS ``id``) and ``ctx.path`` (Link headers) are built from the cached origin."""
    request = Request(_scope(scheme, host, path, query, server))
    context = RequestContext(state=None, request=Request(request.scope), auth=None)  # type: ignore[arg-type]
    assert _outcome(lambda: context.url) == _outcome(lambda: str(request.url))
    assert _outcome(lambda: context.path) == _outcome(lambda: request.url.path)
