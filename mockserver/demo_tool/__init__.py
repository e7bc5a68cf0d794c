"""The demo tool: a real LTI 1.3 tool served by the mock under ``/__mock__/demo-tool/``.

So that ``canvas-lti mock`` and a click on a course page launch something out of the box, the
default fixtures register it ("Demo Tool", client id ``10000000000004``) with working placements.
It is an ordinary tool from the mock's point of view: it talks to the platform only through the
endpoints a vendor's tool uses (``platform.py``), validates launches strictly (``validation.py``),
offers deep linking content (``content.py``) and posts scores through AGS (``grading.py``).
Its HTTP routes are spec operations (tag ``DemoTool``, ``handlers.py``), like every other behaviour
of the mock; its memory is part of the app's state (``sessions.py``).
"""
