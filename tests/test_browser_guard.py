"""The browser guard (``mockserver/browser_guard.py``) over HTTP: a foreign Host is refused on
every path; a state-changing control request that a browser sends from another site changes
nothing; requests without browser headers (curl, test clients) and the mock's own pages pass.

Which operations are state-changing comes from the spec (every non-GET ``MockControl``
operation), so a new control endpoint is covered, or this test fails until it has a request."""

from __future__ import annotations

import re
import subprocess
from typing import Any

import pytest

from mockserver import create_app
from mockserver.browser_guard import AllowedHosts, check_allowed_host, host_name, is_control
from mockserver.spec import load_spec, operations
from tests import net
from tests.test_cli import CLI, mock_process

#: One request each that succeeds when the guard lets it through.
REQUESTS: dict[str, dict[str, Any]] = {
    "resetMock": {},
    "putMockState": {"json": "STATE"},
    "clearMockRequests": {},
    "addMockFaults": {"json": {"rules": [{"kind": "status", "status": 503}]}},
    "clearMockFaults": {},
    "removeMockFaultSet": {"path": "/__mock__/faults/1"},
    "configureMockThrottle": {"json": {"enabled": True}},
    "setMockClock": {"json": {"advance": 3600}},
    "configureMockSettings": {"json": {"enforce_iso8601_for_lti_scores": True}},
    "startMockLaunch": {"json": {"tool": "1", "course": "101", "user": "10"}},
    "deliverMockLaunch": {"path": "/__mock__/launches/1/deliver", "data": {"id_token": "x"}},
    "rotateMockKeys": {},
    "signMockIdToken": {"json": {"claims": {"sub": "x"}}},
    "demoToolAddRegistration": {"data": {"client_id": "10000000000001"}},
}
CROSS_SITE = [
    {"Origin": "http://127.0.0.1:9999", "Sec-Fetch-Site": "same-site"},  # another port of the same host
    {"Origin": "http://evil.example", "Sec-Fetch-Site": "cross-site"},
    {"Origin": "http://evil.example"},  # a browser that sends no Sec-Fetch-* (plain HTTP to a LAN address)
    {"Origin": "null"},  # a sandboxed frame, a file:// page
]
JWKS = "/api/lti/security/jwks"
SAME_ORIGIN = [{"Origin": "http://testserver", "Sec-Fetch-Site": "same-origin"}, {"Origin": "http://testserver"},
               {"Sec-Fetch-Site": "same-origin"}, {}]


def state_changing() -> dict[str, Any]:
    return {op_id: info for op_id, info in operations(load_spec()).items()
            if "MockControl" in info.tags and info.method not in ("GET", "HEAD") and is_control(info.path)}


def test_every_state_changing_control_operation_is_covered_and_documents_the_refusal() -> None:
    spec = load_spec()
    ops = state_changing()
    assert set(ops) == set(REQUESTS)
    for op_id, info in ops.items():
        responses = spec["paths"][info.path][info.method.lower()]["responses"]
        assert responses.get("403") == {"$ref": "#/components/responses/MockCrossSiteRefused"}, op_id


def observable(client: Any) -> Any:
    """Everything a control request could change: the world and scenario (faults with their
    counters, throttle, clock), the journal (less these reads of the keys), the platform keys,
    the client ids registered with the demo tool."""
    journal = client.get("/__mock__/requests").json()["requests"]
    state = client.get("/__mock__/state").json()
    del state["scenario"]["clock"]["offset"]  # of a frozen clock from real time: frozen_at says it all
    return (state, client.get("/__mock__/faults").json(),
            [(e["seq"], e["path"]) for e in journal if e["path"] != JWKS], client.get(JWKS).json(),
            demo_tool_clients(client.get("/__mock__/demo-tool/").text))


def demo_tool_clients(page: str) -> list[str]:
    """The client ids the demo tool's home page lists as registered with it."""
    table = page.partition('<table id="clients">')[2].partition("</table>")[0]
    return re.findall(r"<tr><td><code>([^<]+)</code>", table)


def send(client: Any, op_id: str, headers: dict[str, str]) -> Any:
    info = state_changing()[op_id]
    request = dict(REQUESTS[op_id])
    if request.get("json") == "STATE":
        request["json"] = client.get("/__mock__/state").json()
    path = request.pop("path", info.path)
    return client.request(info.method, path, headers=headers, **request)


@pytest.mark.parametrize("op_id", sorted(REQUESTS))
def test_a_cross_site_browser_request_changes_nothing_and_a_headless_one_works(op_id: str) -> None:
    app = create_app()
    with app.test_client() as client:
        client.post("/__mock__/faults", json={"rules": [{"kind": "status", "status": 500, "path": "/nowhere"}]})
        client.post("/__mock__/clock", json={"freeze": True})  # the state dump then holds the same time
        before = observable(client)
        for headers in CROSS_SITE:
            refused = send(client, op_id, headers)
            assert refused.status_code == 403, (headers, refused.text)
            assert refused.json()["errors"][0]["message"].startswith("Cross-site request refused")
        assert observable(client) == before
        answers = [send(client, op_id, headers).status_code for headers in SAME_ORIGIN]
        assert answers[0] < 300 and 403 not in answers  # (a rule set removed once is then a 404)


