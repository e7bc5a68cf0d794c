"""Writes read back exactly (§3.3-§3.7, §4.3-§4.4, §5). Only with writes allowed.

Each check creates its own line item (registered with the run, whose clean-up deletes it even
if the check stops half-way), so on a real Canvas the checks touch nothing the run did not make.
Values are chosen to expose lossy stores: a decimal ``scoreMaximum``, decimal scores, comments,
and timestamps before, equal to and after the stored one.
"""

from __future__ import annotations

import math
import uuid
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from ..scopes import AGS_LINEITEM, AGS_RESULT, LEARNER, LINE_ITEM_TYPE
from . import semantic_check
from .probe import FIXTURE_LABEL, FIXTURE_TAG, Probe, Skip, iso, now

FIELDS = ("label", "tag", "resourceId")
DATES = ("startDateTime", "endDateTime")


def _same_number(actual: Any, expected: float) -> bool:
    return isinstance(actual, int | float) and not isinstance(actual, bool) and math.isclose(actual, expected, abs_tol=1e-9)


def _same_instant(actual: Any, expected: str) -> bool:
    try:
        return datetime.fromisoformat(str(actual).replace("Z", "+00:00")) == datetime.fromisoformat(expected.replace("Z", "+00:00"))
    except ValueError:
        return False


def _line_item_differences(sent: dict[str, Any], answer: Any) -> list[str]:
    if not isinstance(answer, dict):
        return [f"not a line item: {answer!r}"]
    problems = [f"{k}={answer.get(k)!r} (sent {sent[k]!r})" for k in FIELDS if k in sent and answer.get(k) != sent[k]]
    if not _same_number(answer.get("scoreMaximum"), sent["scoreMaximum"]):
        problems.append(f"scoreMaximum={answer.get('scoreMaximum')!r} (sent {sent['scoreMaximum']!r})")
    # §3.2: Canvas's serializer may omit the dates; when it answers them they must be the ones sent.
    problems += [f"{k}={answer[k]!r} (sent {sent[k]!r})" for k in DATES
                 if k in sent and k in answer and not _same_instant(answer[k], sent[k])]
    return problems


def _item(probe: Probe, operation: str, label: str, maximum: float = 12.5, **extra: Any) -> int:
    return probe.line_item_for(operation, label, maximum, **extra)


def _student(probe: Probe) -> str:
    if not probe.students:
        raise Skip("the sandbox course has no active student")
    return probe.students[0]


def _result(probe: Probe, item: int, user: str) -> dict[str, Any] | None:
    """The user's result on ``item`` as listResults?user_id= answers it (None: no result)."""
    response = probe.get(f"{probe.line_items_path(item)}/results", (AGS_RESULT,), user_id=user)
    body = probe.json(response) if response.status_code == 200 else None
    return body[0] if isinstance(body, list) and body and isinstance(body[0], dict) else None


@semantic_check("§3.3, §3.5, §3.6", "createLineItem", "getLineItem", "updateLineItem", writes=True)
def line_item_reads_back(probe: Probe) -> None:
    """A created, then updated, line item reads back with every field as sent (decimal scoreMaximum kept)."""
    start = now().replace(microsecond=0)
    sent = {"label": f"{FIXTURE_LABEL}: read back", "scoreMaximum": 12.5, "tag": f"{FIXTURE_TAG}-read-back",
            "resourceId": "canvas-lti-conform-resource-a", "startDateTime": iso(start + timedelta(days=1)),
            "endDateTime": iso(start + timedelta(days=8))}
    response, item = probe.create_line_item(sent)
    if item is None:
        probe.fail("createLineItem", f"a valid line item was refused: {response.status_code} {response.text[:200]}")
        return
    for operation, answer in (("createLineItem", probe.json(response)),
                              ("getLineItem", probe.json(probe.get(probe.line_items_path(item), (AGS_LINEITEM,))))):
        problems = _line_item_differences(sent, answer)
        if problems:
            probe.fail(operation, "the line item does not read back as created: " + "; ".join(problems))
    update = {"label": f"{FIXTURE_LABEL}: updated", "scoreMaximum": 7.25, "tag": f"{FIXTURE_TAG}-updated",
              "resourceId": "canvas-lti-conform-resource-b", "startDateTime": iso(start + timedelta(days=2)),
              "endDateTime": iso(start + timedelta(days=9))}
    response = probe.call("PUT", probe.line_items_path(item), (AGS_LINEITEM,), json_body=update, content_type=LINE_ITEM_TYPE)
    if not probe.expect_status("updateLineItem", response, (200,), "updating the run's own line item"):
        return
    for operation, answer in (("updateLineItem", probe.json(response)),
                              ("getLineItem", probe.json(probe.get(probe.line_items_path(item), (AGS_LINEITEM,))))):
        problems = _line_item_differences(update, answer)
        if problems:
            probe.fail(operation, "the line item does not read back as updated: " + "; ".join(problems))


