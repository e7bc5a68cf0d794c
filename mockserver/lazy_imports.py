"""Import a library without the parts of it that a server never runs.

connexion imports, when it is imported, Starlette's test client (and with it httpx's command-line
client: rich, pygments), its Flask framework (flask, werkzeug's routing), werkzeug's development
server and requests, none of which the mock uses to serve; together they are most of its start-up.
Two tools put that work off until something actually uses it, without changing what it does:

- :func:`lazy_package`: the package's module object is created but its ``__init__`` runs only when an
  attribute it would define is first read. Submodules import as usual meanwhile (``from package import
  submodule`` too). The module in
  ``sys.modules`` is the real one throughout, so later imports and reads see the real package.
- :class:`Deferred`: a name that ``from module import name`` binds while ``module`` is stood in for
  (:func:`standing_in`); it imports the real module the first time it is called, subclassed, checked
  with ``isinstance`` or read, and behaves as what it stands for.

Which modules get this treatment is connexion's business, so the list lives in the adapter
(``connexion_adapter.py``); this module knows nothing about connexion.
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.util
import sys
import threading
import types
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

_init_lock = threading.RLock()


def lazy_package(name: str, deferred: Mapping[str, str] | None = None) -> None:
    """Put ``name`` in ``sys.modules`` uninitialised, to run its ``__init__`` on first attribute read.

    ``deferred`` maps names its ``__init__`` would import from a submodule to that submodule: they are
    :class:`Deferred` until the ``__init__`` runs, so ``from package import Name`` does not run it.
    Does nothing when the package is imported already, or is not installed."""
    if name in sys.modules:
        return
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None or spec.submodule_search_locations is None:
        return
    module = importlib.util.module_from_spec(spec)
    for attribute, submodule in (deferred or {}).items():
        setattr(module, attribute, Deferred(submodule, attribute))

    def initialise(attribute: str) -> Any:
        if importlib.util.find_spec(f"{name}.{attribute}") is not None:  # a submodule (``from pkg import sub``)
            return importlib.import_module(f"{name}.{attribute}")
        with _init_lock:
            if module.__dict__.get("__getattr__") is initialise:  # first reader: run the real __init__
                del module.__getattr__
                spec.loader.exec_module(module)  # type: ignore[union-attr]
        try:
            return module.__dict__[attribute]
        except KeyError:
            raise AttributeError(f"module {name!r} has no attribute {attribute!r}") from None

    module.__getattr__ = initialise  # type: ignore[attr-defined]
    sys.modules[name] = module


class Deferred:
    """Stands for ``module.name`` until first used, then forwards everything to it."""

    def __init__(self, module: str, name: str) -> None:
        self._where = (module, name)

    def _target(self) -> Any:
        module, name = self._where
        return getattr(importlib.import_module(module), name)

    def __getattr__(self, attribute: str) -> Any:
        return getattr(self._target(), attribute)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._target()(*args, **kwargs)

    def __mro_entries__(self, bases: tuple[Any, ...]) -> tuple[Any, ...]:  # class X(deferred): subclass the real one
        return (self._target(),)

    def __instancecheck__(self, instance: Any) -> bool:
        return isinstance(instance, self._target())

    def __subclasscheck__(self, subclass: Any) -> bool:
        return issubclass(subclass, self._target())

    def __repr__(self) -> str:
        return f"<deferred {'.'.join(self._where)}>"


@contextlib.contextmanager
def standing_in(modules: Mapping[str, Iterable[str]]) -> Iterator[None]:
    """While the block runs, ``import module`` gives a stand-in whose names are :class:`Deferred`;
    afterwards the stand-ins are gone and the next import of the module is the real one."""
    placed: dict[str, types.ModuleType] = {}
    for name, attributes in modules.items():
        if name in sys.modules:
            continue
        stand_in = types.ModuleType(name, f"Stands in for {name} while a library is imported (mockserver.lazy_imports).")
        for attribute in attributes:
            setattr(stand_in, attribute, Deferred(name, attribute))
        sys.modules[name] = placed[name] = stand_in
    try:
        yield
    finally:
        for name, stand_in in placed.items():
            if sys.modules.get(name) is stand_in:
                del sys.modules[name]
