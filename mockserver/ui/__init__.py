"""The web console at ``/__mock__/ui/``: server-rendered pages over the mock's own HTTP API.

Templates (Jinja2, through Starlette's ``Jinja2Templates``) and static files are package data.
The one vendored library is htmx (``static/htmx.min.js``, version :data:`HTMX_VERSION`, 0BSD
licence in ``static/htmx.LICENSE.txt``), taken from the npm registry's ``htmx.org`` package.
Actions call the JSON control endpoints from the browser (``static/console.js``); the console
itself stores nothing. The pages (``pages.py``) are imported with the first one requested.
"""

HTMX_VERSION = "2.0.11"
HTMX_SHA256 = "d6fdc75f204e6bdefa99b69bf1e6d4ac69b8a364f77929f45c13476b4000f717"

__all__ = ["HTMX_SHA256", "HTMX_VERSION"]
