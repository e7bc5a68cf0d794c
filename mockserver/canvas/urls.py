"""Absolute URLs Canvas puts in bodies (line item and result ids, NRPS endpoints)."""


def line_items_url(base: str, course_id: int) -> str:
    return f"{base}/api/lti/courses/{course_id}/line_items"


def line_item_url(base: str, course_id: int, line_item_id: int) -> str:
    return f"{line_items_url(base, course_id)}/{line_item_id}"


def result_url(base: str, course_id: int, line_item_id: int, result_id: int) -> str:
    return f"{line_item_url(base, course_id, line_item_id)}/results/{result_id}"
