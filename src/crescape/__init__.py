"""crescape: escape of cosmic rays from the Galaxy and effects on the circumgalactic medium.

Implements, checks and extends Blasi & Amato (2019), PRL 122, 051101.
"""

__version__ = "0.1.0"

from .params import CGM, Galaxy, Microphysics, ParameterError, Parameters  # noqa: E402

__all__ = ["__version__", "Galaxy", "CGM", "Microphysics", "Parameters", "ParameterError"]


def __getattr__(name):  # lazy access to heavier parts
    if name == "EscapeModel":
        from .model import EscapeModel

        return EscapeModel
    if name in ("sweep", "fit"):  # crescape.sweep(...), crescape.fit(...)
        import importlib

        return getattr(importlib.import_module(f".analysis.{name}", __name__), name)
    raise AttributeError(f"module 'crescape' has no attribute {name!r}")
