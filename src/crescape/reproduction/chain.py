"""Reproduction step 0: the analytic chain at the paper's parameters and the audit of its numbers."""

from __future__ import annotations

import json
from pathlib import Path

from ..io import atomic_write, atomic_write_text
from ..model import EscapeModel
from ..paper import audit, audit_table_markdown
from ..params import Parameters
from ._base import Artifact, parameter_attrs

ORDER = 0
TITLE = "The analytic chain, Eqs. (1)-(17)"


def run(out_dir: Path, params: Parameters) -> list[Artifact]:
    """Write the chain table (ECSV) and the audit of the paper's numbers (Markdown, JSON)."""
    model = EscapeModel.from_params(params)
    table = model.table()
    path = out_dir / "chain.ecsv"
    table.meta["description"] = "crescape analytic chain (Blasi & Amato 2019, Eqs. 1-17)"
    table.meta["parameters"] = params.as_dict()
    table.meta.update(parameter_attrs(params))
    atomic_write(path, writer=lambda tmp: table.write(tmp, format="ascii.ecsv", overwrite=True))
    claims = audit(params)
    atomic_write_text(out_dir / "audit.md", audit_table_markdown(claims) + "\n")
    atomic_write_text(
        out_dir / "audit.json",
        json.dumps(
            {"attrs": parameter_attrs(params), "claims": [c.as_dict() for c in claims]}, indent=2
        ),
    )
    worst = max(claims, key=lambda c: abs(c.ratio - 1))
    return [
        Artifact(
            "chain",
            "every quantity of the chain at the paper's parameters",
            "chain.ecsv",
            {k: v["value"] for k, v in model.to_dict()["quantities"].items()},
        ),
        Artifact(
            "audit",
            f"{len(claims)} numbers quoted by the paper beside crescape's values "
            f"(largest departure: {worst.id}, ratio {worst.ratio:.2f})",
            "audit.md",
            {c.id: {"paper": c.paper, "crescape": c.crescape, "ratio": c.ratio} for c in claims},
        ),
    ]
