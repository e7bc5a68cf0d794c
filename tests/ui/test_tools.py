"""Tools through the browser only: a tool registered with the console's form (launched, edited,
deleted), and a tool installed by URL (dynamic registration).

The tools started here are real HTTP servers with their own keys (``tests/ui/tool.py``); every
wait is on a page condition.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import pytest

if not os.environ.get("CI"):  # in CI a missing Playwright is a failure, not a skip
    pytest.importorskip("playwright")
from playwright.sync_api import expect
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from mockserver.testing import RunningMock
from tests import net
from tests.launch.tool import LtiTool, serve

from .conftest import Screens
from .tool import ConsoleTool

COURSE = 101
STUDENT = 21  # Samuel Student


class RegisteringTool(ConsoleTool):
    """The console test tool plus what a tool needs for dynamic registration: its key set, and a
    registration page that registers with the platform (server side) and closes Canvas's frame."""

    async def jwks(self, request: Request) -> Response:
        return JSONResponse({"keys": [self.lti.public_jwk]})

    async def register(self, request: Request) -> Response:
        params = request.query_params
        self.lti.register(params["openid_configuration"], params["registration_token"])
        return HTMLResponse("""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Registered</title>
<link rel="icon" href="data:,"></head><body><h1>Registered</h1>
<script>window.parent.postMessage({subject: "org.imsglobal.lti.close"}, "*");</script></body></html>""")

    def app(self) -> Starlette:
        app = super().app()
        app.router.routes.extend([Route("/jwks", self.jwks), Route("/register", self.register)])
        return app


@pytest.fixture
def own_tool(mock: RunningMock) -> Iterator[RegisteringTool]:
    """A tool the test starts, with its own key, not registered anywhere yet."""
    config = mock.config
    lti = LtiTool(issuer=config["issuer"], platform_jwks_url=config["jwks_url"], authorize_url=config["authorize_url"],
                  token_url=config["token_url"])
    lti.generate_key()
    with serve(RegisteringTool(lti)) as served:
        yield served


def course_page(screens: Screens, mock: RunningMock, user: int | None = None) -> Any:
    page = screens.new_page()
    page.goto(f"{mock.base_url}/__mock__/ui/courses/{COURSE}" + (f"?user={user}" if user else ""))
    return page


def fill_registration(page: Any, tool: RegisteringTool, name: str) -> None:
    page.get_by_label("Name", exact=True).fill(name)
    page.get_by_label("OIDC login URL", exact=True).fill(f"{tool.base_url}/login")
    page.get_by_label("Target link URI", exact=True).fill(f"{tool.base_url}/launch")
    page.get_by_label("Public JWK (JSON)").fill(json.dumps(tool.lti.public_jwk))
    page.get_by_label("course_navigation", exact=True).check()
    page.get_by_label("Privacy level").select_option("name_only")
    page.get_by_label("Custom fields").fill("greeting=hello\ncourse=$Canvas.course.id")
    page.get_by_label("Install in").select_option(label="Course: Computer Science 101")


def test_register_launch_edit_and_delete_a_tool_with_the_form(mock: RunningMock, screens: Screens,
                                                              own_tool: RegisteringTool) -> None:
    page = screens.new_page()
    page.goto(f"{mock.base_url}/__mock__/ui/tools")
    fill_registration(page, own_tool, "Browser Tool")
    page.get_by_role("button", name="Register and install").click()
    expect(page.locator("#flash")).to_contain_text("Registered Browser Tool (client id ")
    row = page.locator("#registered tr", has=page.get_by_text("Browser Tool", exact=True))
    expect(row).to_contain_text("course Computer Science 101")
    own_tool.lti.client_id = row.locator("code").first.inner_text()
    screens.shot(page, "registered")

    course = course_page(screens, mock)
    course.locator(".course-nav").get_by_role("button", name="Browser Tool").click()
    expect(course.frame_locator("#tool-frame").get_by_role("heading")).to_have_text("Hello, Terry Teacher")
    claims = own_tool.lti.launches[-1]
    assert claims["https://purl.imsglobal.org/spec/lti/claim/custom"] == {"greeting": "hello", "course": str(COURSE)}
    assert "email" not in claims and claims["name"] == "Terry Teacher"  # name_only

    # Edit: a new name and a deep linking placement; the installed tool follows.
    row.get_by_role("link", name="Edit Browser Tool").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Edit Browser Tool")
    expect(page.get_by_label("Custom fields")).to_have_value("greeting=hello\ncourse=$Canvas.course.id")
    page.get_by_label("Name", exact=True).fill("Renamed Tool")
    page.get_by_label("link_selection", exact=True).check()
    page.get_by_label("Message type of link_selection").select_option("LtiDeepLinkingRequest")
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator("#flash")).to_have_text("Saved Renamed Tool: its deployments follow the new configuration")
    course.reload()
    card = course.locator("article.tool", has=course.get_by_role("heading", name="Renamed Tool"))
    expect(card.locator(".placement-name")).to_have_text(["course_navigation", "link_selection"])

    # Delete: the registration, its key and its deployment go.
    page.goto(f"{mock.base_url}/__mock__/ui/tools")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Delete Renamed Tool").click()
    expect(page.locator("#flash")).to_have_text("Deleted Renamed Tool")
    expect(page.get_by_text("Renamed Tool", exact=True)).to_have_count(0)
    course.reload()
    expect(course.get_by_role("heading", name="Renamed Tool")).to_have_count(0)


