"""The in-thread client (``mockserver.inprocess``) against a real server: one app, served by uvicorn
and called in-process, gives the same answers either way."""

from __future__ import annotations

import asyncio
import json
import re
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
import requests

from mockserver import create_app
from mockserver.inprocess import InProcessClient, in_thread_session
from mockserver.testing import run_mock
from tests import net
from tests.ltiutil import LINE_ITEM, SCORE, get_token

#: Added by the server (uvicorn) or recomputed per request; everything else must be equal.
TRANSPORT_HEADERS = {"date", "server", "content-length", "transfer-encoding", "connection"}
VARYING_HEADERS = {"x-rate-limit-remaining", "x-request-cost"}
TOKEN = re.compile(r"[\w-]{8,}\.[\w-]{8,}\.[\w-]*")


def _requests(token: str, student: str) -> list[tuple[str, str, dict[str, Any]]]:
    auth = {"Authorization": f"Bearer {token}"}
    return [
        ("GET", "/api/lti/security/jwks", {}),
        ("GET", "/api/lti/courses/101/line_items?limit=1", {"headers": auth}),  # a Link header
        ("GET", "/api/lti/courses/101/line_items?limit=abc", {"headers": auth}),  # 400
        ("GET", "/api/lti/courses/101/line_items/999999", {"headers": auth}),  # 404
        ("GET", "/api/lti/courses/101/line_items", {}),  # 401
        ("GET", "/api/lti/courses/101/names_and_roles?role=Learner", {"headers": auth}),
        ("POST", "/api/lti/courses/101/line_items", {"headers": {**auth, "Content-Type": LINE_ITEM},
                                                     "content": b'{"label": 5}'}),  # 400: invalid body
        ("POST", "/api/lti/courses/101/line_items/999999/scores",
         {"headers": {**auth, "Content-Type": SCORE},
          "content": json.dumps({"userId": student, "scoreGiven": 1, "scoreMaximum": 2, "activityProgress": "Completed",
                                 "gradingProgress": "FullyGraded", "timestamp": "2026-01-01T00:00:00Z"}).encode()}),
        ("POST", "/login/oauth2/token", {"headers": {"Content-Type": "application/x-www-form-urlencoded"},
                                         "content": b"grant_type=client_credentials&scope=x"}),  # OAuth error
        ("GET", "/api/lti/authorize_redirect?client_id=nope", {}),  # not followed: the answer itself
        ("GET", "/__mock__/ui/static/console.css", {}),  # not JSON
    ]


def _seen(base: str, status: int, headers: list[tuple[str, str]], body: bytes) -> tuple[int, list[tuple[str, str]], str]:
    """What a client sees, with the host written as ``<base>`` (URLs are built from the request's host)."""
    kept = sorted((name.lower(), "<varies>" if name.lower() in VARYING_HEADERS else value.replace(base, "<base>"))
                  for name, value in headers if name.lower() not in TRANSPORT_HEADERS)
    return status, kept, TOKEN.sub("<token>", body.decode("utf-8", "replace").replace(base, "<base>"))


def _via_httpx(client: httpx.Client) -> list[Any]:
    config = client.get("/__mock__/config").json()
    student = next(u for u in config["users"] if u["id"] == 20)["lti_id"]
    seen = []
    for method, path, kwargs in _requests(get_token(client, config, "Mock Grading Tool"), student):
        response = client.request(method, path, follow_redirects=False, **kwargs)
        seen.append(_seen(str(client.base_url).rstrip("/"), response.status_code, list(response.headers.multi_items()),
                          response.content))
    return seen


def _via_requests(session: requests.Session, base: str) -> list[Any]:
    config = session.get(f"{base}/__mock__/config").json()
    student = next(u for u in config["users"] if u["id"] == 20)["lti_id"]
    seen = []
    for method, path, kwargs in _requests(get_token(session, config, "Mock Grading Tool"), student):
        kwargs = {("data" if k == "content" else k): v for k, v in kwargs.items()}
        response = session.request(method, base + path, allow_redirects=False, timeout=30, **kwargs)
        seen.append(_seen(base, response.status_code, list(response.raw.headers.items()), response.content))
    return seen


def test_in_process_answers_equal_the_servers() -> None:
    """One app; each transport gets its own token (tokens are bound to the host that issued them)."""
    app = create_app(validate_responses=True)
    with run_mock(app=app) as served:
        with net.Client(base_url=served.base_url) as remote:
            over_http = _via_httpx(remote)
        with app.test_client() as client:
            assert _via_httpx(client) == over_http
        assert _via_requests(in_thread_session(app), "http://testserver") == over_http
        with requests.Session() as plain:
            assert _via_requests(plain, served.base_url) == over_http


def test_redirects_are_followed_by_default_as_starlettes_client_does() -> None:
    with create_app().test_client() as client:
        response = client.get("/__mock__/ui")  # the console's root redirects to its slash form
        assert response.status_code == 200 and response.history and response.url.path == "/__mock__/ui/"


def test_works_from_inside_a_running_event_loop() -> None:
    """An async test cannot block its own loop: the request runs on a worker thread instead."""
    client = create_app().test_client()

    async def inside() -> int:
        return client.get("/api/lti/security/jwks").status_code

    assert asyncio.run(inside()) == 200
    assert client.get("/api/lti/security/jwks").status_code == 200  # and the private loop still works after


def test_one_client_serves_several_threads_at_once() -> None:
    """Each thread gets its own event loop; the world behind them is one (its lock orders writes)."""
    app = create_app()
    client = app.test_client()
    config = client.get("/__mock__/config").json()
    token = get_token(client, config, "Mock Grading Tool")
    auth = {"Authorization": f"Bearer {token}", "Content-Type": LINE_ITEM}

    def create(n: int) -> int:
        return client.post("/api/lti/courses/101/line_items", headers=auth,
                           json={"label": f"thread {n}", "scoreMaximum": 10}).status_code

    with ThreadPoolExecutor(4) as pool:
        assert list(pool.map(create, range(40))) == [201] * 40
    listed = client.get("/api/lti/courses/101/line_items?per_page=100", headers={"Authorization": f"Bearer {token}"})
    assert {f"thread {n}" for n in range(40)} <= {item["label"] for item in listed.json()}
    client.close()


async def _failing_app(scope: Any, receive: Any, send: Any) -> None:
    raise LookupError("boom")


def test_app_exceptions_are_raised_unless_told_otherwise() -> None:
    with pytest.raises(LookupError, match="boom"):
        InProcessClient(_failing_app).get("/")
    assert InProcessClient(_failing_app, raise_app_exceptions=False).get("/").status_code == 500
