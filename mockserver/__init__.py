"""A stateful mock of Canvas LMS's LTI 1.3 / LTI Advantage services, built from our spec.

``create_app()`` returns an ASGI app with its own world; ``run_mock()`` (in ``testing``) serves
one on a free port for tests.
"""

from .app import create_app
from .fixtures import FixtureError

__all__ = ["FixtureError", "create_app"]
