"""The attacker's own web site, served by the probe on loopback.

Header-injection cases point ``jku``/``x5u`` at a key set or certificate served here, and the
open-redirect case points ``target_link_uri`` at a page here: every request is recorded, so
the report says whether the tool fetched the attacker's key (a server-side request forgery
even when the launch is then refused) or sent the browser to the attacker. Each case gets
paths of its own (a random prefix), so one case's fetch is never counted for another.
"""

from __future__ import annotations

import secrets
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass(frozen=True)
class Hit:
    path: str
    client: str
    user_agent: str


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self) -> None:
        site = self.server.site
        path = self.path.split("?", 1)[0]
        site.record(Hit(path, self.client_address[0], self.headers.get("user-agent", "")))
        body, content_type = site.pages.get(path, (b"not found", "text/plain"))
        self.send_response(200 if path in site.pages else 404)
        self.send_header("content-type", content_type)
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        """Silent: the hits are the record."""


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    site: AttackerSite


class AttackerSite:
    """Serves registered pages on ``http://127.0.0.1:<free port>`` until :meth:`close`."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.pages: dict[str, tuple[bytes, str]] = {}
        self._hits: list[Hit] = []
        self._lock = threading.Lock()
        self._server = _Server((host, 0), _Handler)
        self._server.site = self
        self.origin = f"http://{host}:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, name="probe-attacker-site", daemon=True)
        self._thread.start()

    def serve(self, name: str, body: bytes, content_type: str) -> str:
        """Publish ``body`` under a fresh path ending in ``name``; returns its URL."""
        path = f"/{secrets.token_hex(6)}/{name}"
        self.pages[path] = (body, content_type)
        return self.origin + path

    def record(self, hit: Hit) -> None:
        with self._lock:
            self._hits.append(hit)

    def hits(self, url: str) -> list[Hit]:
        path = url.removeprefix(self.origin).split("?", 1)[0]
        with self._lock:
            return [h for h in self._hits if h.path == path]

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)
