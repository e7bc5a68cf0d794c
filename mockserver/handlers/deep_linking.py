"""Deep linking response (§11): ``POST /courses/{course_id}/deep_linking_response``."""

from __future__ import annotations

from typing import Any

from starlette.responses import HTMLResponse, Response

from ..canvas.errors import json_response, not_found
from ..canvas.ids import is_digits
from ..context import RequestContext
from ..launch import deep_linking as dl
from ..launch.html import script_json
from .launch import flat

MESSAGE_ID = "deep-link-response"


def success_page(message: dict[str, Any]) -> HTMLResponse:
    """Canvas's page posts ``message`` to the parent window; the JSON is also readable in place."""
    data = script_json(message)
    return HTMLResponse(f"""<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Deep linking response</title></head>
<body>
  <script type="application/json" id="{MESSAGE_ID}">{data}</script>
  <script>
    var message = JSON.parse(document.getElementById("{MESSAGE_ID}").textContent);
    (window.opener || window.parent).postMessage(message, "*");
  </script>
</body>
</html>
""")


async def deep_linking_response(ctx: RequestContext, course_id: str, body: Any = None, **_: Any) -> Response:
    world = ctx.world
    token = flat(body).get("JWT")
    if not is_digits(str(course_id)) or len(str(course_id)) > 16:
        raise not_found()
    try:
        with world.lock:
            course = world.courses.get(int(course_id))
            if course is None or course.workflow_state == "deleted":
                raise not_found()
            verified = dl.verify_response_jwt(world, token, course, ctx.now())
            return_data = dl.verify_data(ctx.state.secret, ctx.request.query_params.get("data"), course, ctx.now())
            placement = return_data.get("placement") if isinstance(return_data.get("placement"), str) else None
            plan = dl.plan_items(world, course, verified, placement, ctx.now())
            dl.commit(world, plan)
            message = dl.response_message(verified.claims, plan, placement, ctx.base_url, course)
    except dl.DeepLinkingError as exc:
        return json_response(exc.body, 400)
    return success_page(message)


OPERATIONS = {"deepLinkingResponse": deep_linking_response}
