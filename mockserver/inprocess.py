"""Call an ASGI app in the calling thread: the in-process client of our tests and of the suite.

Starlette's TestClient and schemathesis's ASGI transport run the app on an event loop in another
thread and hand every ASGI message across threads. On a 2-core VM that costs 2.7–7 ms per
request, 10–50× what the mock itself spends. Here httpx's own ``ASGITransport`` runs on an event
loop the transport owns, in the caller's thread: a request costs what the app costs plus httpx's
bookkeeping. The app sees the same scope either way (httpx builds it).
"""

from __future__ import annotations

import asyncio
import http.client
import io
import threading
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import httpx
import requests
import requests.adapters
import urllib3

#: What Starlette's TestClient calls itself, so journals and logs read the same.
CLIENT = ("testclient", 50000)
BASE_URL = "http://testserver"
T = TypeVar("T")


class InThreadTransport(httpx.BaseTransport):
    """A synchronous httpx transport that answers from ``app`` on a private event loop."""

    def __init__(self, app: Any, *, raise_app_exceptions: bool = True) -> None:
        self.app = app
        self._asgi = httpx.ASGITransport(app, raise_app_exceptions=raise_app_exceptions, client=CLIENT)
        # One loop per calling thread: a client shared by threads must not re-enter a running loop.
        self._local = threading.local()
        self._loops: list[asyncio.AbstractEventLoop] = []
        self._lock = threading.Lock()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        request.read()  # a sync body becomes a ByteStream, which ASGITransport can iterate
        return self._run(self._answer(request))

    async def _answer(self, request: httpx.Request) -> httpx.Response:
        response = await self._asgi.handle_async_request(request)
        body = b"".join([part async for part in response.stream])  # type: ignore[union-attr]
        return httpx.Response(response.status_code, headers=response.headers.raw, stream=httpx.ByteStream(body),
                              request=request)

    def _run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return self._thread_loop().run_until_complete(coroutine)
        # Called from async code (an async test): that thread's loop is busy, so use a worker thread.
        with ThreadPoolExecutor(1) as worker:
            return worker.submit(asyncio.run, coroutine).result()

    def _thread_loop(self) -> asyncio.AbstractEventLoop:
        loop: asyncio.AbstractEventLoop | None = getattr(self._local, "loop", None)
        if loop is None or loop.is_closed():
            loop = self._local.loop = asyncio.new_event_loop()
            with self._lock:
                self._loops.append(loop)
        return loop

    def close(self) -> None:
        with self._lock:
            loops, self._loops = self._loops, []
        for loop in loops:
            if not loop.is_running():
                loop.close()


class InProcessClient(httpx.Client):
    """An httpx client for an ASGI app, answered in the calling thread. Defaults follow
    Starlette's TestClient: base URL ``http://testserver``, redirects followed, app exceptions raised."""

    def __init__(self, app: Any, base_url: str = BASE_URL, *, raise_app_exceptions: bool = True,
                 follow_redirects: bool = True, **kwargs: Any) -> None:
        kwargs.setdefault("headers", {"user-agent": CLIENT[0]})
        super().__init__(base_url=base_url, transport=InThreadTransport(app, raise_app_exceptions=raise_app_exceptions),
                         follow_redirects=follow_redirects, **kwargs)
        self.app = app


class _Original:
    """What ``requests`` reads cookies from (``raw._original_response.msg``)."""

    def __init__(self, headers: list[tuple[str, str]]) -> None:
        self.msg = http.client.HTTPMessage()
        for name, value in headers:
            self.msg[name] = value
        self.closed = False

    def isclosed(self) -> bool:
        return self.closed

    def close(self) -> None:
        self.closed = True


class InThreadAdapter(requests.adapters.HTTPAdapter):
    """The same transport behind a ``requests`` session, for code written against ``requests``
    (the conformance suite's session, and schemathesis's ``case.call`` through it)."""

    def __init__(self, app: Any) -> None:
        super().__init__()
        self.transport = InThreadTransport(app)

    def send(self, request: requests.PreparedRequest, stream: bool = False, timeout: Any = None,  # type: ignore[override]
             verify: Any = True, cert: Any = None, proxies: Any = None) -> requests.Response:
        body = request.body
        if body is None:
            content = b""
        elif isinstance(body, str):
            content = body.encode("utf-8")
        elif isinstance(body, bytes | bytearray):
            content = bytes(body)
        elif hasattr(body, "read"):
            content = body.read()
        else:  # an iterable of chunks
            content = b"".join(chunk.encode("utf-8") if isinstance(chunk, str) else chunk for chunk in body)
        answer = self.transport.handle_request(
            httpx.Request(str(request.method), str(request.url), headers=list(request.headers.items()), content=content))
        headers = [(name.decode("latin-1"), value.decode("latin-1")) for name, value in answer.headers.raw]
        raw = urllib3.HTTPResponse(body=io.BytesIO(answer.read()), headers=headers, status=answer.status_code,
                                   reason=answer.reason_phrase, version=11, preload_content=False,
                                   request_method=request.method, original_response=_Original(headers))
        return self.build_response(request, raw)

    def close(self) -> None:
        super().close()
        self.transport.close()


def in_thread_session(app: Any) -> requests.Session:
    """A ``requests`` session whose every request is answered by ``app`` in this thread."""
    session = requests.Session()
    adapter = InThreadAdapter(app)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session
