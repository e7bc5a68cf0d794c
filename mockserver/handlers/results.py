"""AGS results (§5): a line item's results, and one result by id."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from ..canvas import media
from ..canvas.errors import json_response, not_found
from ..canvas.pagination import Page, link_header, requested_page
from ..canvas.urls import line_item_url, result_url
from ..context import RequestContext
from ..world import Result, World


def reported_score(world: World, result: Result) -> tuple[float | None, float | None]:
    """``(resultScore, resultMaximum)``: as the tool sent them, unless a teacher has graded the
    submission since (a positive ``grader_id``). Canvas then copies the submission's score into the
    result (``update_score_for_submission``, the maximum defaulting to the points possible) and
    ``scaled_result_score`` scales it back to the result's maximum."""
    score, maximum = result.score_given, result.score_maximum
    item = world.line_items.get(result.line_item_id)
    assignment = world.assignments.get(item.assignment_id) if item else None
    if item is None or assignment is None or world.default_line_item_id(assignment.id) != item.id:
        return score, maximum  # only the assignment's line item has a submission
    sub_id = world.submission_index.get((assignment.id, result.user_id))
    sub = world.submissions.get(sub_id) if sub_id is not None else None
    if sub is None or sub.grader_id is None or sub.grader_id < 0 or sub.score is None:
        return score, maximum
    maximum = maximum if maximum is not None else assignment.points_possible or 0.0
    points = float(assignment.points_possible or 0.0)
    if not points or not maximum:
        return sub.score, maximum
    return sub.score * maximum / points, maximum


def serialize(world: World, base: str, course_id: int, result: Result) -> dict[str, Any]:
    user = world.users.get(result.user_id)
    score, maximum = reported_score(world, result)
    body: dict[str, Any] = {
        "id": result_url(base, course_id, result.line_item_id, result.id),
        "scoreOf": line_item_url(base, course_id, result.line_item_id),
        "userId": user.lti_id if user else str(result.user_id),
        "resultScore": score,
        "resultMaximum": maximum,
        "comment": result.comment,
        **result.extensions,
    }
    return {k: v for k, v in body.items() if v is not None}


async def list_results(ctx: RequestContext, course_id: int, line_item_id: int, **_: Any) -> Response:
    world, params = ctx.world, ctx.request.query_params
    number, size = requested_page(params, 10, 100)
    with world.lock:
        user_ref = params.get("user_id")
        if user_ref is not None:
            user = world.find_user(user_ref)
            result_id = world.results_by_line_item.get(line_item_id, {}).get(user.id) if user else None
            if user is None or not world.is_student(user.id, course_id, states=("active", "invited")):
                result_id = None
            ids = [result_id] if result_id is not None else []
        else:
            ids = world.results_order.get(line_item_id, [])
        # Results are only deleted with their line item, which the filter chain already checked:
        # every id here is live, so a page is a slice.
        page = Page(number, size, len(ids))
        body = [serialize(world, ctx.base_url, course_id, world.results[i]) for i in ids[page.start:page.start + size]]
    link = link_header(f"{line_item_url(ctx.base_url, course_id, line_item_id)}/results", ctx.query, page)
    return json_response(body, media_type=media.RESULT_CONTAINER, headers={"Link": link})


async def get_result(ctx: RequestContext, course_id: int, line_item_id: int, result_id: int, **_: Any) -> Response:
    world = ctx.world
    with world.lock:
        result = world.results.get(result_id)
        if result is None or result.line_item_id != line_item_id or result.workflow_state != "active":
            raise not_found()
        body = serialize(world, ctx.base_url, course_id, result)
    return json_response(body, media_type=media.RESULT_CONTAINER)


OPERATIONS = {"listResults": list_results, "getResult": get_result}
