"""Canvas's ``spec/controllers/external_tools_controller_spec.rb``: ``GET 'generate_sessionless_launch'``.

The launch URL Canvas answers depends on the tool: an LTI 1.1 tool gets the ``sessionless_launch`` page
with a one-time ``verifier``; an LTI 1.3 tool a launch URL with a ``session_token`` that signs the user in
(``Lti::Concerns::SessionlessLaunches#sessionless_launch_link``). Here the fixture's Mock Grading Tool
(LTI 1.3, account 2) and Roster Only Tool (LTI 1.3, course 101) are the spec's 1.3 tool, and an LTI 1.1
tool made through the API its ``new_valid_tool``.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.canvas_specs.citation import canvas_spec
from tests.rest.helpers import ADMIN, STUDENT, TEACHER

SPEC = "spec/controllers/external_tools_controller_spec.rb"
CODE = "app/controllers/external_tools_controller.rb"
BASE = "/api/v1/courses/101/external_tools/sessionless_launch"
GROUP = "GET 'generate_sessionless_launch'"
LTI_1_3 = f"{GROUP} / with 1.3 tool"


def launch(mock: Any, **params: Any) -> Any:
    return mock.get(BASE, headers=TEACHER, params=params)


def launch_url(response: Any) -> tuple[str, dict[str, list[str]]]:
    assert response.status_code == 200, response.text
    url = urlsplit(response.json()["url"])
    assert (url.scheme, url.netloc) == ("http", "testserver")
    return url.path, parse_qs(url.query)


def new_valid_tool(mock: Any) -> dict[str, Any]:
    response = mock.post("/api/v1/courses/101/external_tools", headers=TEACHER, json={
        "name": "bob", "consumer_key": "bob", "shared_secret": "bob", "url": "http://www.example.com/basic_lti",
        "resource_selection": {"url": "http://www.example.com/selection_test", "selection_width": 400, "selection_height": 400}})
    assert response.status_code == 200, response.text
    return response.json()


@canvas_spec(SPEC, f"{GROUP} / generates a sessionless launch")
def test_lti_1_1_tool_gets_a_verifier(mock: Any) -> None:
    tool = new_valid_tool(mock)
    path, query = launch_url(launch(mock, id=tool["id"]))
    assert path == "/courses/101/external_tools/sessionless_launch" and len(query["verifier"][0]) >= 32
    again = launch_url(launch(mock, id=tool["id"]))[1]
    assert again["verifier"] != query["verifier"]  # one verifier per launch


@canvas_spec(SPEC, f"{GROUP} / requires context_module_id for module_item launch type")
def test_module_item_launch_requires_module_item_id(mock: Any) -> None:
    response = launch(mock, launch_type="module_item", content_type="ContextExternalTool")
    assert response.status_code == 400
    assert "A module item id must be provided for module item LTI launch" in response.text
    assert response.json()["errors"]["module_item_id"][0]["message"] == "A module item id must be provided for module item LTI launch"


@canvas_spec(SPEC, f"{GROUP} / redirects if there is no matching tool for the and tool id")
def test_unknown_tool_id_redirects_to_the_course(mock: Any) -> None:
    response = mock.get(BASE, headers=TEACHER, params={"id": -1}, follow_redirects=False)
    assert response.status_code == 302
    assert response.headers["location"] == "http://testserver/courses/101"


@canvas_spec(SPEC, f"{LTI_1_3} / returns the lti 1.3 launch url with a session token when not given url or lookup_id")
def test_lti_1_3_launch_by_id(mock: Any) -> None:
    response = launch(mock, id=3)
    path, query = launch_url(response)
    assert path == "/courses/101/external_tools/3"
    assert query["display"] == ["borderless"] and query["session_token"][0]
    assert "verifier" not in query and response.json()["id"] == 3 and response.json()["name"] == "Roster Only Tool"


@canvas_spec(SPEC, f"{LTI_1_3} / returns the lti 1.3 launch url with a session token when given a url and tool id")
def test_lti_1_3_launch_by_id_and_url(mock: Any) -> None:
    path, query = launch_url(launch(mock, id=3, url="http://127.0.0.1:9003/launch"))
    assert path == "/courses/101/external_tools/3"
    assert {"display", "launch_url", "session_token"} <= set(query)


@canvas_spec(SPEC, f"{LTI_1_3} / returns the specified launch url for a deep link")
def test_lti_1_3_launch_url_is_passed_on(mock: Any) -> None:
    deep_link = "http://127.0.0.1:9003/launch?deep_link=1"
    assert launch_url(launch(mock, id=3, url=deep_link))[1]["launch_url"] == [deep_link]


@canvas_spec(SPEC, f"{LTI_1_3} / when not passing tool_id / "
                  "returns the lti 1.3 resource link lookup uuid with a session token when given a lookup_uuid")
def test_lti_1_3_launch_by_resource_link_lookup_uuid(mock: Any) -> None:
    link = mock.post("/api/v1/courses/101/lti_resource_links", headers=TEACHER, json={"url": "http://127.0.0.1:9003/launch"}).json()
    response = launch(mock, resource_link_lookup_uuid=link["lookup_uuid"])
    path, query = launch_url(response)
    assert path == "/courses/101/external_tools/retrieve"
    assert query["resource_link_lookup_uuid"] == [link["lookup_uuid"]] and query["display"] == ["borderless"] and query["session_token"][0]
    assert response.json()["id"] == 3


@canvas_spec(SPEC, f"{LTI_1_3} / with an assignment launch / returns an assignment launch URL")
def test_lti_1_3_assignment_launch(mock: Any) -> None:
    response = launch(mock, launch_type="assessment", assignment_id=301)
    assert launch_url(response)[0] == "/courses/101/assignments/301"
    assert response.json()["url"].startswith("http://testserver/courses/101/assignments/301?display=borderless&session_token=")


@canvas_spec(SPEC, f"{LTI_1_3} / when there is a URL but no launch_type or ID / generates a retrieve URL with the url")
def test_lti_1_3_launch_by_url_is_a_retrieve_url(mock: Any) -> None:
    response = launch(mock, url="http://127.0.0.1:9003/launch")
    assert response.json()["url"].startswith("http://testserver/courses/101/external_tools/retrieve?")
    query = launch_url(response)[1]
    assert query["display"] == ["borderless"] and query["url"] == ["http://127.0.0.1:9003/launch"]
    assert "url=http%3A%2F%2F127.0.0.1%3A9003%2Flaunch" in response.json()["url"]


@canvas_spec(SPEC, f"{LTI_1_3} / when there is a URL but no launch_type or ID / finds the tool")
def test_lti_1_3_launch_by_url_finds_the_tool(mock: Any) -> None:
    assert launch(mock, url="http://127.0.0.1:9001/launch").json()["id"] == 1


# -- GET 'jwt_token' (``/api/lti/courses/:course_id/jwt_token``) ----------------------------------

JWT_TOKEN = "GET 'jwt_token'"
NOW = 1_700_000_000


def jwt_token(mock: Any, **params: Any) -> Any:
    return mock.get("/api/lti/courses/101/jwt_token", headers=TEACHER, params=params)


def jwt_claims(mock: Any, tool: dict[str, Any], **params: Any) -> dict[str, Any]:
    """The token's payload, checked with the tool's shared secret (``bob``), as Canvas signs it."""
    import jwt

    assert mock.post("/__mock__/clock", json={"now": NOW, "freeze": True}).status_code == 200
    response = jwt_token(mock, **params)
    assert response.status_code == 200, response.text
    return jwt.decode(response.json()["jwt_token"], "bob", algorithms=["HS256"])


def assert_teacher_launch(claims: dict[str, Any]) -> None:
    assert claims["custom_canvas_user_id"] == "10" and claims["custom_canvas_course_id"] == "101"
    assert claims["consumer_key"] == "bob" and claims["iat"] == NOW


@canvas_spec(SPEC, f"{JWT_TOKEN} / returns the correct JWT token when given using the tool_id param")
def test_jwt_token_by_tool_id(mock: Any) -> None:
    tool = new_valid_tool(mock)
    assert_teacher_launch(jwt_claims(mock, tool, tool_id=tool["id"]))


@canvas_spec(SPEC, f"{JWT_TOKEN} / returns the correct JWT token when given using the tool_launch_url param")
def test_jwt_token_by_launch_url(mock: Any) -> None:
    tool = new_valid_tool(mock)
    assert_teacher_launch(jwt_claims(mock, tool, tool_launch_url=tool["url"]))


@canvas_spec(SPEC, f"{JWT_TOKEN} / does not return a JWT token for another context")
def test_jwt_token_tool_of_another_course(mock: Any) -> None:
    other = mock.post("/api/v1/courses/102/external_tools", headers=TEACHER, json={
        "name": "bob", "consumer_key": "bob", "shared_secret": "bob", "url": "http://www.example.com/basic_lti"}).json()
    assert jwt_token(mock, tool_id=other["id"]).status_code == 404


@canvas_spec(SPEC, f"{JWT_TOKEN} / sets status code to 404 if the requested tool id does not exist")
def test_jwt_token_unknown_tool_id(mock: Any) -> None:
    assert jwt_token(mock, tool_id=999_999).status_code == 404


@canvas_spec(SPEC, f"{JWT_TOKEN} / sets status code to 404 if no query params are provided", follows_code=CODE)
def test_jwt_token_without_params(mock: Any) -> None:
    """``Lti::ToolFinder.from_url(nil, @context, preferred_tool_id: nil)`` finds nothing: RecordNotFound."""
    response = jwt_token(mock)
    assert response.status_code == 404
    assert response.json() == {"errors": [{"message": "The specified resource does not exist."}]}


@canvas_spec(SPEC, f"{JWT_TOKEN} / sets status code to 404 if the requested tool_launch_url does not exist")
def test_jwt_token_unknown_launch_url(mock: Any) -> None:
    new_valid_tool(mock)
    assert jwt_token(mock, tool_launch_url="http://www.nothere.com/doesnt_exist").status_code == 404


# -- POST 'create' ---------------------------------------------------------------------------------

CREATE = "POST 'create'"
COURSE_TOOLS = "/api/v1/courses/101/external_tools"
BASIC = {"name": "tool name", "url": "http://example.com", "consumer_key": "key", "shared_secret": "secret"}
UNAUTHORIZED = {"status": "unauthorized", "errors": [{"message": "user not authorized to perform that action"}]}
DUPLICATE = "The tool is already installed in this context."
LAUNCH_URL = "https://www.tool.com/launch"
TOOL_XML = """<?xml version="1.0" encoding="UTF-8"?>
<cartridge_basiclti_link xmlns="http://www.imsglobal.org/xsd/imslticc_v1p0"
    xmlns:blti="http://www.imsglobal.org/xsd/imsbasiclti_v1p0" xmlns:lticm="http://www.imsglobal.org/xsd/imslticm_v1p0"
    xmlns:lticp="http://www.imsglobal.org/xsd/imslticp_v1p0">
  <blti:title>Other Name</blti:title>
  <blti:description>Description</blti:description>
  {launch_url}
  <blti:extensions platform="canvas.instructure.com">
    <lticm:property name="privacy_level">public</lticm:property>
    {more}
  </blti:extensions>
