"""``curl`` command lines for requests the suite sent itself (auth probes, state machine steps).

Generated cases have schemathesis's ``case.as_curl_command``; the suite's own requests go through
``requests`` or Starlette's test client, whose request objects (``requests.PreparedRequest`` or
``httpx.Request``) both expose method, URL, headers and body, which is all a reproduction needs.
Credentials are masked the way schemathesis masks them, so a report can be shared.
"""

from __future__ import annotations

import shlex
from typing import Any

#: Headers whose value is a credential (shown as ``[Filtered]``), and transport noise left out.
SECRET_HEADERS = frozenset({"authorization", "cookie", "x-api-key"})
NOISE_HEADERS = frozenset({"accept-encoding", "connection", "content-length", "host", "user-agent"})
FILTERED = "[Filtered]"


def curl_for_request(request: Any) -> str:
    """The request as one ``curl`` command (a forged or absent token is shown as sent)."""
    method = str(getattr(request, "method", "GET")).upper()
    parts = ["curl", "-X", method]
    for name, value in dict(getattr(request, "headers", {}) or {}).items():
        lowered = name.lower()
        if lowered in NOISE_HEADERS:
            continue
        if lowered in SECRET_HEADERS and not _is_forged(value):
            value = f"Bearer {FILTERED}" if str(value).lower().startswith("bearer ") else FILTERED
        parts += ["-H", f"{name}: {value}"]
    body = _body(request)
    if body:
        parts += ["-d", body]
    parts.append(str(request.url))
    return " ".join(shlex.quote(part) for part in parts)


def curl_for_response(response: Any) -> str | None:
    """The command for the request behind ``response`` (None when the transport kept none)."""
    request = getattr(response, "request", None)
    return curl_for_request(request) if request is not None else None


#: The auth probe's deliberately wrong token: shown verbatim, it is part of the reproduction.
FORGED_TOKEN = "forged.token.value"


def _is_forged(value: Any) -> bool:
    return FORGED_TOKEN in str(value)


def _body(request: Any) -> str:
    raw = getattr(request, "body", None)  # requests.PreparedRequest
    if raw is None:
        try:
            raw = request.content  # httpx.Request (read for in-process calls)
        except Exception:
            raw = None
    if not raw:
        return ""
    if isinstance(raw, bytes):
        return raw.decode("utf-8", errors="replace")
    return str(raw)
