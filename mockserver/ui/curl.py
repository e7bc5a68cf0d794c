"""A journal entry as a curl command a person can paste into a shell.

The journal never holds secrets, so neither can the command: a bearer token becomes
``$ACCESS_TOKEN`` and a client assertion ``$CLIENT_ASSERTION``, which the reader sets first.
The reproducible curl, which a person asks for explicitly, is built from the request as it was
received (``journal.Replay``), real token, assertion and secrets included.
"""

from __future__ import annotations

import json
import shlex
from typing import Any
from urllib.parse import urlencode

from ..journal import Replay

#: Request headers worth replaying; the rest (host, user agent, lengths) curl sets itself.
REPLAYED_HEADERS = ("accept", "content-type")


def _query(entry: dict[str, Any]) -> str:
    query = entry.get("query") or {}
    return f"?{urlencode(query, doseq=True)}" if query else ""


def _form(body: dict[str, Any]) -> str:
    fields = dict(body)
    if isinstance(fields.get("client_assertion"), dict):
        fields["client_assertion"] = "$CLIENT_ASSERTION"
    return "&".join(f"{k}={v}" if k == "client_assertion" else urlencode({k: v}, doseq=True) for k, v in fields.items())


def curl_command(entry: dict[str, Any], base_url: str) -> str:
    headers = entry.get("headers") or {}
    parts = ["curl", "-X", str(entry.get("method") or "GET"), shlex.quote(f"{base_url}{entry.get('path', '')}{_query(entry)}")]
    for name in REPLAYED_HEADERS:
        if headers.get(name):
            parts += ["-H", shlex.quote(f"{name.title()}: {headers[name]}")]
    auth = entry.get("auth") or {}
    if auth.get("scheme"):
        # Double quotes so the shell expands the variable the reader sets.
        parts += ["-H", f'"Authorization: {auth["scheme"]} $ACCESS_TOKEN"']
    body, body_format = entry.get("body"), entry.get("body_format")
    if body_format == "json":
        parts += ["--data-raw", shlex.quote(json.dumps(body, separators=(",", ":")))]
    elif body_format == "form" and isinstance(body, dict):
        form = _form(body)
        parts += ["--data-raw", f'"{form}"' if "$CLIENT_ASSERTION" in form else shlex.quote(form)]
    elif body_format == "text" and isinstance(body, str):
        parts += ["--data-raw", shlex.quote(body)]
    return " ".join(parts)


#: Headers curl works out itself, or that describe the connection rather than the request.
NOT_REPLAYED = frozenset({"host", "content-length", "connection", "accept-encoding", "transfer-encoding",
                          "user-agent", "keep-alive", "te", "upgrade"})


def reproducible_curl(replay: Replay, base_url: str) -> str:
    """The request exactly as the mock received it, secrets included: a person asked for them.

    A body that is not UTF-8 text cannot be pasted into a shell; the command says so instead."""
    query = replay.query_string.decode("latin-1")
    url = f"{base_url}{replay.raw_path}{'?' + query if query else ''}"
    parts = ["curl", "-X", replay.method or "GET", shlex.quote(url)]
    for raw_name, raw_value in replay.headers:
        name = raw_name.decode("latin-1").lower()
        if name not in NOT_REPLAYED:
            parts += ["-H", shlex.quote(f"{name.title()}: {raw_value.decode('latin-1')}")]
    if replay.body:
        try:  # --data-raw: a body starting with "@" is sent as it is, not read from the file it would name
            parts += ["--data-raw", shlex.quote(replay.body.decode("utf-8"))]
        except UnicodeDecodeError:
            parts.append(f"# and a binary body of {len(replay.body)} bytes, not reproduced here")
    return " ".join(parts)
