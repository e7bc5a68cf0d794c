"""A page on another origin attacks the mock from a real browser, and changes nothing.

The attacker's page is served by the test on another port (another origin, the same site: what
a developer's other local app would be). For every state-changing control endpoint it submits a
form (urlencoded, and text/plain shaped as JSON, the classic trick) and sends ``fetch`` requests
(``no-cors`` POSTs, which need no preflight, and the endpoint's own method). A DNS-rebinding page
is played by a name chromium resolves to 127.0.0.1 (``--host-resolver-rules``). The console's own
forms, which the guard must let through, are what tests/ui/test_console.py drives.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from typing import Any

import pytest

if not os.environ.get("CI"):  # in CI a missing Playwright is a failure, not a skip
    pytest.importorskip("playwright")
from playwright.sync_api import expect
from starlette.applications import Starlette
from starlette.responses import HTMLResponse
from starlette.routing import Route

from mockserver.testing import RunningMock
from tests import net
from tests.launch.tool import serve
from tests.test_browser_guard import REQUESTS, demo_tool_clients, state_changing

from .conftest import REBINDING_NAME

JWKS = "/api/lti/security/jwks"


def attempts(base: str) -> list[dict[str, Any]]:
    """What the page tries against each endpoint: its method, URL and a body that would work."""
    out = []
    for op_id, info in sorted(state_changing().items()):
        path = REQUESTS[op_id].get("path", info.path)
        body = REQUESTS[op_id].get("json")
        form = body if isinstance(body, dict) else REQUESTS[op_id].get("data", {})
        out.append({"op": op_id, "method": info.method, "url": base + path,
                    "json": None if body in (None, "STATE") else json.dumps(body), "form": form})
    return out


ATTACK = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Totally unrelated page</title>
<link rel="icon" href="data:,"></head><body><h1>Nothing to see</h1><script>
const attempts = %s;
const waits = [];
attempts.forEach((a, i) => {
  // A plain form and a text/plain one whose body reads as JSON, each into its own hidden frame.
  for (const kind of ["form", "plain"]) {
    const frame = document.createElement("iframe");
    frame.name = kind + i;
    frame.hidden = true;
    waits.push(new Promise(done => frame.addEventListener("load", done, {once: true})));
    document.body.appendChild(frame);
    const form = document.createElement("form");
    form.method = "post";
    form.action = a.url;
    form.target = frame.name;
    if (kind === "plain") {
      form.enctype = "text/plain";
      const field = document.createElement("input");
      field.name = (a.json || "{}").slice(0, -1) + ', "x": "';
      field.value = '"}';
      form.appendChild(field);
    } else {
      for (const [name, value] of Object.entries(a.form)) {
        const field = document.createElement("input");
        field.name = name;
        field.value = typeof value === "object" ? JSON.stringify(value) : String(value);
        form.appendChild(field);
      }
    }
    document.body.appendChild(form);
    form.submit();
  }
  // fetch: a no-cors POST (a "simple" request: no preflight) and the endpoint's own method.
  waits.push(fetch(a.url, {method: "POST", mode: "no-cors", body: a.json || "",
                           headers: {"Content-Type": "text/plain"}}).catch(() => null));
  waits.push(fetch(a.url, {method: a.method, body: a.json, headers: a.json ? {"Content-Type": "application/json"} : {}})
               .catch(() => null));
});
Promise.all(waits).then(() => { document.body.dataset.done = "yes"; });
</script></body></html>"""


class AttackerSite:
    """The attacker's web server: one page, on another port than the mock."""

    def __init__(self, mock_base: str) -> None:
        self.mock_base = mock_base
        self.base_url = ""

    async def page(self, request: Any) -> HTMLResponse:
        return HTMLResponse(ATTACK % json.dumps(attempts(self.mock_base)))

    def app(self) -> Starlette:
        return Starlette(routes=[Route("/", self.page)])


@pytest.fixture
def attacker(mock: RunningMock) -> Iterator[AttackerSite]:
    with serve(AttackerSite(mock.base_url)) as site:  # type: ignore[arg-type]
        yield site


def observable(base: str) -> Any:
    """The world and scenario (clock frozen), the journal, the fault sets, the platform keys and the
    demo tool's registered client ids."""
    state = net.get(f"{base}/__mock__/state").json()
    del state["scenario"]["clock"]["offset"]
    journal = net.get(f"{base}/__mock__/requests").json()["requests"]
    return (state, [(e["path"], e["status"]) for e in journal if e["path"] != JWKS], net.get(f"{base}/__mock__/faults").json(),
            net.get(f"{base}{JWKS}").json(), demo_tool_clients(net.get(f"{base}/__mock__/demo-tool/").text))


def test_a_page_on_another_origin_changes_nothing(mock: RunningMock, attacker: AttackerSite, browser: Any) -> None:
    base = mock.base_url
    net.post(f"{base}/__mock__/faults", json={"rules": [{"kind": "status", "status": 500, "path": "/nowhere"}]})
    net.post(f"{base}/__mock__/clock", json={"freeze": True}).raise_for_status()
    before = observable(base)
    context = browser.new_context()  # the attacker's pages: their refused requests log errors, as they should
    try:
        page = context.new_page()
        page.goto(attacker.base_url)
        expect(page.locator("body")).to_have_attribute("data-done", "yes")
        # A submitted form shows its refusal as the console's page, not JSON (fetch gets JSON).
        reset = next(i for i, a in enumerate(attempts(base)) if a["op"] == "resetMock")
        for kind in ("form", "plain"):
            refusal = page.frame(name=f"{kind}{reset}")
            assert refusal is not None
            expect(refusal.locator("h1")).to_have_text("Cross-site request refused")
            expect(refusal.locator("main")).to_contain_text("POST /__mock__/reset changes the mock's state")
        # DNS rebinding: the attacker's name, re-pointed at the mock's address, reaches the mock.
        answer = page.goto(base.replace("127.0.0.1", REBINDING_NAME) + "/__mock__/config")
        assert answer is not None and answer.status == 403
        expect(page.locator("body")).to_contain_text(f"Blocked host '{REBINDING_NAME}'")
    finally:
        context.close()
    after = observable(base)
    assert after[0] == before[0] and after[2:] == before[2:]
    # The journal shows what a browser fetched by itself on the rebound name, refused.
    assert after[1] == [*before[1], ("/favicon.ico", 403)]
    # Scripts and test clients (no browser headers) still drive the mock.
    assert net.post(f"{base}/__mock__/keys/rotate").status_code == 200
    assert net.post(f"{base}/__mock__/reset").status_code == 204