def _result_differences(answer: Any, line_item: str, user: str, given: float, maximum: float, comment: str) -> list[str]:
    """What ``answer`` gets wrong as the result of ``user``'s score on the line item at path ``line_item``
    (its ``scoreOf`` is compared by path: Canvas may name the root account's domain)."""
    if not isinstance(answer, dict):
        return ["no result"]
    problems = []
    score_of = answer.get("scoreOf")
    if not isinstance(score_of, str) or urlsplit(score_of).path != line_item:
        problems.append(f"scoreOf={score_of!r} (the line item is {line_item})")
    if answer.get("userId") != user:
        problems.append(f"userId={answer.get('userId')!r} (scored {user!r})")
    if not _same_number(answer.get("resultScore"), given):
        problems.append(f"resultScore={answer.get('resultScore')!r} (scoreGiven {given})")
    if not _same_number(answer.get("resultMaximum"), maximum):
        problems.append(f"resultMaximum={answer.get('resultMaximum')!r} (scoreMaximum {maximum})")
    if answer.get("comment") != comment:
        problems.append(f"comment={answer.get('comment')!r} (sent {comment!r})")
    return problems


@semantic_check("§4.4, §5", "createScore", "getResult", "listResults", writes=True)
def score_reads_back_as_result(probe: Probe) -> None:
    """A posted score reads back as the user's result of that line item: scoreOf, resultScore, resultMaximum and
    comment as sent."""
    user = _student(probe)
    item = _item(probe, "createScore", "scored")
    when = now() - timedelta(minutes=5)
    for given, maximum, comment in ((8.5, 12.5, "conformance: first"), (3.25, 6.5, "conformance: second")):
        response = probe.post_score(item, user, given, maximum, when, comment)
        when += timedelta(seconds=30)
        if not probe.expect_status("createScore", response, (200,), "a valid score for an active student"):
            return
        url = (probe.json(response) or {}).get("resultUrl")
        read = probe.get(str(url), (AGS_RESULT,)) if isinstance(url, str) else None
        if read is None or read.status_code != 200:
            probe.fail("getResult", f"the score's resultUrl {url!r} does not read back: "
                                    f"{read.status_code if read is not None else 'none given'}")
        else:
            problems = _result_differences(probe.json(read), probe.line_items_path(item), user, given, maximum, comment)
            if problems:
                probe.fail("getResult", "the result does not show the score: " + "; ".join(problems))
        problems = _result_differences(_result(probe, item, user), probe.line_items_path(item), user, given, maximum, comment)
        if problems:
            probe.fail("listResults", "the listed result does not show the score: " + "; ".join(problems))


@semantic_check("§4.4 step 2", "createScore", "listResults", writes=True)
def score_without_score_given_clears_result(probe: Probe) -> None:
    """A later score without ``scoreGiven`` clears the result: it no longer shows a ``resultScore``."""
    user = _student(probe)
    item = _item(probe, "createScore", "cleared")
    when = now() - timedelta(minutes=5)
    for given in (7.5, None):
        response = probe.post_score(item, user, given, 12.5, when)
        when += timedelta(seconds=30)
        if not probe.expect_status("createScore", response, (200,), "a valid score for an active student"):
            return
    result = _result(probe, item, user)
    if result is not None and result.get("resultScore") is not None:
        probe.fail("createScore", f"a score without scoreGiven left the result at resultScore={result['resultScore']!r} "
                                  "(Canvas clears it)")


@semantic_check("§4.3 step 4", "createScore", writes=True)
def stale_score_refused(probe: Probe) -> None:
    """A score older than the stored one is refused with 400 and changes nothing; an equal timestamp is accepted."""
    user = _student(probe)
    item = _item(probe, "createScore", "stale", maximum=10)
    stored = now() - timedelta(minutes=10)
    if not probe.expect_status("createScore", probe.post_score(item, user, 6, 10, stored), (200,), "a first score"):
        return
    response = probe.post_score(item, user, 3, 10, stored - timedelta(minutes=1))
    probe.expect_status("createScore", response, (400,), "its timestamp is before the stored result's")
    result = _result(probe, item, user)
    if result is None or not _same_number(result.get("resultScore"), 6):
        probe.fail("createScore", f"a refused stale score changed the result: expected resultScore 6, got "
                                  f"{result.get('resultScore') if result else 'no result'}")
    response = probe.post_score(item, user, 7, 10, stored)
    if probe.expect_status("createScore", response, (200,), "a timestamp equal to the stored one is accepted"):
        result = _result(probe, item, user)
        if result is None or not _same_number(result.get("resultScore"), 7):
            probe.fail("createScore", "a score with an equal timestamp was accepted but the result does not show it")


