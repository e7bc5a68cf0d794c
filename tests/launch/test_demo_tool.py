"""The demo tool over HTTP: out of the box it launches, grades and deep links through the
platform's ordinary endpoints; it refuses every launch a strict tool must refuse, one rule at a
time (each forged id_token is signed with the platform's key, so only the rule under test fails).
"""

from __future__ import annotations

import json
import re
import subprocess
from typing import Any
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest

from mockserver import create_app
from mockserver.demo_tool.validation import CHECKS
from mockserver.launch.html import read_form
from tests import net

LTI = "https://purl.imsglobal.org/spec/lti/claim/"
DEMO_KEY = "10000000000004"
TOOL = "http://testserver/__mock__/demo-tool"


@pytest.fixture
def client() -> Any:
    with create_app(validate_responses=True).test_client() as test_client:
        yield test_client


def start(client: Any, drop: tuple[str, ...] = (), **launch: str) -> dict[str, Any]:
    """Start a launch of the demo tool; what Canvas's authorize page posts back to it (id_token, state).
    ``drop``: login initiation parameters left out."""
    body = {"tool": DEMO_KEY, "course": "101", "user": "21", **launch}
    login = client.post("/__mock__/launches", json=body).json()
    params = {name: value for name, value in login["params"].items() if name not in drop}
    page = client.post(login["login_url"], data=params, follow_redirects=True)
    assert page.status_code == 200, page.text
    return read_form(page.text)


def failed_rules(page: Any) -> list[str]:
    return re.findall(r'<tr class="check fail-row"><td><code>([^<]+)</code>', page.text)


