"""Malformed input of any kind gets a 4xx in Canvas's shape and changes nothing (acceptance 5)."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mockserver import create_app
from tests.ltiutil import LINE_ITEM, SCORE, bearer, get_token

ENDPOINTS = [
    ("post", "/api/lti/courses/101/line_items", LINE_ITEM),
    ("put", "/api/lti/courses/101/line_items/1", LINE_ITEM),
    ("post", "/api/lti/courses/101/line_items/1/scores", SCORE),
    ("put", "/__mock__/state", "application/json"),
]


def canvas_shaped(response: Any) -> None:
    """A 4xx with one of Canvas's JSON error shapes (or Canvas's empty-bodied answers)."""
    assert 400 <= response.status_code < 500, (response.status_code, response.text)
    if not response.content:
        return
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert "type" not in body or "errors" in body  # never connexion's problem+json
    errors = body.get("errors")
    assert isinstance(errors, dict | list) or isinstance(body.get("error"), str), body


@pytest.fixture(scope="module")
def env() -> Any:
    app = create_app(validate_responses=True)
    with app.test_client() as client:
        config = client.get("/__mock__/config").json()
        yield app, client, bearer(get_token(client, config, "Mock Grading Tool"))


def check_unchanged(env: Any, method: str, path: str, **kwargs: Any) -> Any:
    app, client, auth = env
    before = app.state.world.snapshot()
    response = getattr(client, method)(path, headers={**auth, **kwargs.pop("headers", {})}, **kwargs)
    if response.status_code >= 400:
        canvas_shaped(response)
        assert app.state.world.snapshot() == before, f"{method} {path} changed state but answered {response.status_code}"
    else:
        app.state.reset()
    return response


BAD_BODIES = [
    b"{",  # truncated JSON
    b'{"label": "x", "scoreMaximum": NaN}',
    b'{"label": "x", "scoreMaximum": Infinity}',
    b'{"label": "x", "scoreMaximum": 1e999}',
    b"\xff\xfe\x00{\x00}",  # not UTF-8
    b"[" * 100000,  # deep nesting
    b'{"label": "x", "scoreMaximum": ' + b"9" * 5000 + b"}",  # huge integer
    b'"just a string"',
    b"null",
    b"[]",
    b'{"userId": {"$ne": 1}, "timestamp": [], "activityProgress": 5}',
    b'{"label": ' + json.dumps("x" * 100000).encode() + b', "scoreMaximum": 1}',
]


@pytest.mark.parametrize("body", BAD_BODIES, ids=range(len(BAD_BODIES)))
@pytest.mark.parametrize(("method", "path", "media_type"), ENDPOINTS)
def test_bad_bodies(env: Any, method: str, path: str, media_type: str, body: bytes) -> None:
    check_unchanged(env, method, path, content=body, headers={"Content-Type": media_type})


@pytest.mark.parametrize("content_type", ["text/plain", "application/xml", "application/json; charset=bogus"])
def test_wrong_content_types(env: Any, content_type: str) -> None:
    check_unchanged(env, "post", "/api/lti/courses/101/line_items/1/scores", content=b"{}", headers={"Content-Type": content_type})


@pytest.mark.parametrize("path", [
    "/api/lti/courses/abc/line_items",
    "/api/lti/courses/99999999999999999999999/line_items",
    "/api/lti/courses/-1/line_items",
    "/api/lti/courses/101/line_items/%00",
    "/api/lti/courses/101/line_items/1/results/xyz",
    "/api/lti/groups/1e9/names_and_roles",
    "/api/lti/courses/101/line_items?limit=-5",
    "/api/lti/courses/101/line_items?limit=99999999999999999999",
    "/api/lti/courses/101/line_items?page=abc",
    "/api/lti/courses/101/names_and_roles?limit=0",
    "/api/v1/not/a/route",
])
def test_bad_paths_and_queries(env: Any, path: str) -> None:
    check_unchanged(env, "get", path)


def test_bad_token_form(env: Any) -> None:
    check_unchanged(env, "post", "/login/oauth2/token", content=b"grant_type=\xff\xfe&scope=%ZZ",
                    headers={"Content-Type": "application/x-www-form-urlencoded"})
    check_unchanged(env, "post", "/login/oauth2/token", content=b"\x00" * 1000,
                    headers={"Content-Type": "application/x-www-form-urlencoded"})


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=5),
    max_leaves=20,
)
field_names = st.sampled_from(["label", "scoreMaximum", "userId", "timestamp", "activityProgress", "gradingProgress",
                               "scoreGiven", "resourceLinkId", "comment", "submission", "tag", "format", "courses"])
near_valid = st.dictionaries(field_names, json_values, max_size=8)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(endpoint=st.sampled_from(ENDPOINTS), body=json_values | near_valid)
def test_fuzzed_json_bodies(env: Any, endpoint: tuple[str, str, str], body: Any) -> None:
    method, path, media_type = endpoint
    response = check_unchanged(env, method, path, content=json.dumps(body).encode(), headers={"Content-Type": media_type})
    assert response.status_code < 500


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(endpoint=st.sampled_from(ENDPOINTS), body=st.binary(max_size=200))
def test_fuzzed_raw_bytes(env: Any, endpoint: tuple[str, str, str], body: bytes) -> None:
    method, path, media_type = endpoint
    response = check_unchanged(env, method, path, content=body, headers={"Content-Type": media_type})
    assert response.status_code < 500


RAILS_FORM_ENDPOINTS = [  # REST endpoints that read Rails-style nested form fields (name[child][]=…)
    ("post", "/api/v1/courses/101/external_tools"),
    ("put", "/api/v1/accounts/1/external_tools/1"),
]
form_names = st.text(alphabet=st.sampled_from("ab[]_ \n\r\t%=&é"), min_size=1, max_size=12)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(endpoint=st.sampled_from(RAILS_FORM_ENDPOINTS),
       fields=st.lists(st.tuples(form_names, st.text(max_size=8)), min_size=1, max_size=6))
def test_fuzzed_rails_form_field_names_never_500(env: Any, endpoint: tuple[str, str], fields: list[tuple[str, str]]) -> None:
    """Any field name (stray brackets, newlines, conflicts) is parsed as Rack would or refused with a 4xx."""
    app, client, _ = env
    method, path = endpoint
    before = app.state.world.snapshot()
    response = client.request(method, path, content=urlencode(fields),
                              headers={"Authorization": "Bearer mock-admin-token-TEST-ONLY",
                                       "Content-Type": "application/x-www-form-urlencoded"})
    assert response.status_code < 500, (fields, response.status_code, response.text)
    if response.status_code >= 400:
        canvas_shaped(response)
        assert app.state.world.snapshot() == before


@pytest.mark.parametrize("content_type", ["APPLICATION/JSON", "Application/Vnd.Ims.Lis.V2.LineItem+Json; charset=utf-8"])
def test_media_types_are_case_insensitive_as_in_rack(env: Any, content_type: str) -> None:
    """Rack lower-cases the media type: Canvas parses ``APPLICATION/JSON`` as JSON."""
    _, client, auth = env
    created = client.post("/api/lti/courses/101/line_items", headers={**auth, "Content-Type": content_type},
                          content=b'{"label": "Upper", "scoreMaximum": 4}')
    assert created.status_code == 201, created.text
    assert client.get(created.json()["id"], headers=auth).json()["label"] == "Upper"
