"""Page latency and memory with 100,000 line items, 1,000,000 results and 10,000 students in the store.

Run by ``python -m bench`` in its own interpreter; prints one JSON object. Paging cost must
depend on the page, not on the store size, so the loaded figure is compared with the same
request on the fixture-sized store.
"""

from __future__ import annotations

import json
import statistics
import time
from typing import Any

from mockserver import create_app
from mockserver.world import Assignment, Enrollment, LineItem, Result, User

LINE_ITEMS = 100_000
USERS = 10_000
ITEMS_WITH_RESULTS = 100  # × USERS = 1,000,000 results
STAMP = "2026-01-01T00:00:00.000Z"


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def timed(client: Any, url: str, headers: dict[str, str], repeat: int = 50) -> float:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        response = client.get(url, headers=headers)
        samples.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.text
    return statistics.median(samples)


def fill(world: Any) -> int:
    """Bulk-load through the world's own add_* methods, so indices are what requests would build."""
    first_item = None
    for n in range(LINE_ITEMS):
        assignment = Assignment(id=world.next_id("assignments"), course_id=101, name=f"A{n}", points_possible=10.0)
        world.assignments[assignment.id] = assignment
        item = LineItem(id=world.next_id("line_items"), assignment_id=assignment.id, course_id=101, label=f"A{n}",
                        score_maximum=10.0, client_id="10000000000001")
        world.add_line_item(item)
        first_item = first_item or item.id
    for n in range(USERS):
        user = User(id=100_000 + n, name=f"Student {n}")
        world.users[user.id] = user
        world.add_enrollment(Enrollment(id=world.next_id("enrollments"), course_id=101, user_id=user.id, type="StudentEnrollment"))
    for offset in range(ITEMS_WITH_RESULTS):
        for n in range(USERS):
            world.add_result(Result(id=world.next_id("results"), line_item_id=first_item + offset, user_id=100_000 + n,
                                    activity_progress="Completed", grading_progress="FullyGraded",
                                    created_at=STAMP, updated_at=STAMP, score_given=5.0, score_maximum=10.0))
    return first_item


def main() -> None:
    from mockserver.tool_client import bearer, get_token

    app = create_app()
    with app.test_client() as client:
        auth = bearer(get_token(client, client.get("/__mock__/config").json(), "Mock Grading Tool"))
        items_url, results_url = "/api/lti/courses/101/line_items?limit=10", "/api/lti/courses/101/line_items/1/results?limit=10"
        roster_url = "/api/lti/courses/101/names_and_roles?limit=10"
        empty_page = timed(client, items_url, auth)
        empty_results = timed(client, results_url, auth)
        empty_roster = timed(client, roster_url, auth)
        first = fill(app.state.world)
        loaded_page = timed(client, items_url + "&page=5000", auth)
        loaded_results = timed(client, f"/api/lti/courses/101/line_items/{first}/results?limit=10&page=500", auth)
        loaded_roster = timed(client, roster_url + "&page=500", auth)
        print(json.dumps({
            "line_items": len(app.state.world.line_items), "results": len(app.state.world.results),
            "empty_page_ms": empty_page, "loaded_page_ms": loaded_page,
            "empty_results_page_ms": empty_results, "loaded_results_page_ms": loaded_results,
            "students": USERS, "empty_roster_page_ms": empty_roster, "loaded_roster_page_ms": loaded_roster, "rss_mb": rss_mb(),
        }))


if __name__ == "__main__":
    main()
