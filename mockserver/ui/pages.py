"""The console's handlers: thin, a view (``views.py``) in, a rendered template out.

Pages with live regions (gradebook, requests, deep linking results, scenario state) poll their
own URL with ``region=<id>&v=<fingerprint of what that region showed>``; the answer is ``204``
while nothing in that region changed, so htmx keeps it (and any row a person opened, or a button
under the pointer) as it is. Data that changes by itself (throttle buckets drain with the clock)
gets a region of its own, so it never re-renders the controls next to it.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Callable
from importlib import resources
from typing import TYPE_CHECKING, Any

from starlette.responses import Response

from ..canvas.ids import is_digits
from ..canvas.text import echo
from ..context import RequestContext
from ..launch.id_token import MESSAGE_TYPES
from ..launch.placements import DEEP_LINKING, RESOURCE_LINK
from ..scenario import clock_body
from . import error_pages, inspector, tool_forms, views

PACKAGE = "mockserver.ui"
STATIC_TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8",
                ".txt": "text/plain; charset=utf-8"}
NO_STORE = {"Cache-Control": "no-store"}

if TYPE_CHECKING:
    from starlette.templating import Jinja2Templates


@functools.cache
def templates() -> Jinja2Templates:
    """The page templates, loaded with Jinja2 when the first page is asked for: the mock serves its
    APIs without importing Jinja2. Everything is autoescaped: every name shown comes from fixtures
    or from a tool, and a tool may be called "<script>…"."""
    import jinja2
    from starlette.templating import Jinja2Templates

    return Jinja2Templates(env=jinja2.Environment(loader=jinja2.PackageLoader(PACKAGE, "templates"), autoescape=True))


def fingerprint(value: Any) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, default=str).encode()).hexdigest()[:16]


def render(ctx: RequestContext, name: str, page: dict[str, Any], *, live: dict[str, Any] | None = None,
           status: int = 200) -> Response:
    """The page, or ``204`` when the caller already shows the current data of ``live[region]``."""
    versions = {region: fingerprint(data) for region, data in (live or {}).items()}
    query = ctx.request.query_params
    shown = versions.get(query.get("region", ""))
    if shown is not None and query.get("v") == shown:
        return Response(status_code=204, headers=NO_STORE)
    context = {**page, "versions": versions, "base_url": ctx.base_url, "clock": clock_body(ctx.state)}
    return templates().TemplateResponse(ctx.request, name, context, status_code=status, headers=NO_STORE)


def problem(ctx: RequestContext, *, title: str, reason: str, launch_id: int | None = None,
            facts: list[tuple[str, str]] | None = None, excerpt: str = "", status: int = 200) -> Response:
    """A readable page for a launch that went wrong, shown in the tool's frame instead of raw
    JSON or the browser's error page: what happened, why, and the way to the inspector.

    A 200: the page is the mock's explanation, delivered; the status it explains is in its text
    and in the launch record. (A 4xx document in a frame is also a console error in the browser,
    which would make every such launch look like a broken page.) The one exception is a request
    the spec refuses (``status`` 400: ``error_pages.launch_form_refused``), which no console form sends."""
    context = {"title": title, "reason": reason, "launch_id": launch_id, "facts": facts or [], "excerpt": excerpt}
    return templates().TemplateResponse(ctx.request, "problem.html", context, status_code=status, headers=NO_STORE)


def not_found(ctx: RequestContext, what: str) -> Response:
    """The console's not-found page (``error_pages.py``): a console address is a page, whoever asks."""
    return error_pages.not_found(ctx.state, ctx.request, what)


def _id(raw: Any) -> int | None:
    text = str(raw)
    return int(text) if is_digits(text) and len(text) < 16 else None


def _page_of(ctx: RequestContext, what: str, raw_id: Any, view: Callable[[int], dict[str, Any] | None],
             template: str, live: Callable[[dict[str, Any]], dict[str, Any]] | None = None) -> Response:
    """A page about one record (a course, a launch): its view, or the not-found page."""
    wanted = _id(raw_id)
    page = view(wanted) if wanted is not None else None
    if page is None:
        return not_found(ctx, f"{what} {echo(str(raw_id))}")
    return render(ctx, template, page, live=live(page) if live else None)


async def home(ctx: RequestContext, **_: Any) -> Response:
    return render(ctx, "home.html", views.home(ctx.state))


async def course(ctx: RequestContext, course_id: Any, user: int | None = None, **_: Any) -> Response:
    wanted = _id(course_id)
    page = views.course_page(ctx.state, wanted, user) if wanted is not None else None
    if page is not None and user is not None and (page["acting"] or {}).get("user_id") != user:
        return not_found(ctx, f"member {user} of course {wanted} to act as")
    return _page_of(ctx, "course", course_id, lambda _: page, "course.html",
                    lambda page: {"course-live": [page["assignments"], page["deep_linking"], page["launches"]]})