</cartridge_basiclti_link>"""
EDITOR_BUTTON = """<lticm:options name="editor_button">
      <lticm:property name="url">http://example.com/editor</lticm:property>
      <lticm:property name="icon_url">http://example.com/icon.png</lticm:property>
      <lticm:property name="text">Editor Button</lticm:property>
      <lticm:property name="selection_width">500</lticm:property>
      <lticm:property name="selection_height">300</lticm:property>
    </lticm:options>"""


def tool_xml(launch_url: str | None, more: str = "") -> str:
    return TOOL_XML.format(launch_url=f"<blti:launch_url>{launch_url}</blti:launch_url>" if launch_url else "", more=more)


def create(mock: Any, headers: dict[str, str] = TEACHER, path: str = COURSE_TOOLS, **external_tool: Any) -> Any:
    """The controller spec's ``post "create", params: {course_id:, external_tool: {...}}``: the tool's
    settings nested under ``external_tool``, as Canvas's own UI sends them."""
    return mock.post(path, headers=headers, json={"external_tool": external_tool})


@canvas_spec(SPEC, f"{CREATE} / requires authentication")
def test_create_requires_authentication(mock: Any) -> None:
    response = mock.post(COURSE_TOOLS, json={})
    assert response.status_code == 401
    assert response.json() == {"status": "unauthenticated", "errors": [{"message": "user authorization required"}]}


