"""Request media types are case-insensitive, as Rack reads them.

Rack takes a request's media type as the Content-Type up to the first ``;`` or ``,``, lower-cased
(``Rack::MediaType.type``), so Canvas parses ``APPLICATION/JSON`` as JSON. connexion matches the
spec's media types exactly; lower-casing the type before validation gives Canvas's reading (and
not a body handed through unparsed). Parameters such as ``charset=…`` are left as sent.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send


def _lowered(value: bytes) -> bytes:
    media_type, sep, rest = value.partition(b";")
    return media_type.lower() + sep + rest


class LowercaseMediaTypeMiddleware:
    def __init__(self, app: ASGIApp, **_: object) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            headers = scope.get("headers") or ()
            if any(name == b"content-type" and value != _lowered(value) for name, value in headers):
                scope = dict(scope, headers=[(name, _lowered(value) if name == b"content-type" else value)
                                             for name, value in headers])
        await self.app(scope, receive, send)
