"""Steps of ``crescape reproduce``: each module here adds its products to the reproduction.

A step is a module of this package (name not starting with ``_``) that defines

``ORDER: int``
    sort key (the analytic chain is 0; later capabilities use larger numbers);
``TITLE: str``
    a heading for ``summary.md``;
``run(out_dir: pathlib.Path, params: crescape.params.Parameters) -> list[Artifact]``
    writes its files into ``out_dir`` (atomically) and returns what it made.

:func:`steps` discovers them in order. A step that raises is reported in the
summary as failed; the other steps still run.

The summaries: ``summary.json`` (every number), ``summary.md`` and ``summary.html``
(:func:`write_summary_html`: the same page with every figure inline, the numbers
and links to the data files; :func:`check_html` finds broken images and links).
"""

from __future__ import annotations

import importlib
import pkgutil

from ._base import Artifact, atomic_write_bytes, atomic_write_text
from ._report import check_html, write_in_progress_html, write_summary_html

__all__ = [
    "Artifact",
    "steps",
    "step_names",
    "atomic_write_text",
    "atomic_write_bytes",
    "write_summary_html",
    "write_in_progress_html",
    "check_html",
]


def steps() -> list:
    """The reproduction step modules, sorted by ``ORDER``."""
    mods = []
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("_"):
            continue
        mod = importlib.import_module(f"{__name__}.{info.name}")
        if hasattr(mod, "run"):
            mods.append(mod)
    return sorted(mods, key=lambda m: (getattr(m, "ORDER", 100), m.__name__))


def step_names() -> list[str]:
    """The names of the step modules (for ``--only``), without importing them."""
    return sorted(i.name for i in pkgutil.iter_modules(__path__) if not i.name.startswith("_"))
