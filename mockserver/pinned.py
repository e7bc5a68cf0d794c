"""The library versions an adapter was written and tested for.

Where we extend connexion or schemathesis below their public API, the adapter refuses any other
version with a clear message. Both make the same comparison, on ``major.minor`` only.
"""

from __future__ import annotations

#: ``((low major, low minor), (high major, high minor))``: tested from ``low`` up to, not including, ``high``.
Range = tuple[tuple[int, int], tuple[int, int]]


def untested(installed: str, tested: Range) -> str | None:
    """None when ``installed`` is in ``tested``; else the range as a pip specifier (``>=3.3,<3.4``)."""
    try:
        major_minor = tuple(int(part) for part in installed.split(".")[:2])
    except ValueError:
        major_minor = ()
    low, high = tested
    if low <= major_minor < high:
        return None
    return f">={low[0]}.{low[1]},<{high[0]}.{high[1]}"