@canvas_spec(SPEC, f"{CREATE} / does not create tool if user lacks create_tool_manually")
def test_student_cannot_create(mock: Any) -> None:
    response = create(mock, STUDENT, **BASIC)
    assert response.status_code in (401, 403) and response.json() == UNAUTHORIZED
    assert [t["name"] for t in mock.get(COURSE_TOOLS, headers=TEACHER).json()] == ["Roster Only Tool"]


@canvas_spec(SPEC, f"{CREATE} / creates tool if user is granted create_tool_manually")
def test_teacher_creates(mock: Any) -> None:
    assert create(mock, **BASIC).status_code == 200


@canvas_spec(SPEC, f"{CREATE} / accepts basic configurations")
def test_create_accepts_nested_external_tool_params(mock: Any) -> None:
    created = create(mock, **BASIC).json()
    assert (created["name"], created["url"], created["consumer_key"]) == ("tool name", "http://example.com", "key")
    assert "shared_secret" not in created


@canvas_spec(SPEC, f"{CREATE} / fails on basic xml with no url or domain set")
def test_create_from_xml_without_url_or_domain(mock: Any) -> None:
    response = create(mock, name="tool name", consumer_key="key", shared_secret="secret", config_type="by_xml",
                      config_xml=tool_xml(None))
    assert response.status_code == 400
    assert set(response.json()["errors"]) >= {"url", "domain"}


