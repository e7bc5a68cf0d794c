"""The probe's cases, one small registered function each, by family.

Importing the family modules registers their cases in this order, which is the order of every
report: forgeries first, then what the platform signs, then where tokens are posted, the login
step, and the one positive case.
"""

from . import algorithms, claims, header, login, rotation, sessions  # noqa: F401 (registration)
from .context import DELETE, OTHER_CLIENT, Attempt, Context, Setup
from .registry import CASES, Case, case, select

__all__ = ["CASES", "DELETE", "OTHER_CLIENT", "Attempt", "Case", "Context", "Setup", "case", "select"]