def test_a_launch_passes_every_check_and_the_score_goes_through_the_platform(client: Any) -> None:
    form = start(client)
    assert form["action"] == f"{TOOL}/launch"
    page = client.post(form["action"], data=form["fields"])
    assert page.status_code == 200, page.text
    assert "<h1>Hello, Samuel Student</h1>" in page.text and failed_rules(page) == []
    passed = re.findall(r'<tr class="check pass-row"><td><code>([^<]+)</code>', page.text)
    assert len(passed) == len(CHECKS) and set(passed) == {rule for rule, _ in FORGERIES}  # a forgery for each
    launch = re.search(r'name="launch" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    scored = client.post(f"{TOOL}/score", data={"launch": launch, "given": "7.5", "maximum": "10", "comment": "ok"})
    assert scored.status_code == 200 and "Score posted: 7.5/10 for Samuel Student." in scored.text
    # An ordinary tool: its requests are the platform's own endpoints, under its client id.
    journal = client.get("/__mock__/requests", params={"client_id": DEMO_KEY}).json()["requests"]
    assert [e["operation_id"] for e in journal] == ["createAccessToken", "listLineItems", "createLineItem", "createScore"]
    assert all(e["status"] in (200, 201) for e in journal)
    line_item = client.get("/__mock__/state").json()["line_items"][-1]
    assert line_item["client_id"] == DEMO_KEY and line_item["resource_id"] == "demo-tool"
    # The same launch form again: a replay.
    assert "state" in failed_rules(client.post(form["action"], data=form["fields"]))


def test_a_deep_linking_launch_returns_the_chosen_content(client: Any) -> None:
    form = start(client, user="10", placement="course_assignments_menu", message_type="LtiDeepLinkingRequest")
    picker = client.post(form["action"], data=form["fields"])
    assert "<h1>Choose content</h1>" in picker.text
    offered = re.findall(r'name="item" value="([^"]+)"', picker.text)
    assert offered == ["graded", "reading"]  # ltiResourceLink only: what course_assignments_menu accepts
    launch = re.search(r'name="launch" value="([^"]+)"', picker.text).group(1)  # type: ignore[union-attr]
    response = read_form(client.post(f"{TOOL}/deep-link", data={"launch": launch, "item": ["graded", "reading"]}).text)
    claims = jwt.decode(response["fields"]["JWT"], options={"verify_signature": False})
    assert claims["iss"] == DEMO_KEY and claims["aud"] == "https://canvas.instructure.com"
    assert client.post(response["action"], data=response["fields"]).status_code == 200
    state = client.get("/__mock__/state").json()
    assert [a["name"] for a in state["assignments"]][-1] == "Demo graded activity"
    assert {c["item"]["title"] for c in state["content_items"]} == {"Demo graded activity", "Demo reading"}


def _forge(client: Any, token: str, change: Any) -> str:
    """The id_token with ``change`` applied to its claims, signed again with the platform's key."""
    claims = jwt.decode(token, options={"verify_signature": False})
    change(claims)
    return client.post("/__mock__/id_tokens", json={"claims": claims}).json()["id_token"]


def _set(name: str, value: Any) -> Any:
    return lambda claims: claims.__setitem__(name, value)


def _drop(name: str) -> Any:
    return lambda claims: claims.pop(name)


def _resigned_elsewhere(client: Any, token: str) -> str:
    """The platform's own claims with one harmless claim more, under the original signature."""
    head, _, signature = token.split(".")
    claims = jwt.decode(token, options={"verify_signature": False})
    body = jwt.utils.base64url_encode(json.dumps({**claims, "extra": 1}).encode()).decode()
    return f"{head}.{body}.{signature}"


#: Forged launches, each breaking one rule: only that rule may fail (the id_token is signed again
#: with the platform's key, except for the signature rule).
#: Another key's deployment (the fixtures' Mock Grading Tool, installed in the root account).
OTHER_DEPLOYMENT = "1:a8004bde2a95919c0e98aeceb398ee9d1bf0b0d3"

FORGERIES: list[tuple[str, Any]] = [
    ("state", "state"),
    ("state_cookie", "no cookie"),  # the state and id_token planted in another browser (login CSRF)
    ("state_cookie", "another cookie value"),
    ("signature", _resigned_elsewhere),
    ("iss", _set("iss", "https://canvas.evil.example")),
    ("aud", _set("aud", "someone-else")),
    ("aud", lambda claims: [claims.update(aud=[DEMO_KEY, "someone-else"]), claims.pop("azp", None)]),  # no azp
    ("aud", _set("azp", "someone-else")),
    ("exp", lambda claims: claims.update(exp=claims["iat"] - 7200)),
    ("exp", _drop("exp")),
    ("iat", lambda claims: claims.update(iat=claims["iat"] + 7200)),
    ("nonce", _set("nonce", "a-nonce-this-tool-never-sent")),
    ("deployment_id", _set(LTI + "deployment_id", "99:another-deployment")),
    ("deployment_id", _drop(LTI + "deployment_id")),
    ("deployment_id", "another key's deployment"),  # a login that named none: the tool's own list decides
    ("message_type", _set(LTI + "message_type", "LtiSubmissionReviewRequest")),
    ("version", _set(LTI + "version", "1.1.0")),
    ("target_link_uri", _set(LTI + "target_link_uri", "https://elsewhere.example/launch")),
    ("roles", _drop(LTI + "roles")),
    ("resource_link", _drop(LTI + "resource_link")),
    ("sub", _set("sub", 21)),
]


@pytest.mark.parametrize(("rule", "forgery"), FORGERIES, ids=[f"{rule}-{n}" for n, (rule, _) in enumerate(FORGERIES)])
def test_a_strict_tool_refuses_the_forgery(client: Any, rule: str, forgery: Any) -> None:
    fields = dict(start(client, drop=("deployment_id",) if forgery == "another key's deployment" else ())["fields"])
    cookie = f"demo_tool_state_{fields['state']}"
    assert client.cookies.get(cookie), "the login set its cookie"
    if forgery == "state":
        fields["state"] = "a-state-this-tool-never-issued"
    elif forgery in ("no cookie", "another cookie value"):
        client.cookies.clear()
        if forgery == "another cookie value":
            client.cookies.set(cookie, "a-secret-of-another-login", path="/__mock__/")
    elif forgery == "another key's deployment":
        fields["id_token"] = _forge(client, fields["id_token"], _set(LTI + "deployment_id", OTHER_DEPLOYMENT))
    elif forgery is _resigned_elsewhere:
        fields["id_token"] = _resigned_elsewhere(client, fields["id_token"])
    else:
        fields["id_token"] = _forge(client, fields["id_token"], forgery)
    page = client.post(f"{TOOL}/launch", data=fields)
    assert page.status_code == 401
    failed = failed_rules(page)
    # Without its login the tool knows neither the client id, the nonce nor the target it sent.
    assert failed == (["state", "state_cookie", "aud", "nonce", "deployment_id", "target_link_uri"]
                      if forgery == "state" else [rule]), failed
    if forgery == "another key's deployment":
        assert f"deployment &#39;{OTHER_DEPLOYMENT}&#39; is not one this tool knows for client id &#39;{DEMO_KEY}&#39;" in page.text
    if rule == "state_cookie":
        assert "started in another browser" in page.text


def test_the_login_sets_a_cookie_for_this_launch_only_and_the_launch_deletes_it(client: Any) -> None:
    login = client.post("/__mock__/launches", json={"tool": DEMO_KEY, "course": "101", "user": "21"}).json()
    redirect = client.post(login["login_url"], data=login["params"], follow_redirects=False)
    state = parse_qs(urlsplit(redirect.headers["location"]).query)["state"][0]
    set_cookie = redirect.headers["set-cookie"]
    assert set_cookie.startswith(f"demo_tool_state_{state}=")
    assert all(part in set_cookie for part in ("HttpOnly", "Max-Age=600", "Path=/__mock__/;", "SameSite=lax"))
    form = read_form(client.get(redirect.headers["location"]).text)
    page = client.post(form["action"], data=form["fields"])
    assert page.status_code == 200 and failed_rules(page) == []
    assert page.headers["set-cookie"].startswith(f'demo_tool_state_{state}=""; ') and "Max-Age=0" in page.headers["set-cookie"]


def test_only_client_ids_registered_with_the_tool_launch_it(client: Any) -> None:
    """Another key of the platform pointed at the demo tool (the fixtures' Mock Grading Tool) is refused
    at login, saying whose key it is, until the client id is registered with the tool on its page."""
    login = client.post("/__mock__/launches", json={"tool": DEMO_KEY, "course": "101", "user": "21"}).json()
    params = {**login["params"], "client_id": "10000000000001", "deployment_id": OTHER_DEPLOYMENT}
    refused = client.post(login["login_url"], data=params)
    assert refused.status_code == 400 and "location" not in refused.headers
    assert re.findall(r"<li>(.*?)</li>", refused.text) == [
        "client id &#39;10000000000001&#39; is the developer key of &#39;Mock Grading Tool&#39; on this platform, not one "
        "registered with this tool. The demo tool launches for the fixtures&#39; Demo Tool key, the client ids it "
        "registered itself by URL, and those added on its page"]
    unknown = client.post(login["login_url"], data={**params, "client_id": "99999"})
    assert "client id &#39;99999&#39; is not a developer key of this platform" in unknown.text
    home = client.get(f"{TOOL}/")
    assert re.findall(r'<tr><td><code>(\d+)</code></td><td>([^<]+)</td><td>([^<]+)</td>', home.text) == [
        (DEMO_KEY, "Demo Tool", "the fixtures&#39; Demo Tool key")]
    assert client.post(f"{TOOL}/registrations", data={"client_id": "99999"}).status_code == 400
    added = client.post(f"{TOOL}/registrations", data={"client_id": "10000000000001"})
    assert added.status_code == 200 and "Client id 10000000000001 (Mock Grading Tool) is registered" in added.text
    assert "10000000000001" in re.findall(r"<tr><td><code>(\d+)</code>", added.text)
    assert client.post(login["login_url"], data=params, follow_redirects=False).status_code == 302  # the tool's login
    # A reset of the world hands client ids out again (to other keys): the tool forgets the ones it learned.
    assert client.post("/__mock__/reset").status_code == 204
    assert re.findall(r"<tr><td><code>(\d+)</code>", client.get(f"{TOOL}/").text) == [DEMO_KEY]


def test_the_platform_error_and_a_foreign_login_are_refused_plainly(client: Any) -> None:
    error = client.post(f"{TOOL}/launch", data={"error": "login_required", "error_description": "Must have an active user session"})
    assert error.status_code == 400 and "login_required: Must have an active user session" in error.text
    foreign = client.get(f"{TOOL}/login", params={"iss": "https://evil.example", "login_hint": "x", "client_id": "1",
                                                 "target_link_uri": "https://evil.example/launch"})
    assert foreign.status_code == 400
    assert re.findall(r"<li>(.*?) ", foreign.text) == ["iss", "client", "target_link_uri"]
    redirect = client.get(f"{TOOL}/login", params={"iss": "https://canvas.instructure.com", "login_hint": "x",
                                                  "client_id": DEMO_KEY, "target_link_uri": f"{TOOL}/launch"},
                          follow_redirects=False)
    assert redirect.status_code == 302
    query = parse_qs(urlsplit(redirect.headers["location"]).query)
    assert query["redirect_uri"] == [f"{TOOL}/launch"] and query["response_mode"] == ["form_post"]
    assert len(query["state"][0]) >= 32 and len(query["nonce"][0]) >= 32


def test_the_demo_tool_publishes_the_key_the_fixtures_registered(client: Any) -> None:
    published = client.get(f"{TOOL}/jwks").json()["keys"][0]
    state = client.get("/__mock__/state").json()
    registered = next(k for k in state["developer_keys"] if k["id"] == DEMO_KEY)["public_jwk"]
    assert published == registered
    assert "Public JWK" in client.get(f"{TOOL}/").text


def test_canvas_lti_mock_points_the_demo_tool_at_its_own_address_or_public_url() -> None:
    from tests.test_cli import CLI, mock_process

    with mock_process() as (_, base):  # --port 0: the fixtures' ${MOCK_URL} is the port actually bound
        key = next(k for k in net.get(f"{base}/__mock__/state").json()["developer_keys"] if k["id"] == DEMO_KEY)
        assert key["oidc_initiation_url"] == f"{base}/__mock__/demo-tool/login"
    with mock_process("--public-url", "http://mock.example.test:8081/") as (_, base):
        state = net.get(f"{base}/__mock__/state").json()
        assert next(t for t in state["tools"] if t["id"] == 4)["url"] == "http://mock.example.test:8081/__mock__/demo-tool/launch"
        assert net.get(f"{base}/__mock__/config", headers={"Host": "mock.example.test:8081"}).status_code == 200
    done = subprocess.run([*CLI, "mock", "--port", "0", "--public-url", "http://mock.example.test/tool"],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 2 and done.stderr.splitlines() == [
        "canvas-lti mock: error: --public-url http://mock.example.test/tool: expected an origin such as "
        "http://localhost:8081 (no path)"]