@canvas_spec(SPEC, f"{CREATE} / handles advanced xml configurations")
def test_create_from_advanced_xml(mock: Any) -> None:
    xml = tool_xml("http://example.com/other_url", EDITOR_BUTTON + '<lticm:property name="not_selectable">true</lticm:property>')
    response = create(mock, **BASIC, config_type="by_xml", config_xml=xml)
    assert response.status_code == 200, response.text
    tool = response.json()
    assert (tool["name"], tool["description"], tool["url"], tool["consumer_key"]) == (
        "tool name", "Description", "http://example.com/other_url", "key")  # the given name wins over the XML's
    assert tool["not_selectable"] is True and tool["editor_button"]["url"] == "http://example.com/editor"


@canvas_spec(SPEC, f"{CREATE} / handles advanced xml configurations with no url or domain set")
def test_create_from_xml_with_a_placement_url_only(mock: Any) -> None:
    """A placement with its own URL is enough (``url_or_domain_is_set`` looks at the placements too)."""
    response = create(mock, name="tool name", consumer_key="key", shared_secret="secret", config_type="by_xml",
                      config_xml=tool_xml(None, EDITOR_BUTTON))
    assert response.status_code == 200, response.text
    tool = response.json()
    assert (tool["name"], tool["description"], tool["url"], tool["domain"]) == ("tool name", "Description", None, None)
    assert tool["editor_button"]["url"] == "http://example.com/editor"


#: The fixture's configuration URL (``tool_config_urls``), the spec's stubbed ``CanvasHttp.get``: an
#: "Example Tool" launching at https://example.com/ims/lti with a course navigation placement.
CONFIG_URL = "https://example.com/ims/lti/tool_config.xml"


@canvas_spec(SPEC, f"{CREATE} / handles advanced xml configurations by URL retrieval")
def test_create_from_xml_by_url(mock: Any) -> None:
    response = create(mock, **BASIC, config_type="by_url", config_url=CONFIG_URL)
    assert response.status_code == 200, response.text
    tool = response.json()
    assert (tool["name"], tool["description"], tool["url"], tool["consumer_key"]) == (
        "tool name", "An LTI 1.1 tool configured from XML", "https://example.com/ims/lti", "key")
    assert tool["course_navigation"] is not None


@canvas_spec(SPEC, f"{CREATE} / fails gracefully trying to retrieve from localhost")
def test_create_by_url_from_localhost(mock: Any) -> None:
    response = create(mock, **BASIC, config_type="by_url", config_url="http://localhost:9001")
    assert response.status_code == 400
    assert response.json()["errors"]["config_url"][0]["message"] == "Invalid URL"
    assert len(mock.get(COURSE_TOOLS, headers=TEACHER).json()) == 1


def assert_duplicate(response: Any) -> None:
    assert response.status_code == 400, response.text
    assert response.json() == {"errors": {"tool_currently_installed": [
        {"attribute": "tool_currently_installed", "type": DUPLICATE, "message": DUPLICATE}]}}


def first_tool(mock: Any) -> None:
    create(mock, name="first tool", url=LAUNCH_URL, consumer_key="key", shared_secret="seekret")


DUPLICATION = f"{CREATE} / tool duplication / detects duplication in context"


@canvas_spec(SPEC, f"{DUPLICATION} (create manually) / responds with bad request if tool is a duplicate and "
                   "\"verify_uniqueness\" is true / gives error message in response")
def test_duplicate_created_manually(mock: Any) -> None:
    first_tool(mock)
    assert_duplicate(create(mock, name="tool name", url=LAUNCH_URL, consumer_key="key", shared_secret="seekret",
                            verify_uniqueness="true"))
    assert len(mock.get(COURSE_TOOLS, headers=TEACHER).json()) == 2  # nothing stored


@canvas_spec(SPEC, f"{DUPLICATION} (create via XML) / responds with bad request if tool is a duplicate and "
                   "\"verify_uniqueness\" is true / gives error message in response")
def test_duplicate_created_by_xml(mock: Any) -> None:
    first_tool(mock)
    assert_duplicate(create(mock, name="tool name", consumer_key="key", shared_secret="seekret", verify_uniqueness="true",
                            config_type="by_xml", config_xml=tool_xml(LAUNCH_URL)))


@canvas_spec(SPEC, f"{DUPLICATION} (create via URL) / responds with bad request if tool is a duplicate and "
                   "\"verify_uniqueness\" is true / gives error message in response")
def test_duplicate_created_by_url(mock: Any) -> None:
    create(mock, name="first tool", url="https://example.com/ims/lti", consumer_key="key", shared_secret="seekret")
    assert_duplicate(create(mock, name="tool name", consumer_key="key", shared_secret="seekret", verify_uniqueness="true",
                            config_type="by_url", config_url=CONFIG_URL))


@canvas_spec(SPEC, f"{DUPLICATION} (create via client id) / responds with bad request if tool is a duplicate and "
                   "\"verify_uniqueness\" is true / gives error message in response")
