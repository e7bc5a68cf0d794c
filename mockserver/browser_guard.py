"""What a browser may ask of the mock: guards against DNS rebinding and cross-site requests.

The mock holds test keys and tokens and lets anyone reset or rewrite its world, so a web page
the developer happens to visit must not be able to drive it. Two rules, checked before anything
else reads a request:

- **The Host header must name the mock** (:class:`AllowedHosts`). A page on a name the attacker
  re-points at 127.0.0.1 (DNS rebinding) is same-origin with the mock as far as the browser is
  concerned, but its requests carry that name in ``Host`` and are refused, on every path.
- **State-changing ``/__mock__/`` requests from a browser must come from the mock's own pages.**
  A browser marks every request it sends: ``Sec-Fetch-Site`` (to localhost and HTTPS origins)
  and, on any POST, ``Origin``. A request whose ``Sec-Fetch-Site`` is not ``same-origin`` (or
  ``none``, typed by the user), or whose ``Origin`` is not the request's own, is refused. A
  request with neither header is not a browser's (curl, httpx, the pytest plugin, the
  conformance suite) and passes: a page on another site cannot send a POST without them, and
  cannot send PUT or DELETE at all without a CORS preflight the mock never grants.

A refused request that a browser navigated to (a form's submission: ``Sec-Fetch-Mode: navigate``,
or no ``Sec-Fetch-Mode`` at all, with ``text/html`` in ``Accept``) gets the console's page saying
why; ``fetch`` and every other client get the JSON error.

The demo tool (``/__mock__/demo-tool/``) is a tool, not control: a launch posts to it across
sites, as Canvas does to any tool, and it checks what it is sent itself (state, nonce, signature).
Its settings (the client ids registered with it) are control, though: trusting a client id is
the mock's owner's decision, not a page's.
"""

from __future__ import annotations

import functools
import ipaddress
import socket
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from .canvas.errors import api_error
from .canvas.text import printable

CONTROL_PREFIX = "/__mock__/"
#: Under the control prefix but a tool's own endpoints (see the module docstring) …
TOOL_PREFIX = "/__mock__/demo-tool/"
#: … except the one that changes what the tool trusts (the client ids registered with it).
TOOL_SETTINGS = frozenset({"/__mock__/demo-tool/registrations"})
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
#: ``Sec-Fetch-Site`` values of a request the mock's own page (or the user) made.
OWN_SITE = frozenset({b"same-origin", b"none"})
#: The name Starlette's and the mock's in-process clients send (``mockserver/inprocess.py``).
IN_PROCESS_HOST = "testserver"
MAX_SHOWN_HOST = 80


def host_name(host: str) -> str:
    """The lowercased name of a ``Host`` value: port, IPv6 brackets and a final dot removed."""
    host = host.strip().lower()
    if host.startswith("["):
        return host[1:].partition("]")[0]
    if host.count(":") == 1:
        host = host.partition(":")[0]
    return host.rstrip(".")


