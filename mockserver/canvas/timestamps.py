"""Canvas time stamps: how Canvas renders them and how it reads the ones a tool sends.

Rendering: UTC, to the second (``2024-01-01T00:00:00Z``), as Rails renders ``created_at``; callers
pass the mock clock's "now", so tests can pin them.

Reading (AGS scores): Canvas tries ``Time.zone.iso8601`` and, unless the ``enforce_iso8601_for_lti_scores``
setting is on, falls back to ``Time.zone.parse``, which reads far more than ISO 8601
(``2026-12-07 15:07:32 UTC``, ``Mon, 07 Dec 2026 15:07:32 GMT``, ``20261207``). The lenient reader
below covers the forms tools actually send; a zone-less time is UTC (Canvas's ``Time.zone`` for
API requests).
"""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime

_ZONE = r"(?P<zone>[Zz]|[-+]\d{2}(?::?\d{2})?)"
#: Ruby's ``Date._iso8601``: extended or basic calendar date, optionally ``T`` and a time.
_ISO8601 = (
    re.compile(r"\s*(?P<y>[-+]?\d{4,})-(?P<m>\d{2})-(?P<d>\d{2})"
               r"(?:[Tt](?P<H>\d{2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:[.,](?P<f>\d+))?)?" + _ZONE + r"?)?\s*"),
    re.compile(r"\s*(?P<y>[-+]?\d{4})(?P<m>\d{2})(?P<d>\d{2})"
               r"(?:[Tt](?P<H>\d{2})(?P<M>\d{2})(?:(?P<S>\d{2})(?:[.,](?P<f>\d+))?)?" + _ZONE + r"?)?\s*"),
)
#: What ``Time.zone.parse`` also reads: a space or ``T``, slashes, zone names, a space before the zone.
_LENIENT = re.compile(
    r"\s*(?P<y>\d{4})[-/](?P<m>\d{1,2})[-/](?P<d>\d{1,2})"
    r"(?:(?:[Tt]|\s+)(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:[.,](?P<f>\d+))?)?)?"
    r"\s*(?P<zone>[Zz]|UTC|utc|GMT|gmt|[-+]\d{2}(?::?\d{2})?)?\s*")
#: ``Date._parse`` reads a run of 8, 10, 12 or 14 digits as yyyymmdd[hh[mm[ss]]].
_DIGITS = re.compile(r"\s*(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})(?:(?P<H>\d{2})(?:(?P<M>\d{2})(?P<S>\d{2})?)?)?\s*")


def api_time(epoch: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch))


def iso_ms(moment: datetime) -> str:
    """Ruby's ``iso8601(3)`` in UTC: ``2024-05-01T10:00:00.123Z``."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def read_timestamp(raw: object, *, enforce_iso8601: bool) -> datetime | None:
    """A score time stamp as Canvas reads it (``parse_timestamp`` of the scores controller), or None."""
    if not isinstance(raw, str) or not raw.strip():
        return None
    parsed = _first_match(raw, _ISO8601)
    if parsed is None and not enforce_iso8601:
        parsed = _first_match(raw, (_LENIENT, _DIGITS)) or _rfc2822(raw)
    return parsed


def _first_match(text: str, patterns: tuple[re.Pattern[str], ...]) -> datetime | None:
    for pattern in patterns:
        match = pattern.fullmatch(text)
        if match:
            return _build(match.groupdict())
    return None


def _build(parts: dict[str, str | None]) -> datetime | None:
    fraction = (parts.get("f") or "")[:6].ljust(6, "0")
    try:
        return datetime(int(parts["y"] or 0), int(parts["m"] or 0), int(parts["d"] or 0), int(parts.get("H") or 0),
                        int(parts.get("M") or 0), int(parts.get("S") or 0), int(fraction), tzinfo=_zone(parts.get("zone")))
    except (ValueError, OverflowError):  # month 13, hour 25, year 0 …: Ruby's parse gives up too
        return None


def _zone(text: str | None) -> timezone:
    if not text or text.upper() in ("Z", "UTC", "GMT"):
        return UTC
    digits = text[1:].replace(":", "")
    offset = timedelta(hours=int(digits[:2]), minutes=int(digits[2:4] or 0))
    return timezone(-offset if text[0] == "-" else offset)


def _rfc2822(text: str) -> datetime | None:
    try:
        parsed = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
