"""Canvas's ``spec/models/context_external_tool_spec.rb``: the parts the External Tools API exposes.

The model spec creates tools with ``create!`` and calls ``ContextExternalTool.find_external_tool`` (now
``Lti::ToolFinder.from_url``); here the tools are made through the External Tools API and the finder is
read through the sessionless launch API (``url`` and the preferred ``id``), which answers the matched
tool's id, or ``{"errors": {"external_tool": …}}`` when nothing matches. Course 102 (account 3, under the
root account 1) is the spec's course, account 3 its ``@account`` and account 1 its ``@root_account``; the
root's Demo Tool matches none of the URLs used here.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.canvas_specs.citation import canvas_spec
from tests.rest.helpers import ADMIN, TEACHER

SPEC = "spec/models/context_external_tool_spec.rb"
FINDER = "app/models/lti/tool_finder.rb"
FIND = "find_external_tool"
PREFERRED = f"{FIND} / preferred_tool_id"
VALIDATION = "url or domain validation"
COURSE = "/api/v1/courses/102/external_tools"
CONTEXTS = {"course": (COURSE, TEACHER), "account": ("/api/v1/accounts/3/external_tools", ADMIN),
            "root_account": ("/api/v1/accounts/1/external_tools", ADMIN)}
NO_MATCH = {"errors": {"external_tool": "Unable to find a matching external tool"}}


def tool(mock: Any, context: str = "course", name: str = "a", **fields: Any) -> dict[str, Any]:
    base, headers = CONTEXTS[context]
    response = mock.post(base, headers=headers, json={"name": name, "consumer_key": "12345", "shared_secret": "secret", **fields})
    assert response.status_code == 200, response.text
    return response.json()


def found(mock: Any, url: str, preferred: int | None = None) -> int | None:
    """The id of the tool ``from_url(url, course, preferred_tool_id:)`` finds, else ``None``."""
    params: dict[str, Any] = {"url": url} | ({"id": preferred} if preferred is not None else {})
    response = mock.get(f"{COURSE}/sessionless_launch", headers=TEACHER, params=params)
    assert response.status_code == 200, response.text
    if "errors" in response.json():
        assert response.json() == NO_MATCH
        return None
    return response.json()["id"]


def delete(mock: Any, made: dict[str, Any], context: str = "course") -> None:
    base, headers = CONTEXTS[context]
    assert mock.delete(f"{base}/{made['id']}", headers=headers).status_code == 200


# -- find_external_tool ------------------------------------------------------------------------------

@canvas_spec(SPEC, f"{FIND} / matches on the same domain")
def test_matches_on_the_same_domain(mock: Any) -> None:
    made = tool(mock, domain="google.com")
    assert found(mock, "http://google.com/is/cool") == made["id"]


@canvas_spec(SPEC, f"{FIND} / is case insensitive when matching on the same domain")
def test_domain_match_ignores_case(mock: Any) -> None:
    made = tool(mock, domain="Google.com")
    assert found(mock, "http://google.com/is/cool", made["id"]) == made["id"]


@canvas_spec(SPEC, f"{FIND} / matches on a subdomain")
def test_matches_on_a_subdomain(mock: Any) -> None:
    made = tool(mock, domain="google.com")
    assert found(mock, "http://www.google.com/is/cool") == made["id"]


@canvas_spec(SPEC, f"{FIND} / matches on a domain with a scheme attached")
def test_domain_with_a_scheme(mock: Any) -> None:
    made = tool(mock, domain="http://google.com")
    assert found(mock, "http://www.google.com/is/cool") == made["id"]


@canvas_spec(SPEC, f"{FIND} / does not match on non-matching domains")
def test_no_match_on_other_domains(mock: Any) -> None:
    tool(mock, domain="google.com")
    tool(mock, domain="www.google.com")
    assert found(mock, "http://mgoogle.com/is/cool") is None
    assert found(mock, "http://sgoogle.com/is/cool") is None


@canvas_spec(SPEC, f"{FIND} / does not match on the closest matching domain")
def test_most_specific_domain_wins(mock: Any) -> None:
    tool(mock, domain="google.com")
    specific = tool(mock, domain="www.google.com")
    assert found(mock, "http://www.www.google.com/is/cool") == specific["id"]


@canvas_spec(SPEC, f"{FIND} / matches on exact url")
def test_matches_on_exact_url(mock: Any) -> None:
    made = tool(mock, url="http://www.google.com/coolness")
    assert found(mock, "http://www.google.com/coolness") == made["id"]


@canvas_spec(SPEC, f"{FIND} / matches on url ignoring query parameters")
def test_url_match_ignores_extra_query_parameters(mock: Any) -> None:
    made = tool(mock, url="http://www.google.com/coolness")
    assert found(mock, "http://www.google.com/coolness?a=1") == made["id"]
    assert found(mock, "http://www.google.com/coolness?a=1&b=2") == made["id"]


@canvas_spec(SPEC, f"{FIND} / matches on url even when tool url contains query parameters")
def test_url_match_with_the_tool_s_query_parameters(mock: Any) -> None:
    made = tool(mock, url="http://www.google.com/coolness?a=1&b=2")
    assert found(mock, "http://www.google.com/coolness?b=2&a=1") == made["id"]
    assert found(mock, "http://www.google.com/coolness?c=3&b=2&d=4&a=1") == made["id"]


@canvas_spec(SPEC, f"{FIND} / does not match on url if the tool url contains query parameters that the search url doesn't")
def test_no_url_match_without_the_tool_s_query_parameters(mock: Any) -> None:
    tool(mock, url="http://www.google.com/coolness?a=1")
    assert found(mock, "http://www.google.com/coolness?a=2") is None


@canvas_spec(SPEC, f"{FIND} / does not match on url before matching on domain")
def test_url_match_before_domain_match(mock: Any) -> None:
    by_url = tool(mock, url="http://www.google.com/coolness")
    tool(mock, domain="www.google.com")
    assert found(mock, "http://www.google.com/coolness") == by_url["id"]


@canvas_spec(SPEC, f"{FIND} / does not match on domain if domain is nil")
def test_no_domain_match_without_a_domain(mock: Any) -> None:
    tool(mock, url="http://www.google.com/coolness")
    assert found(mock, "http://malicious.domain./hahaha") is None


@canvas_spec(SPEC, f"{FIND} / matches on url or domain for a tool that has both")
def test_tool_with_url_and_domain(mock: Any) -> None:
    made = tool(mock, url="http://www.google.com/coolness", domain="google.com")
    assert found(mock, "http://google.com/is/cool") == made["id"]
    assert found(mock, "http://www.google.com/coolness") == made["id"]


def six_tools(mock: Any, *, skip: tuple[str, ...] = ()) -> dict[str, dict[str, Any]]:
    """The spec's tools b–f (and a): a url tool and a domain tool in the course, the account and the root."""
    layout = {"a": ("course", {"url": "http://www.google.com"}), "b": ("course", {"domain": "google.com"}),
              "c": ("account", {"url": "http://www.google.com"}), "d": ("account", {"domain": "google.com"}),
              "e": ("root_account", {"url": "http://www.google.com"}), "f": ("root_account", {"domain": "google.com"})}
    return {name: tool(mock, context, name, **fields) for name, (context, fields) in layout.items() if name not in skip}