def test_duplicate_created_by_client_id(mock: Any) -> None:
    """Course 101 sees the Mock Grading Tool (key 10000000000001) installed in account 2 above it."""
    response = mock.post(COURSE_TOOLS, headers=ADMIN, json={"client_id": "10000000000001", "external_tool": {"verify_uniqueness": "true"}})
    assert_duplicate(response)


@canvas_spec(SPEC, f"{DUPLICATION} (create manually) / without verify_uniqueness the duplicate is installed",
             follows_code=CODE)
def test_duplicate_allowed_without_verify_uniqueness(mock: Any) -> None:
    """``verify_uniqueness = params.dig(:external_tool, :verify_uniqueness).present?``: only when asked."""
    first_tool(mock)
    assert create(mock, name="again", url=LAUNCH_URL, consumer_key="key", shared_secret="seekret").status_code == 200


WITH_CLIENT_ID = f"{CREATE} / with client id"


def create_from_key(mock: Any, client_id: str) -> Any:
    return mock.post("/api/v1/accounts/1/external_tools", headers=ADMIN, json={"client_id": client_id})


@canvas_spec(SPEC, f"{WITH_CLIENT_ID} / is expected not to be nil")
def test_create_from_client_id(mock: Any) -> None:
    response = create_from_key(mock, "10000000000001")
    assert response.status_code == 200, response.text
    assert response.json()["developer_key_id"] == 10000000000001 and response.json()["version"] == "1.3"


@canvas_spec(SPEC, f"{WITH_CLIENT_ID} / with invalid client id / return 404")
def test_create_from_invalid_client_id(mock: Any) -> None:
    assert create_from_key(mock, "bad client id").status_code == 404


@canvas_spec(SPEC, f"{WITH_CLIENT_ID} / with inactive developer key / return 422")
def test_create_from_inactive_key(mock: Any) -> None:
    state = mock.get("/__mock__/state").json()
    next(k for k in state["developer_keys"] if k["id"] == "10000000000001")["workflow_state"] = "inactive"
    assert mock.put("/__mock__/state", json=state).status_code == 204
    assert create_from_key(mock, "10000000000001").status_code == 422


@canvas_spec(SPEC, f"{WITH_CLIENT_ID} / with no account binding / return 422")
def test_create_from_unbound_key(mock: Any) -> None:
    """Key 10000000000002 (Unbound Tool) is off in the root account."""
    assert create_from_key(mock, "10000000000002").status_code == 422


# -- PUT 'update' ----------------------------------------------------------------------------------

UPDATE = "PUT 'update'"


def update(mock: Any, tool: dict[str, Any], headers: dict[str, str] = TEACHER, path: str = COURSE_TOOLS, **external_tool: Any) -> Any:
    return mock.put(f"{path}/{tool['id']}", headers=headers, json={"external_tool": external_tool})


@canvas_spec(SPEC, f"{UPDATE} / updates tool with tool_configuration[prefer_sis_email] param")
def test_update_tool_configuration_placement(mock: Any) -> None:
    response = update(mock, new_valid_tool(mock), tool_configuration={"prefer_sis_email": "true"})
    assert response.status_code == 200, response.text
    assert response.json()["tool_configuration"]["prefer_sis_email"] == "true"


@canvas_spec(SPEC, f"{UPDATE} / does not update allow_membership_service_access if the feature flag is not set")
def test_update_allow_membership_service_access_without_the_flag(mock: Any) -> None:
    response = update(mock, new_valid_tool(mock), allow_membership_service_access=True)
    assert response.status_code == 200 and "allow_membership_service_access" not in response.json()


@canvas_spec(SPEC, f"{UPDATE} / allows to remove the app placement entirely")
def test_update_removes_a_placement(mock: Any) -> None:
    tool = new_valid_tool(mock)
    form = {"Content-Type": "application/x-www-form-urlencoded", **TEACHER}
    assert mock.put(f"{COURSE_TOOLS}/{tool['id']}", headers=form, content="editor_button[url]=https%3A%2F%2Fexample.com").status_code == 200
    response = mock.put(f"{COURSE_TOOLS}/{tool['id']}", headers=form, content="external_tool[editor_button]=null")
    assert response.status_code == 200 and response.json()["editor_button"] is None


@canvas_spec(SPEC, f"{UPDATE} / accepts is_rce_favorite parameter")
def test_update_is_rce_favorite(mock: Any) -> None:
    root_tools = "/api/v1/accounts/1/external_tools"
    tool = mock.post(root_tools, headers=ADMIN, json={
        "name": "bob", "consumer_key": "bob", "shared_secret": "bob", "url": "http://www.example.com/basic_lti",
        "editor_button": {"url": "http://example.com", "icon_url": "http://example.com", "enabled": True}}).json()
    assert tool["is_rce_favorite"] is False
    response = update(mock, tool, ADMIN, root_tools, is_rce_favorite=True)
    assert response.status_code == 200 and response.json()["is_rce_favorite"] is True


