"""The record of one reproduction product; the atomic writers come from :mod:`crescape.io`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..io import atomic_write_bytes, atomic_write_text

__all__ = ["Artifact", "atomic_write_text", "atomic_write_bytes"]


@dataclass
class Artifact:
    """One product of a reproduction step.

    Attributes
    ----------
    name : str
        Short identifier, e.g. ``"figure1"``.
    description : str
        One line for ``summary.md``.
    path : str or None
        File written, relative to the output folder (None for a pure number).
    values : dict
        Numbers to list in ``summary.json`` (JSON-serialisable).
    """

    name: str
    description: str
    path: str | None = None
    values: dict[str, Any] = field(default_factory=dict)
