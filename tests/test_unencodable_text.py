"""Text that cannot be encoded (a lone UTF-16 surrogate) is refused with a 400 in the endpoint's
error shape before anything is stored; any text the mock accepts round-trips through every read,
the state dump and the journal (issue 12, item 13)."""

from __future__ import annotations

import json
import os
import socket
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mockserver import create_app
from tests import net
from tests.ltiutil import LINE_ITEM, SCORE, bearer, get_token
from tests.rest.helpers import ADMIN, TEACHER

COURSE = 101
LINE_ITEMS = f"/api/lti/courses/{COURSE}/line_items"
TOOL_URL = "http://127.0.0.1:9001/launch"  # Mock Grading Tool's domain: resource links need an installed tool
EXAMPLES = int(os.environ.get("ROUNDTRIP_MAX_EXAMPLES", "15"))  # raise (e.g. 500) when changing parsing
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])

#: Any code point, lone surrogates included (hypothesis leaves them out by default), and the
#: usual suspects.
ANY_CHAR = st.one_of(st.characters(), st.characters(codec=None, categories=["Cs"]))
TEXT = st.one_of(st.text(ANY_CHAR, min_size=1, max_size=12),
                 st.sampled_from(["\ud800", "a\udfffb", "\U0001f600", "\x00", "\u2028", "e\u0301", "\ufeff", "\uffff"]))


def raw_json(value: Any) -> bytes:
    """JSON as a careless client writes it: a lone surrogate travels as its ``\\udxxx`` escape."""
    return json.dumps(value).encode()  # ensure_ascii: every non-ASCII character escaped


def encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def holds(value: Any, text: str) -> bool:
    """Whether ``text`` is, exactly, a key or a string somewhere in ``value``."""
    if isinstance(value, str):
        return value == text
    if isinstance(value, dict):
        return any(k == text or holds(v, text) for k, v in value.items())
    if isinstance(value, list):
        return any(holds(v, text) for v in value)
    return False


@dataclass
class Session:
    client: Any
    lti: dict[str, str]

    def post_json(self, url: str, body: Any, headers: dict[str, str], media: str = "application/json") -> Any:
        return self.client.post(url, content=raw_json(body), headers={**headers, "Content-Type": media})

    def put_json(self, url: str, body: Any, headers: dict[str, str], media: str = "application/json") -> Any:
        return self.client.put(url, content=raw_json(body), headers={**headers, "Content-Type": media})

    def line_item(self) -> str:
        response = self.post_json(LINE_ITEMS, {"label": "Quiz", "scoreMaximum": 10}, self.lti, LINE_ITEM)
        assert response.status_code == 201, response.text
        return response.json()["id"]


@dataclass
class Write:
    """One write that stores text, and the reads that must give it back."""

    name: str
    send: Callable[[Session, Any, str], Any]  # (session, prepared, text) -> response
    reads: Callable[[Session, Any, Any], list[Any]]  # (session, prepared, write response) -> read responses
    prepare: Callable[[Session], Any] = lambda s: None  # what the write needs stored first
    forms: bool = False  # form-encoded: only encodable text can be sent at all


SCORE_BODY = {"userId": "20", "scoreGiven": 1, "scoreMaximum": 10, "activityProgress": "Completed",
              "gradingProgress": "FullyGraded", "timestamp": "2026-01-01T00:00:00Z"}
LINKS = f"/api/v1/courses/{COURSE}/lti_resource_links"
TOOLS = f"/api/v1/courses/{COURSE}/external_tools"
TOOL = {"consumer_key": "ck", "shared_secret": "TEST-ONLY", "url": "https://quiz.example.com/lti", "privacy_level": "public"}
REGISTRATION = "/api/v1/accounts/1/lti_registrations/1"


def _relative(url: str) -> str:
    return url.split("://", 1)[1].split("/", 1)[1].join(["/", ""])


def _created(s: Session, base: str, headers: dict[str, str], response: Any) -> list[Any]:
    return [s.client.get(f"{base}/{response.json()['id']}", headers=headers)] if response.is_success else []


