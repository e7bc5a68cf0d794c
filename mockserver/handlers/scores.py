"""AGS scores (§4): Canvas's checks in Canvas's order, then one atomic write."""

from __future__ import annotations

import mimetypes
from datetime import datetime
from typing import Any

from starlette.responses import Response

from ..canvas import media
from ..canvas.errors import json_response, lti_error, model_error
from ..canvas.timestamps import api_time, iso_ms, read_timestamp
from ..canvas.urls import result_url
from ..context import RequestContext
from ..world import Progress, Result, User, World

SUBMISSION_EXT = "https://canvas.instructure.com/lti/submission"
GIVEN_SCORE_STATES = ("FullyGraded", "PendingManual")
#: Mock-clock seconds a file upload stays ``queued`` before its progress completes.
UPLOAD_SECONDS = 1.0


def _student(world: World, raw_user_id: Any, course_id: int) -> User:
    """``userId``: an LTI id, or a Canvas id as digits or a JSON integer (``[id.to_i, id.to_i.to_s].include?(id)``)."""
    if isinstance(raw_user_id, bool) or not isinstance(raw_user_id, str | int):
        raw_user_id = None
    user = world.find_user(str(raw_user_id)) if raw_user_id is not None else None
    if user is None or not world.is_student(user.id, course_id):
        raise lti_error(422, "User not found in course or is not a student")
    return user


async def create_score(ctx: RequestContext, course_id: int, body: dict[str, Any], **_: Any) -> Response:
    auth, world = ctx.auth, ctx.world
    assert auth is not None and auth.line_item is not None and auth.tool is not None
    item = auth.line_item
    enforce = ctx.state.settings.enforce_iso8601_for_lti_scores
    with world.lock:
        user = _student(world, body.get("userId"), course_id)
        raw_ts = body["timestamp"]
        timestamp = read_timestamp(raw_ts, enforce_iso8601=enforce)
        if timestamp is None:
            raise lti_error(400, f"Provided timestamp of {raw_ts} not a valid timestamp")
        existing_id = world.results_by_line_item.get(item.id, {}).get(user.id)
        existing = world.results.get(existing_id) if existing_id is not None else None
        if existing is not None:
            last = read_timestamp(existing.updated_at, enforce_iso8601=False)
            if last is not None and last > timestamp:
                raise lti_error(400, f"Provided timestamp of {raw_ts} before last updated timestamp of {iso_ms(last)}")

        score_given, score_maximum = body.get("scoreGiven"), body.get("scoreMaximum")
        grading = body["gradingProgress"]
        reset = grading not in GIVEN_SCORE_STATES or score_given is None
        if not reset:
            if score_maximum is None:
                raise lti_error(422, "ScoreMaximum not supplied when ScoreGiven present.")
            if score_maximum < 0:
                raise lti_error(422, "ScoreMaximum must be greater than or equal to 0")
            if score_maximum == 0 and item.score_maximum != 0:
                raise lti_error(422, "cannot be zero if line item's maximum is not zero")
            if score_given < 0:
                raise lti_error(422, "ScoreGiven must be greater than or equal to 0")

        if score_given is not None and score_maximum is None:
            raise model_error("result_maximum", "blank", "can't be blank")  # Lti::Result validation
        extension = body.get(SUBMISSION_EXT) or {}
        raw_submitted = ((body.get("submission") or {}).get("submittedAt") or body.get("submittedAt")
                         or extension.get("submitted_at"))
        submitted_at = None
        if raw_submitted is not None:
            submitted_at = read_timestamp(raw_submitted, enforce_iso8601=enforce)
            if submitted_at is None:
                raise lti_error(400, f"Provided submitted_at timestamp of {raw_submitted} not a valid timestamp")
            if submitted_at.timestamp() > ctx.now() + 60:
                raise lti_error(400, f"Provided submitted_at timestamp of {raw_submitted} in the future")
        content_items = extension.get("content_items") or []
        files = [c for c in content_items if isinstance(c, dict) and c.get("type") == "file"]
        submission_type = "online_upload" if files else extension.get("submission_type", "external_tool")
        if submission_type == "online_upload" and not files:
            raise lti_error(422, "Content items must be provided with submission type 'online_upload'")

        # All checks passed: write the submission (default line item only) and the result.
        stamp = iso_ms(timestamp)
        uploads = [_queue_upload(ctx, course_id, user, file, submitted_at) for file in files]
        if world.default_line_item_id(item.assignment_id) == item.id:
            _grade_submission(ctx, body, extension, submission_type, submitted_at, reset)
            if extension.get("new_submission", True):
                world.submission_for(item.assignment_id, user.id).attachments.extend(a for a, _ in uploads)
        if existing is None:
            existing = Result(
                id=world.next_id("results"), line_item_id=item.id, user_id=user.id,
                activity_progress=body["activityProgress"], grading_progress=grading,
                created_at=stamp, updated_at=stamp,
            )
            world.add_result(existing)
        existing.updated_at = stamp
        existing.activity_progress = body["activityProgress"]
        existing.grading_progress = grading
        existing.comment = body.get("comment")
        existing.score_given = None if score_given is None else float(score_given)
        existing.score_maximum = None if score_given is None else float(score_maximum)
        existing.extensions = {SUBMISSION_EXT: extension} if SUBMISSION_EXT in body else {}
        existing.workflow_state = "active"
        url = result_url(ctx.base_url, course_id, item.id, existing.id)
    content_items = [{"type": "file", "url": file.get("url"), "title": file.get("title"), "progress": progress}
                     for file, (_, progress) in zip(files, uploads, strict=True)]
    return json_response({"resultUrl": url, SUBMISSION_EXT: {"content_items": content_items}}, media_type=media.SCORE)