# -- generate_sessionless_launch: the cases left -----------------------------------------------------

@canvas_spec(SPEC, f"'{GROUP} / with only launch url / is successful")
def test_lti_1_1_launch_by_url_only(mock: Any) -> None:
    tool = new_valid_tool(mock)
    response = launch(mock, url=tool["url"])
    path, query = launch_url(response)
    assert path == "/courses/101/external_tools/sessionless_launch" and query["verifier"] and response.json()["id"] == tool["id"]


@canvas_spec(SPEC, f"'{GROUP} / redirects if there is no launch url associated with the tool", follows_code=CODE)
def test_tool_without_launch_url(mock: Any) -> None:
    """``@tool.url.blank? && extension_setting(launch_type, :url).blank? && launch_url.blank?``: the spec asks
    for HTML (a redirect); the API answers the JSON form of the same refusal."""
    tool = new_valid_tool(mock)
    state = mock.get("/__mock__/state").json()
    stored = next(t for t in state["tools"] if t["id"] == tool["id"])
    stored["url"], stored["domain"], stored["placements"] = None, "example.com", {}
    assert mock.put("/__mock__/state", json=state).status_code == 204
    response = launch(mock, id=tool["id"])
    assert response.status_code == 200
    assert response.json() == {"errors": {"external_tool": "Unable to find a matching external tool"}}


@canvas_spec(SPEC, f"{LTI_1_3} / when not passing tool_id / "
                  "returns the lti 1.3 launch url with a session token when given a url and a lookup_id")
def test_lti_1_3_launch_by_url_and_lookup_uuid(mock: Any) -> None:
    link = mock.post("/api/v1/courses/101/lti_resource_links", headers=TEACHER, json={"url": "http://127.0.0.1:9003/launch"}).json()
    path, query = launch_url(launch(mock, url="http://127.0.0.1:9003/deep_link", resource_link_lookup_uuid=link["lookup_uuid"]))
    assert path == "/courses/101/external_tools/retrieve"
    assert query["resource_link_lookup_uuid"] == [link["lookup_uuid"]] and query["display"] and query["session_token"]


@canvas_spec(SPEC, f"{LTI_1_3} / when there is no access to token (non-API access) / returns a 401")
def test_sessionless_launch_without_a_token(mock: Any) -> None:
    response = mock.get(BASE, params={"id": 3})
    assert response.status_code == 401


@canvas_spec(SPEC, f"{UPDATE} / updates allow_membership_service_access if the feature flag is set")
def test_update_allow_membership_service_access_with_the_flag(mock: Any) -> None:
    assert mock.post("/__mock__/settings", json={"membership_service_for_lti_tools": True}).status_code == 200
    tool = new_valid_tool(mock)
    assert tool["allow_membership_service_access"] is False
    response = update(mock, tool, allow_membership_service_access=True)
    assert response.status_code == 200 and response.json()["allow_membership_service_access"] is True
    assert mock.get(f"{COURSE_TOOLS}/{tool['id']}", headers=TEACHER).json()["allow_membership_service_access"] is True


# -- GET 'show' / GET 'retrieve': the pages a sessionless launch link opens (LTI 1.3) ----------------
#
# Canvas's spec signs the teacher in and reads the launch it caches; here the teacher's sessionless launch
# link (the API's session_token signs in) opens the page, whose auto-posting form is the login request,
# and the tool's authorize request returns the id_token. The Mock Grading Tool (tool 1, key
# 10000000000001, account 2 above course 101) is the spec's LTI 1.3 tool; its launch URL is
# http://127.0.0.1:9001/launch.

SHOW_1_3 = "GET 'show' / resource link request"
RETRIEVE_1_3 = "GET 'retrieve' / LTI 1.3"
BY_LOOKUP_UUID = f"{RETRIEVE_1_3} / when resource_link_lookup_uuid is passed"
GRADING_URL = "http://127.0.0.1:9001/launch"
MESSAGE_CLAIM = "https://purl.imsglobal.org/spec/lti/claim/message_type"
PLACEMENT_CLAIM = "https://www.instructure.com/placement"
TARGET_CLAIM = "https://purl.imsglobal.org/spec/lti/claim/target_link_uri"
CUSTOM_CLAIM = "https://purl.imsglobal.org/spec/lti/claim/custom"
NOT_FOUND_FLASH = "Couldn't find valid settings for this link: Resource link not found"