def test_install_by_url_registers_the_tool_dynamically(mock: RunningMock, screens: Screens,
                                                       own_tool: RegisteringTool) -> None:
    page = screens.new_page()
    page.goto(f"{mock.base_url}/__mock__/ui/tools")
    page.get_by_label("Registration URL").fill(f"{own_tool.base_url}/register")
    page.get_by_role("button", name="Install", exact=True).click()
    expect(page.locator("#flash")).to_have_text("The tool finished its registration: it is installed in the root account")
    row = page.locator("#registered tr", has=page.get_by_text("Registered Test Tool", exact=True))
    expect(row).to_contain_text("dynamic registration")
    expect(row.locator("code").first).to_have_text(own_tool.lti.client_id)
    expect(row).to_contain_text("account Mock University")
    screens.shot(page, "installed-by-url")

    course = course_page(screens, mock, STUDENT)
    course.locator(".course-nav").get_by_role("button", name="Registered Test Tool").click()
    expect(course.frame_locator("#tool-frame").get_by_role("heading")).to_have_text("Hello, Samuel Student")


def test_the_demo_tool_installs_by_url_and_its_new_client_id_launches_and_grades(mock: RunningMock,
                                                                                 screens: Screens) -> None:
    """The mock's own demo tool as a dynamic registration tool: the Tools page opens its registration
    URL in the frame, the tool registers itself and closes the frame, and the new tool launches."""
    page = screens.new_page()
    page.goto(f"{mock.base_url}/__mock__/ui/tools")
    page.get_by_role("button", name="Use the Demo Tool's registration URL").click()
    expect(page.get_by_label("Registration URL")).to_have_value(f"{mock.base_url}/__mock__/demo-tool/register")
    page.get_by_role("button", name="Install", exact=True).click()
    expect(page.locator("#flash")).to_have_text("The tool finished its registration: it is installed in the root account")
    row = page.locator("#registered tr", has=page.get_by_text("Demo Tool (registered by URL)", exact=True))
    expect(row).to_contain_text("dynamic registration")
    expect(row).to_contain_text("account Mock University")
    client_id = row.locator("code").first.inner_text()
    assert client_id != "10000000000004"
    screens.shot(page, "demo-tool-installed-by-url")

    course = course_page(screens, mock, STUDENT)
    course.locator(".course-nav").get_by_role("button", name="Demo Tool (registered by URL)", exact=True).click()
    frame = course.frame_locator("#tool-frame")
    expect(frame.get_by_role("heading", level=1)).to_have_text("Hello, Samuel Student")
    expect(frame.locator(".checks .fail")).to_have_count(0)
    expect(frame.locator(".claims")).to_contain_text(f'"{client_id}"')  # aud: the new client id
    frame.get_by_role("button", name="Post score").click()  # client credentials with the registered key set
    expect(frame.locator(".outcome")).to_have_text("Score posted: 8/10 for Samuel Student.")
    screens.audit(course.frame(name="tool-frame"))

    # The tool's registration page itself, opened by nothing: it says so, and passes axe-core.
    token = net.get(f"{mock.base_url}/api/lti/accounts/1/registration_token",
                      headers={"Authorization": "Bearer mock-admin-token-TEST-ONLY"}).json()
    alone = screens.new_page()
    alone.goto(f"{mock.base_url}/__mock__/demo-tool/register?" + urlencode(
        {"openid_configuration": token["oidc_configuration_url"], "registration_token": token["token"]}))
    expect(alone.get_by_role("heading", level=1)).to_have_text("Registered with the platform")
    expect(alone.locator("#close-note")).to_have_text("Done. No platform window opened this page, so there is nothing to close.")
    screens.audit(alone)


