"""crescape: escape of cosmic rays from the Galaxy and effects on the circumgalactic medium.

Implements, checks and extends Blasi & Amato (2019), PRL 122, 051101.
"""

from importlib.metadata import PackageNotFoundError as _NotInstalled
from importlib.metadata import version as _version

try:
    #: the installed version, from the git tag at install time (pyproject: hatch-vcs)
    __version__: str = _version("crescape")
except _NotInstalled:  # imported from a source tree that was never installed
    __version__ = "0.0.0+unknown"

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