def open_link(mock: Any, **params: Any) -> Any:
    """The page the teacher's sessionless launch link (``params`` to the API) opens."""
    url = urlsplit(launch(mock, **params).json()["url"])
    return mock.get(f"{url.path}?{url.query}")


def page_with_params(mock: Any, path: str, **query: Any) -> Any:
    """``path`` (a tool or ``retrieve``) with the session token of a sessionless link and ``query``."""
    token = parse_qs(urlsplit(launch(mock, id=1).json()["url"]).query)["session_token"][0]
    return mock.get(path, params={"display": "borderless", "session_token": token, **query})


def login_params(response: Any) -> dict[str, str]:
    from mockserver.launch.html import read_form

    assert response.status_code == 200, response.text
    return read_form(response.text)["fields"]


def launched_claims(mock: Any, response: Any) -> dict[str, Any]:
    """Complete the login the page posts, as the tool would: the id_token's claims."""
    from tests.canvas_specs.launches import REDIRECT, decoded_id_token

    params = login_params(response)
    return decoded_id_token(mock, params, REDIRECT)


def lookup_link(mock: Any, **fields: Any) -> dict[str, Any]:
    response = mock.post("/api/v1/courses/101/lti_resource_links", headers=TEACHER, json={
        "url": GRADING_URL, "custom": {"abc": "def", "expans": "$Canvas.user.id"}, **fields})
    assert response.status_code == 200, response.text
    return response.json()


@canvas_spec(SPEC, f"{SHOW_1_3} / when current user is a teacher / creates a login message")
def test_show_posts_a_login_request(mock: Any) -> None:
    assert set(login_params(open_link(mock, id=1))) == {
        "iss", "login_hint", "target_link_uri", "lti_message_hint", "canvas_region", "canvas_environment", "client_id",
        "deployment_id", "lti_storage_target"}


@canvas_spec(SPEC, f"{SHOW_1_3} / when current user is a teacher / sets the \"login_hint\" to the current user lti id")
def test_show_login_hint_is_the_user_s_lti_id(mock: Any) -> None:
    teacher = next(u for u in mock.get("/__mock__/state").json()["users"] if u["id"] == 10)
    assert login_params(open_link(mock, id=1))["login_hint"] == teacher["lti11_id"]


@canvas_spec(SPEC, f"{SHOW_1_3} / when current user is a teacher / caches the the LTI 1.3 launch")
def test_show_launches_a_resource_link_request(mock: Any) -> None:
    assert launched_claims(mock, open_link(mock, id=1))[MESSAGE_CLAIM] == "LtiResourceLinkRequest"


@canvas_spec(SPEC, f"{SHOW_1_3} / when current user is a teacher / sets the \"canvas_domain\" to the request domain")
def test_show_message_hint_names_the_request_domain(mock: Any) -> None:
    """The hint is opaque to the tool (Canvas signs it); its domain is the host the page was opened on."""
    import base64
    import json

    hint = login_params(open_link(mock, id=1))["lti_message_hint"]
    payload = hint.split(".")[1] if hint.count(".") == 2 else hint.split(".")[0]
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    assert claims["canvas_domain"] == "testserver"


@canvas_spec(SPEC, f"{SHOW_1_3} / when current user is a teacher / defaults placement to context navigation")
def test_show_defaults_to_course_navigation(mock: Any) -> None:
    assert launched_claims(mock, open_link(mock, id=1))[PLACEMENT_CLAIM] == "course_navigation"


@canvas_spec(SPEC, f"{SHOW_1_3} / with deep links / get passed in target_link_uri")
def test_show_launch_url_on_the_tool_s_host(mock: Any) -> None:
    deep_link = "http://127.0.0.1:9001/deep_link"
    response = page_with_params(mock, "/courses/101/external_tools/1", launch_url=deep_link)
    assert login_params(response)["target_link_uri"] == deep_link
    assert launched_claims(mock, page_with_params(mock, "/courses/101/external_tools/1", launch_url=deep_link))[TARGET_CLAIM] == deep_link


@canvas_spec(SPEC, f"{SHOW_1_3} / with deep links / does not pass in target_link_uri if it doesn't match the tool domain")
def test_show_launch_url_on_another_host(mock: Any) -> None:
    response = page_with_params(mock, "/courses/101/external_tools/1", launch_url="http://www.hi.com/deep_link")
    assert login_params(response)["target_link_uri"] == GRADING_URL


@canvas_spec(SPEC, f"{RETRIEVE_1_3} / assigns @lti_launch.resource_url")
def test_retrieve_launches_the_matching_tool_s_url(mock: Any) -> None:
    response = page_with_params(mock, "/courses/101/external_tools/retrieve", url=GRADING_URL)
    assert login_params(response)["target_link_uri"] == GRADING_URL