WRITES = [
    Write("create line item",
          lambda s, _, t: s.post_json(LINE_ITEMS, {"label": t, "scoreMaximum": 5, "tag": t, "resourceId": t}, s.lti, LINE_ITEM),
          lambda s, _, r: [s.client.get(LINE_ITEMS, headers=s.lti),
                           *([s.client.get(_relative(r.json()["id"]), headers=s.lti)] if r.is_success else [])]),
    Write("update line item",
          lambda s, item, t: s.put_json(item, {"label": t, "scoreMaximum": 10, "tag": t}, s.lti, LINE_ITEM),
          lambda s, item, _: [s.client.get(_relative(item), headers=s.lti)],
          prepare=Session.line_item),
    Write("score comment",
          lambda s, item, t: s.post_json(f"{item}/scores", {**SCORE_BODY, "comment": t}, s.lti, SCORE),
          lambda s, item, _: [s.client.get(_relative(item) + "/results", headers=s.lti)],
          prepare=Session.line_item),
    Write("create resource link",
          lambda s, _, t: s.post_json(LINKS, {"url": TOOL_URL, "title": t, "custom": {"k": t}}, TEACHER),
          lambda s, _, r: [s.client.get(LINKS, headers=TEACHER), *_created(s, LINKS, TEACHER, r)]),
    Write("create external tool",
          lambda s, _, t: s.post_json(TOOLS, {**TOOL, "name": t, "description": t, "custom_fields": {"k": t}}, TEACHER),
          lambda s, _, r: [s.client.get(TOOLS, headers=TEACHER), *_created(s, TOOLS, TEACHER, r)]),
    Write("create external tool (form)",
          lambda s, _, t: s.client.post(TOOLS, headers={**TEACHER, "Content-Type": "application/x-www-form-urlencoded"},
                                        content=f"name={quote(t)}&description={quote(t)}&consumer_key=ck&shared_secret=TEST-ONLY"
                                                "&url=https%3A%2F%2Fquiz.example.com%2Flti&privacy_level=public"),
          lambda s, _, r: [s.client.get(TOOLS, headers=TEACHER), *_created(s, TOOLS, TEACHER, r)],
          forms=True),
    Write("update registration nickname",
          lambda s, _, t: s.put_json(REGISTRATION, {"admin_nickname": t}, ADMIN),
          lambda s, _, r: [s.client.get(REGISTRATION, headers=ADMIN)],
          prepare=lambda s: s.client.get(REGISTRATION, headers=ADMIN)),  # registrations appear on first use
]


@pytest.fixture(scope="module")
def session() -> Iterator[Session]:
    app = create_app(validate_responses=True)
    with app.test_client() as client:
        config = client.get("/__mock__/config").json()
        yield Session(client, bearer(get_token(client, config, "Mock Grading Tool")))


def state_of(client: Any) -> Any:
    response = client.get("/__mock__/state")
    assert response.status_code == 200, response.text
    body = response.json()
    body.pop("scenario")
    return body


def journal_bodies(client: Any) -> list[Any]:
    response = client.get("/__mock__/requests")
    assert response.status_code == 200, response.text
    return [entry["body"] for entry in response.json()["requests"]]


@pytest.mark.parametrize("write", WRITES, ids=lambda w: w.name)
@SETTINGS
@given(text=TEXT)
def test_accepted_text_round_trips_and_refused_text_leaves_no_trace(session: Session, write: Write, text: str) -> None:
    if write.forms and not encodable(text):
        text = text.encode("utf-8", "replace").decode("utf-8")  # a form cannot carry a lone surrogate
    client = session.client
    client.post("/__mock__/reset")
    prepared = write.prepare(session)
    before = state_of(client)
    response = write.send(session, prepared, text)
    assert response.status_code < 500, response.text
    reads = write.reads(session, prepared, response)
    assert [r.status_code for r in reads] == [200] * len(reads), [r.text for r in reads]
    journal = journal_bodies(client)  # readable whatever was sent
    if response.is_success:
        assert encodable(text), f"{write.name} accepted unencodable text {text!r}"
        assert holds(reads[-1].json(), text), (text, reads[-1].json())
        assert holds(state_of(client), text)
        assert holds(journal, text)
    else:
        assert response.status_code == 400 or encodable(text), response.text  # refused text: always a 400
        assert state_of(client) == before  # nothing stored


