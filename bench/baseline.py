"""The ceiling: a plain Starlette app answering the same JWKS bytes, no validation, no routing table.

Run as ``uvicorn bench.baseline:app``; the key set is taken from the default fixtures so the body
is byte-for-byte what the mock sends.
"""

from __future__ import annotations

import json

from starlette.applications import Starlette
from starlette.responses import Response
from starlette.routing import Route

from mockserver.fixtures import load_fixture_file

_, _keys = load_fixture_file()
JWKS = json.dumps(_keys.jwks(), separators=(",", ":")).encode()


async def jwks(request: object) -> Response:
    return Response(JWKS, media_type="application/json", headers={"Cache-Control": "max-age=864000"})


app = Starlette(routes=[Route("/api/lti/security/jwks", jwks)])