def _is_ip(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


def check_allowed_host(value: str) -> str:
    """An ``--allow-host`` value, normalised: a name, ``.domain`` (the domain and every name
    under it; ``*.domain`` is the same) or ``*`` (any host). Raises ValueError for anything else."""
    text = value.strip().lower()
    if text.startswith("*."):
        text = text[1:]
    if text == "*":
        return text
    if text in ("", ".") or any(c in text for c in "/@*\\ \t"):
        raise ValueError(f"--allow-host {value!r}: expected a host name such as mock.example.test, "
                         ".example.test (the domain and its subdomains) or * (any host), not a URL")
    return text if text.startswith(".") else host_name(text)


@dataclass(frozen=True)
class AllowedHosts:
    """The names a request's ``Host`` may carry: loopback names (``localhost``, ``*.localhost``),
    any IP address (a rebinding page has a name, never an address), the in-process clients'
    ``testserver``, and ``extra`` (the host the mock was started on, ``--allow-host`` values)."""

    extra: frozenset[str] = frozenset()

    @classmethod
    def of(cls, names: Iterable[str]) -> AllowedHosts:
        extra = {check_allowed_host(name) for name in names if name and name.strip()}
        if extra & {"0.0.0.0", "::"}:  # started on every interface: the machine's own name too
            extra.add(host_name(socket.gethostname()))
        return cls(frozenset(extra))

    def allows(self, name: str) -> bool:
        if "*" in self.extra or name in self.extra or name == IN_PROCESS_HOST:
            return True
        if name == "localhost" or name.endswith(".localhost") or _is_ip(name):
            return True
        return any(allowed.startswith(".") and (name == allowed[1:] or name.endswith(allowed))
                   for allowed in self.extra)


@functools.lru_cache(maxsize=512)
def _host_verdict(allowed: AllowedHosts, host: bytes) -> bool:
    """Worked out once per (allowed set, Host value): a client sends the same Host every time."""
    return allowed.allows(host_name(host.decode("latin-1")))


def is_control(path: str) -> bool:
    """Whether a state-changing request to ``path`` must come from the mock's own pages."""
    return path.startswith(CONTROL_PREFIX) and (not path.startswith(TOOL_PREFIX) or path in TOOL_SETTINGS)


def cross_site(method: str, path: str, headers: Iterable[tuple[bytes, bytes]], host: bytes | None) -> bool:
    """True for a state-changing control request that a browser sent from another site."""
    if method in SAFE_METHODS or not is_control(path):
        return False
    fetch_site = origin = None
    for key, value in headers:
        if key == b"sec-fetch-site":
            fetch_site = value.strip().lower()
        elif key == b"origin":
            origin = value.strip().lower()
    if fetch_site is not None:
        return fetch_site not in OWN_SITE
    if origin is None:
        return False  # not a browser
    netloc = origin.partition(b"://")[2]
    return not netloc or host is None or netloc != host.strip().lower()


def navigated(headers: Iterable[tuple[bytes, bytes]]) -> bool:
    """Whether a browser is showing the answer as a page (a form it submitted) rather than handing
    it to a script: ``Sec-Fetch-Mode: navigate`` (or none sent) and ``text/html`` accepted."""
    mode = accept = None
    for key, value in headers:
        if key == b"sec-fetch-mode":
            mode = value.strip().lower()
        elif key == b"accept":
            accept = value.lower()
    return mode in (None, b"navigate") and accept is not None and b"text/html" in accept


HOST_REFUSED = ("Blocked host {host!r}: this mock answers requests addressed to localhost, an IP address, the host "
                "it was started on or a name given with `canvas-lti mock --allow-host NAME` (a guard against DNS "
                "rebinding: a web page must not reach the mock through a name of its own).")
CROSS_SITE_REFUSED = ("Cross-site request refused: {method} {path} changes the mock's state, and a browser may send "
                      "it only from the mock's own pages (Origin / Sec-Fetch-Site). Scripts and test clients that "
                      "send no browser headers are not affected.")
#: The page a browser shows for it: the same reason, for a person who followed a form from another site.
CROSS_SITE_PAGE = [
    "{method} {path} changes the mock's state (its world, keys, clock, faults or what its demo tool trusts), and the "
    "mock takes such a request "
    "from a browser only when the mock's own pages send it. This one came from a page on another site ({site}), "
    "so it was refused and nothing changed.",
    "If you meant to do this, use the console; scripts, curl and test clients, which send no browser headers, "
    "are not affected.",
]


class BrowserGuardMiddleware:
    """Refuse, with a 403 in Canvas's generic error shape, requests to a foreign Host and
    cross-site requests that would change the mock's state (see the module docstring); ``state``
    (the app's) gives the refusal page its header."""

    def __init__(self, app: ASGIApp, allowed_hosts: AllowedHosts, state: Any = None) -> None:
        self.app = app
        self.allowed_hosts = allowed_hosts
        self.state = state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = scope.get("headers", ())
        host = next((value for key, value in headers if key == b"host"), None)
        if host is not None and not _host_verdict(self.allowed_hosts, host):
            shown = printable(host_name(host.decode("latin-1"))[:MAX_SHOWN_HOST])
            await api_error(403, HOST_REFUSED.format(host=shown)).response()(scope, receive, send)
            return
        method, path = scope.get("method", ""), scope.get("path", "")
        if cross_site(method, path, headers, host):
            shown = printable(path[:MAX_SHOWN_HOST])
            if navigated(headers) and self.state is not None:
                await self._page(scope, method, shown, headers)(scope, receive, send)
                return
            message = CROSS_SITE_REFUSED.format(method=method, path=shown)
            await api_error(403, message).response()(scope, receive, send)
            return
        await self.app(scope, receive, send)

    def _page(self, scope: Scope, method: str, path: str, headers: Iterable[tuple[bytes, bytes]]) -> Any:
        from .ui.error_pages import console_page  # Jinja2 loads with the first page, not with the app

        origin = next((value for key, value in headers if key == b"origin"), b"")
        site = printable(origin.decode("latin-1")[:MAX_SHOWN_HOST]) if origin else "not the mock's own"
        reasons = [text.format(method=method, path=path, site=site) for text in CROSS_SITE_PAGE]
        links = [{"href": "/__mock__/ui/", "text": "Open the console"}]
        return console_page(Request(scope), self.state, "Cross-site request refused", reasons, links, 403)
