"""What the demo tool remembers between requests: logins in flight, verified launches, and the
client ids it was registered with besides the fixtures' (``registry.py``).

A strict tool binds the id_token it receives to the login it started, and to the browser that
started it: the ``state`` it sent must come back, once, with the ``nonce`` it chose inside the
token, from a browser holding the cookie the login set (so an id_token and state obtained in
another browser cannot be planted in this one: login CSRF). The tool keeps the login server-side,
single use, for ten minutes of the mock clock; the cookie carries a secret of that login (the
mock serves the tool on its own origin, so the console's frames are same-site and a
``SameSite=Lax`` cookie reaches the launch, relayed or not). A verified launch is kept under an
unguessable id that the tool's pages post back (score, deep linking choice). Everything is
bounded: the oldest entries go first.
"""

from __future__ import annotations

import secrets
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

LOGIN_TTL = 600.0
KEPT = 256


@dataclass(frozen=True)
class PendingLogin:
    state: str
    nonce: str
    client_id: str
    deployment_id: str | None
    target_link_uri: str
    started_at: float
    #: What the login's cookie holds (``cookie_name(state)``): the browser that started the login.
    browser_secret: str = ""


@dataclass(frozen=True)
class Launch:
    """A launch the tool verified: what its pages need to act on it."""

    id: str
    claims: dict[str, Any]
    client_id: str
    origin: str


class _Bounded(OrderedDict[str, Any]):
    def keep(self, key: str, value: Any) -> None:
        self[key] = value
        while len(self) > KEPT:
            self.popitem(last=False)


#: The login cookie's name prefix, and its path: the tool's own requests and the mock's launch relay
#: (``/__mock__/launches/{id}/deliver``, which forwards the browser's cookies to the tool), not Canvas's APIs.
COOKIE_PREFIX = "demo_tool_state_"
COOKIE_PATH = "/__mock__/"


def cookie_name(state: str) -> str:
    """One cookie per login, so that logins in two frames of one browser do not overwrite each other."""
    return COOKIE_PREFIX + state


def same_secret(given: str | None, login: PendingLogin | None) -> bool:
    return login is not None and given is not None and secrets.compare_digest(given, login.browser_secret)


@dataclass
class DemoToolState:
    """The demo tool's memory, owned by one app (two apps never share a login), and the app it
    reaches its platform through (``platform.py``; set by ``create_app``)."""

    app: Any = None
    logins: _Bounded = field(default_factory=_Bounded)
    launches: _Bounded = field(default_factory=_Bounded)
    seen_nonces: _Bounded = field(default_factory=_Bounded)
    #: client id -> how the tool got it (dynamic registration, or added on its page); the fixtures' are read
    clients: _Bounded = field(default_factory=_Bounded)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def start_login(self, *, client_id: str, deployment_id: str | None, target_link_uri: str, now: float) -> PendingLogin:
        login = PendingLogin(state=secrets.token_urlsafe(24), nonce=secrets.token_urlsafe(24), client_id=client_id,
                             deployment_id=deployment_id, target_link_uri=target_link_uri, started_at=now,
                             browser_secret=secrets.token_urlsafe(24))
        with self.lock:
            self.logins.keep(login.state, login)
        return login

    def finish_login(self, state: str, now: float) -> PendingLogin | None:
        """The login ``state`` names, once; None when unknown, used or older than ten minutes."""
        with self.lock:
            login = self.logins.pop(state, None)
        return login if login is not None and now - login.started_at <= LOGIN_TTL else None

    def nonce_seen(self, nonce: str) -> bool:
        """Whether a launch already used ``nonce`` (and remember it from now on)."""
        with self.lock:
            seen = nonce in self.seen_nonces
            self.seen_nonces.keep(nonce, True)
        return seen

    def keep_launch(self, claims: dict[str, Any], client_id: str, origin: str) -> Launch:
        launch = Launch(id=secrets.token_urlsafe(18), claims=claims, client_id=client_id, origin=origin)
        with self.lock:
            self.launches.keep(launch.id, launch)
        return launch

    def launch(self, launch_id: str) -> Launch | None:
        with self.lock:
            return self.launches.get(launch_id)

    def remember_client(self, client_id: str, how: str) -> None:
        """A client id registered with this tool from now on (``how``: where it came from, for its page)."""
        with self.lock:
            self.clients.keep(client_id, how)

    def known_clients(self) -> dict[str, str]:
        with self.lock:
            return dict(self.clients)

    def forget_clients(self) -> None:
        """The world was reset: the keys behind the learned client ids are gone, and the ids will
        name other keys (the mock numbers keys from the fixtures' last one again)."""
        with self.lock:
            self.clients.clear()
