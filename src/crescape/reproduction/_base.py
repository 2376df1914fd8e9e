"""The record of one reproduction product, and atomic file writes."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

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


def atomic_write_bytes(path: str | Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically (temporary file in the same folder, then rename)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def atomic_write_text(path: str | Path, text: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` atomically."""
    atomic_write_bytes(path, text.encode("utf-8"))
