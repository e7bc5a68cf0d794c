"""Where a request's time goes: call the ASGI app directly (no network, no client) N times.

``python -m bench.profile_request [OPERATION] [N]`` prints the CPU time per request and the top of
a cProfile of the loop; used for the README's performance write-up. CPU time, not wall time, so a
busy machine changes the figure less.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import pstats
import time
from typing import Any
from urllib.parse import urlencode

from mockserver import create_app
from mockserver.tool_client import bearer, get_token, token_form, tool_named


def requests(app: Any) -> dict[str, tuple[str, str, str, dict[str, str], bytes]]:
    with app.test_client() as client:
        config = client.get("/__mock__/config").json()
        auth = bearer(get_token(client, config, "Mock Grading Tool"))
        user = app.state.world.users[20].lti_id
    tool = tool_named(config, "Mock Grading Tool")
    form = urlencode(token_form(tool, config["token_url"], tool["scopes"], exp=int(time.time()) + 3600)).encode()
    score = (b'{"userId": "%s", "scoreGiven": 7, "scoreMaximum": 10, "activityProgress": "Completed", '
             b'"gradingProgress": "FullyGraded", "timestamp": "2026-06-01T00:00:00Z"}' % user.encode())
    return {
        "jwks": ("GET", "/api/lti/security/jwks", "", {}, b""),
        "token": ("POST", "/login/oauth2/token", "", {"content-type": "application/x-www-form-urlencoded"}, form),
        "line_items": ("GET", "/api/lti/courses/101/line_items", "limit=10", auth, b""),
        "score": ("POST", "/api/lti/courses/101/line_items/1/scores", "", {**auth, "content-type": "application/json"}, score),
        "nrps": ("GET", "/api/lti/courses/101/names_and_roles", "limit=10", auth, b""),
        "external_tools": ("GET", "/api/v1/courses/101/external_tools", "",
                           {"authorization": "Bearer mock-teacher-token-TEST-ONLY"}, b""),
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


OPERATIONS = ("jwks", "token", "line_items", "score", "nrps", "external_tools")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.profile_request", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter, allow_abbrev=False)
    parser.add_argument("operation", nargs="?", default="jwks", choices=OPERATIONS, help="the request to repeat (default: jwks)")
    parser.add_argument("n", nargs="?", type=int, default=2000, help="requests per measured loop (default: 2000)")
    parser.add_argument("--top", type=int, default=15, help="profile lines to print (default: 15)")
    args = parser.parse_args(argv)
    app = create_app()
    request = requests(app)[args.operation]
    asyncio.run(loop(app, request, 50))  # warm up
    start = time.process_time()
    asyncio.run(loop(app, request, args.n))
    per = (time.process_time() - start) / args.n * 1e6
    print(f"{args.operation}: {per:.0f} µs CPU per request (in-process, no network)")
    profiler = cProfile.Profile()
    profiler.enable()
    asyncio.run(loop(app, request, args.n))
    profiler.disable()
    pstats.Stats(profiler).sort_stats("tottime").print_stats(args.top)


if __name__ == "__main__":
    main()
