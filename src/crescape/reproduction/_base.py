"""The record of one reproduction product, the parameter record of its files, and the figure writer.

The atomic writers come from :mod:`crescape.io`. Every file a step writes records
the full parameter set in one form, :meth:`crescape.params.Parameters.as_attrs`
(flat ``param.<name>`` values with ``param.<name>.units``): in the ``meta`` of an
ECSV table, the attributes of a netCDF/zarr dataset, a ``"attrs"`` entry of a
JSON file, and the metadata of a PNG or PDF figure (:func:`save_figure`).
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..io import atomic_write_bytes, atomic_write_text

__all__ = [
    "Artifact",
    "atomic_write_text",
    "atomic_write_bytes",
    "parameter_attrs",
    "save_figure",
    "FIGURE_DPI",
]

#: resolution of every PNG figure of the reproduction
FIGURE_DPI = 200


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


def parameter_attrs(params) -> dict[str, Any]:
    """The attributes every reproduction file carries: crescape's version and ``params.as_attrs()``."""
    from .. import __version__

    return {"crescape_version": str(__version__), **params.as_attrs()}


def save_figure(fig, path: str | Path, params=None, formats=("png", "pdf"), dpi: int = FIGURE_DPI):
    """Save ``fig`` as ``path`` with each suffix of ``formats``, atomically, at ``dpi`` for PNG.

    With ``params``, the parameter record of :func:`parameter_attrs` goes into the
    file's metadata as JSON (the PNG text chunk ``crescape:parameters``, the PDF
    ``Subject``). Returns the paths written.
    """
    path = Path(path)
    record = None if params is None else json.dumps(parameter_attrs(params), sort_keys=True)
    written = []
    for fmt in formats:
        p = path.with_suffix("." + fmt)
        meta: dict[str, str] = {"Title": f"crescape: {path.stem}"}
        if record is not None:
            meta["crescape:parameters" if fmt == "png" else "Subject"] = record
        buf = io.BytesIO()
        fig.savefig(buf, format=fmt, dpi=dpi, metadata=meta if fmt in ("png", "pdf") else None)
        atomic_write_bytes(p, buf.getvalue())
        written.append(p)
    return written
