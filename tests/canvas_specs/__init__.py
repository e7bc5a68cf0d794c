"""Cases mined from Canvas's own RSpec suite (instructure/canvas-lms), each citing its spec file and example.

Every test here carries :func:`tests.canvas_specs.citation.canvas_spec`: the Canvas spec file, the ``it "…"``
example it comes from, and, where the mock knowingly differs, the documented difference. ``python -m
tests.canvas_specs.table`` prints the count of cases per Canvas controller (the table in the docs).
"""
