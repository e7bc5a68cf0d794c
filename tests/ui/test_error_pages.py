"""Bad input to a console page gets a readable page, over plain HTTP: every page operation of the spec
(``/``, ``/__mock__/`` and everything under ``/__mock__/ui/``), each of its parameters given values
derived from its schema (wrong type, not matching its pattern, over its length limit, an id that names
nothing, bytes that are not UTF-8). The answer is always a ``text/html`` 4xx page (or the page itself,
for a value that is merely unusual), never JSON and never a 5xx; API routes keep Canvas's JSON.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from mockserver import create_app
from mockserver.spec import load_spec, operations

BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
#: Values that make each page's path parameters name something that exists.
KNOWN = {"course_id": "101", "client_id": "10000000000004", "filename": "console.css", "page": "no-such-page"}
NO_SUCH_ID = "987654321"


def page_operations() -> list[tuple[str, dict[str, Any]]]:
    """(path, operation) of every GET that is a console page, from the spec."""
    found = []
    for path, item in load_spec()["paths"].items():
        operation = item.get("get")
        if operation and (path in ("/", "/__mock__/") or path.startswith("/__mock__/ui/")):
            found.append((path, operation))
    assert len(found) >= 14, "the console's pages were not found in the spec"
    return found


def bad_values(schema: dict[str, Any]) -> list[str]:
    """Values the schema refuses, derived from it: a page must answer each with a 400 page."""
    values = []
    if schema.get("type") == "integer":
        values += ["abc", "1.5"]
    if "pattern" in schema:
        values += [v for v in ("abc!", "1234567890123456789") if not re.search(schema["pattern"], v)]
    if "maxLength" in schema:
        values.append("7" * (schema["maxLength"] + 1))
    return values


def odd_values(schema: dict[str, Any]) -> list[str]:
    """Values the schema takes that may name nothing: the page or a not-found page, both HTML."""
    return [NO_SUCH_ID, "-1", "0", "", "<script>alert(1)</script>", "ü" * 3][: 3 if schema.get("type") == "integer" else 6]


@pytest.fixture(scope="module")
def app() -> Any:
    return create_app(validate_responses=True)


@pytest.fixture(scope="module")
def client(app: Any) -> Iterator[Any]:
    with app.test_client() as test_client:
        # A launch, so that a launch's pages exist.
        launch = test_client.post("/__mock__/launches", json={"tool": "10000000000004", "course": "101", "user": "21"})
        KNOWN["launch_id"] = str(launch.json()["launch_id"])
        yield test_client


def url_of(path: str, **params: str) -> str:
    return re.sub(r"{(\w+)}", lambda m: params.get(m.group(1), KNOWN[m.group(1)]), path)


def assert_html_page(answer: Any, what: str, *, statuses: tuple[int, ...] = (400, 404)) -> None:
    kind = answer.headers.get("content-type", "")
    assert answer.status_code in statuses, f"{what}: {answer.status_code} {answer.text[:200]}"
    assert kind.startswith("text/html"), f"{what}: {kind} {answer.text[:200]}"
    assert answer.text.lstrip().startswith("<!DOCTYPE html>") and not answer.text.lstrip().startswith("{"), what
    assert len(re.findall(r"<h1[ >]", answer.text)) == 1 and 'href="/__mock__/ui/"' in answer.text, what


def cases() -> Iterator[tuple[str, str, dict[str, str], str]]:
    """(operation id, path, parameters to set, how the value is bad) for every refusable value."""
    for path, operation in page_operations():
        for parameter in operation.get("parameters", []):
            for value in bad_values(parameter.get("schema") or {}):
                yield operation["operationId"], path, {parameter["name"]: value}, parameter["in"]


def test_every_page_operation_describes_its_errors_as_pages() -> None:
    infos = operations(load_spec())
    for path, operation in page_operations():
        info = infos[operation["operationId"]]
        assert info.html_errors, f"{path}: its 400 must be the console's HTML page (ConsoleBadRequest)"
        responses = operation["responses"]
        if "{" in path:
            assert responses["404"] == {"$ref": "#/components/responses/ConsolePageNotFound"}, path
    # And the APIs keep JSON: no Canvas operation answers its errors as a page.
    assert not [i.operation_id for i in infos.values() if i.html_errors and not i.mock_only]


@pytest.mark.parametrize(("operation_id", "path", "params", "where"), list(cases()),
                         ids=lambda v: v if isinstance(v, str) and not v.startswith("/") else None)
def test_a_value_the_spec_refuses_gets_the_400_page(client: Any, operation_id: str, path: str,
                                                     params: dict[str, str], where: str) -> None:
    query = {} if where == "path" else params
    url = url_of(path, **(params if where == "path" else {}))
    for headers in (BROWSER, {}, {"Accept": "application/json"}):
        answer = client.get(url, params=query, headers=headers)
        assert_html_page(answer, f"{operation_id} {params} {headers}", statuses=(400,))
        (name,) = params
        assert f"“{name}”" in answer.text and "Bad request" in answer.text
        assert f'href="{url}"' in answer.text  # the way back: the page without its query


def test_values_that_name_nothing_get_a_page_never_json(client: Any) -> None:
    checked = 0
    for path, operation in page_operations():
        for parameter in operation.get("parameters", []):
            for value in odd_values(parameter.get("schema") or {}):
                where = parameter["in"]
                url = url_of(path, **({parameter["name"]: value} if where == "path" else {}))
                answer = client.get(url, params={} if where == "path" else {parameter["name"]: value}, headers=BROWSER)
                what = f"{operation['operationId']} {parameter['name']}={value!r}"
                assert answer.status_code < 500, what
                if answer.status_code >= 400:
                    assert_html_page(answer, what)
                    assert "<script>alert" not in answer.text, what
                else:
                    assert answer.headers["content-type"].split(";")[0] in ("text/html", "text/css"), what
                checked += 1
    assert checked >= 40
    # Named ids that do not exist are not-found pages, saying what was not found.
    for url, named in (("/__mock__/ui/courses/101?user=" + NO_SUCH_ID, f"member {NO_SUCH_ID} of course 101"),
                       ("/__mock__/ui/requests?launch=" + NO_SUCH_ID, f"launch {NO_SUCH_ID}"),
                       ("/__mock__/ui/requests?tool=" + NO_SUCH_ID, f"developer key {NO_SUCH_ID}"),
                       ("/__mock__/ui/requests?operation=noSuchOperation", "operation noSuchOperation"),
                       ("/__mock__/ui/courses/" + NO_SUCH_ID + "/gradebook", f"course {NO_SUCH_ID}")):
        answer = client.get(url)
        assert_html_page(answer, url, statuses=(404,))
        assert f"There is no {named}" in answer.text, url


def test_a_known_id_and_a_filter_with_entries_still_answer_the_page(client: Any) -> None:
    assert client.get("/__mock__/ui/courses/101?user=21").status_code == 200  # a member
    assert client.get("/__mock__/ui/requests?operation=startMockLaunch").status_code == 200


def raw_get(app: Any, path: str, query_string: bytes) -> tuple[int, str, bytes]:
    """A GET whose query string holds raw bytes (no client sends them; a server may pass them on)."""
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {"type": "http", "method": "GET", "path": path, "raw_path": path.encode(), "query_string": query_string,
             "headers": [(b"host", b"testserver"), (b"accept", b"text/html")], "scheme": "http",
             "server": ("testserver", 80), "client": ("127.0.0.1", 1), "http_version": "1.1", "root_path": ""}
    with ThreadPoolExecutor(1) as thread:  # its own event loop: Playwright's may be running on this thread
        thread.submit(asyncio.run, app(scope, receive, send)).result()
    headers = dict(sent[0]["headers"])
    return sent[0]["status"], headers.get(b"content-type", b"").decode(), b"".join(m.get("body", b"") for m in sent[1:])


def test_a_query_string_that_is_not_utf8_gets_the_page_on_every_page(app: Any) -> None:
    for path, _ in page_operations():
        status, kind, body = raw_get(app, url_of(path), b"v=\xff\xfe")
        assert (status, kind.split(";")[0]) == (400, "text/html"), path
        assert b"not UTF-8" in body, path
    status, kind, _ = raw_get(app, "/api/lti/security/jwks", b"v=\xff")  # an API keeps Canvas's JSON
    assert (status, kind) == (400, "application/json")


def test_other_methods_and_addresses_under_the_console_are_not_found_pages(client: Any) -> None:
    for method, url in (("POST", "/__mock__/ui/tools"), ("DELETE", "/__mock__/ui/courses/101"), ("GET", "/__mock__/ui/a/b/c")):
        answer = client.request(method, url, headers=BROWSER)
        assert_html_page(answer, f"{method} {url}", statuses=(404,))
    api = client.get("/api/v1/no/such/route")  # an API path keeps Canvas's generic 404
    assert api.status_code == 404 and api.json() == {"errors": [{"message": "The specified resource does not exist."}]}


def test_a_launch_form_off_the_spec_gets_the_launch_page_not_json(client: Any) -> None:
    """The course page's and the launch editor's forms post /__mock__/launches into the tool's frame."""
    for extra in ({"message_type": "Bogus"}, {"deliver": "nope"}, {"not_a_field": "x"}):
        fields = {"tool": "10000000000004", "course": "101", "user": "21", **extra}
        page = client.post("/__mock__/launches", data=fields, headers=BROWSER)
        assert page.status_code == 400 and page.headers["content-type"].startswith("text/html"), page.text
        assert "<h1>The launch did not start</h1>" in page.text and "The launch form was refused" in page.text
        assert next(iter(extra)) in page.text
        api = client.post("/__mock__/launches", json=fields)  # a driver's JSON keeps Canvas's error body
        assert api.status_code == 400 and api.json()["errors"][0]["message"]
