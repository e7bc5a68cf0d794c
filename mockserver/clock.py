"""The mock's notion of "now": real time plus an offset a test can move, or frozen.

A frozen clock stands still until it is moved or thawed, so everything that reads it (token
expiry, assertion age, the throttle's leak, journal times) gives the same figures however fast
or loaded the machine is.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime


class Clock:
    def __init__(self) -> None:
        self.offset = 0.0
        #: The epoch it stands at while frozen; None while it runs with real time.
        self.frozen_at: float | None = None

    @property
    def frozen(self) -> bool:
        return self.frozen_at is not None

    def now(self) -> float:
        return self.frozen_at if self.frozen_at is not None else time.time() + self.offset

    def now_datetime(self) -> datetime:
        return datetime.fromtimestamp(self.now(), tz=UTC)

    def advance(self, seconds: float) -> None:
        if self.frozen_at is not None:
            self.frozen_at += seconds
        else:
            self.offset += seconds  # exact: no second reading of real time

    def set(self, epoch_seconds: float) -> None:
        if self.frozen_at is not None:
            self.frozen_at = epoch_seconds
        else:
            self.offset = epoch_seconds - time.time()

    def freeze(self) -> None:
        """Stop at the current now (no-op when already frozen)."""
        if self.frozen_at is None:
            self.frozen_at = self.now()

    def thaw(self) -> None:
        """Run on with real time from where it stood."""
        if self.frozen_at is not None:
            self.offset = self.frozen_at - time.time()
            self.frozen_at = None

    def current_offset(self) -> float:
        """Seconds ahead of real time (moves while frozen)."""
        return self.now() - time.time() if self.frozen_at is not None else self.offset

    def reset(self) -> None:
        """Back to real time, running."""
        self.offset = 0.0
        self.frozen_at = None
