"""The mock's notion of "now": real time plus an offset a test can move."""

from __future__ import annotations

import time
from datetime import UTC, datetime


class Clock:
    def __init__(self) -> None:
        self.offset = 0.0

    def now(self) -> float:
        return time.time() + self.offset

    def now_datetime(self) -> datetime:
        return datetime.fromtimestamp(self.now(), tz=UTC)

    def advance(self, seconds: float) -> None:
        self.offset += seconds

    def set(self, epoch_seconds: float) -> None:
        self.offset = epoch_seconds - time.time()

    def reset(self) -> None:
        self.offset = 0.0
