"""The launch's last hop through the mock, so the mock sees the tool's answer.

In Canvas the browser posts the id_token straight to the tool, and what the tool answers is
between the two of them. A browser cannot tell a page its frame's HTTP status, so for the
console to say "the tool answered 500" or "nothing listens there", the mock makes that post
itself: the authorize page posts to ``/__mock__/launches/{id}/deliver``, which posts the same
fields to the registered ``redirect_uri`` and hands the answer back to the browser.

That is only transparent when the tool would get the same request either way, cookies
included. Browsers scope cookies by host name, not port, so a tool on the mock's host name
(``127.0.0.1:8000`` beside the mock's ``127.0.0.1:8080``, or the demo tool inside the mock)
receives the cookies it set at login: :func:`relayable` allows the relay only there. A tool's
page served this way gets a ``<base>`` so its relative links and forms still go to the tool;
a redirect is passed on with its ``Location`` made absolute, so the browser carries on with
the tool directly.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from html import escape
from urllib.parse import urljoin, urlsplit

import httpx

TIMEOUT = 30.0
#: How long :func:`unreachable` waits for a TCP connection before letting the browser try.
CONNECT_TIMEOUT = 3.0
#: Request headers the browser would have sent the tool itself.
FORWARDED = ("user-agent", "accept", "accept-language", "cookie", "origin", "referer")
#: Response headers passed back to the browser (others describe the tool's own origin).
PASSED_BACK = ("content-type", "set-cookie", "cache-control")
HEAD_TAG = re.compile(rb"<head(?:\s[^>]*)?>", re.I)
BASE_TAG = re.compile(rb"<base[\s>]", re.I)


def host_of(url: str) -> str | None:
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    return parts.hostname if parts.scheme in ("http", "https") else None


def relayable(url: str, mock_base_url: str) -> bool:
    """Whether the tool at ``url`` shares the mock's host name (and so the browser's cookies)."""
    host = host_of(url)
    return host is not None and host == host_of(mock_base_url)


@dataclass
class ToolAnswer:
    """What came back from the tool; ``error`` when nothing did."""

    url: str
    status: int | None = None
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""
    error: str | None = None

    @property
    def content_type(self) -> str:
        return next((v for k, v in self.headers if k == "content-type"), "")

    @property
    def is_html(self) -> bool:
        return self.content_type.split(";", 1)[0].strip().lower() in ("text/html", "application/xhtml+xml")

    @property
    def location(self) -> str | None:
        found = next((v for k, v in self.headers if k == "location"), None)
        return urljoin(self.url, found) if found else None


async def post_form(url: str, fields: Mapping[str, str], browser_headers: Mapping[str, str]) -> ToolAnswer:
    """POST ``fields`` to ``url`` as the browser would have, without following redirects."""
    headers = {name: browser_headers[name] for name in FORWARDED if name in browser_headers}
    try:
        async with httpx.AsyncClient(timeout=TIMEOUT, follow_redirects=False) as client:
            response = await client.post(url, data=dict(fields), headers=headers)
    except httpx.TimeoutException:
        return ToolAnswer(url, error=f"no answer within {TIMEOUT:g} seconds")
    except httpx.HTTPError as exc:
        return ToolAnswer(url, error=connection_problem(exc))
    return ToolAnswer(url, response.status_code, [(k.lower(), v) for k, v in response.headers.multi_items()],
                      response.content)


def connection_problem(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    if "refused" in text.lower() or isinstance(exc, ConnectionRefusedError):
        return "connection refused: nothing listens at that address"
    return text


def with_base(body: bytes, url: str) -> bytes:
    """The page with ``<base href=url>`` first in its head, unless it sets its own base."""
    if BASE_TAG.search(body):
        return body
    tag = f'<base href="{escape(url)}">'.encode()
    head = HEAD_TAG.search(body)
    return body[:head.end()] + tag + body[head.end():] if head else tag + body


async def unreachable(url: str) -> str | None:
    """Why nothing can be reached at ``url``'s host and port, or None (reachable, or no answer
    within :data:`CONNECT_TIMEOUT`, which the browser may still get past)."""
    try:
        parts = urlsplit(url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as exc:
        return f"not a usable URL ({exc})"
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "not an http(s) URL"
    try:
        _, writer = await asyncio.wait_for(asyncio.open_connection(parts.hostname, port), CONNECT_TIMEOUT)
    except TimeoutError:
        return None
    except OSError as exc:
        return connection_problem(exc)
    writer.close()
    with contextlib.suppress(OSError):
        await writer.wait_closed()
    return None
