"""The lean paths (the argument plan of ``mockserver/arguments.py``, request validation made once
and the spec router skipped where it serves nothing, ``connexion_adapter.py``) against connexion's
own: the same requests, sent to a mock on each path, get the same answers."""

from __future__ import annotations

import asyncio
import re
from typing import Any

import pytest
from connexion.middleware.routing import RoutingMiddleware
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.routing import Match, Mount, Router

from mockserver import create_app
from mockserver.connexion_adapter import _RootMountRouter, distinct_parameters
from tests.ltiutil import LINE_ITEM, SCORE, bearer, get_token

RANDOM = re.compile(r"[\w-]{8,}\.[\w-]{8,}\.[\w-]*|[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}")
TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d")
ADMIN = {"Authorization": "Bearer mock-admin-token-TEST-ONLY"}
TEACHER = {"Authorization": "Bearer mock-teacher-token-TEST-ONLY"}


def _masked(value: Any) -> Any:
    """Tokens and uuids are random and times move on; everything else must match exactly."""
    if isinstance(value, dict):
        return {k: _masked(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_masked(v) for v in value]
    if isinstance(value, str):
        return "<time>" if TIME.match(value) else RANDOM.sub("<random>", value)
    return value


def _answer(response: Any) -> tuple[int, str, Any]:
    kind = response.headers.get("content-type", "")
    body = response.json() if "json" in kind and response.content else response.text
    return response.status_code, kind, _masked(body)


def _twins(validate_responses: bool = True) -> tuple[Any, Any]:
    """The same world twice, one on each path, with one secret."""
    lean = create_app(validate_responses=validate_responses)
    general = create_app(validate_responses=validate_responses, lean_arguments=False)
    general.state.secret = lean.state.secret
    return lean, general


@pytest.fixture(scope="module")
def pair() -> tuple[Any, Any]:
    return _twins()


def _session(app: Any) -> list[tuple[int, str, Any]]:
    answers = []
    with app.test_client() as client:
        config = client.get("/__mock__/config").json()
        auth = bearer(get_token(client, config, "Mock Grading Tool"))
        student = next(u for u in config["users"] if u["id"] == 20)["lti_id"]
        items = "/api/lti/courses/101/line_items"

        def send(method: str, url: str, **kwargs: Any) -> Any:
            response = client.request(method, url, **kwargs)
            answers.append(_answer(response))
            return response

        created = send("POST", items, headers={**auth, "Content-Type": LINE_ITEM},
                       json={"label": "Quiz", "scoreMaximum": 12.5, "tag": "t1", "resourceId": "r1"}).json()
        url = created["id"].split("testserver", 1)[1]
        send("POST", items, headers={**auth, "Content-Type": "application/json"}, json={"label": "Essay", "scoreMaximum": 3})
        send("POST", items, headers={**auth, "Content-Type": "application/json"}, content=b"")
        send("POST", items, headers={**auth, "Content-Type": "application/json"}, json={"label": 5})
        for query in ("", "limit=1", "limit=1&page=2", "tag=t1", "resource_id=r1", "limit=abc",
                      "include[]=launch_url", "include[]=a&include[]=b", "limit=2&limit=1"):
            send("GET", f"{items}?{query}", headers=auth)
        send("GET", f"{url}?include[]=launch_url", headers=auth)
        send("PUT", url, headers={**auth, "Content-Type": LINE_ITEM}, json={"label": "Quiz 2", "scoreMaximum": 20})
        send("POST", f"{url}/scores", headers={**auth, "Content-Type": SCORE}, json={
            "userId": student, "scoreGiven": 7.5, "scoreMaximum": 20, "activityProgress": "Completed",
            "gradingProgress": "FullyGraded", "timestamp": "2026-06-01T00:00:00Z", "comment": "ok"})
        send("GET", f"{url}/results?user_id={student}&limit=1", headers=auth)
        for query in ("", "role=http://purl.imsglobal.org/vocab/lis/v2/membership%23Learner", "limit=2", "limit=0"):
            send("GET", f"/api/lti/courses/101/names_and_roles?{query}", headers=auth)
        send("DELETE", url, headers=auth)
        send("GET", url, headers=auth)
        send("GET", "/api/v1/courses/101/external_tools?include_parents=true&per_page=1", headers=TEACHER)
        tool = send("POST", "/api/v1/courses/101/external_tools", headers=TEACHER, json={
            "name": "Quizzer", "consumer_key": "ck", "shared_secret": "TEST-ONLY-secret",
            "url": "https://quiz.example.com/lti", "privacy_level": "public", "custom_fields": {"a": "b"}}).json()
        send("PUT", f"/api/v1/courses/101/external_tools/{tool['id']}", headers=TEACHER, json={"name": "Quizzer 2"})
        send("POST", "/api/v1/courses/101/external_tools", headers=TEACHER, data={
            "name": "Form Tool", "consumer_key": "fk", "shared_secret": "TEST-ONLY-secret", "url": "https://f.example.com/lti",
            "privacy_level": "name_only", "custom_fields[key1]": "value1", "course_navigation[text]": "Materials"})
        send("POST", "/api/v1/courses/101/external_tools", headers=TEACHER, files={"name": (None, "Multipart Tool"),
             "consumer_key": (None, "mk"), "shared_secret": (None, "TEST-ONLY-secret"), "url": (None, "https://m.example.com/lti")})
        send("POST", "/api/v1/courses/101/lti_resource_links", headers=TEACHER,
             data={"url": "http://127.0.0.1:9001/launch/item/1", "title": "Embedded", "custom[hello]": "world"})
        send("POST", "/login/oauth2/token", data={"grant_type": "client_credentials", "scope": "x"})
        send("POST", "/login/oauth2/token", data={"grant_type": ["a", "b"]})
        send("GET", "/api/v1/accounts/1/lti_registrations?include[]=overlay&include[]=configuration&per_page=1", headers=ADMIN)
        send("GET", "/api/lti/security/jwks")
        for content_type in ("text/plain", "application/json; charset=utf-8", "application/json;x=1",
                             "application/x-www-form-urlencoded", "multipart/form-data; boundary=b", "",
                             "APPLICATION/JSON", "Application/VND.IMS.LIS.V2.LINEITEM+JSON; charset=UTF-8"):
            send("POST", items, headers={**auth, "Content-Type": content_type}, content=b'{"label": "T", "scoreMaximum": 1}')
        for path in ("/openapi.json", "/openapi.json/", "/openapi.yaml", "/api/lti/security/jwks/", "/nope/", "/nope"):
            send("GET", path, follow_redirects=False)
        send("POST", items, headers=[*auth.items(), ("Content-Type", "text/plain"), ("Content-Type", "application/json")],
             content=b'{"label": "Two types", "scoreMaximum": 1}')
        registration = send("GET", "/api/lti/accounts/1/registration_token", headers=ADMIN).json()
        send("GET", f"/api/lti/security/openid-configuration?registration_token={registration['token']}")
        send("GET", "/api/lti/security/openid-configuration?registration_token=nope")
    return answers


@pytest.mark.parametrize("validate_responses", [True, False], ids=["responses-validated", "as-served"])
def test_a_session_gets_the_same_answers_on_both_paths(validate_responses: bool) -> None:
    lean, general = _twins(validate_responses)
    ours, theirs = _session(lean), _session(general)
    assert len(ours) == len(theirs) > 25
    for index, (mine, reference) in enumerate(zip(ours, theirs, strict=True)):
        assert mine == reference, f"request #{index}"


QUERY_TARGETS = ("/api/lti/courses/101/line_items", "/api/lti/courses/101/names_and_roles",
                 "/api/lti/courses/102/line_items", "/api/lti/courses/999/names_and_roles",
                 "/api/v1/courses/101/external_tools", "/api/v1/accounts/1/lti_registrations")
NAMES = st.sampled_from(["limit", "page", "per_page", "tag", "resource_id", "resource_link_id", "role", "rlid",
                         "include[]", "include_parents", "user_id", "x"])
VALUES = st.one_of(st.integers(-3, 200).map(str), st.text(max_size=8), st.sampled_from(["true", "false", "overlay"]))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(target=st.sampled_from(QUERY_TARGETS), query=st.lists(st.tuples(NAMES, VALUES), max_size=4))
def test_any_query_string_gets_the_same_answer_on_both_paths(pair: tuple[Any, Any], target: str,
                                                              query: list[tuple[str, str]]) -> None:
    answers = []
    for app in (pair[0], *pair):  # the lean app twice: the second time its validator knows the query string
        with app.test_client() as client:
            config = client.get("/__mock__/config").json()
            headers = bearer(get_token(client, config, "Mock Grading Tool")) if "/api/lti/" in target else ADMIN
            answers.append(_answer(client.get(target, params=query, headers=headers)))
    assert answers[0] == answers[1] == answers[2]


def test_the_indexed_route_table_picks_the_route_a_full_scan_picks() -> None:
    """The routing middleware's route index (connexion_adapter._IndexedRouter) against Starlette's
    scan of every route, for every spec path with several parameter values and every method."""
    app = create_app()
    with app.test_client() as client:
        client.get("/api/lti/security/jwks")  # the middleware stack is built on the first request
    routing = next(m for m in app.middleware.middleware_stack if isinstance(m, RoutingMiddleware))
    router = next(route.app for route in routing.router.routes if isinstance(route.app, Router))
    assert hasattr(router, "candidates"), "the lean app routes through the indexed router"
    paths = {"/", "/api", "/api/lti", "/api/lti/", "/api/lti/courses", "/api/lti/courses/", "//api/lti/courses/1/line_items",
             "/api/v1/courses/101/external_tools/", "/API/lti/security/jwks", "/api/lti/security/jwks/x"}
    for route in router.routes:
        for value in ("101", "abc", "a/b", "", "1.5", "%20"):
            paths.add(re.sub(r"\{[^}]*\}", value, route.path))
    indexed = 0
    for path in sorted(paths | {p + "/" for p in paths} | {p.rstrip("/") for p in paths}):
        for method in ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"):
            scope = {"type": "http", "path": path, "method": method, "root_path": "", "headers": []}
            candidates = router.candidates(scope)
            indexed += candidates is not None and len(candidates) < len(router.routes)
            first = next((r for r in router.routes if r.matches(scope)[0] is Match.FULL), None)
            found = next((r for r in candidates if r.matches(scope)[0] is Match.FULL), None) if candidates is not None else first
            assert found is first, (method, path)
    assert indexed > 1000


def _routed(router_cls: type[Router], scope: dict[str, Any], mounts: list[str]) -> tuple[str, dict[str, Any]]:
    """Where a router sends ``scope`` (which mount, its default, or a redirect) and the scope it hands on."""
    seen: list[tuple[str, dict[str, Any]]] = []

    def recorder(name: str) -> Any:
        async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
            seen.append((name, {k: ("router" if k == "router" else v.__name__ if k == "endpoint" else v)
                                for k, v in scope.items() if k != "route"}))
        app.__name__ = name
        return app

    router = router_cls(default=recorder("default"))
    for path in mounts:
        router.routes.append(Mount(path, app=recorder(f"mount {path!r}")))
    async def send(message: dict[str, Any]) -> None:  # a trailing-slash redirect
        if message["type"] == "http.response.start":
            seen.append(("response", {"status": message["status"], "headers": message["headers"]}))

    asyncio.run(router.app(dict(scope), None, send))
    return seen[0]


PATH_TEXT = st.text(st.sampled_from("/ab\n\r%.é"), max_size=8)


@settings(max_examples=300, deadline=None)
@given(path=PATH_TEXT, root_path=st.sampled_from(["", "/ab"]), params=st.sampled_from([{}, {"x": "1"}]),
       mounts=st.sampled_from([[""], ["/a"], ["", "/a"], ["/a", ""]]), kind=st.sampled_from(["http", "websocket"]))
def test_the_lone_mount_shortcut_hands_on_the_scope_starlettes_mount_does(
        path: str, root_path: str, params: dict[str, str], mounts: list[str], kind: str) -> None:
    """connexion_adapter._RootMountRouter skips the scan when the only mount is at "": the mount
    it picks and the scope it hands on are Starlette's, for any path (newlines and all)."""
    scope = {"type": kind, "path": path, "root_path": root_path, "path_params": params, "method": "GET", "headers": []}
    assert _routed(_RootMountRouter, scope, mounts) == _routed(Router, scope, mounts)


def test_each_parameter_is_checked_once_and_the_operations_own_definition_wins() -> None:
    """connexion lists a path-level parameter once per middleware that built the operation; the
    lean validator keeps each (location, name) once, the operation-level definition first."""
    path_level = {"in": "path", "name": "course_id", "schema": {"type": "integer"}}
    own = {"in": "query", "name": "limit", "schema": {"type": "integer", "minimum": 1}}
    overriding = {"in": "path", "name": "course_id", "schema": {"type": "string"}}
    assert distinct_parameters([own, overriding, path_level, path_level, path_level]) == [own, overriding]
    app = create_app()
    with app.test_client() as client:
        auth = bearer(get_token(client, client.get("/__mock__/config").json(), "Mock Grading Tool"))
        assert client.get("/api/lti/courses/101/line_items?limit=abc", headers=auth).status_code == 400
    node, validators = app.middleware.app, []
    while node is not None:
        for api in (api for listed in (getattr(node, "apis", None) or {}).values() for api in listed):
            validators += [op.__dict__["_parameter_validator"] for op in api.operations.values()
                           if "_parameter_validator" in op.__dict__]
        node = getattr(node, "app", None)
    assert validators  # the request above built one
    for validator in validators:
        for location, parameters in validator.parameters.items():
            names = [p["name"] for p in parameters]
            assert len(names) == len(set(names)), (location, names)


def test_each_request_gets_its_own_path_parameters() -> None:
    """The parameter validator keeps the typing of path parameters it has seen; one operation
    asked for several ids in turn must answer each with its own, in one app."""
    app = create_app()
    with app.test_client() as client:
        ids = [client.post("/api/v1/courses/101/external_tools", headers=ADMIN, json={
            "name": f"Tool {n}", "consumer_key": "k", "shared_secret": "s-TEST-ONLY",
            "url": f"https://t{n}.example.com", "privacy_level": "public"}).json()["id"] for n in range(3)]
        assert len(set(ids)) == 3
        for _ in range(2):
            for tool_id in ids:
                shown = client.get(f"/api/v1/courses/101/external_tools/{tool_id}", headers=ADMIN)
                assert shown.status_code == 200 and shown.json()["id"] == tool_id
