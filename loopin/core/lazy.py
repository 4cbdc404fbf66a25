"""Heavy third-party libraries loaded on first use, so a process that never needs them does not carry them.

A worker that serves the feed, sign-in and the door never renders a PDF, mints a LiveKit token or talks to
Stripe, Razorpay, Twilio or Firebase while the local stand-ins are configured; together those libraries cost
about 90 MiB of resident memory and a second of start-up per process (issue 22's footprint, docs/PERFORMANCE.md).
Each real implementation behind our interfaces names its library like this, so the type checker still sees the
real module and the code reads as it did with a top-level import:

    if TYPE_CHECKING:
        from xhtml2pdf import pisa
    else:
        pisa = lazy_module("xhtml2pdf.pisa")

The first attribute read imports the module (importlib's per-module lock makes concurrent first uses safe; a
failing import raises there, each time, like an import statement would). Only for third-party libraries: our
own packages import each other at the top (the import-graph test keeps them acyclic)."""

from __future__ import annotations

import importlib
import sys
from types import ModuleType
from typing import Any


class LazyModule:
    """Stands for the module `name` until an attribute is read, then forwards to it."""

    __slots__ = ("_module", "_name")

    def __init__(self, name: str) -> None:
        self._name = name
        self._module: ModuleType | None = None

    def _load(self) -> ModuleType:
        module = self._module
        if module is None:
            module = importlib.import_module(self._name)
            self._module = module
        return module

    def __getattr__(self, attribute: str) -> Any:
        return getattr(self._load(), attribute)

    def __repr__(self) -> str:
        state = "loaded" if self._module is not None else "not loaded yet"
        return f"<lazy module {self._name!r} ({state})>"

    @property
    def loaded(self) -> bool:
        """True once this process has imported the module (through this stand-in or any other import)."""
        return self._module is not None or self._name in sys.modules


def lazy_module(name: str) -> Any:
    """A stand-in for `import name` that imports on first use (see the module docstring)."""
    return LazyModule(name)