@pytest.mark.parametrize(("url", "headers", "body", "media", "expected"), [
    (LINE_ITEMS, "lti", {"label": "\ud800", "scoreMaximum": 5}, LINE_ITEM,
     {"errors": {"type": "bad_request",
                 "message": "Invalid 'label': text cannot be encoded as UTF-8 (lone UTF-16 surrogate \\ud800)"}}),
    (LINE_ITEMS, "lti", {"label": "ok", "scoreMaximum": 5, "\udc00": 1}, "application/json",
     {"errors": {"type": "bad_request",
                 "message": "Invalid '\\udc00': text cannot be encoded as UTF-8 (lone UTF-16 surrogate \\udc00)"}}),
    (f"/api/v1/courses/{COURSE}/lti_resource_links", TEACHER, {"url": TOOL_URL, "title": "x\ud800"}, "application/json",
     {"errors": [{"message": "Invalid 'title': text cannot be encoded as UTF-8 (lone UTF-16 surrogate \\ud800)"}]}),
    ("/api/lti/registrations", {}, {"client_name": "\udbff"}, "application/json", None),
    ("/login/oauth2/token", {}, {"grant_type": "\ud800"}, "application/json",
     {"error": "invalid_request",
      "error_description": "Invalid 'grant_type': text cannot be encoded as UTF-8 (lone UTF-16 surrogate \\ud800)"}),
])
def test_refused_with_a_400_in_the_endpoint_error_shape(session: Session, url: str, headers: Any, body: Any,
                                                        media: str, expected: Any) -> None:
    client = session.client
    client.post("/__mock__/reset")
    before = state_of(client)
    response = client.post(url, content=raw_json(body), headers={**(session.lti if headers == "lti" else headers),
                                                                 "Content-Type": media})
    assert response.status_code == 400, response.text
    if expected is not None:
        assert response.json() == expected
    assert state_of(client) == before
    assert client.get(LINE_ITEMS, headers=session.lti).status_code == 200
    entry = next(e for e in client.get("/__mock__/requests").json()["requests"] if e["method"] == "POST" and e["path"] == url)
    assert entry["status"] == 400 and entry["body_format"] == "text"
    assert entry["body"] == raw_json(body).decode()  # kept as the text that was sent


def test_score_comment_with_a_surrogate_is_refused_and_results_stay_readable(session: Session) -> None:
    client = session.client
    client.post("/__mock__/reset")
    item = session.line_item()
    response = session.post_json(f"{item}/scores", {**SCORE_BODY, "comment": "great \ud83d work"}, session.lti, SCORE)
    assert response.status_code == 400  # half an emoji
    assert response.json()["errors"]["message"].startswith("Invalid 'comment': text cannot be encoded")
    results = client.get(_relative(item) + "/results", headers=session.lti)
    assert results.status_code == 200 and results.json() == []
    whole = session.post_json(f"{item}/scores", {**SCORE_BODY, "comment": "great \U0001f600 work"}, session.lti, SCORE)
    assert whole.status_code == 200  # the whole emoji, escaped as its surrogate pair, is fine
    assert client.get(_relative(item) + "/results", headers=session.lti).json()[0]["comment"] == "great \U0001f600 work"


def test_multipart_part_in_a_charset_that_decodes_to_a_surrogate(session: Session) -> None:
    """utf-7 can spell a lone surrogate (``+2AA-``): refused like the JSON escape."""
    client = session.client
    client.post("/__mock__/reset")
    before = state_of(client)
    boundary = "b0undary"
    parts = "".join(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
                    for name, value in (("name", "Tool +2AA-"), ("consumer_key", "ck"), ("shared_secret", "TEST-ONLY"),
                                        ("url", "https://quiz.example.com/lti"), ("privacy_level", "public")))
    response = client.post(f"/api/v1/courses/{COURSE}/external_tools", headers={
        **TEACHER, "Content-Type": f"multipart/form-data; charset=utf-7; boundary={boundary}"},
        content=f"{parts}--{boundary}--\r\n".encode())
    assert response.status_code == 400, response.text
    assert state_of(client) == before
    assert client.get("/__mock__/requests").status_code == 200


