"""Launch records over HTTP: the conversation a launch leaves (``GET /__mock__/launches/{id}``), the
checks of the tool's authentication request, the validation report of deep-linking responses,
the journal's grouping and what it keeps, and the reproducible curl."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import time
from typing import Any

import jwt
import pytest

from mockserver.launch.html import read_form
from mockserver.launch.record import MAX_STEPS
from tests import net
from tests.ltiutil import bearer

from .dlutil import LTI, REDIRECT, response_claims, return_path, sign

AUTH = {"scope": "openid", "response_type": "id_token", "response_mode": "form_post", "prompt": "none",
        "redirect_uri": REDIRECT, "nonce": "n-1", "state": "s-1"}


def start(client: Any, **body: Any) -> dict[str, Any]:
    answer = client.post("/__mock__/launches", json={"tool": "1", "course": "101", "user": "20", **body})
    assert answer.status_code == 201, answer.text
    return answer.json()


def authorize(client: Any, login: dict[str, Any], **changes: Any) -> Any:
    params = {**AUTH, "client_id": login["params"]["client_id"], "login_hint": login["params"]["login_hint"],
              "lti_message_hint": login["params"]["lti_message_hint"], **changes}
    return client.get("/api/lti/authorize", params={k: v for k, v in params.items() if v is not None})


def record(client: Any, launch_id: int) -> dict[str, Any]:
    answer = client.get(f"/__mock__/launches/{launch_id}")
    assert answer.status_code == 200, answer.text
    return answer.json()


def verdicts(checks: list[dict[str, Any]]) -> dict[str, str]:
    return {check["name"]: check["verdict"] for check in checks}


def test_a_launch_record_follows_the_conversation(client: Any) -> None:
    login = start(client, placement="course_navigation")
    started = record(client, login["launch_id"])
    assert started["stage"] == "started" and started["login"]["params"] == login["params"]
    assert started["tool"]["name"] == "Mock Grading Tool" and started["user"]["id"] == 20
    token = read_form(authorize(client, login).text)["fields"]["id_token"]
    done = record(client, login["launch_id"])
    assert done["stage"] == "authenticated" and done["id_token"] == token
    assert set(verdicts(done["authentications"][0]["checks"]).values()) == {"pass"}
    assert jwt.decode(token, options={"verify_signature": False})["nonce"] == "n-1"
    listed = client.get("/__mock__/launches").json()
    assert listed["count"] >= 1 and listed["launches"][0]["id"] == login["launch_id"]
    assert client.get("/__mock__/launches/99999").status_code == 404
    client.post("/__mock__/reset")
    assert client.get(f"/__mock__/launches/{login['launch_id']}").status_code == 404


@pytest.mark.parametrize(("change", "failing"), [
    ({"scope": "profile"}, {"scope"}),
    ({"response_type": "code"}, {"response_type"}),
    ({"response_mode": "query"}, {"response_mode"}),
    ({"prompt": "login"}, {"prompt"}),
    ({"nonce": None}, {"nonce"}),
    ({"login_hint": "someone-else"}, {"login_hint"}),
    ({"redirect_uri": "http://127.0.0.1:9001/elsewhere"}, {"redirect_uri"}),
])
def test_each_authentication_parameter_is_checked(client: Any, change: dict[str, Any], failing: set[str]) -> None:
    login = start(client)
    authorize(client, login, **change)
    checks = verdicts(record(client, login["launch_id"])["authentications"][0]["checks"])
    assert {name for name, verdict in checks.items() if verdict == "fail"} == failing


def test_a_missing_state_is_a_warning_and_a_changed_hint_finds_no_launch(client: Any) -> None:
    login = start(client)
    authorize(client, login, state=None)
    assert verdicts(record(client, login["launch_id"])["authentications"][0]["checks"])["state"] == "warn"
    other = start(client)
    authorize(client, other, lti_message_hint=other["params"]["lti_message_hint"] + "x")
    assert record(client, other["launch_id"])["authentications"] == []  # the hint no longer names it


def test_editor_options_change_the_claims_and_refuse_bad_input(client: Any) -> None:
    login = start(client, role_set="Observer", roles=["Instructor"], custom={"shoe": "$Canvas.course.id"},
                  locale="de", claims={"https://example.com/x": [1, 2]})
    claims = record(client, login["launch_id"])["claims"]
    assert claims[LTI + "roles"] == ["http://purl.imsglobal.org/vocab/lis/v2/membership#Mentor",
                                     "http://purl.imsglobal.org/vocab/lis/v2/system/person#User",
                                     "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"]
    assert claims[LTI + "custom"]["shoe"] == "101" and claims["https://example.com/x"] == [1, 2]
    assert claims["locale"] == claims[LTI + "launch_presentation"]["locale"] == "de"
    plain = record(client, start(client)["launch_id"])["claims"]
    assert LTI + "custom" not in plain or "shoe" not in plain[LTI + "custom"]  # Canvas's claims by default
    for bad, message in (({"claims": "[1]"}, "must be a JSON object"), ({"claims": "{"}, "not valid JSON"),
                         ({"claims": {"nonce": "x"}}, "nonce claim"), ({"role_set": "Wizard"}, "not one of"),
                         ({"custom": "no equals sign"}, "is not name=value")):
        answer = client.post("/__mock__/launches", json={"tool": "1", "course": "101", "user": "20", **bad})
        assert answer.status_code == 400 and message in answer.json()["errors"][0]["message"], (bad, answer.text)


def deep_linking_launch(client: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    login = start(client, placement="course_assignments_menu", message_type="LtiDeepLinkingRequest", user="10")
    token = read_form(authorize(client, login).text)["fields"]["id_token"]
    return login, jwt.decode(token, options={"verify_signature": False})


def test_deep_linking_report_names_the_rule_each_response_breaks(client: Any, config: dict[str, Any]) -> None:
    grading = next(t for t in config["tools"] if t["name"] == "Mock Grading Tool")
    login, claims = deep_linking_launch(client)
    deployment = {LTI + "deployment_id": claims[LTI + "deployment_id"]}
    item = {"type": "ltiResourceLink", "title": "Quiz", "url": "https://tool.example/quiz",
            "lineItem": {"scoreMaximum": 10}, "window": {"targetName": "x"}}
    cases = [
        (response_claims(grading, [item], **deployment), True, {}, {"lineItem": "pass", "presentation": "pass"}),
        (response_claims(grading, [item], aud="https://wrong.example", **deployment), False, {"aud": "fail"}, {}),
        (response_claims(grading, [item]), True, {"deployment_id": "warn"}, {}),
        (response_claims(grading, [{"type": "link"}], **deployment), True, {}, {"properties": "fail"}),
        (response_claims(grading, [{**item, "url": "/relative"}], **deployment), True, {}, {"url": "fail"}),
        (response_claims(grading, [{**item, "lineItem": {"scoreMaximum": -1}}], **deployment), False, {},
         {"lineItem": "fail"}),
        (response_claims(grading, [item, item], **deployment), True, {"accept_multiple": "pass"}, {}),
        (response_claims(grading, [item], iat=int(time.time()) - 7200, **deployment), False, {"iat": "fail"}, {}),
        (response_claims(grading, [item], exp=int(time.time()) - 10, **deployment), False, {"exp": "fail"}, {}),
        (response_claims(grading, [item], nonce=None, **deployment), False, {"nonce": "fail"}, {}),
        (response_claims(grading, [item], **{LTI + "message_type": "LtiResourceLinkRequest"}, **deployment), True,
         {"message_type": "warn"}, {}),
        (response_claims(grading, [item], **{LTI + "version": "1.1"}, **deployment), True, {"version": "warn"}, {}),
        (response_claims(grading, [{"type": "html", "html": "<b>x</b>"}], **deployment), True, {}, {"type": "warn"}),
    ]
    path = return_path(claims)
    for number, (body, accepted, message_verdicts, item_verdicts) in enumerate(cases):
        answer = client.post(path, data={"JWT": sign(grading, body)})
        assert answer.status_code == (200 if accepted else 400), (number, answer.text)
        report = record(client, login["launch_id"])["deep_linking"][number]
        assert report["outcome"]["accepted"] is accepted, number
        got = verdicts(report["report"]["checks"])
        assert {k: got[k] for k in message_verdicts} == message_verdicts, (number, got)
        got_items = verdicts(report["report"]["items"][0]["checks"])
        assert {k: got_items.get(k) for k in item_verdicts} == item_verdicts, (number, got_items)
    client.post(path, data={"JWT": sign(grading, response_claims(grading, [item], **deployment), kid="no-such-kid")})
    assert verdicts(record(client, login["launch_id"])["deep_linking"][-1]["report"]["checks"])["kid"] == "warn"
    other_key = sign({**grading, "private_key_pem": _other_key()}, response_claims(grading, [item], **deployment))
    client.post(path, data={"JWT": other_key})
    last = record(client, login["launch_id"])["deep_linking"][-1]
    assert verdicts(last["report"]["checks"])["signature"] == "fail"
    assert last["outcome"]["errors"] == {"jwt": ["JWT verification failure"]}


def test_a_response_posted_without_the_return_urls_data_is_reported_with_its_launch(client: Any,
                                                                                     config: dict[str, Any]) -> None:
    """Canvas's ``data`` travels in the return URL: a tool that drops or changes it gets Canvas's 400,
    and the report of the launch it answered names the rule (it was filed nowhere, and a browser saw JSON)."""
    grading = next(t for t in config["tools"] if t["name"] == "Mock Grading Tool")
    login, claims = deep_linking_launch(client)
    response = sign(grading, response_claims(grading, [{"type": "ltiResourceLink", "title": "T"}],
                                             **{LTI + "deployment_id": claims[LTI + "deployment_id"]}))
    path = return_path(claims)
    bare, _, query = path.partition("?")
    changed = f"{bare}?{query[:-4]}AAAA"
    for address, error, says in ((bare, "presence_required", "without its data query parameter"),
                                 (changed, "invalid_or_malformed", "not the one Canvas sent for this course")):
        answer = client.post(address, data={"JWT": response})
        assert answer.status_code == 400 and answer.json() == {"errors": {"data": [error]}}
        last = record(client, login["launch_id"])["deep_linking"][-1]
        check = next(c for c in last["report"]["checks"] if c["name"] == "return_url_data")
        assert check["verdict"] == "fail" and says in check["reason"] and error in check["reason"], check
        assert last["outcome"]["errors"] == {"data": [error]}
    assert client.post(path, data={"JWT": response}).status_code == 200
    last = record(client, login["launch_id"])["deep_linking"][-1]
    assert verdicts(last["report"]["checks"])["return_url_data"] == "pass"
    entries = client.get("/__mock__/requests", params={"launch_id": login["launch_id"]}).json()["requests"]
    assert [e["status"] for e in entries if e["operation_id"] == "deepLinkingResponse"] == [400, 400, 200]
    # From a browser's launch, the refusal is the launch page naming the rule, not Canvas's JSON.
    form_login = client.post("/__mock__/launches", data={"tool": "1", "course": "101", "user": "10",
                                                         "placement": "course_assignments_menu",
                                                         "message_type": "LtiDeepLinkingRequest"})
    assert form_login.status_code == 200
    launch_id = max(r["id"] for r in client.get("/__mock__/launches").json()["launches"])
    started = record(client, launch_id)
    authorize(client, {"params": started["login"]["params"]})
    page = client.post(bare, data={"JWT": response})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")  # the page explains the 400
    assert "<h1>Canvas refused the deep-linking response</h1>" in page.text and "(data: presence_required)" in page.text
    assert "return_url_data" in page.text and "without its data query parameter" in page.text


def _other_key() -> str:
    from tests.launch.tool import new_rsa_key

    return new_rsa_key()[0]


def test_the_journal_groups_a_launch_and_keeps_its_lti_messages(client: Any, config: dict[str, Any],
                                                                  grading_token: str) -> None:
    grading = next(t for t in config["tools"] if t["name"] == "Mock Grading Tool")
    login, claims = deep_linking_launch(client)
    response = sign(grading, response_claims(grading, [{"type": "ltiResourceLink", "title": "T"}]))
    client.post(return_path(claims), data={"JWT": response})
    entries = client.get("/__mock__/requests", params={"launch_id": login["launch_id"]}).json()["requests"]
    assert [e["operation_id"] for e in entries] == ["authorizeLaunch", "deepLinkingResponse"]
    assert entries[1]["body"]["JWT"] == response  # the tool's LTI message, kept to be read
    id_token = read_form(entries[0]["response_body"])["fields"]["id_token"]
    assert jwt.decode(id_token, options={"verify_signature": False})[LTI + "message_type"] == "LtiDeepLinkingRequest"
    client.get("/api/lti/courses/101/line_items", headers=bearer(grading_token))
    everything = json.dumps(client.get("/__mock__/requests").json())
    assert grading_token not in everything and "[redacted jwt]" in everything  # the hint; credentials still go
    assert entries[0]["query"]["lti_message_hint"] == "[redacted jwt]"


def test_the_reproducible_curl_has_the_real_values_and_replays(client: Any, grading_token: str) -> None:
    client.post("/api/lti/courses/101/line_items", headers={**bearer(grading_token), "Content-Type": "application/json"},
                content=json.dumps({"label": "Replayed", "scoreMaximum": 5}))
    entry = client.get("/__mock__/requests").json()["requests"][-1]
    assert grading_token not in json.dumps(entry)
    command = client.get(f"/__mock__/requests/{entry['seq']}/curl")
    assert command.status_code == 200 and command.headers["content-type"].startswith("text/plain")
    words = shlex.split(command.text)
    assert words[:3] == ["curl", "-X", "POST"] and f"Authorization: Bearer {grading_token}" in words
    headers = dict(w.split(": ", 1) for w in words[words.index(words[3]) + 1:] if ": " in w)
    body = words[words.index("--data-raw") + 1]
    again = client.post(words[3].replace("http://testserver", ""), headers=headers, content=body)
    assert again.status_code == 201 and again.json()["label"] == "Replayed"
    state = json.dumps(client.get("/__mock__/state?journal=true").json())
    assert grading_token not in state
    assert client.get("/__mock__/requests/99999/curl").status_code == 404


def test_no_replay_is_kept_of_a_request_over_an_entrys_bounds(client: Any, grading_token: str) -> None:
    """The journal's memory stays bounded: a body over the 16 KiB an entry keeps gets no replay copy."""
    client.post("/api/lti/courses/101/line_items", headers={**bearer(grading_token), "Content-Type": "application/json"},
                content=json.dumps({"label": "x" * (17 * 1024), "scoreMaximum": 5}))
    entry = client.get("/__mock__/requests").json()["requests"][-1]
    assert entry["body_truncated"] is True
    missing = client.get(f"/__mock__/requests/{entry['seq']}/curl")
    assert missing.status_code == 404 and "too large to keep" in missing.text


