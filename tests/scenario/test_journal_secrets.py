"""The journal never holds a secret, whatever its position or encoding (issue 12, item 14).

Hypothesis builds secrets — JWS/JWE compact tokens with any JOSE header (a leading space, odd
separators: not necessarily ``eyJ…``), the mock's own opaque API tokens, values of secret-named
fields — and puts them where a careless tool might: the URL path, the query string (names and
values, percent-encoded), headers, JSON (with ``\\u002e`` escapes), form and plain-text bodies,
and so into the response headers the journal keeps (a Link header echoes the query). Neither the
journal nor the state dump may then contain the secret or a distinctive part of it, even after
percent-decoding.
"""

from __future__ import annotations

import base64
import json
import os
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, unquote

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from mockserver import create_app
from mockserver.journal import MAX_BODY_TEXT
from tests.ltiutil import SCORE, bearer, get_token, token_form, tool_named

COURSE = 101
LINE_ITEMS = f"/api/lti/courses/{COURSE}/line_items"
API_TOKENS = ["mock-admin-token-TEST-ONLY", "mock-teacher-token-TEST-ONLY", "mock-student-token-TEST-ONLY"]
SECRET_FIELDS = ["shared_secret", "client_secret", "Consumer_Secret", "password", "private_key", "api_key", "access_token",
                 "refresh_token", "id_token", "registration_token", "client_assertion", "external_tool[shared_secret]",
                 "developer_key[api_key]", "JWT", "x-auth-token"]