async def gradebook(ctx: RequestContext, course_id: Any, **_: Any) -> Response:
    return _page_of(ctx, "course", course_id, lambda cid: views.gradebook(ctx.state, cid), "gradebook.html",
                    lambda page: {"gradebook": page})


async def roster(ctx: RequestContext, course_id: Any, **_: Any) -> Response:
    return _page_of(ctx, "course", course_id, lambda cid: views.roster(ctx.state, cid), "roster.html")


async def requests(ctx: RequestContext, tool: str | None = None, operation: str | None = None,
                   status: str | None = None, launch: str | None = None, **_: Any) -> Response:
    wanted = int(status) if status and is_digits(status) else None
    page = views.requests_page(ctx.state, ctx.base_url, tool=tool, operation=operation, status=wanted,
                               launch=_id(launch) if launch else None)
    unknown = views.unknown_filter(ctx.state, tool=tool, operation=operation, launch=_id(launch) if launch else None)
    if unknown and not page["matching"]:  # a filter naming nothing (entries of a deleted key still match)
        return not_found(ctx, unknown)
    return render(ctx, "requests.html", page, live={"journal": [page["rows"], page["matching"], page["total"]]})


async def launches(ctx: RequestContext, **_: Any) -> Response:
    return render(ctx, "launches.html", inspector.launches_page(ctx.state))


async def launch(ctx: RequestContext, launch_id: Any, **_: Any) -> Response:
    return _page_of(ctx, "launch", launch_id, lambda lid: inspector.launch_page(ctx.state, lid), "inspector.html",
                    lambda page: {"launch-live": page})


async def launch_status(ctx: RequestContext, launch_id: Any, **_: Any) -> Response:
    """The course page's status line for its current launch (a fragment it polls)."""
    return _page_of(ctx, "launch", launch_id, lambda lid: inspector.status_page(ctx.state, lid), "launch_status.html")


async def scenario(ctx: RequestContext, **_: Any) -> Response:
    page = views.scenario_page(ctx.state)
    return render(ctx, "scenario.html", page, live={"fault-sets": [page["faults"], page["platform_keys"]],
                                                    "throttle-state": [page["throttle"], page["buckets"]],
                                                    "throttle-settings": page["settings"]})


async def launch_page(ctx: RequestContext, **_: Any) -> Response:
    """``/__mock__/``: the plain launch form (any tool, course, user, placement), and the way in."""
    world = ctx.world
    with world.lock:
        tools = [{"id": t.id, "label": f"{t.name} (tool {t.id}, {t.context_type} {t.context_id})"}
                 for t in world.tools.values() if t.developer_key_id and t.workflow_state == "active"]
        courses = [{"id": c.id, "label": f"{c.name} ({c.id})"} for c in world.courses.values() if c.workflow_state != "deleted"]
        users = [{"id": u.id, "label": f"{u.name} ({u.id})"} for u in world.users.values()]
    return render(ctx, "launch.html", {"tools": tools, "courses": courses, "users": users,
                                       "placements": sorted(RESOURCE_LINK | set(DEEP_LINKING)),
                                       "message_types": list(MESSAGE_TYPES)})


async def unknown_page(ctx: RequestContext, page: str = "", **_: Any) -> Response:
    return not_found(ctx, f"console page /__mock__/ui/{page}")


async def tools(ctx: RequestContext, **_: Any) -> Response:
    """Registered LTI 1.3 tools, the registration form and install by URL (``tool_forms.py``)."""
    return render(ctx, "tools.html", tool_forms.tools_page(ctx.state) or {})


async def tool(ctx: RequestContext, client_id: str, **_: Any) -> Response:
    page = tool_forms.tools_page(ctx.state, editing=str(client_id))
    if page is None:
        return not_found(ctx, f"developer key {client_id}")
    return render(ctx, "tools.html", page)


def _static_files() -> dict[str, Any]:
    folder = resources.files(PACKAGE) / "static"
    return {entry.name: entry for entry in folder.iterdir() if entry.is_file() and not entry.name.startswith(".")}


async def static(ctx: RequestContext, filename: str, **_: Any) -> Response:
    entry = _static_files().get(filename)
    suffix = "." + filename.rsplit(".", 1)[-1] if "." in filename else ""
    if entry is None or suffix not in STATIC_TYPES:
        return not_found(ctx, f"file {filename}")
    return Response(entry.read_bytes(), media_type=STATIC_TYPES[suffix], headers={"Cache-Control": "no-cache"})


OPERATIONS = {
    "getMockLaunchPage": launch_page,
    "getMockConsoleHome": home,
    "getMockConsoleCourse": course,
    "getMockConsoleGradebook": gradebook,
    "getMockConsoleRoster": roster,
    "getMockConsoleRequests": requests,
    "getMockConsoleScenario": scenario,
    "getMockConsoleLaunches": launches,
    "getMockConsoleLaunch": launch,
    "getMockConsoleLaunchStatus": launch_status,
    "getMockConsoleStatic": static,
    "getMockConsoleNotFound": unknown_page,
    "getMockConsoleTools": tools,
    "getMockConsoleTool": tool,
}
