"""An error never repeats an oversized value whole (issue 24).

Rails's validation messages do not echo the value at all (``is too long (maximum is 255
characters)``); where Canvas's own messages do echo one (``Invalid submission_type for new
assignment: …``, ``… is not a valid field for sorting``), the mock cuts it. Derived from the spec:
every operation that takes a body gets one whose every field (and, separately, the whole body)
is a 256 KiB value, and every operation with query parameters gets them all at 60 KiB. Each answer
that is an error must be a small 4xx in one of Canvas's shapes.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

import pytest

from mockserver import create_app
from mockserver.spec import load_spec, operations
from tests.ltiutil import bearer, get_token, lti_error

SPEC = load_spec()
HUGE = "x" * (256 * 1024)
HUGE_QUERY = "q" * (60 * 1024)  # httpx refuses URLs over 64 KiB
#: Bytes an error body may take whatever was sent: Canvas's message and a cut echo.
ERROR_BOUND = 8 * 1024
PATH_VALUES = {"course_id": "101", "account_id": "1", "group_id": "1", "line_item_id": "1"}


def _resolve(node: Any) -> Any:
    while isinstance(node, dict) and "$ref" in node:
        _, _, section, name = node["$ref"].split("/")  # '#/components/<section>/<name>'
        node = SPEC["components"][section][name]
    return node


def _body_cases() -> list[Any]:
    cases = []
    for op_id, info in sorted(operations(SPEC).items()):
        op = SPEC["paths"][info.path][info.method.lower()]
        content = _resolve(op.get("requestBody", {})).get("content", {})
        for media, media_object in content.items():
            if media.startswith("multipart/"):
                continue
            schema = _resolve(media_object.get("schema", {}))
            names = sorted(schema.get("properties", {})) or ["value"]
            cases.append(pytest.param(op_id, media, names, id=f"{op_id}-{media}"))
    return cases


def _query_cases() -> list[Any]:
    cases = []
    for op_id, info in sorted(operations(SPEC).items()):
        item = SPEC["paths"][info.path]
        params = [_resolve(p) for p in [*item.get("parameters", []), *item[info.method.lower()].get("parameters", [])]]
        names = sorted(p["name"] for p in params if p.get("in") == "query")
        if names:
            cases.append(pytest.param(op_id, names, id=op_id))
    return cases


@pytest.fixture(scope="module")
def env() -> Any:
    app = create_app(validate_responses=True)
    with app.test_client() as client:
        config = client.get("/__mock__/config").json()
        yield app, client, {
            "LtiServiceToken": bearer(get_token(client, config, "Mock Grading Tool")),
            "CanvasApiToken": bearer(config["api_tokens"][0]["token"]),
        }


def _send(env: Any, op_id: str, **kwargs: Any) -> Any:
    app, client, auth = env
    info = operations(SPEC)[op_id]
    op = SPEC["paths"][info.path][info.method.lower()]
    schemes = [name for requirement in op.get("security", []) for name in requirement]
    headers = {**next((auth[s] for s in schemes if s in auth), {}), **kwargs.pop("headers", {})}
    path = info.path
    for name, value in PATH_VALUES.items():
        path = path.replace("{" + name + "}", value)
    path = "/".join("1" if part.startswith("{") else part for part in path.split("/"))
    response = client.request(info.method, path, headers=headers, **kwargs)
    app.state.reset()
    return response


def small_canvas_error(response: Any) -> None:
    assert response.status_code < 500, response.text[:500]
    if response.status_code < 400:
        return  # accepted: what it answers is the stored record, not an echo
    assert len(response.content) <= ERROR_BOUND, (response.status_code, response.text[:300])
    if response.content and response.headers["content-type"].startswith("application/json"):
        body = response.json()
        assert isinstance(body, dict) and ({"errors", "error", "errorMessage", "message"} & set(body)), body


@pytest.mark.parametrize(("op_id", "media", "names"), _body_cases())
def test_oversized_fields_are_not_echoed_whole(env: Any, op_id: str, media: str, names: list[str]) -> None:
    if "form" in media:
        content = urlencode({name: HUGE for name in names}).encode()
    else:
        content = json.dumps({name: HUGE for name in names}).encode()
    small_canvas_error(_send(env, op_id, content=content, headers={"Content-Type": media}))
    if "json" in media:  # the whole body one oversized value of the wrong type
        small_canvas_error(_send(env, op_id, content=json.dumps(HUGE).encode(), headers={"Content-Type": media}))


@pytest.mark.parametrize(("op_id", "names"), _query_cases())
def test_oversized_query_values_are_not_echoed_whole(env: Any, op_id: str, names: list[str]) -> None:
    size = len(HUGE_QUERY) // len(names)  # all of them within the URL
    small_canvas_error(_send(env, op_id, params={name: HUGE_QUERY[:size] for name in names}))


def test_a_too_long_label_is_refused_as_rails_says_it(env: Any) -> None:
    _, client, auth = env
    response = client.post("/api/lti/courses/101/line_items", headers=auth["LtiServiceToken"],
                           json={"label": "x" * (10 * 1024 * 1024), "scoreMaximum": 10})
    lti_error(response, 400, "Invalid 'label': is too long (maximum is 255 characters)")


def test_echoes_canvas_makes_are_cut_not_dropped(env: Any) -> None:
    """Canvas repeats an unknown submission type; the mock repeats its start, and says it cut it."""
    _, client, auth = env
    kind = "k" * (1024 * 1024)
    response = client.post("/api/lti/courses/101/line_items", headers=auth["LtiServiceToken"], json={
        "label": "x", "scoreMaximum": 10, "https://canvas.instructure.com/lti/submission_type": {"type": kind}})
    assert response.status_code == 400 and len(response.content) <= ERROR_BOUND
    message = response.json()["error"]
    assert message.startswith("Invalid submission_type for new assignment: kkkk") and message.endswith("…[truncated]")