SETTINGS = settings(max_examples=int(os.environ.get("JOURNAL_SECRETS_MAX_EXAMPLES", "25")), deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@dataclass(frozen=True)
class Secret:
    text: str  # what is sent
    fragments: tuple[str, ...]  # distinctive parts that must not survive either
    name: str | None = None  # a secret-named field it travels in


@st.composite
def jose(draw: st.DrawFn) -> Secret:
    """A compact JWS (or JWE), its header JSON written any way a JSON writer may."""
    header = {"alg": draw(st.sampled_from(["RS256", "HS256", "ES256", "none", "RSA-OAEP"]))}
    header.update(draw(st.dictionaries(st.sampled_from(["kid", "typ", "cty", "x5t"]), st.text(max_size=8), max_size=2)))
    separators = draw(st.sampled_from([(",", ":"), (", ", ": "), (" ,", " : ")]))
    head_json = draw(st.sampled_from(["", " ", "\n", "\t "])) + json.dumps(header, separators=separators) + draw(
        st.sampled_from(["", " ", "\r\n"]))
    claims = draw(st.dictionaries(st.text(min_size=1, max_size=6), st.text(max_size=10) | st.integers(), min_size=1, max_size=4))
    head, payload = b64(head_json.encode()), b64(json.dumps(claims).encode())
    signature = b64(draw(st.binary(min_size=16, max_size=64)))
    if draw(st.integers(0, 4)) == 0:  # JWE: header.key.iv.ciphertext.tag
        parts = [head, *(b64(draw(st.binary(min_size=n, max_size=n))) for n in (32, 12, 24)), signature]
        return Secret(".".join(parts), (parts[1], parts[3], signature))
    if draw(st.booleans()):  # a mangled header: the claims alone still give it away
        head = b64(draw(st.binary(min_size=4, max_size=12)))
    return Secret(f"{head}.{payload}.{signature}", (f"{payload}.{signature}", signature))


MARKER = st.text("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_", min_size=10, max_size=24)
SECRETS = st.one_of(
    jose(),
    st.sampled_from(API_TOKENS).map(lambda t: Secret(t, (t,))),
    st.builds(lambda name, value: Secret(value, (value,), name), st.sampled_from(SECRET_FIELDS), MARKER.map("s3cr3t".__add__)),
)


@dataclass
class Mock:
    client: Any
    token: str


@pytest.fixture(scope="module")
def journaled() -> Any:
    app = create_app(validate_responses=True)
    with app.test_client() as client:
        config = client.get("/__mock__/config").json()
        yield Mock(client, get_token(client, config, "Mock Grading Tool"))


def send(mock: Mock, secret: Secret, position: str, encode_dots: bool) -> None:
    """``secret`` sent in ``position``; a named secret in its field, others in an innocent one."""
    client, auth = mock.client, bearer(mock.token)
    name = secret.name or "note"
    value = secret.text
    if position == "path":
        client.get(f"{LINE_ITEMS}/{quote(value, safe='')}", headers=auth)
    elif position == "query":
        quoted = quote(value, safe="") if not encode_dots else quote(value, safe="").replace(".", "%2E")
        client.get(f"{LINE_ITEMS}?per_page=1&{quote(name)}={quoted}", headers=auth)  # the Link header echoes it
    elif position == "query name":
        client.get(f"{LINE_ITEMS}?{quote(value, safe='')}=1", headers=auth)
    elif position == "header":
        client.get(LINE_ITEMS, headers={**auth, (name if secret.name else "X-Note"): value})
    elif position == "json":
        raw = json.dumps({"label": "x", "scoreMaximum": 1, "deep": [{"a": {name: value}}]})
        client.post(LINE_ITEMS, content=raw.replace(".", "\\u002e") if encode_dots else raw,
                    headers={**auth, "Content-Type": "application/json"})
    elif position == "form":
        client.post("/login/oauth2/token", content=f"grant_type=client_credentials&{quote(name)}={quote(value, safe='')}",
                    headers={"Content-Type": "application/x-www-form-urlencoded"})
    elif position == "text":
        text = f"{name}={value}" if secret.name else f"see {value} here"
        client.post(f"{LINE_ITEMS}/1/scores", content=text, headers={**auth, "Content-Type": "text/plain"})
    elif position == "json text":
        client.post("/login/oauth2/token", content=f'{{"{name}": "{value}", "x": 1}}', headers={"Content-Type": "text/plain"})
    elif position in ("oversized json", "oversized form", "oversized text"):
        # a body too large to keep whole, the secret straddling where the kept part ends
        pad = "p" * (MAX_BODY_TEXT - len(value) // 2 - 40)
        if position == "oversized json":
            raw = json.dumps({"note": pad + (value if not secret.name else ""), name: value, "rest": "r" * MAX_BODY_TEXT})
            client.post(LINE_ITEMS, content=raw, headers={**auth, "Content-Type": "application/json"})
        elif position == "oversized form":
            client.post("/login/oauth2/token", content=f"note={pad}&{quote(name)}={quote(value, safe='')}&rest={pad}",
                        headers={"Content-Type": "application/x-www-form-urlencoded"})
        else:
            text = f"{name}={value}" if secret.name else f"see {value} here"
            client.post(f"{LINE_ITEMS}/1/scores", content=f"{pad}\n{text}\n{pad}", headers={**auth, "Content-Type": "text/plain"})
    elif position == "xml":
        client.post(LINE_ITEMS, content=f"<x><{name}>{value}</{name}></x>", headers={**auth, "Content-Type": "application/xml"})
    else:
        raise AssertionError(position)


def leaks(secret: Secret, dump: Any) -> list[str]:
    """Every string in ``dump`` that holds the secret or a fragment, also once decoded."""
    found = []
    stack = [dump]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, str):
            forms = {item, unquote(item), unquote(unquote(item))}
            if any(part in form for part in (secret.text, *secret.fragments) for form in forms):
                found.append(item)
    return found


POSITIONS = ["path", "query", "query name", "header", "json", "form", "text", "json text", "xml", "oversized json",
             "oversized form", "oversized text"]


@pytest.mark.parametrize("position", POSITIONS)
@SETTINGS
@given(secret=SECRETS, encode_dots=st.booleans())
def test_no_secret_reaches_the_journal(journaled: Mock, position: str, secret: Secret, encode_dots: bool) -> None:
    mock = journaled
    assume(not (secret.name and position in ("path", "query name")))  # a bare value there has no meaning to go by
    mock.client.delete("/__mock__/requests")
    send(mock, secret, position, encode_dots)
    journal = mock.client.get("/__mock__/requests").json()
    assert journal["count"] == 1
    assert leaks(secret, journal) == []
    assert leaks(secret, mock.client.get("/__mock__/state?journal=true").json()["scenario"]["journal"]) == []


def test_the_three_leaks_of_the_issue(client: Any, config: dict[str, Any], grading_token: str) -> None:
    grading = tool_named(config, "Mock Grading Tool")
    auth = bearer(grading_token)
    client.get(f"{LINE_ITEMS}/{grading_token}", headers=auth)  # an access token in the path
    form = token_form(grading, config["token_url"], grading["scopes"])
    head, payload, signature = form["client_assertion"].split(".")
    spaced = b64(b" " + base64.urlsafe_b64decode(head + "=" * (-len(head) % 4)))  # does not start with eyJ
    odd = f"{spaced}.{payload}.{signature}"
    client.post(config["token_url"], json={**form, "client_assertion": odd})
    client.post("/api/v1/courses/101/external_tools", headers={"Authorization": "Bearer mock-teacher-token-TEST-ONLY"},
                json={"name": "LTI 1.1", "consumer_key": "ck", "shared_secret": "TEST-ONLY-lkjh", "url": "https://example.com/lti",
                      "privacy_level": "public"})
    entries = client.get("/__mock__/requests").json()["requests"]
    dump = json.dumps(entries)
    for text in (grading_token, odd, signature, payload, "TEST-ONLY-lkjh"):
        assert text not in dump
    path, assertion, tool = entries[-3:]
    assert path["path"] == f"{LINE_ITEMS}/[redacted jwt]"
    assert assertion["body"]["client_assertion"] == {"redacted": "client_assertion", "sub": grading["client_id"]}
    assert assertion["client_id"] == grading["client_id"]
    assert tool["body"]["shared_secret"] == "[redacted]" and tool["body"]["consumer_key"] == "ck"


def test_innocent_text_is_kept(client: Any, grading_token: str) -> None:
    """Redaction by meaning leaves look-alikes alone: versions, host names, token types, URLs."""
    body = {"label": "v1.2.3 on www.example.com", "scoreMaximum": 1, "tag": "token_type=Bearer",
            "resourceId": "https://tool.example.com/a.b.c?x=1"}
    client.post(LINE_ITEMS, json=body, headers={**bearer(grading_token), "Content-Type": "application/json"})
    client.post(f"{LINE_ITEMS}/1/scores", content="comment: abc.def.ghi", headers={**bearer(grading_token), "Content-Type": SCORE})
    entries = client.get("/__mock__/requests").json()["requests"]
    assert entries[-2]["body"] == body
    assert entries[-1]["body"] == "comment: abc.def.ghi"
