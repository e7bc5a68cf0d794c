"""The console's pages over plain HTTP: negotiation of errors, static files, live-region polling, curl."""

from __future__ import annotations

import hashlib
import re
import shlex
from typing import Any

from mockserver.ui import HTMX_SHA256, HTMX_VERSION
from mockserver.ui.curl import curl_command
from tests.ltiutil import bearer, get_token

HTML = {"Accept": "text/html"}


def test_unknown_course_is_the_not_found_page_whoever_asks(client: Any) -> None:
    for path in ("/__mock__/ui/courses/999", "/__mock__/ui/courses/x/gradebook", "/__mock__/ui/courses/999/roster",
                 "/__mock__/ui/courses/%C2%B2",
                 "/__mock__/ui/static/nothing.js"):
        for headers in (HTML, {}):  # a console address is a page (tests/ui/test_error_pages.py: every page)
            page = client.get(path, headers=headers)
            assert page.status_code == 404 and page.headers["content-type"].startswith("text/html"), path
            assert "Not found" in page.text
    api = client.get("/api/v1/courses/999/external_tools", headers=HTML)  # an API keeps Canvas's 404 body
    assert api.status_code in (401, 404) and api.headers["content-type"].startswith("application/json")


def test_static_files_and_the_pinned_htmx(client: Any) -> None:
    htmx = client.get("/__mock__/ui/static/htmx.min.js")
    assert htmx.headers["content-type"].startswith("text/javascript")
    assert hashlib.sha256(htmx.content).hexdigest() == HTMX_SHA256
    assert f'version:"{HTMX_VERSION}"' in htmx.text
    licence = client.get("/__mock__/ui/static/htmx.LICENSE.txt")
    assert licence.headers["content-type"].startswith("text/plain") and "Zero-Clause BSD" in licence.text
    assert client.get("/__mock__/ui/static/console.css").headers["content-type"].startswith("text/css")


def test_live_region_answers_204_until_its_data_changes(client: Any, grading_token: str) -> None:
    page = client.get("/__mock__/ui/requests")
    version = region_versions(page.text)["journal"]
    assert client.get(f"/__mock__/ui/requests?region=journal&v={version}").status_code == 204
    client.get("/api/lti/courses/101/line_items", headers=bearer(grading_token))
    fresh = client.get(f"/__mock__/ui/requests?region=journal&v={version}")
    assert fresh.status_code == 200 and "/api/lti/courses/101/line_items" in fresh.text


def region_versions(html: str) -> dict[str, str]:
    return dict(re.findall(r'id="([\w-]+)" hx-get="[^"]*region=[\w-]+&amp;v=([0-9a-f]+)"', html))


def test_draining_throttle_buckets_leave_the_fault_controls_alone(client: Any, grading_token: str) -> None:
    """Buckets drain with the clock; the region with the Remove buttons must not re-render for that
    (a button replaced every second cannot be clicked)."""
    client.post("/__mock__/faults", json={"rules": [{"kind": "status", "status": 503, "operation_id": "createScore"}]})
    for _ in range(3):
        client.get("/api/lti/courses/101/line_items", headers=bearer(grading_token))
    versions = region_versions(client.get("/__mock__/ui/scenario").text)
    assert set(versions) == {"fault-sets", "throttle-state", "throttle-settings"}
    client.post("/__mock__/clock", json={"advance": 1})
    assert client.get(f"/__mock__/ui/scenario?region=fault-sets&v={versions['fault-sets']}").status_code == 204
    assert client.get(f"/__mock__/ui/scenario?region=throttle-state&v={versions['throttle-state']}").status_code == 200
    client.delete("/__mock__/faults")
    assert client.get(f"/__mock__/ui/scenario?region=fault-sets&v={versions['fault-sets']}").status_code == 200


def test_curl_replays_the_request_with_placeholders_for_secrets() -> None:
    entry = {"method": "POST", "path": "/login/oauth2/token", "query": {"a": "1 2"}, "body_format": "form",
             "headers": {"content-type": "application/x-www-form-urlencoded", "host": "x"},
             "body": {"grant_type": "client_credentials", "client_assertion": {"redacted": "client_assertion", "sub": "1"},
                      "scope": "a b"}, "auth": None}
    command = curl_command(entry, "http://127.0.0.1:8080")
    assert shlex.split(command.replace("$CLIENT_ASSERTION", "ASSERTION")) == [
        "curl", "-X", "POST", "http://127.0.0.1:8080/login/oauth2/token?a=1+2",
        "-H", "Content-Type: application/x-www-form-urlencoded",
        "--data-raw", "grant_type=client_credentials&client_assertion=ASSERTION&scope=a+b"]
    scored = curl_command({"method": "POST", "path": "/s", "headers": {}, "body_format": "json", "body": {"x": "it's"},
                           "auth": {"scheme": "Bearer"}}, "http://h")
    assert shlex.split(scored.replace("$ACCESS_TOKEN", "T")) == [
        "curl", "-X", "POST", "http://h/s", "-H", "Authorization: Bearer T", "--data-raw", '{"x":"it\'s"}']


def test_the_launch_form_page_posts_to_launches(client: Any) -> None:
    page = client.get("/__mock__/")
    assert 'action="/__mock__/launches"' in page.text and 'href="/__mock__/ui/"' in page.text


def test_requests_filter_by_tool_operation_and_status(client: Any, config: dict[str, Any], grading_token: str) -> None:
    roster_token = get_token(client, config, "Roster Only Tool")
    client.get("/api/lti/courses/101/line_items", headers=bearer(grading_token))
    client.get("/api/lti/courses/101/names_and_roles", headers=bearer(roster_token))
    client.get("/api/lti/courses/101/line_items", headers=bearer(roster_token))  # 401: scope missing

    def rows(**query: str) -> list[tuple[str, str, str]]:
        page = client.get("/__mock__/ui/requests", params=query).text
        return re.findall(r'<li class="entry status-\dxx" data-operation="([^"]*)" data-status="([^"]*)">\s*<details>\s*'
                          r'<summary>\s*<time>[^<]*</time>\s*<span class="method">(\w+)</span>', page)

    assert rows(tool="10000000000003") == [("listLineItems", "401", "GET"), ("listCourseMemberships", "200", "GET"),
                                           ("createAccessToken", "200", "POST")]
    assert rows(operation="listLineItems") == [("listLineItems", "401", "GET"), ("listLineItems", "200", "GET")]
    assert rows(tool="10000000000001", status="200") == [("listLineItems", "200", "GET"), ("createAccessToken", "200", "POST")]
    assert rows(status="404") == []
