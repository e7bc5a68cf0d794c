"""Canvas API time stamps: UTC, to the second (``2024-01-01T00:00:00Z``), as Rails renders
``created_at``/``updated_at``. Callers pass the mock clock's "now", so tests can pin them."""

from __future__ import annotations

import time


def api_time(epoch: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch))
