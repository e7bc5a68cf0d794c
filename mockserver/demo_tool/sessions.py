"""What the demo tool remembers between requests: logins in flight and verified launches.

A strict tool binds the id_token it receives to the login it started: the ``state`` it sent must
come back, once, with the ``nonce`` it chose inside the token. Tools usually keep that in a
cookie; the demo tool runs in iframes of another site (Canvas's pages, here the console), where
browsers refuse such cookies over plain HTTP, so it keeps both server-side, single use, for ten
minutes of the mock clock. A verified launch is kept under an unguessable id that the tool's
pages post back (score, deep linking choice). Everything is bounded: the oldest entries go first.
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


@dataclass
class DemoToolState:
    """The demo tool's memory, owned by one app (two apps never share a login), and the app it
    reaches its platform through (``platform.py``; set by ``create_app``)."""

    app: Any = None
    logins: _Bounded = field(default_factory=_Bounded)
    launches: _Bounded = field(default_factory=_Bounded)
    seen_nonces: _Bounded = field(default_factory=_Bounded)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def start_login(self, *, client_id: str, deployment_id: str | None, target_link_uri: str, now: float) -> PendingLogin:
        login = PendingLogin(state=secrets.token_urlsafe(24), nonce=secrets.token_urlsafe(24), client_id=client_id,
                             deployment_id=deployment_id, target_link_uri=target_link_uri, started_at=now)
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