#: What chromium sends with a form another site submits (into a window or a frame), and with its ``fetch``.
FORM_NAVIGATION = {"Origin": "http://127.0.0.1:9999", "Sec-Fetch-Site": "same-site", "Sec-Fetch-Mode": "navigate",
                   "Sec-Fetch-Dest": "iframe", "Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
FETCH = {**FORM_NAVIGATION, "Sec-Fetch-Mode": "no-cors", "Sec-Fetch-Dest": "empty", "Accept": "*/*"}


@pytest.mark.parametrize("op_id", ["resetMock", "startMockLaunch", "rotateMockKeys"])
def test_a_cross_site_form_reads_a_page_and_a_script_keeps_json(op_id: str) -> None:
    with create_app(validate_responses=True).test_client() as client:
        client.post("/__mock__/clock", json={"freeze": True})
        before = observable(client)
        page = send(client, op_id, FORM_NAVIGATION)
        assert page.status_code == 403 and page.headers["content-type"].startswith("text/html")
        assert "<h1>Cross-site request refused</h1>" in page.text and "http://127.0.0.1:9999" in page.text
        assert "nothing changed" in page.text and 'href="/__mock__/ui/"' in page.text
        # A browser without Sec-Fetch-* (plain HTTP to a LAN address) that asks for a page gets one too.
        legacy = send(client, op_id, {"Origin": "http://evil.example", "Accept": "text/html"})
        assert legacy.status_code == 403 and legacy.headers["content-type"].startswith("text/html")
        for headers in (FETCH, {**FORM_NAVIGATION, "Accept": "application/json"}, {"Origin": "http://evil.example"}):
            refused = send(client, op_id, headers)
            assert refused.status_code == 403 and refused.headers["content-type"].startswith("application/json")
            assert refused.json()["errors"][0]["message"].startswith("Cross-site request refused")
        assert observable(client) == before
        assert send(client, op_id, {"Accept": "text/html"}).status_code < 300  # curl asking for HTML: not a browser


def test_the_demo_tool_and_reads_are_not_control() -> None:
    with create_app().test_client() as client:
        evil = {"Origin": "http://evil.example", "Sec-Fetch-Site": "cross-site"}
        assert client.get("/__mock__/config", headers=evil).status_code == 200
        assert client.options("/__mock__/reset", headers=evil).status_code != 403
        # A tool takes cross-site form posts (Canvas's launches): it answers for itself.
        assert client.post("/__mock__/demo-tool/launch", headers=evil, data={}).status_code != 403


@pytest.mark.parametrize("host", ["evil.example", "evil.example:8080", "EVIL.example.", "localhost.evil.example",
                                  "127.0.0.1.nip.io:8080", "testserver.evil"])
def test_a_foreign_host_is_refused_on_every_path(host: str) -> None:
    with create_app().test_client() as client:
        for method, path in (("GET", "/__mock__/config"), ("GET", "/__mock__/ui/"), ("GET", "/api/lti/security/jwks"),
                             ("POST", "/login/oauth2/token"), ("POST", "/__mock__/reset")):
            refused = client.request(method, path, headers={"Host": host})
            assert refused.status_code == 403, (method, path)
            assert refused.json()["errors"][0]["message"].startswith(f"Blocked host '{host_name(host)}'")
        # A Canvas path is journaled with its refusal; the mock's own paths never are.
        assert [(e["path"], e["status"]) for e in client.get("/__mock__/requests").json()["requests"]] == [
            ("/api/lti/security/jwks", 403), ("/login/oauth2/token", 403)]


@pytest.mark.parametrize("host", ["localhost:8080", "app.localhost", "127.0.0.1:8080", "10.1.2.3", "[::1]:8080",
                                  "[fe80::1]", "testserver"])
def test_loopback_names_and_addresses_are_the_mock(host: str) -> None:
    with create_app().test_client() as client:
        assert client.get("/__mock__/config", headers={"Host": host}).status_code == 200


def test_allowed_hosts_add_names_and_domains() -> None:
    app = create_app(allowed_hosts=["mock.example.test", ".corp.test", "*.lab.test"])
    with app.test_client() as client:
        for host, status in (("mock.example.test:8080", 200), ("corp.test", 200), ("a.b.corp.test", 200),
                             ("lab.test", 200), ("x.lab.test", 200), ("example.test", 403), ("xcorp.test", 403)):
            assert client.get("/__mock__/config", headers={"Host": host}).status_code == status, host
    assert AllowedHosts.of(["*"]).allows("anything.example")
    assert AllowedHosts.of(["0.0.0.0"]).extra > {"0.0.0.0"}  # the machine's own name joins


@pytest.mark.parametrize("value", ["http://mock.example", "", "a b", "mock.example/x", "*example", "user@host"])
def test_allow_host_values_that_are_not_names_are_refused(value: str) -> None:
    with pytest.raises(ValueError, match="expected a host name"):
        check_allowed_host(value)
    with pytest.raises(ValueError, match="expected a host name"):
        create_app(allowed_hosts=[value or "."])


def test_canvas_lti_mock_allow_host() -> None:
    with mock_process("--allow-host", "mock.example.test") as (_, base):
        assert net.get(f"{base}/__mock__/config", headers={"Host": "mock.example.test:8080"}).status_code == 200
        assert net.get(f"{base}/__mock__/config", headers={"Host": "other.example.test"}).status_code == 403
    done = subprocess.run([*CLI, "mock", "--port", "0", "--allow-host", "http://mock.example.test"],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.splitlines() == ["canvas-lti mock: error: --allow-host 'http://mock.example.test': expected a "
                                        "host name such as mock.example.test, .example.test (the domain and its "
                                        "subdomains) or * (any host), not a URL"]