@canvas_spec(SPEC, f"{FIND} / finds the context's tool matching on url first")
def test_context_url_tool_first(mock: Any) -> None:
    made = six_tools(mock)
    assert found(mock, "http://www.google.com") == made["a"]["id"]


@canvas_spec(SPEC, f"{FIND} / finds the nearest account's tool matching on url if there are no url-matching context tools")
def test_nearest_account_url_tool(mock: Any) -> None:
    made = six_tools(mock, skip=("a",))
    assert found(mock, "http://www.google.com") == made["c"]["id"]


@canvas_spec(SPEC, f"{FIND} / finds the root account's tool matching on url before matching by domain on the course")
def test_root_url_tool_before_course_domain_tool(mock: Any) -> None:
    made = six_tools(mock, skip=("a", "c"))
    assert found(mock, "http://www.google.com") == made["e"]["id"]


@canvas_spec(SPEC, f"{FIND} / finds the context's tool matching on domain if no url-matching tools are found")
def test_context_domain_tool(mock: Any) -> None:
    made = six_tools(mock, skip=("a", "c", "e"))
    assert found(mock, "http://www.google.com") == made["b"]["id"]


@canvas_spec(SPEC, f"{FIND} / finds the nearest account's tool matching on domain if no url-matching tools are found")
def test_nearest_account_domain_tool(mock: Any) -> None:
    made = six_tools(mock, skip=("a", "b", "c", "e"))
    assert found(mock, "http://www.google.com") == made["d"]["id"]


@canvas_spec(SPEC, f"{FIND} / finds the root account's tool matching on domain if no url-matching tools are found")
def test_root_domain_tool(mock: Any) -> None:
    made = tool(mock, "root_account", "e", domain="google.com")
    assert found(mock, "http://www.google.com/") == made["id"]


@canvas_spec(SPEC, f"{FIND} / when multiple ContextExternalTools have domain/url conflict / picks up url in higher priority")
def test_url_match_beats_domain_conflict(mock: Any) -> None:
    tool(mock, name="test faked tool", url="http://nothing", domain="www.tool.com")
    real = tool(mock, name="test tool", url="http://www.tool.com/launch")
    assert found(mock, "http://www.tool.com/launch?p1=2082") == real["id"]


