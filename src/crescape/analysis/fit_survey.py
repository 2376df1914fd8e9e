"""Which CGM models survive which neutrino spectra: a table of fits and their p-values.

For each data set and each model (Eq. 17 or the full KAB06 spectra, with a choice
of free parameters), :func:`survey` runs :func:`crescape.analysis.fit.fit` (no MCMC)
and records the goodness of fit with the Fermi IGRB limit and without it (IceCube
alone), and a verdict from the p-value:

* ``survives``: p >= :data:`P_SURVIVES` (0.05);
* ``disfavoured``: :data:`~crescape.analysis.fit.P_BAD` <= p < 0.05;
* ``rejected``: p < :data:`~crescape.analysis.fit.P_BAD` (1e-3, the fit's bad-fit threshold).

The p-value is P(χ²_ndof >= χ²_min) with ndof = bins − free parameters (the
IGRB and the limits are one-sided and add no degree of freedom): an approximation
where the likelihood is not Gaussian (upper-limit bins, one-event bins) and where
the best fit sits at a prior bound.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

from ..params import Parameters
from .fit import P_BAD, fit

__all__ = ["P_SURVIVES", "DEFAULT_MODELS", "DEFAULT_DATASETS", "verdict", "survey", "markdown"]

#: a model survives a data set when the p-value of its best fit is at least this
P_SURVIVES = 0.05

#: (label, model, free parameters)
DEFAULT_MODELS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("Eq. (17), s = 2 (the paper)", "eq17", ("delta_G",)),
    ("Eq. (17), slope free", "eq17", ("delta_G", "slope")),
    ("full KAB06, s = 2, E_max = 1 PeV", "full", ("delta_G",)),
    ("full KAB06, slope free", "full", ("delta_G", "slope")),
    ("full KAB06, cutoff E_max free", "full", ("delta_G", "E_max")),
    ("full KAB06, slope and E_max free", "full", ("delta_G", "slope", "E_max")),
)
DEFAULT_DATASETS = ("icecube_2015", "icecube_2025_combined", "icecube_2025_mese")


def verdict(p: float) -> str:
    """'survives', 'disfavoured' or 'rejected' for a p-value (see the module docstring)."""
    if p >= P_SURVIVES:
        return "survives"
    if p >= P_BAD:
        return "disfavoured"
    return "rejected"


def survey(
    datasets: Sequence[str] = DEFAULT_DATASETS,
    models: Sequence[tuple[str, str, tuple[str, ...]]] = DEFAULT_MODELS,
    params: Parameters | None = None,
    **fit_kwargs: Any,
) -> list[dict[str, Any]]:
    """One row per (data set, model): best fit, χ², ndof, p-value and verdict, with and
    without the IGRB. ``fit_kwargs`` go to :func:`~crescape.analysis.fit.fit` (e.g.
    ``flavour``, ``limits``, ``limit_cl``)."""
    rows = []
    for ds in datasets:
        for label, model, free in models:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                r = fit(
                    ds, free, params=params, model=model, mcmc=False, profile_points=0, **fit_kwargs
                )
            p, p_ic = r.gof["p_value"], r.icecube_only["p_value"]
            rows.append(
                {
                    "dataset": ds,
                    "model": label,
                    "model_kind": model,
                    "free": list(free),
                    "flavour": r.model["flavour"],
                    "best": r.best,
                    "intervals": {k: v["text"] for k, v in r.intervals.items()},
                    "chi2": r.chi2_min,
                    "chi2_igrb": r.chi2_igrb,
                    "ndof": r.ndof,
                    "p_value": p,
                    "verdict": verdict(p),
                    "icecube_only": {
                        "best": r.icecube_only["best"],
                        "chi2": r.icecube_only["chi2_min"],
                        "p_value": p_ic,
                        "verdict": verdict(p_ic),
                    },
                    "limits_used": r.data["limits_used"],
                    "galactic_plane": r.data["galactic_plane"],
                }
            )
    return rows


def _best_text(best: dict[str, float]) -> str:
    return ", ".join(f"{k} = {v:.3g}" for k, v in best.items())


def markdown(rows: Sequence[dict[str, Any]]) -> str:
    """The survey as a Markdown table."""
    out = [
        "| data | model | best fit (with IGRB) | χ²/ndof | p | verdict | IceCube alone: best fit, p, verdict |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        ic = r["icecube_only"]
        out.append(
            f"| {r['dataset']} | {r['model']} | {_best_text(r['best'])} | "
            f"{r['chi2']:.1f}/{r['ndof']} | {r['p_value']:.2g} | **{r['verdict']}** | "
            f"{_best_text(ic['best'])}; p = {ic['p_value']:.2g}, {ic['verdict']} |"
        )
    return "\n".join(out)
