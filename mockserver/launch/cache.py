"""Pending launches: the pre-built id_token claims, cached under a verifier, single-use (§10.1).

Canvas builds the whole id_token before the login request and caches it for five minutes;
``/api/lti/authorize`` consumes it exactly once. The mock keeps them in memory per app.
"""

from __future__ import annotations

import secrets
import threading
from dataclasses import dataclass, field
from typing import Any

LAUNCH_TTL = 300  # seconds; the lti_message_hint lives as long


@dataclass
class PendingLaunch:
    """What authorize needs: the claims to sign, and who/where the launch is for."""

    claims: dict[str, Any]
    client_id: str
    user_id: int
    course_id: int
    tool_id: int
    created_at: float


@dataclass
class LaunchCache:
    _items: dict[str, PendingLaunch] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def put(self, launch: PendingLaunch) -> str:
        verifier = secrets.token_hex(32)
        with self._lock:
            self._items[verifier] = launch
        return verifier

    def peek(self, verifier: str, now: float) -> PendingLaunch | None:
        with self._lock:
            launch = self._items.get(verifier)
            if launch is not None and now - launch.created_at > LAUNCH_TTL:
                del self._items[verifier]
                return None
            return launch

    def take(self, verifier: str, now: float) -> PendingLaunch | None:
        """Remove and return the launch: a second take of the same verifier gets nothing."""
        with self._lock:
            launch = self._items.pop(verifier, None)
        if launch is None or now - launch.created_at > LAUNCH_TTL:
            return None
        return launch

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def __len__(self) -> int:
        return len(self._items)