def test_the_demo_tool_registered_by_hand_with_its_jwks_url_launches_and_after_an_edit_deep_links(
        mock: RunningMock, screens: Screens) -> None:
    """"Fill in the Demo Tool's URLs and key", a JWKS URL instead of the JWK: the console gives the
    (strict) demo tool the new client id, which then launches and grades; edited to add a deep linking
    placement, the same key deep links."""
    page = screens.new_page()
    page.goto(f"{mock.base_url}/__mock__/ui/tools")
    page.get_by_role("button", name="Fill in the Demo Tool's URLs and key").click()
    expect(page.locator("#flash")).to_have_text("Filled in the Demo Tool's URLs and public key")
    page.get_by_label("Name", exact=True).fill("Demo Tool by hand")
    page.get_by_label("JWKS URL", exact=True).first.check()
    page.locator("#tf-jwks-url").fill(f"{mock.base_url}/__mock__/demo-tool/jwks")
    page.get_by_label("course_navigation", exact=True).check()
    page.get_by_label("Install in").select_option(label="Course: Computer Science 101")
    page.get_by_role("button", name="Register and install").click()
    expect(page.locator("#flash")).to_contain_text("; the Demo Tool accepts its launches")
    row = page.locator("#registered tr", has=page.get_by_text("Demo Tool by hand", exact=True))
    client_id = row.locator("code").first.inner_text()

    course = course_page(screens, mock, STUDENT)
    course.locator(".course-nav").get_by_role("button", name="Demo Tool by hand", exact=True).click()
    frame = course.frame_locator("#tool-frame")
    expect(frame.get_by_role("heading", level=1)).to_have_text("Hello, Samuel Student")
    expect(frame.locator(".checks")).to_contain_text(f"aud names the client id '{client_id}' (added on the tool's page)")
    frame.get_by_role("button", name="Post score").click()  # client credentials against the JWKS URL
    expect(frame.locator(".outcome")).to_have_text("Score posted: 8/10 for Samuel Student.")

    row.get_by_role("link", name="Edit Demo Tool by hand").click()
    expect(page.get_by_label("JWKS URL", exact=True).first).to_be_checked()
    page.get_by_label("link_selection", exact=True).check()
    page.get_by_label("Message type of link_selection").select_option("LtiDeepLinkingRequest")
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator("#flash")).to_have_text("Saved Demo Tool by hand: its deployments follow the new configuration")
    course.goto(f"{mock.base_url}/__mock__/ui/courses/{COURSE}")  # as the teacher
    card = course.locator("article.tool", has=course.get_by_role("heading", name="Demo Tool by hand"))
    card.get_by_role("button", name="Launch Demo Tool by hand", exact=False).last.click()
    frame.get_by_label("Demo reading").check()
    frame.get_by_role("button", name="Add to the course").click()
    expect(course.locator("#deep-linking").get_by_role("heading", name="Demo reading")).to_be_visible()

    # The Demo Tool's URLs with another key: the tool is not told the client id, and refuses its launches.
    page.goto(f"{mock.base_url}/__mock__/ui/tools")
    page.get_by_role("button", name="Fill in the Demo Tool's URLs and key").click()
    expect(page.locator("#flash")).to_have_text("Filled in the Demo Tool's URLs and public key")
    page.get_by_label("Name", exact=True).fill("Not the Demo Tool's key")
    other_key = net.get(f"{mock.base_url}/api/lti/security/jwks").json()["keys"][0]  # the platform's, say
    page.get_by_label("Public JWK (JSON)").fill(json.dumps(other_key))
    page.get_by_role("button", name="Register and install").click()
    expect(page.locator("#flash")).to_contain_text("the Demo Tool was not given this client id")
    stranger = page.locator("#registered tr", has=page.get_by_text("Not the Demo Tool's key", exact=True))
    tool_page = net.get(f"{mock.base_url}/__mock__/demo-tool/").text
    assert client_id in tool_page and stranger.locator("code").first.inner_text() not in tool_page
