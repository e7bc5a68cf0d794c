"""The ceiling: a plain Starlette app answering the same bytes as the mock, no validation, no routing table.

Run as ``uvicorn bench.baseline:app``. Without recordings it serves the JWKS of the default
fixtures; ``python -m bench`` records the mock's answers to every GET it measures and passes
them in ``BENCH_BASELINE_RECORDINGS`` (a JSON file of path → status, content type, body), so
each GET is compared with Starlette sending the same bytes.
"""

from __future__ import annotations

import json
import os
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from mockserver.fixtures import load_fixture_file


def _recordings() -> dict[str, dict[str, Any]]:
    path = os.environ.get("BENCH_BASELINE_RECORDINGS")
    if path:
        with open(path, encoding="utf-8") as handle:
            return json.load(handle)
    _, keys = load_fixture_file()
    return {"/api/lti/security/jwks": {"status": 200, "content_type": "application/json",
                                       "body": json.dumps(keys.jwks(), separators=(",", ":"))}}


RECORDINGS = {path: (row["status"], row["content_type"], row["body"].encode()) for path, row in _recordings().items()}


async def recorded(request: Request) -> Response:
    status, content_type, body = RECORDINGS[request.url.path]
    return Response(body, status_code=status, media_type=content_type)


app = Starlette(routes=[Route(path, recorded) for path in RECORDINGS])
