"""Key rotation, the one case that must be *accepted*: a valid launch signed with a key the tool
has never seen, which it can only verify by fetching the platform's JWKS again."""

from __future__ import annotations

from ..platform import Platform
from ..reasons import KEY
from ..severity import Severity
from .context import Attempt, Context
from .registry import case


def _rotate_twice(platform: Platform) -> None:
    """Twice: after one rotation the new current key was already published (as the future one),
    so only a second one makes the tool meet a kid it has never seen and must refetch."""
    platform.rotate_keys()
    platform.rotate_keys()


@case("key_rotation", "key rotation", "platform keys rotated twice: a kid the tool never saw (must refetch the JWKS)",
      Severity.SHOULD, targets=(KEY,), expect="accept", prepare=_rotate_twice,
      references=("OpenID Connect Core §10.1.1", "RFC 7517 §4.5 (kid)"),
      accepted="(a positive case: it fails when *refused*) a tool that keeps its first copy of the JWKS refuses "
               "every launch after the platform rotates its keys, as Canvas does",
      reproduce="`POST /__mock__/keys/rotate` twice, then launch.")
def key_rotation(ctx: Context) -> Attempt:
    return Attempt(ctx.flow.id_token, note=f"kid={ctx.flow.header.get('kid')} (new)")
