"""Deliberately broken mocks: each breaks one thing the conformance suite must catch."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from mockserver import create_app
from mockserver.handlers import HANDLERS

#: (method, path, query, status, headers, body) -> (status, headers, body)
Rewrite = Callable[[str, str, str, int, dict[str, str], bytes], tuple[int, dict[str, str], bytes]]


class RewritingApp:
    """ASGI wrapper that buffers each response and lets ``rewrite`` change it."""

    def __init__(self, app: Any, rewrite: Rewrite, request_headers: Callable[[Any], None] | None = None) -> None:
        self.app, self.rewrite, self.request_headers = app, rewrite, request_headers

    def __getattr__(self, name: str) -> Any:
        return getattr(self.app, name)

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if self.request_headers is not None:
            self.request_headers(scope)
        start: dict[str, Any] = {}
        chunks: list[bytes] = []

        async def capture(message: Any) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
                if not message.get("more_body"):
                    headers = {k.decode().lower(): v.decode() for k, v in start.get("headers", [])}
                    status, headers, body = self.rewrite(
                        scope["method"], scope["path"], scope.get("query_string", b"").decode(),
                        start["status"], headers, b"".join(chunks))
                    headers["content-length"] = str(len(body))
                    await send({"type": "http.response.start", "status": status,
                                "headers": [(k.encode(), v.encode()) for k, v in headers.items()]})
                    await send({"type": "http.response.body", "body": body})

        await self.app(scope, receive, capture)


LINE_ITEM_PATH = re.compile(r"^/api/lti/courses/\d+/line_items/\d+$")
LINE_ITEMS_PATH = re.compile(r"^/api/lti/courses/\d+/line_items$")


def wrap(rewrite: Rewrite, request_headers: Callable[[Any], None] | None = None) -> Any:
    return RewritingApp(create_app(), rewrite, request_headers)


@contextmanager
def patched_handler(operation_id: str, replacement: Callable[[Any], Any]) -> Iterator[Any]:
    """A mock built while ``HANDLERS[operation_id]`` is replaced (restored on exit)."""
    original = HANDLERS[operation_id]
    HANDLERS[operation_id] = replacement(original)
    try:
        yield create_app()
    finally:
        HANDLERS[operation_id] = original


# -- response rewrites ----------------------------------------------------------------------------


def wrong_media_type(method: str, path: str, query: str, status: int, headers: dict[str, str], body: bytes):
    if method == "GET" and LINE_ITEM_PATH.match(path) and status == 200:
        headers["content-type"] = "application/json"
    return status, headers, body


def server_error_on_tag(method: str, path: str, query: str, status: int, headers: dict[str, str], body: bytes):
    if method == "GET" and LINE_ITEMS_PATH.match(path) and "tag=" in query:
        return 500, {"content-type": "application/json"}, b'{"errors":[{"message":"An error occurred."}]}'
    return status, headers, body


def spaced_link_header(method: str, path: str, query: str, status: int, headers: dict[str, str], body: bytes):
    if "link" in headers:
        headers["link"] = headers["link"].replace(">; rel=", ">;rel=").replace(",<", ", <")
    return status, headers, body


def wrong_error_shape(method: str, path: str, query: str, status: int, headers: dict[str, str], body: bytes):
    if "/line_items" in path and status >= 400 and body:  # any LTI error on the line item routes
        body = b'{"message":"not found"}'
    return status, headers, body


def created_as_200(method: str, path: str, query: str, status: int, headers: dict[str, str], body: bytes):
    if method == "POST" and LINE_ITEMS_PATH.match(path) and status == 201:
        status = 200
    return status, headers, body


def accepts_invalid_body(method: str, path: str, query: str, status: int, headers: dict[str, str], body: bytes):
    if method == "POST" and LINE_ITEMS_PATH.match(path) and status == 400:
        course = path.split("/")[4]
        item = {"id": f"http://testserver/api/lti/courses/{course}/line_items/999", "scoreMaximum": 1.0, "label": "x"}
        return 201, {"content-type": "application/vnd.ims.lis.v2.lineitem+json"}, json.dumps(item).encode()
    return status, headers, body


def relative_ids(method: str, path: str, query: str, status: int, headers: dict[str, str], body: bytes):
    if LINE_ITEM_PATH.match(path) and status == 200:
        body = body.replace(b"http://testserver/api/lti/courses/", b"http://canvas.invalid/api/lti/courses/")
    return status, headers, body


def unchanged(method: str, path: str, query: str, status: int, headers: dict[str, str], body: bytes):
    return status, headers, body


def auth_injector(token: str) -> Callable[[Any], None]:
    """Requests to the line item list without credentials get the tool's token: auth not enforced."""

    def inject(scope: Any) -> None:
        headers = scope["headers"]
        if (scope["method"] == "GET" and LINE_ITEMS_PATH.match(scope["path"])
                and not any(k.lower() == b"authorization" for k, _ in headers)):
            scope["headers"] = [*headers, (b"authorization", f"Bearer {token}".encode())]

    return inject


# -- handler replacements -------------------------------------------------------------------------


def drop_label(original: Any) -> Any:
    async def handler(ctx: Any, **params: Any) -> Any:
        response = await original(ctx, **params)
        body = json.loads(response.body)
        body.pop("label", None)
        response.body = json.dumps(body).encode()
        response.headers["content-length"] = str(len(response.body))
        return response

    return handler


def forget_scores(original: Any) -> Any:
    """Answers like Canvas but never stores the score."""

    async def handler(ctx: Any, course_id: int, body: Any = None, **params: Any) -> Any:
        from mockserver.canvas.errors import json_response

        world = ctx.world
        snapshot = {k: (v.score_given, v.updated_at) for k, v in world.results.items()}
        response = await original(ctx, course_id=course_id, body=body, **params)
        for result_id, (given, updated) in snapshot.items():
            world.results[result_id].score_given, world.results[result_id].updated_at = given, updated
        for result_id in set(world.results) - set(snapshot):
            world.results[result_id].score_given = None
        return response if response.status_code != 200 else json_response(
            json.loads(response.body), media_type=response.media_type)

    return handler


def fake_delete(original: Any) -> Any:
    """204 without deleting anything."""

    async def handler(ctx: Any, **params: Any) -> Any:
        from starlette.responses import Response

        return Response(status_code=204)

    return handler