@semantic_check("§3.7, §4.3 step 1, §5", "deleteLineItem", "getLineItem", "listResults", "getResult", writes=True)
def deleted_line_item_gone(probe: Probe) -> None:
    """A deleted line item answers 404, and so do its results, its result and new scores; it leaves the list."""
    user = _student(probe)
    item = _item(probe, "deleteLineItem", "deleted", maximum=10)
    response = probe.post_score(item, user, 5, 10, now() - timedelta(minutes=1))
    url = (probe.json(response) or {}).get("resultUrl") if response.status_code == 200 else None
    path = probe.line_items_path(item)
    if not probe.expect_status("deleteLineItem", probe.call("DELETE", path, (AGS_LINEITEM,)), (204,), "deleting the run's own line item"):
        return
    gone = "the line item was deleted"
    probe.expect_status("getLineItem", probe.get(path, (AGS_LINEITEM,)), (404,), gone)
    probe.expect_status("listResults", probe.get(f"{path}/results", (AGS_RESULT,)), (404,), gone)
    if isinstance(url, str):
        probe.expect_status("getResult", probe.get(url, (AGS_RESULT,)), (404,), gone)
    probe.expect_status("createScore", probe.post_score(item, user, 6, 10, now()), (404,), gone)
    probe.forget_walks()
    listed = {str(e.get("id", "")).rsplit("/", 1)[-1] for e in probe.reference(probe.line_items())}
    if str(item) in listed:
        probe.fail("listLineItems", f"deleted line item {item} is still listed")


def _not_students(probe: Probe) -> list[tuple[str, str]]:
    """``(user id, who)`` for users who may not be scored: staff from the roster, a stranger, and
    (mock) concluded or inactive students and users of other courses."""
    found: list[tuple[str, str]] = []
    try:
        for member in probe.reference(probe.course_roster()):
            roles = member.get("roles") or []
            if LEARNER not in roles and isinstance(member.get("user_id"), str) and len(found) < 2:
                found.append((member["user_id"], "a member with roles " + ", ".join(r.rsplit("#", 1)[-1] for r in roles)))
    except Skip:
        pass
    state = probe.mock_state() or {}
    users = {u["id"]: u for u in state.get("users", [])}
    enrolled: dict[int, set[str]] = {}
    for e in state.get("enrollments", []):
        if e.get("course_id") == probe.course and e.get("type") == "StudentEnrollment":
            enrolled.setdefault(e["user_id"], set()).add(str(e.get("state")))
    for user_id, states in enrolled.items():
        if states & {"completed", "inactive", "deleted", "rejected"} and not states & {"active", "invited"}:
            found.append((users[user_id]["lti_id"], f"a student whose enrollment is {'/'.join(sorted(states))}"))
    in_course = {e["user_id"] for e in state.get("enrollments", []) if e.get("course_id") == probe.course}
    elsewhere = sorted({e["user_id"] for e in state.get("enrollments", [])} - in_course)
    if elsewhere and elsewhere[0] in users:
        found.append((users[elsewhere[0]]["lti_id"], "a user of another course"))
    found.append((str(uuid.uuid5(uuid.NAMESPACE_URL, "canvas-lti-conform-stranger")), "an unknown user"))
    return found


@semantic_check("§4.3 step 2", "createScore", writes=True)
def score_for_non_student_refused(probe: Probe) -> None:
    """A score for anyone but an active student of the course is refused with 422 and stores nothing."""
    item = _item(probe, "createScore", "not-a-student", maximum=10)
    for user, who in _not_students(probe):
        response = probe.post_score(item, user, 5, 10, now() - timedelta(minutes=1))
        probe.expect_status("createScore", response, (422,), f"{who} is not an active student")
    listing = probe.results(item)
    stored = probe.reference(listing)
    if stored:
        probe.fail("listResults", f"refused scores left results behind: {[r.get('userId') for r in stored]}")
