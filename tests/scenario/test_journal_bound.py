"""The journal keeps a bounded amount of every request, whatever arrives (issue 24).

Hypothesis sends oversized bodies of every shape the journal parses (one long string, many
members, many items, deep nesting, long names, forms, text, binary), to routes that validate
them and routes that refuse them first, through HTTP. However many arrive, every entry stays
under its bound and says what it cut (``body_truncated``, ``body_bytes``: the size received),
and the journal as a whole (its Python objects, before and after a read settles the entries)
stays under ``capacity × entry bound``.

Small by default; raise with ``JOURNAL_BOUND_MAX_EXAMPLES=200`` for a deeper run.
"""

from __future__ import annotations

import gc
import json
import os
import sys
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mockserver import create_app, scenario
from mockserver.journal import MAX_BODY_TEXT
from tests.ltiutil import bearer, get_token

CAPACITY = 3
#: What one entry may hold in memory: two bodies of MAX_BODY_TEXT (request excerpt, response),
#: the request line and headers, and the Python objects of an excerpt's members (measured: at
#: most about 4 × MAX_BODY_TEXT, for a body of many small members).
ENTRY_BOUND = 6 * MAX_BODY_TEXT
SETTINGS = settings(max_examples=int(os.environ.get("JOURNAL_BOUND_MAX_EXAMPLES", "15")), deadline=None,
                    database=None, suppress_health_check=list(HealthCheck))
ROUTES = [
    ("POST", "/api/lti/courses/101/line_items", True),           # validated JSON (the parse is shared)
    ("POST", "/api/lti/courses/101/line_items", False),          # refused before validation: no token
    ("POST", "/login/oauth2/token", False),                      # a form endpoint
    ("PUT", "/api/v1/courses/101/external_tools/1", False),      # a REST API
    ("POST", "/api/lti/nowhere", False),                         # no route at all
]


def _json(shape: str, size: int) -> bytes:
    if shape == "string":
        value: Any = {"label": "x" * size, "scoreMaximum": 1}
    elif shape == "members":
        value = {f"k{n}": n for n in range(size // 8)}
    elif shape == "items":
        value = {"items": [0] * (size // 2)}
    elif shape == "nested":
        value = {"a": [{"b": "y" * 64}] * (size // 64)}
        for _ in range(200):
            value = {"d": value}
    else:  # a name as long as the body
        value = {"n" * size: "v"}
    return json.dumps(value).encode()


@st.composite
def oversized(draw: st.DrawFn) -> tuple[str, bytes]:
    size = draw(st.integers(MAX_BODY_TEXT + 1, 64 * MAX_BODY_TEXT))
    kind = draw(st.sampled_from(["string", "members", "items", "nested", "name", "form", "text", "binary"]))
    if kind == "form":
        return "application/x-www-form-urlencoded", b"grant_type=client_credentials&scope=" + b"s" * size
    if kind == "text":
        return "text/plain", b"t" * size
    if kind == "binary":
        return "application/octet-stream", bytes(range(256)) * (size // 256 + 1)
    media = draw(st.sampled_from(["application/json", "application/vnd.ims.lis.v2.lineitem+json"]))
    return media, _json(kind, size)


def deep_size(root: Any) -> int:
    """Bytes of the objects reachable from ``root`` (not types, modules or functions)."""
    seen: set[int] = set()
    stack, total = [root], 0
    while stack:
        item = stack.pop()
        if id(item) in seen or isinstance(item, type) or (callable(item) and not hasattr(item, "__slots__")):
            continue
        seen.add(id(item))
        total += sys.getsizeof(item)
        stack.extend(gc.get_referents(item))
    return total


@pytest.fixture(scope="module")
def mock() -> Any:
    app = create_app(validate_responses=True)
    scenario.configure(app.state, journal_capacity=CAPACITY)
    with app.test_client() as client:
        client.token = get_token(client, client.get("/__mock__/config").json(), "Mock Grading Tool")
        yield client


@SETTINGS
@given(requests=st.lists(st.tuples(st.sampled_from(ROUTES), oversized()), min_size=1, max_size=2 * CAPACITY))
def test_oversized_bodies_keep_the_journal_under_its_cap(mock: Any, requests: list[Any]) -> None:
    journal = mock.app.state.journal
    mock.delete("/__mock__/requests")
    for (method, path, authorised), (media, body) in requests:
        headers = {"Content-Type": media, **(bearer(mock.token) if authorised else {})}
        response = mock.request(method, path, content=body, headers=headers)
        assert response.status_code < 500, response.text[:300]
        assert deep_size(journal) <= CAPACITY * ENTRY_BOUND  # as recorded, before any read
    entries = mock.get("/__mock__/requests").json()["requests"]
    assert deep_size(journal) <= CAPACITY * ENTRY_BOUND  # settled by the read
    sent = [len(body) for _, (_, body) in requests][-len(entries):]
    assert [e["body_bytes"] for e in entries] == sent
    for entry in entries:
        assert len(json.dumps(entry)) <= ENTRY_BOUND
        if entry["body_format"] != "binary":
            assert entry["body_truncated"] is True, entry["body_format"]
        if entry["response_body_truncated"]:
            assert entry["response_body_bytes"] > MAX_BODY_TEXT


def test_a_cut_entry_keeps_the_start_of_the_body_and_says_how_big_it_was(mock: Any) -> None:
    body = {"label": "L" * (4 * MAX_BODY_TEXT), "scoreMaximum": 10, "tag": "kept"}
    sent = mock.post("/api/lti/courses/101/line_items", json=body, headers=bearer(mock.token)).request.content
    entry = mock.get("/__mock__/requests").json()["requests"][-1]
    assert entry["status"] == 400 and entry["body_format"] == "json"
    assert entry["body_truncated"] is True and entry["body_bytes"] == len(sent)
    label = entry["body"]["label"]
    assert label.startswith("L" * 1000) and label.endswith("…[truncated]") and len(label) <= MAX_BODY_TEXT + 20
    assert list(entry["body"])[:1] == ["label"]


def test_small_bodies_are_kept_whole(mock: Any) -> None:
    body = {"label": "whole", "scoreMaximum": 10, "tag": "t" * 200}
    sent = mock.post("/api/lti/courses/101/line_items", json=body, headers=bearer(mock.token)).request.content
    entry = mock.get("/__mock__/requests").json()["requests"][-1]
    assert entry["status"] == 201 and entry["body"] == body
    assert entry["body_truncated"] is False and entry["body_bytes"] == len(sent)
    assert entry["response_body_truncated"] is False and entry["response_body"]["label"] == "whole"
