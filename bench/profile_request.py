"""Where a request's time goes: call the ASGI app directly (no network, no client) N times.

``python -m bench.profile_request [operation] [N]`` prints the per-request cost and the top of
a cProfile of the loop; used for the README's performance write-up.
"""

from __future__ import annotations

import asyncio
import cProfile
import pstats
import sys
import time
from typing import Any

from mockserver import create_app
from tests.ltiutil import bearer, get_token


def requests(app: Any) -> dict[str, tuple[str, str, str, dict[str, str], bytes]]:
    with app.test_client() as client:
        auth = bearer(get_token(client, client.get("/__mock__/config").json(), "Mock Grading Tool"))
        user = app.state.world.users[20].lti_id
    score = (b'{"userId": "%s", "scoreGiven": 7, "scoreMaximum": 10, "activityProgress": "Completed", '
             b'"gradingProgress": "FullyGraded", "timestamp": "2026-06-01T00:00:00Z"}' % user.encode())
    return {
        "jwks": ("GET", "/api/lti/security/jwks", "", {}, b""),
        "line_items": ("GET", "/api/lti/courses/101/line_items", "limit=10", auth, b""),
        "score": ("POST", "/api/lti/courses/101/line_items/1/scores", "", {**auth, "content-type": "application/json"}, score),
        "nrps": ("GET", "/api/lti/courses/101/names_and_roles", "limit=10", auth, b""),
    }


async def call(app: Any, method: str, path: str, query: str, headers: dict[str, str], body: bytes) -> int:
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method, "scheme": "http",
             "path": path, "raw_path": path.encode(), "query_string": query.encode(), "root_path": "",
             "headers": [(b"host", b"testserver"), *((k.lower().encode(), v.encode()) for k, v in headers.items()),
                         (b"content-length", str(len(body)).encode())],
             "client": ("127.0.0.1", 1), "server": ("127.0.0.1", 8080)}
    status = 0
    sent = False

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if sent:
            await asyncio.sleep(3600)
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]

    await app(scope, receive, send)
    return status


async def loop(app: Any, request: tuple, n: int) -> None:
    for _ in range(n):
        status = await call(app, *request)
        assert status < 300, status


def main() -> None:
    name = sys.argv[1] if len(sys.argv) > 1 else "jwks"
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 2000
    app = create_app()
    request = requests(app)[name]
    asyncio.run(loop(app, request, 50))  # warm up
    start = time.perf_counter()
    asyncio.run(loop(app, request, n))
    per = (time.perf_counter() - start) / n * 1e6
    print(f"{name}: {per:.0f} µs per request (in-process, no network)")
    profiler = cProfile.Profile()
    profiler.enable()
    asyncio.run(loop(app, request, n))
    profiler.disable()
    pstats.Stats(profiler).sort_stats("tottime").print_stats(15)


if __name__ == "__main__":
    main()
