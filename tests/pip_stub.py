"""``pip install`` as the CI recipes run it locally (tests/ci_recipes.py): the package is installed
here already, so nothing is downloaded, but the command must name a way a vendor can really get it.

canvas-lti-contract is not on a public index, so a recipe installs it by one of three routes: the
wheel attached to a release (``canvas-lti-contract @ https://…/canvas_lti_contract-…whl``, or a local
``.whl`` path), a Git URL (``canvas-lti-contract @ git+https://…@TAG``), or its name on the vendor's
own index (with ``--index-url``/``--extra-index-url`` or ``PIP_INDEX_URL``/``PIP_EXTRA_INDEX_URL``).
A bare ``pip install canvas-lti-contract`` from PyPI, or ``pip install .``, fails here as it would there.
"""

from __future__ import annotations

import os
import sys

from packaging.requirements import InvalidRequirement, Requirement

NAME = "canvas-lti-contract"
INDEX_FLAGS = ("--index-url", "-i", "--extra-index-url")


def problems(args: list[str], env: dict[str, str]) -> list[str]:
    if not args or args[0] != "install":
        return [f"only `pip install` is expected, not `pip {' '.join(args)}`"]
    words, index = args[1:], bool(env.get("PIP_INDEX_URL") or env.get("PIP_EXTRA_INDEX_URL"))
    targets: list[str] = []
    skip = False
    for word in words:
        if skip:
            skip = False
            continue
        if word in INDEX_FLAGS or word.startswith(tuple(f"{flag}=" for flag in INDEX_FLAGS)):
            index, skip = True, "=" not in word
        elif word in ("-r", "--requirement", "-c", "--constraint"):
            skip = True  # the vendor's own requirements file
        elif not word.startswith("-"):
            targets.append(word)
    found = []
    for target in targets:
        if target.endswith(".whl") and os.path.basename(target).startswith("canvas_lti_contract-"):
            found.append(target)
            continue
        try:
            requirement = Requirement(target)
        except InvalidRequirement:
            return [f"`{target}` is not a requirement pip can install from a CI runner"]
        if requirement.name != NAME:
            continue  # the vendor's own requirements
        if requirement.url:
            if not (requirement.url.startswith("git+") or requirement.url.endswith(".whl")):
                return [f"`{target}`: a URL must be a Git URL (git+https://…) or a released wheel (….whl)"]
        elif not index:
            return [f"`{target}`: {NAME} is not on PyPI; give a released wheel, a Git URL or your own index"]
        found.append(target)
    return [] if found else [f"`pip {' '.join(args)}` does not install {NAME}"]


def main() -> int:
    found = problems(sys.argv[1:], dict(os.environ))
    for problem in found:
        print(f"pip (local run): {problem}", file=sys.stderr)
    if found:
        return 1
    print(f"(local run: {NAME} is already installed; skipped: pip {' '.join(sys.argv[1:])})")
    import conformance  # noqa: F401  the installed package is importable, as after a real install
    import mockserver  # noqa: F401

    return 0


if __name__ == "__main__":
    sys.exit(main())
