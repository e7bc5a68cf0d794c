"""Auto-submitting HTML forms that a browser posts and a headless test can read.

Every form page carries the same data twice: as a normal ``<form>`` with hidden inputs (what a
browser submits) and as JSON in ``<script type="application/json" id="canvas-lti-form">``
(``{"action", "method", "fields"}``), so a test can ``json.loads`` it without an HTML parser.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from html import escape
from typing import Any

from starlette.responses import HTMLResponse

FORM_DATA_ID = "canvas-lti-form"


def script_json(value: Any) -> str:
    """JSON safe inside ``<script>``: no ``</script>`` or HTML comment can break out."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def form_page(action: str, fields: Mapping[str, str], *, title: str, status: int = 200,
              headers: Mapping[str, str] | None = None, notice: Mapping[str, Any] | None = None) -> HTMLResponse:
    """The auto-posting form; ``notice`` is first posted to a same-origin parent window (the
    console, which follows the launch it names)."""
    inputs = "\n".join(
        f'    <input type="hidden" name="{escape(name)}" value="{escape(str(value))}">'
        for name, value in fields.items()
    )
    data = script_json({"action": action, "method": "POST", "fields": dict(fields)})
    body = f"""<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>{escape(title)}</title></head>
<body>
  <form id="{FORM_DATA_ID}-form" action="{escape(action)}" method="POST">
{inputs}
    <noscript><button type="submit">Continue</button></noscript>
  </form>
  <script type="application/json" id="{FORM_DATA_ID}">{data}</script>
  <script>{_notify(notice)}document.getElementById("{FORM_DATA_ID}-form").submit();</script>
</body>
</html>
"""
    return HTMLResponse(body, status_code=status, headers=dict(headers or {}))


def _notify(notice: Mapping[str, Any] | None) -> str:
    if not notice:
        return ""
    return (f"if (window.parent !== window) window.parent.postMessage({script_json(dict(notice))}, "
            "window.location.origin);\n  ")


def read_form(html: str) -> dict[str, Any]:
    """Parse a page rendered by :func:`form_page` (for headless drivers and tests)."""
    marker = f'<script type="application/json" id="{FORM_DATA_ID}">'
    start = html.index(marker) + len(marker)
    return json.loads(html[start:html.index("</script>", start)])
