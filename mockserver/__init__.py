"""A stateful mock of Canvas LMS's LTI 1.3 / LTI Advantage services, built from our spec.

``create_app()`` returns an ASGI app with its own world; ``run_mock()`` (in ``testing``) serves
one on a free port for tests. Both names are imported on first use, so light modules of the
package (``mockserver.resources``, used by ``canvas-lti drift``) do not pay for connexion.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .app import create_app
    from .fixtures import FixtureError

__all__ = ["FixtureError", "create_app"]


def __getattr__(name: str) -> Any:
    if name == "create_app":
        from .app import create_app

        return create_app
    if name == "FixtureError":
        from .fixtures import FixtureError

        return FixtureError
    raise AttributeError(f"module 'mockserver' has no attribute {name!r}")