def _queue_upload(ctx: RequestContext, course_id: int, user: User, file: dict[str, Any],
                  submitted_at: datetime | None) -> tuple[dict[str, Any], str]:
    """A file content item: its attachment and a queued ``upload_via_url`` Progress on the assignment,
    which completes once the mock clock has moved ``UPLOAD_SECONDS`` on (the mock fetches nothing).
    Returns the attachment and the progress URL the tool polls (``lti_progress_show_url``)."""
    world, now = ctx.world, ctx.now()
    assert ctx.auth is not None and ctx.auth.line_item is not None
    name = file.get("title") or str(file.get("url") or "").rsplit("/", 1)[-1]
    attachment = {"id": world.next_id("attachments"), "display_name": name, "url": file.get("url"),
                  "content_type": file.get("media_type") or mimetypes.guess_type(name)[0] or "application/octet-stream"}
    created = iso_ms(submitted_at) if submitted_at else api_time(now)  # Canvas dates it from submitted_at
    progress = Progress(id=world.next_id("progresses"), context_type="Assignment",
                        context_id=ctx.auth.line_item.assignment_id, course_id=course_id, user_id=user.id,
                        completion=0.0, workflow_state="queued", created_at=created, updated_at=api_time(now),
                        attachment_id=attachment["id"], completes_at=now + UPLOAD_SECONDS)
    world.progresses[progress.id] = progress
    return attachment, f"{ctx.base_url}/api/lti/courses/{course_id}/progress/{progress.id}"


def _grade_submission(ctx: RequestContext, body: dict[str, Any], extension: dict[str, Any],
                      submission_type: str, submitted_at: datetime | None, reset: bool) -> None:
    """The Canvas submission side of a score (§4.4), for the assignment's default line item."""
    auth, world = ctx.auth, ctx.world
    assert auth is not None and auth.line_item is not None and auth.tool is not None
    item = auth.line_item
    user = world.find_user(str(body["userId"]))
    assert user is not None
    sub = world.submission_for(item.assignment_id, user.id)
    if extension.get("new_submission", True) and submission_type != "none":
        sub.attempt += 1
        sub.submission_type = submission_type
        sub.submitted_at = iso_ms(submitted_at or ctx.state.clock.now_datetime())
        sub.workflow_state = "submitted"
    if extension.get("preserve_score") or reset:
        if not extension.get("preserve_score"):
            sub.score = None
    elif not (extension.get("prioritize_non_tool_grade") and sub.score is not None):
        given, maximum = float(body["scoreGiven"]), float(body["scoreMaximum"])
        sub.score = given * (item.score_maximum / maximum) if maximum else given
        sub.grader_id = -auth.tool.id
        sub.workflow_state = "graded"
    if body["gradingProgress"] == "PendingManual":
        sub.workflow_state = "pending_review"
    if body.get("comment"):
        sub.comments.append(body["comment"])


OPERATIONS = {"createScore": create_score}