@canvas_spec(SPEC, f"{BY_LOOKUP_UUID} / when launch_type is not provided / does not include placement in launch")
def test_retrieve_without_a_placement(mock: Any) -> None:
    link = lookup_link(mock)
    response = page_with_params(mock, "/courses/101/external_tools/retrieve", url=GRADING_URL,
                                resource_link_lookup_uuid=link["lookup_uuid"])
    assert launched_claims(mock, response).get(PLACEMENT_CLAIM) is None


@canvas_spec(SPEC, f"{BY_LOOKUP_UUID} / when launch_type is provided / includes placement in launch")
def test_retrieve_with_a_placement(mock: Any) -> None:
    assert mock.put("/api/v1/accounts/2/external_tools/1", headers=ADMIN,
                    json={"homework_submission": {"enabled": True}}).status_code == 200
    link = lookup_link(mock)
    response = page_with_params(mock, "/courses/101/external_tools/retrieve", url=GRADING_URL,
                                resource_link_lookup_uuid=link["lookup_uuid"], launch_type="homework_submission")
    assert launched_claims(mock, response)[PLACEMENT_CLAIM] == "homework_submission"


@canvas_spec(SPEC, f"{BY_LOOKUP_UUID} / sets the custom parameters in the launch hash")
def test_retrieve_sends_the_link_s_custom_parameters(mock: Any) -> None:
    link = lookup_link(mock)
    response = page_with_params(mock, "/courses/101/external_tools/retrieve", url=GRADING_URL,
                                resource_link_lookup_uuid=link["lookup_uuid"])
    assert {"abc": "def", "expans": "10"}.items() <= launched_claims(mock, response)[CUSTOM_CLAIM].items()


@canvas_spec(SPEC, f"{BY_LOOKUP_UUID} / sets the custom parameters in the launch hash when is the old parameter name "
                   "`resource_link_lookup_id`")
def test_retrieve_with_the_old_lookup_parameter(mock: Any) -> None:
    link = lookup_link(mock)
    response = page_with_params(mock, "/courses/101/external_tools/retrieve", url=GRADING_URL,
                                resource_link_lookup_id=link["lookup_uuid"])
    assert {"abc": "def", "expans": "10"}.items() <= launched_claims(mock, response)[CUSTOM_CLAIM].items()


def assert_link_not_found(response: Any) -> None:
    """Canvas redirects to the course with this flash error; the mock, which serves no course page,
    answers a page carrying the same text (see the strict xfail below)."""
    import html

    assert NOT_FOUND_FLASH in html.unescape(response.text) and "lti_message_hint" not in response.text


@canvas_spec(SPEC, f"{BY_LOOKUP_UUID} / errors if the resource_link_lookup_uuid cannot be found", follows_code=CODE)
def test_retrieve_unknown_lookup_uuid(mock: Any) -> None:
    assert_link_not_found(page_with_params(mock, "/courses/101/external_tools/retrieve", url=GRADING_URL,
                                           resource_link_lookup_uuid="wrong_do_it_again"))


@canvas_spec(SPEC, f"{BY_LOOKUP_UUID} / errors if the resource_link_lookup_uuid cannot be found",
             difference="a launch page Canvas refuses with a flash error and a redirect to the course is answered "
                        "as a page with that error")
def test_retrieve_unknown_lookup_uuid_redirects(mock: Any) -> None:
    response = page_with_params(mock, "/courses/101/external_tools/retrieve", url=GRADING_URL,
                                resource_link_lookup_uuid="wrong_do_it_again")
    assert response.status_code == 302 and response.headers["location"].endswith("/courses/101")


@canvas_spec(SPEC, f"{BY_LOOKUP_UUID} / errors if the resource_link_lookup_uuid is for the wrong context", follows_code=CODE)
def test_retrieve_lookup_uuid_of_another_course(mock: Any) -> None:
    link = mock.post("/api/v1/courses/102/lti_resource_links", headers=TEACHER, json={"url": "http://127.0.0.1:9004/launch",
                                                                                     "context_external_tool_id": 4})
    uuid = link.json()["lookup_uuid"] if link.status_code == 200 else "not-in-this-course"
    assert_link_not_found(page_with_params(mock, "/courses/101/external_tools/retrieve", url=GRADING_URL,
                                           resource_link_lookup_uuid=uuid))


@canvas_spec(SPEC, f"{BY_LOOKUP_UUID} / errors if the resource_link is inactive", follows_code=CODE)
def test_retrieve_deleted_link(mock: Any) -> None:
    link = lookup_link(mock)
    assert mock.delete(f"/api/v1/courses/101/lti_resource_links/{link['id']}", headers=TEACHER).status_code == 200
    assert_link_not_found(page_with_params(mock, "/courses/101/external_tools/retrieve", url=GRADING_URL,
                                           resource_link_lookup_uuid=link["lookup_uuid"]))