def test_a_launch_record_stays_bounded_whatever_the_tool_posts(client: Any, config: dict[str, Any]) -> None:
    """The newest 20 responses are kept; a huge JWT is kept cut, its report on the first 100 items."""
    grading = next(t for t in config["tools"] if t["name"] == "Mock Grading Tool")
    login, claims = deep_linking_launch(client)
    path = return_path(claims)
    items = [{"type": "link", "url": "https://tool.example/x", "title": "t" * 600} for _ in range(150)]
    huge = sign(grading, response_claims(grading, items))
    assert len(huge) > 64 * 1024
    for number in range(MAX_STEPS + 4):
        client.post(path, data={"JWT": huge if number == MAX_STEPS + 3 else "not a jwt"})
    kept = record(client, login["launch_id"])
    assert len(kept["deep_linking"]) == MAX_STEPS and kept["dropped"] == 4
    last = kept["deep_linking"][-1]
    assert last["jwt_chars"] == len(huge) and len(last["jwt"]) < len(huge) and last["claims"] is None
    assert len(last["report"]["items"]) == 100 and last["report"]["items_total"] == 150
    page = client.get(f"/__mock__/ui/launches/{login['launch_id']}").text
    assert "4 earlier step(s) left out" in page and "The checks of the first 100 of 150 content items" in page
    for _ in range(MAX_STEPS + 1):  # a tool retrying its authentication request
        authorize(client, login, nonce="again")
    retried = record(client, login["launch_id"])
    assert len(retried["authentications"]) == MAX_STEPS and retried["dropped"] == 4 + 2