@canvas_spec(SPEC, f"{PREFERRED} / finds the preferred tool if there are two matching-priority tools")
def test_preferred_among_equals(mock: Any) -> None:
    first, second = tool(mock, name="a", url="http://www.google.com"), tool(mock, name="b", url="http://www.google.com")
    assert found(mock, "http://www.google.com", first["id"]) == first["id"]
    assert found(mock, "http://www.google.com", second["id"]) == second["id"]
    delete(mock, first)
    delete(mock, second)
    first, second = tool(mock, name="a", domain="google.com"), tool(mock, name="b", domain="google.com")
    assert found(mock, "http://www.google.com", first["id"]) == first["id"]
    assert found(mock, "http://www.google.com", second["id"]) == second["id"]


@canvas_spec(SPEC, f"{PREFERRED} / finds the preferred tool even if there is a higher priority tool configured")
def test_preferred_over_a_nearer_tool(mock: Any) -> None:
    tool(mock, url="http://www.google.com")
    preferred = tool(mock, "root_account", "f", url="http://www.google.com")
    assert found(mock, "http://www.google.com", preferred["id"]) == preferred["id"]


@canvas_spec(SPEC, f"{PREFERRED} / does not find the preferred tool if it is deleted")
def test_deleted_preferred_tool(mock: Any) -> None:
    preferred = tool(mock, url="http://www.google.com")
    delete(mock, preferred)
    made = six_tools(mock, skip=("a",))
    assert found(mock, "http://www.google.com", preferred["id"]) == made["c"]["id"]


@canvas_spec(SPEC, f"{PREFERRED} / does not return preferred tool if url doesn't match")
def test_preferred_tool_on_another_host(mock: Any) -> None:
    preferred = tool(mock, "account", url="http://www.google.com")
    assert found(mock, "http://example.com", preferred["id"]) is None


@canvas_spec(SPEC, f"{PREFERRED} / finds preferred tool if url doesn't match but url's domain is a subdomain of the tool domain")
def test_preferred_tool_on_a_subdomain(mock: Any) -> None:
    preferred = tool(mock, "account", url="http://www.google.com", domain="example.com")
    tool(mock, url="http://www.google.com", domain="example.com")  # nearer: found without the preference
    assert found(mock, "http://subdomain.example.com", preferred["id"]) == preferred["id"]


@canvas_spec(SPEC, f"{PREFERRED} / returns the preferred tool if the url is nil", follows_code=FINDER)
def test_preferred_tool_without_a_url(mock: Any) -> None:
    """``jwt_token`` calls ``from_url(params[:tool_launch_url], @context, preferred_tool_id: params[:tool_id])``:
    with no url the preferred tool is the answer (course 102's own tool, signed with its secret)."""
    import jwt

    preferred = tool(mock, url="http://www.google.com")
    response = mock.get("/api/lti/courses/102/jwt_token", headers=TEACHER, params={"tool_id": preferred["id"]})
    assert response.status_code == 200, response.text
    claims = jwt.decode(response.json()["jwt_token"], "secret", algorithms=["HS256"], options={"verify_iat": False})
    assert claims["consumer_key"] == "12345" and claims["resource_link_title"] == "a"


@canvas_spec(SPEC, f"{PREFERRED} / does not return preferred tool if url doesn't match", follows_code=FINDER)
def test_jwt_token_preferred_tool_on_another_host(mock: Any) -> None:
    """The same rule where ``jwt_token`` is given both a ``tool_id`` and a ``tool_launch_url``."""
    preferred = tool(mock, "account", url="http://www.google.com")
    response = mock.get("/api/lti/courses/102/jwt_token", headers=TEACHER,
                        params={"tool_id": preferred["id"], "tool_launch_url": "http://example.com"})
    assert response.status_code == 404


# -- url or domain validation ------------------------------------------------------------------------

@canvas_spec(SPEC, f"{VALIDATION} / validates with a domain setting")
def test_valid_with_a_domain(mock: Any) -> None:
    assert tool(mock, domain="google.com")["domain"] == "google.com"


@canvas_spec(SPEC, f"{VALIDATION} / validates with a url setting")
def test_valid_with_a_url(mock: Any) -> None:
    assert tool(mock, url="http://google.com")["url"] == "http://google.com"


@canvas_spec(SPEC, f"{VALIDATION} / validates with a canvas lti extension url setting")
def test_valid_with_a_placement_url(mock: Any) -> None:
    made = tool(mock, editor_button={"icon_url": "http://www.example.com/favicon.ico", "text": "Example",
                                     "url": "http://www.example.com", "selection_height": 400, "selection_width": 600})
    assert (made["url"], made["domain"], made["editor_button"]["url"]) == (None, None, "http://www.example.com")


