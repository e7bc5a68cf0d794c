"""The probe's test tools, each a Flask app served over HTTP on loopback (:func:`serve`):
pylti1p3 as documented and fixed (:mod:`.pylti1p3_tool`), a careless hand-written tool and a
strict one."""

from .careless import careless_tool
from .pylti1p3_tool import DOCUMENTED, FIXED, Fixes, pylti1p3_tool
from .serving import LAUNCHED, serve
from .strict import strict_tool

__all__ = ["DOCUMENTED", "FIXED", "LAUNCHED", "Fixes", "careless_tool", "pylti1p3_tool", "serve", "strict_tool"]
