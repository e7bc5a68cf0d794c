"""Sessionless launch links (§16.1): the URL Canvas answers opens the launch of what was asked for.

``…/external_tools/sessionless_launch`` answers ``{id, name, url}``; the URL carries a session
token, so a plain HTTP client (no browser session) can open it for a few seconds. The page it
opens auto-posts the third-party login form (§10.1) to the launched tool, whose ``client_id`` and
``deployment_id`` say which tool that is. The checks open the page and read the form, and never
submit it: opening a link changes nothing a tool or a user can see. The POST forms of the
operation are writes to the safety gate, so against a real Canvas only the GET forms run.
"""

from __future__ import annotations

import contextlib
import uuid
from typing import Any
from urllib.parse import urlsplit

from ..recipes import PageForm
from . import not_checked, semantic_check
from .probe import Probe, Skip
from .resource_links import new_link
from .rest import collect

#: At most this many tools are launched by id (two requests each).
LAUNCHED = 3


def _links_path(probe: Probe, context: str = "courses", context_id: Any = None) -> str:
    return f"/api/v1/{context}/{context_id or probe.course}/external_tools/sessionless_launch"


def _tools(probe: Probe) -> list[dict[str, Any]]:
    """The LTI 1.3 tools the sandbox course reaches (theirs and its accounts')."""
    tools = [t for t in collect(probe, f"/api/v1/courses/{probe.course}/external_tools", include_parents="true")
             if t.get("deployment_id") and t.get("id") is not None]
    if not tools:
        raise Skip("the course reaches no LTI 1.3 tool")
    return tools


def _ask(probe: Probe, method: str, path: str, **asked: Any) -> Any:
    """A sessionless launch request: ``asked`` as the query of a GET, as the JSON body of a POST."""
    return probe.api(method, path, **asked) if method == "GET" else probe.api(method, path, json_body=asked)


def _link(probe: Probe, operation: str, method: str = "GET", path: str | None = None, **asked: Any) -> str | None:
    """The URL a sessionless launch answers for ``asked`` (a finding when it answers none)."""
    response = _ask(probe, method, path or _links_path(probe), **asked)
    body = probe.json(response)
    url = body.get("url") if isinstance(body, dict) else None
    if response.status_code != 200 or not isinstance(url, str):
        probe.fail(operation, f"a sessionless launch for {asked} answered {response.status_code} {response.text[:200]}")
        return None
    return url


def _opened(probe: Probe, operation: str, url: str) -> PageForm | None:
    """The login form of the page ``url`` opens without credentials (None when the launch did
    not start there: a tool Canvas refuses to launch, such as one whose key is not bound on)."""
    response = probe.call("GET", url)
    if response.status_code != 200:
        probe.fail(operation, f"the sessionless launch link did not open: {response.status_code} {response.text[:200]}")
        return None
    form = PageForm.read(response.text)
    return form if form.fields.get("client_id") or form.fields.get("deployment_id") else None


def _launched(form: PageForm) -> str:
    return f"deployment {form.fields.get('deployment_id')!r} of client {form.fields.get('client_id')!r}"


def _mismatch(tool: dict[str, Any], form: PageForm) -> str | None:
    """Why ``form`` is not the login of ``tool`` (its deployment, its developer key), or None."""
    wrong = [f"{name} {form.fields.get(name)!r} (the tool's is {str(tool[field])!r})"
             for name, field in (("deployment_id", "deployment_id"), ("client_id", "developer_key_id"))
             if tool.get(field) is not None and str(form.fields.get(name)) != str(tool[field])]
    return "; ".join(wrong) or None


def _judge(probe: Probe, operation: str, asked: str, tool: dict[str, Any], url: str | None) -> bool:
    """Open ``url``: its login form must be ``tool``'s. Whether it launched anything to judge."""
    form = _opened(probe, operation, url) if url else None
    if form is None:
        return False
    problem = _mismatch(tool, form)
    if problem:
        probe.fail(operation, f"the link for {asked} launches {_launched(form)}, not tool {tool['id']} "
                              f"({tool.get('name')!r}): {problem}")
    return True


@semantic_check("§16.1, §10.1", "getCourseSessionlessLaunch", "postCourseSessionlessLaunch", "launchCourseExternalTool")
def sessionless_link_launches_the_tool(probe: Probe) -> None:
    """The link answered for a tool id opens the login of that tool (its ``client_id`` and
    ``deployment_id``), and another tool's id opens another tool's (GET, and POST where writes may be sent)."""
    judged = 0
    for tool in _tools(probe)[:LAUNCHED]:
        url = _link(probe, "getCourseSessionlessLaunch", id=tool["id"])
        judged += _judge(probe, "launchCourseExternalTool", f"tool id {tool['id']}", tool, url)
        if judged == 2:
            with contextlib.suppress(Skip):  # a write to the gate: not sent where writes are refused
                url = _link(probe, "postCourseSessionlessLaunch", "POST", id=tool["id"])
                _judge(probe, "postCourseSessionlessLaunch", f"tool id {tool['id']} (POST)", tool, url)
    if not judged:
        raise Skip("no tool of the course could be launched (none bound on for the API user?)")