@pytest.mark.parametrize("url", [f"{LINE_ITEMS}?tag=%ED%A0%80", f"{LINE_ITEMS}/%ED%A0%80", f"{LINE_ITEMS}?%ED%A0%80=1"])
def test_query_strings_and_paths_cannot_carry_a_surrogate(session: Session, url: str) -> None:
    """Percent-decoding replaces invalid UTF-8 (what a surrogate's bytes are): no 500, and the
    journal stays readable."""
    client = session.client
    client.post("/__mock__/reset")
    assert client.get(url, headers=session.lti).status_code in (200, 404)
    assert client.get("/__mock__/requests").status_code == 200
    assert client.get("/__mock__/state?journal=true").status_code == 200


def _raw_get(base_url: str, target: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
    """A GET whose request line carries ``target`` byte for byte (clients percent-encode)."""
    host, port = base_url.removeprefix("http://").split(":")
    lines = [b"GET " + target + b" HTTP/1.1", f"Host: {host}:{port}".encode(), b"Connection: close",
             *(f"{k}: {v}".encode() for k, v in headers.items())]
    with socket.create_connection((host, int(port)), timeout=30) as sock:
        sock.sendall(b"\r\n".join(lines) + b"\r\n\r\n")
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split(b" ", 2)[1]), body


RAW_TARGETS = [b"/api/lti/courses/101/names_and_roles?role=\xff", b"/api/lti/courses/101/line_items?tag=caf\xe9",
               b"/api/v1/courses/101/external_tools?search_term=\xc3\x28", b"/api/lti/security/jwks?x=\xff"]


def _headers_for(target: bytes, lti: dict[str, str]) -> dict[str, str]:
    return lti if b"/api/lti/courses" in target else {"Authorization": "Bearer mock-teacher-token-TEST-ONLY"}


@pytest.mark.parametrize("target", RAW_TARGETS)
def test_a_raw_query_string_that_is_not_utf8_is_a_400(target: bytes) -> None:
    """Over HTTP uvicorn refuses raw non-ASCII bytes in the request line itself; either way the
    answer is a 400 and nothing is stored."""
    from mockserver.testing import run_mock
    from tests.ltiutil import bearer, get_token

    with run_mock() as mock:
        lti = bearer(get_token(net.Client(base_url=mock.base_url), mock.config, "Mock Grading Tool"))
        before = net.get(f"{mock.base_url}/__mock__/state").json()
        status, body = _raw_get(mock.base_url, target, _headers_for(target, lti))
        assert status == 400, body
        assert net.get(f"{mock.base_url}/__mock__/state").json() == before
        assert net.get(f"{mock.base_url}/__mock__/requests").status_code == 200


@pytest.mark.parametrize("target", RAW_TARGETS)
def test_an_asgi_server_passing_such_a_query_string_through_gets_canvas_400(target: bytes) -> None:
    """ASGI servers that hand the raw bytes on (the mock answered 500 here, its error handler
    failing too): Rack's "invalid byte sequence in UTF-8", a 400 in the endpoint's error shape."""
    import asyncio

    from mockserver import create_app
    from tests.ltiutil import bearer, get_token

    app = create_app()
    with app.test_client() as client:
        lti = bearer(get_token(client, client.get("/__mock__/config").json(), "Mock Grading Tool"))
        before = client.get("/__mock__/state").json()
    path, _, query = target.partition(b"?")
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET", "scheme": "http",
             "path": path.decode(), "raw_path": path, "query_string": query, "root_path": "",
             "headers": [(b"host", b"testserver"), *((k.lower().encode(), v.encode()) for k, v in _headers_for(target, lti).items())],
             "client": ("127.0.0.1", 1), "server": ("testserver", 80)}
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    asyncio.run(app(scope, receive, send))
    assert sent[0]["status"] == 400
    body = json.loads(b"".join(m.get("body", b"") for m in sent[1:]))
    assert "Invalid query parameters: invalid byte sequence in UTF-8" in json.dumps(body)
    with app.test_client() as client:
        assert client.get("/__mock__/state").json() == before
        assert client.get("/__mock__/requests").status_code == 200