def test_a_launch_the_editor_could_not_start_names_its_tool_and_placement(client: Any) -> None:
    """The course page's status line and launch list for a launch Canvas refused (extra claims that
    are not JSON): the tool and course by name and the placement asked for, not "1 · no placement"."""
    page = client.post("/__mock__/launches", data={"tool": "4", "course": "101", "user": "10",
                                                    "placement": "course_navigation", "claims": "{not json"})
    assert "<h1>The launch did not start</h1>" in page.text and "not valid JSON" in page.text
    launch_id = client.get("/__mock__/launches").json()["launches"][0]["id"]
    status = client.get(f"/__mock__/ui/launches/{launch_id}/status").text
    assert "<strong>Demo Tool</strong> · course_navigation · LtiResourceLinkRequest" in status
    course = client.get("/__mock__/ui/courses/101").text
    assert f"Launch #{launch_id}</a>" in course


@pytest.mark.skipif(shutil.which("curl") is None and not os.environ.get("CI"), reason="curl is not installed")
def test_the_reproducible_curl_run_by_curl_sends_the_same_request(mock: Any) -> None:
    """Pasted into a shell: the same method, path, query, headers and body reach the mock again,
    even a body that curl would otherwise read as a file name (``@…``)."""
    sent = net.post(f"{mock.base_url}/api/lti/courses/101/line_items?x=%C3%A9+1&y=%27", content="@/etc/hostname",
                      headers={"Content-Type": "text/plain", "Authorization": "Bearer not-a-token", "X-Extra": "a'b"})
    assert sent.status_code == 401
    first = net.get(f"{mock.base_url}/__mock__/requests").json()["requests"][-1]
    command = net.get(f"{mock.base_url}/__mock__/requests/{first['seq']}/curl").text
    done = subprocess.run(["bash", "-c", command.strip() + " --silent --output /dev/null"], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    again = net.get(f"{mock.base_url}/__mock__/requests").json()["requests"][-1]
    assert again["seq"] == first["seq"] + 1
    same = ("method", "path", "query", "body", "body_format", "status", "operation_id")
    assert {k: again[k] for k in same} == {k: first[k] for k in same}
    assert again["body"] == "@/etc/hostname" and again["headers"]["x-extra"] == "a'b"