@canvas_spec(SPEC, f"{VALIDATION} / does not validate with no domain or url setting")
def test_invalid_without_url_or_domain(mock: Any) -> None:
    response = mock.post(COURSE, headers=TEACHER, json={"name": "a", "consumer_key": "12345", "shared_secret": "secret"})
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert [e["message"] for e in errors["url"]] == ["Either the url or domain should be set."]
    assert [e["message"] for e in errors["domain"]] == ["Either the url or domain should be set."]


@canvas_spec(SPEC, f"{VALIDATION} / accepts both a domain and a url")
def test_valid_with_both(mock: Any) -> None:
    made = tool(mock, domain="google.com", url="http://google.com")
    assert (made["domain"], made["url"]) == ("google.com", "http://google.com")


@canvas_spec(SPEC, f"{VALIDATION} / allows extension to not have a url if the main config has a url")
def test_placement_url_falls_back_to_the_tool_s(mock: Any) -> None:
    placements = {name: {"text": "Example", "icon_url": "http://www.example.com/image.ico", "selection_width": 50,
                         "selection_height": 50} for name in ("course_navigation", "editor_button", "user_navigation")}
    made = tool(mock, url="http://www.example.com", **placements)
    assert all(made[name]["url"] == "http://www.example.com" for name in placements)


@canvas_spec(SPEC, f"{VALIDATION} / prefers the extension url to the main config url")
def test_placement_url_wins(mock: Any) -> None:
    special = "https://example.com/special_launch_of_death"
    made = tool(mock, url="http://www.example.com", course_navigation={"url": special, "text": "Example"})
    assert made["course_navigation"]["url"] == special


@canvas_spec(SPEC, f"{VALIDATION} / does not allow extension with no custom url and a domain match")
def test_placement_without_any_url_is_dropped(mock: Any) -> None:
    made = tool(mock, domain="google.com")
    base, headers = CONTEXTS["course"]
    updated = mock.put(f"{base}/{made['id']}", headers=headers, json={"course_navigation": {"text": "Example"}}).json()
    assert updated["course_navigation"] is None
    assert mock.get(f"{base}?placement=course_navigation", headers=headers).json() == []


@canvas_spec(SPEC, "allows extension with only 'enabled' key")
def test_placement_with_only_enabled(mock: Any) -> None:
    made = tool(mock, url="http://google.com", course_navigation={"enabled": "true"})
    assert made["course_navigation"]["enabled"] is True
    base, headers = CONTEXTS["course"]
    assert [t["id"] for t in mock.get(f"{base}?placement=course_navigation", headers=headers).json()] == [made["id"]]


@canvas_spec(SPEC, "clears disabled extensions")
def test_disabled_placement(mock: Any) -> None:
    """Canvas keeps a disabled placement's settings (``inactive_placements``, still shown by the API) but
    the tool no longer has the placement."""
    made = tool(mock, url="http://google.com", course_navigation={"enabled": "false"})
    assert made["course_navigation"]["enabled"] is False
    base, headers = CONTEXTS["course"]
    assert mock.get(f"{base}?placement=course_navigation", headers=headers).json() == []


@canvas_spec(SPEC, "allows accept_media_types setting exclusively for file_menu extension")
def test_accept_media_types_only_for_file_menu(mock: Any) -> None:
    made = tool(mock, url="http://google.com", course_navigation={"accept_media_types": "types"},
                file_menu={"accept_media_types": "types"})
    assert "accept_media_types" not in made["course_navigation"]
    assert made["file_menu"]["accept_media_types"] == "types"


@canvas_spec(SPEC, "validate_urls / with bad launch_url / is expected to be false")
def test_bad_launch_url(mock: Any) -> None:
    response = mock.post(COURSE, headers=TEACHER, json={"name": "a", "url": "https://example.com>", "consumer_key": "12345",
                                                        "shared_secret": "secret"})
    assert response.status_code == 400
    assert response.json()["errors"]["url"][0]["message"] == "Incorrect url for https://example.com>"


@canvas_spec(SPEC, "validate_urls / with bad settings_url / is expected to be false")
def test_bad_placement_url(mock: Any) -> None:
    response = mock.post(COURSE, headers=TEACHER, json={
        "name": "a", "url": "https://example.com", "consumer_key": "12345", "shared_secret": "secret",
        "course_navigation": {"url": "https://example.com>", "text": "Example", "icon_url": "http://www.example.com/image.ico",
                              "selection_width": 50, "selection_height": 50}})
    assert response.status_code == 400
    assert response.json()["errors"]["url"][0]["message"] == "Incorrect url for https://example.com>"


@pytest.fixture(autouse=True)
def _no_stray_tools(mock: Any) -> None:
    """Course 102 and accounts 1 and 3 hold only the root's Demo Tool, whose URL matches nothing here."""
    names = [t["name"] for t in mock.get(f"{COURSE}?include_parents=true", headers=TEACHER).json()]
    assert names == ["Demo Tool"]