@semantic_check("§16.1, §10.1", "retrieveCourseExternalTool", "getCourseSessionlessLaunch")
def sessionless_retrieve_launches_its_tool(probe: Probe) -> None:
    """The link answered for a launch ``url``, or a resource link's ``lookup_uuid``, opens the login of
    the tool that url matches (the one the answer names) or the link belongs to."""
    tools = {str(t["id"]): t for t in _tools(probe)}
    judged = 0
    for tool in list(tools.values())[:LAUNCHED]:
        response = probe.api("GET", _links_path(probe), url=tool.get("url"))
        named = tools.get(str((probe.json(response) or {}).get("id"))) if response.status_code == 200 else None
        if named is not None:  # the tool Canvas picked for the URL (the nearest one, when several match)
            judged += _judge(probe, "retrieveCourseExternalTool", f"url {tool.get('url')!r}", named,
                             (probe.json(response) or {}).get("url"))
    for link in _course_links(probe, tools)[:2]:
        url = _link(probe, "getCourseSessionlessLaunch", resource_link_lookup_uuid=link["lookup_uuid"])
        judged += _judge(probe, "retrieveCourseExternalTool", f"resource link {link.get('id')} (lookup_uuid)",
                         tools[str(link["context_external_tool_id"])], url)
    if not judged:
        raise Skip("no tool URL or resource link of the course could be launched")


def _course_links(probe: Probe, tools: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """The course's own resource links of those tools (Canvas looks a ``lookup_uuid`` up among the
    course's links, not its assignments'); one is made for the check where writes are allowed."""

    def own() -> list[dict[str, Any]]:
        return [link for link in collect(probe, f"/api/v1/courses/{probe.course}/lti_resource_links")
                if link.get("lookup_uuid") and link.get("context_type") == "Course"
                and str(link.get("context_external_tool_id")) in tools]

    links = own()
    if not links and probe.ctx.may_write():
        with contextlib.suppress(Skip):  # not where the write policy forbids it
            new_link(probe, f"canvas-lti conform sessionless {uuid.uuid4().hex[:8]}", {})
            links = own()
    return links


@semantic_check("§16.1, §10.1", "launchCourseAssignment", "getCourseSessionlessLaunch")
def sessionless_assignment_launches_its_tool(probe: Probe) -> None:
    """The link answered for an external-tool assignment (``launch_type=assessment``) opens the login of
    the assignment's tool (on the mock, whose state lists the assignments; Canvas's API here has none)."""
    state = probe.mock_state()
    if state is None:
        raise Skip("no external-tool assignment known (the mock's state lists them)")
    tools = {str(t["id"]): t for t in _tools(probe)}
    assignments = [a for a in state.get("assignments") or [] if a.get("course_id") == probe.course
                   and str(a.get("external_tool_id")) in tools and a.get("workflow_state") == "published"]
    judged = 0
    for assignment in assignments[:2]:
        url = _link(probe, "getCourseSessionlessLaunch", launch_type="assessment", assignment_id=assignment["id"])
        judged += _judge(probe, "launchCourseAssignment", f"assignment {assignment['id']}",
                         tools[str(assignment["external_tool_id"])], url)
    if not judged:
        raise Skip("no external-tool assignment of the course could be launched")


@semantic_check("§16.1", "getAccountSessionlessLaunch", "postAccountSessionlessLaunch")
def sessionless_account_link_names_the_tool(probe: Probe) -> None:
    """An account's link for a tool id answers that tool (``id``, ``name``), and its URL opens that tool's page."""
    account = probe.target.sandbox.account_id
    if not account:
        raise Skip("no sandbox account known")
    tools = collect(probe, f"/api/v1/accounts/{account}/external_tools")[:LAUNCHED]
    if not tools:
        raise Skip("the sandbox account has no tool")
    path = _links_path(probe, "accounts", account)
    asked = [("GET", "getAccountSessionlessLaunch", tool) for tool in tools]
    asked.insert(2, ("POST", "postAccountSessionlessLaunch", tools[-1]))
    for method, operation, tool in asked:
        try:
            response = _ask(probe, method, path, id=tool["id"])
        except Skip:  # the POST is a write to the gate: not sent where writes are refused
            continue
        answer = probe.json(response)
        if response.status_code != 200 or not isinstance(answer, dict):
            probe.fail(operation, f"a link for account tool {tool['id']} answered {response.status_code}")
            continue
        page = urlsplit(str(answer.get("url") or "")).path.rstrip("/")
        if str(answer.get("id")) != str(tool["id"]) or answer.get("name") != tool.get("name") \
                or not page.endswith(f"/external_tools/{tool['id']}"):
            probe.fail(operation, f"the link for account tool {tool['id']} ({tool.get('name')!r}) answers tool "
                                  f"{answer.get('id')} ({answer.get('name')!r}) opening {page!r}")


not_checked("getAccountSessionlessLaunch", "that the account link's page launches the tool",
            "the mock does not serve account-context tool pages (/accounts/:id/external_tools/:id), so the link is "
            "not followed; its answer (id, name, the page it names) is judged")
