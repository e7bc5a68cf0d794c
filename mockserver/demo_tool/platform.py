"""How the demo tool reaches its platform: over HTTP, through the mock's own ASGI app.

The demo tool is an ordinary tool from the mock's point of view: it fetches the platform's JWKS,
asks the token endpoint for a client-credentials token and posts scores with the requests any
vendor's tool sends, and they go through the whole app (journal, faults, throttle, Canvas's
filter chain). Only the transport is short: the requests are handed to the app in-process
instead of a socket, so they work however the mock is reached (a name, an address, a port
mapped by Docker, the in-process ``testserver``) and never wait on the event loop that is
serving the launch itself. Each runs in a task of its own, so what the app keeps in context
variables for one request never leaks into the one that made it.

What the tool knows of its platform — issuer, endpoints, the developer keys there and their
deployments — it reads from ``GET /__mock__/config``, as a vendor's test setup configures its tool
from the mock. Which of those keys are registered with *this* tool is ``registry.py``'s business.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

import httpx

#: The in-process client address the app sees for the demo tool's requests.
CLIENT = ("127.0.0.1", 0)
TIMEOUT = 30.0


class PlatformError(Exception):
    """The platform answered something the tool cannot use; the message says what, for the page."""


def _in_own_task(app: Any) -> Any:
    """The ASGI ``app``, each request run in a task of its own (see the module docstring).

    A wrapper around the app rather than a transport subclass: subclassing one of httpx's classes
    at import would load httpx (and its command-line client) with the app, before any tool runs."""

    async def run(scope: Any, receive: Any, send: Any) -> None:
        await asyncio.get_running_loop().create_task(app(scope, receive, send))

    return run


@dataclass(frozen=True)
class PlatformKey:
    """A developer key of the platform, as ``/__mock__/config`` lists it."""

    client_id: str
    name: str
    kid: str
    deployment_ids: frozenset[str]


@dataclass(frozen=True)
class Platform:
    """The platform's configuration as the tool uses it."""

    issuer: str
    authorize_url: str
    jwks_url: str
    token_url: str
    #: client id -> the developer key (which of them are registered with the tool: ``registry.py``)
    keys: dict[str, PlatformKey]


class PlatformClient:
    """HTTP to the platform at ``origin`` (the scheme and host the tool itself was reached by)."""

    def __init__(self, app: Any, origin: str) -> None:
        self.app = app
        self.origin = origin

    def client(self) -> httpx.AsyncClient:
        transport = httpx.ASGITransport(_in_own_task(self.app), client=CLIENT)
        return httpx.AsyncClient(transport=transport, base_url=self.origin, timeout=TIMEOUT)

    async def get_json(self, url: str, **kwargs: Any) -> Any:
        async with self.client() as http:
            response = await http.get(url, **kwargs)
        if response.status_code != 200:
            raise PlatformError(f"GET {url} answered {response.status_code}: {response.text[:300]}")
        try:
            return response.json()
        except ValueError:
            raise PlatformError(f"GET {url} did not answer JSON") from None

    async def platform(self) -> Platform:
        config = await self.get_json("/__mock__/config")
        keys = [PlatformKey(client_id=str(tool["client_id"]), name=str(tool.get("name") or ""), kid=str(tool.get("kid") or ""),
                            deployment_ids=frozenset(str(d) for d in tool.get("deployment_ids") or []))
                for tool in config.get("tools", [])]
        return Platform(issuer=config["issuer"], authorize_url=config["authorize_url"], jwks_url=config["jwks_url"],
                        token_url=config["token_url"], keys={key.client_id: key for key in keys})

    async def jwks(self, platform: Platform) -> dict[str, Any]:
        body = await self.get_json(platform.jwks_url)
        if not isinstance(body, dict) or not isinstance(body.get("keys"), list):
            raise PlatformError(f"the platform JWKS at {platform.jwks_url} is not a key set")
        return body

    async def send(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        async with self.client() as http:
            return await http.request(method, url, **kwargs)
