"""A likelihood fit of the CGM neutrino model to IceCube, with the Fermi IGRB as an upper limit.

The model is the neutrino intensity of the escaped CRs in the circumgalactic
medium (Blasi & Amato 2019, Eqs. 15-17) and its γ-ray counterpart; the data
are by default the IceCube 2015 differential spectrum (ApJ 809, 98, Table 6;
nine E^-2 bins, three of them upper limits), or the 2025 segmented spectra and
KM3-230213A (:data:`DATASETS`), and the Fermi-LAT IGRB (Ackermann et al. 2015,
ApJ 799, 86, Table 3, foreground model A).

Model ``model="eq17"``
    E_ν²F_ν from :func:`crescape.model.neutrino_E2_flux`: Eq. (16) in the
    δ-function approximation (E_ν = ηE), the CR density φ/ṽ_A of Eq. (15) with ṽ_A
    in the saturated field of Eq. (8) at the parent energy, so for a slope s the
    intensity scales as E_ν^{(2-s)/2}; for s = 2 it is Eq. (17). It is read as
    the ν + ν̄ intensity of one flavour by default (``flavour="per flavour"``; the
    reading the full KAB06 spectra support, see :mod:`crescape.analysis.icecube_match`)
    or of all flavours (``flavour="all"``); every measurement is converted to the
    reading (flavour ratio 1:1:1) and the result says which one was used.
    The spectrum extends as the pure power law (``convention="paper"``, as in the
    paper's Fig. 1) unless ``E_max`` is free, in which case Eq. (16) with an
    exponential cutoff exp(-E/E_max) of the parent spectrum is used
    (``convention="eq16"``).
γ rays (δ-approximation counterpart of Eq. 16)
    A π⁰ decays into two photons of half its energy, a π± into three neutrinos of
    about a quarter of its energy, and π⁰ : π⁺ : π⁻ = 1 : 1 : 1. With the paper's
    E_ν = ηE the photons have E_γ = 2ηE and carry 2/3 of the energy of all
    neutrinos, so ``E_γ² F_γ(E_γ) = (2/3) E_ν² F_ν^{all}(E_ν = E_γ/2)``, where
    F_ν^{all} is Eq. (17) in the all-flavour reading and 3 × Eq. (17) in the
    per-flavour one (so the γ rays of a model that matches IceCube are the same in
    both readings). No γγ absorption (negligible on the ≲ 100 kpc paths below 1 TeV).
``model="full"`` (the default of :func:`fit`)
    :class:`crescape.spectra.CGMEmission` (KAB06 pp spectra, oscillations, the halo
    geometry, γγ absorption on the CMB; any CR slope, a cutoff E_max), tabulated once
    per fit over the prior box and interpolated (:mod:`crescape.analysis.fit_model`):
    0.8-1.5 ms per likelihood evaluation against 10-35 ms (machine load) for the direct
    computation (``model="full-direct"``, the reference), which it reproduces to
    better than :data:`~crescape.analysis.fit_model.TOLERANCE` (tested). δ_G and L_CR
    enter exactly; η does not enter the full spectra. A break of the CR spectrum
    (``slope_high``, ``E_break``; :mod:`crescape.physics.spectrum`) may be free: the
    table then has up to three shape axes (s, s₂, E_break), ~2 ms per evaluation.
Profiles (``profile=``, ``--profile NAME``)
    A CGM gas profile of :class:`crescape.halo.CGMProfile` in place of the uniform δ_G:
    the flux is the uniform one times the profile's column factor K (:class:`CGMModel`),
    and δ_G is the profile's overdensity at ``r_ref``.

Likelihood (the approximation, stated)
    ``-2 ln L = Σ_bins χ²_i + Σ_bands χ²_IGRB``, with the model value of an
    IceCube bin the mean of E²F over ln E across the bin (the differential
    analysis fits an E^-2 segment in each bin; weighting by the effective area is
    not available and is neglected).

    * Measured bins: Barlow's variable-width Gaussian with a variance linear in
      the model value (Barlow 2004, arXiv:physics/0406120, "linear variance"),
      ``χ² = (μ - x)² / (σ₊σ₋ + (σ₊ - σ₋)(μ - x))``, matched to the 68% interval
      [x - σ₋, x + σ₊] of Table 6 (χ² = 1 at both ends).
    * Upper-limit bins (best fit 0): ``χ² = aμ + bμ²`` for μ ≥ 0 with a, b ≥ 0
      fixed by χ² = 1 at the 68% upper bound and χ² = 2.706 at the 90% upper
      bound (Wilks: the profile-likelihood intervals of Table 6).
    * Fermi IGRB (a sum of all unresolved sources, so an upper limit on the CGM
      alone): one-sided Gaussian in each band, ``χ² = ((I_m - I)/σ)²`` where the
      band-integrated model intensity I_m exceeds the measured I, else 0; σ is the
      upper statistical+instrumental error and the foreground-model systematic
      in quadrature.
    * The point-source share of the EGB above 50 GeV (optional, ``blazar_fraction``;
      Ackermann et al. 2016, PRL 116, 151105): the diffuse room (1 - f) I_EGB as a
      one-sided upper limit (:class:`EGBFractionLimit`).
    * One-event data (KM3-230213A, Nature 638, 376): the Poisson likelihood ratio of
      n = 1 observed event, ``χ² = 2(N - 1 - ln N)``, N = μ/μ₁ the expected events,
      μ₁ the E²Φ for which one event is expected (the published flux; Baker & Cousins
      1984, NIM 221, 437, the Poisson likelihood-ratio χ²).
    * Differential upper limits (IceCube EHE, Auger, ANTARES; optional, ``limits``):
      see :class:`FluxLimit` (a half-Gaussian that excludes a model at the limit at its
      C.L., or a zero-event Poisson likelihood).

Joint fits
    ``dataset`` may name several data sets (``"a,b"`` or a list): their likelihoods
    are independent and are summed (the bins are concatenated). Two data sets of the
    same detector are refused (:data:`DATASET_DETECTOR`): crescape cannot show that two
    IceCube samples hold disjoint events, and counting shared events twice would
    overstate the constraint; ``allow_shared_events=True`` (``--allow-shared-events``)
    overrides this and the result says that the likelihoods are not independent.

Results
    :func:`fit` returns a :class:`FitResult`: the best fit; its goodness of fit
    (χ², ndof, p-value; a :class:`FitQualityWarning` when p < :data:`P_BAD`); the
    68% interval of every parameter (MINOS where valid, else the profile by
    root-finding on Δχ², and a one-sided limit flagged ``at_bound`` where it
    reaches a prior bound); the profile of δ_G with and without the IGRB, the δ_G
    range IceCube prefers, the IGRB upper limit on δ_G and whether it excludes
    none, part or all of that range; and (``mcmc=True``) an emcee posterior run to
    :data:`N_TAU` autocorrelation times or a step cap (:class:`ConvergenceWarning`),
    with τ, acceptance, independent samples and a prior-sensitivity line.
    :meth:`FitResult.save` writes JSON, the best fit as ECSV, the chain as
    netCDF (both with the parameters of :meth:`~crescape.params.Parameters.as_attrs`),
    a corner plot and the posterior band over the data.

Examples
--------
>>> from crescape.analysis.fit import fit
>>> r = fit(free=("delta_G",), model="eq17", mcmc=False, profile_points=0)
>>> r.model["flavour"], 50 < r.best["delta_G"] < 500
('per flavour', True)
"""

from __future__ import annotations

import io
import json
import math
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import astropy.units as u
import numpy as np
from astropy.table import Table

from .. import constants as C
from ..io import atomic_savefig
from ..params import SPECS, ParameterError, Parameters
from .icecube_match import DEFAULT_FLAVOUR, FLAVOURS, flavour_reading

__all__ = [
    "FREE_PARAMETERS",
    "DATASETS",
    "DATASET_DETECTOR",
    "LIMITS",
    "Dataset",
    "FluxLimit",
    "load_limit",
    "resolve_datasets",
    "join_datasets",
    "chi2_one_event",
    "IGRBLimit",
    "EGBFractionLimit",
    "load_egb_fraction",
    "CGMModel",
    "Likelihood",
    "FitResult",
    "FitQualityWarning",
    "ConvergenceWarning",
    "P_BAD",
    "goodness_of_fit",
    "fit",
    "load_icecube",
    "load_igrb",
    "synthetic_icecube",
    "chi2_asymmetric",
    "chi2_upper_limit",
    "upper_limit_coefficients",
]

E2_UNIT = u.GeV / (u.cm**2 * u.s * u.sr)
#: Δχ² of the 68% and 90% two-sided intervals (one parameter)
D68, D90, D95 = 1.0, 2.705543, 3.841459
#: the confidence of a "68%" (1σ) interval: Δχ² = 1 for one parameter, as MINOS
CL68 = 0.6826894921370859
#: a fit whose χ² p-value is below this is reported as a bad fit (warning; ``--strict`` fails)
P_BAD = 1e-3
#: the MCMC is converged when the chain after burn-in is at least this many autocorrelation times
N_TAU = 50


class FitQualityWarning(UserWarning):
    """The best fit is a bad fit: the p-value of χ²_min is below :data:`P_BAD`."""


class ConvergenceWarning(UserWarning):
    """The MCMC stopped at its step cap before the chain was :data:`N_TAU` autocorrelation times."""


def goodness_of_fit(chi2: float, ndof: int) -> dict[str, Any]:
    """χ², degrees of freedom and the p-value P(χ²_ndof >= chi2); ``bad`` when p < :data:`P_BAD`.

    The p-value is NaN (and ``bad`` False) when ``ndof <= 0``.
    """
    from scipy import stats

    p = float(stats.chi2.sf(chi2, ndof)) if ndof > 0 else math.nan
    return {"chi2": float(chi2), "ndof": int(ndof), "p_value": p, "bad": bool(p < P_BAD)}


@dataclass(frozen=True)
class FreeParameter:
    """A parameter the fit may vary: its fit variable (log10 or linear) and prior bounds."""

    name: str
    log: bool
    lo: float
    hi: float
    label: str
    unit: str = ""

    def to_value(self, x):
        return 10.0**x if self.log else x

    def to_fit(self, v):
        return np.log10(v) if self.log else v


#: Parameters that can be free, with flat priors on the fit variable within (lo, hi).
FREE_PARAMETERS: dict[str, FreeParameter] = {
    "delta_G": FreeParameter("delta_G", True, 0.0, 4.0, r"$\log_{10}\delta_G$"),
    "L_CR": FreeParameter(
        "L_CR", True, 40.0, 42.0, r"$\log_{10}(L_{CR}/{\rm erg\,s^{-1}})$", "erg / s"
    ),
    "slope": FreeParameter("slope", False, 1.8, 3.0, r"$s$"),
    "E_max": FreeParameter("E_max", True, 4.0, 9.0, r"$\log_{10}(E_{\max}/{\rm GeV})$", "GeV"),
    "eta": FreeParameter("eta", False, 0.02, 0.2, r"$\eta$"),
    # the break of the source spectrum (crescape.physics.spectrum): the index above it and
    # its energy; the E_break box is shrunk to lie inside (E_min, E_max) of the base parameters
    "slope_high": FreeParameter("slope_high", False, 2.0, 4.0, r"$s_2$"),
    "E_break": FreeParameter("E_break", True, 3.0, 5.8, r"$\log_{10}(E_{\rm b}/{\rm GeV})$", "GeV"),
}

#: the free parameters given to the model in log10 GeV
_LOG_GEV = ("E_max", "E_break")

#: the models of the fit: the δ-function Eqs. (16)-(17), the full KAB06 spectra tabulated once
#: per fit (:mod:`crescape.analysis.fit_model`), and the same computed directly (slow, the reference)
MODELS = ("eq17", "full", "full-direct")

#: IceCube datasets the fit understands: key -> (crescape.data name, label)
DATASETS = {
    "icecube_2015": (
        "icecube_2015_differential",
        "IceCube 2015 differential (ApJ 809, 98, Table 6)",
    ),
    "icecube_2025_combined": ("icecube_2025_combinedfit", "IceCube 2025 combined fit, segmented"),
    "icecube_2025_mese": ("icecube_2025_mese", "IceCube 2025 MESE, segmented"),
    "km3net_230213a": (
        "km3net_km3_230213a",
        "KM3NeT KM3-230213A, one event (Nature 638, 376)",
    ),
}

#: the detector of each data set: two data sets of one detector are taken to share events
DATASET_DETECTOR = {
    "icecube_2015": "IceCube",
    "icecube_2025_combined": "IceCube",
    "icecube_2025_mese": "IceCube",
    "km3net_230213a": "KM3NeT/ARCA",
}

#: differential upper limits the fit can use: key -> crescape.data name
LIMITS = {
    "icecube_ehe_2018": "icecube_ehe_limit_2018",
    "auger_2023": "auger_limit_icrc2023",
    "antares_2024": "antares_limit_2024",
}


# ----------------------------------------------------------------------------- likelihood pieces


def chi2_asymmetric(mu, x, sig_lo, sig_hi):
    """Barlow's variable-width Gaussian: χ² = (μ-x)²/(σ₊σ₋ + (σ₊-σ₋)(μ-x)).

    Barlow (2004), arXiv:physics/0406120, Sec. 3.4 ("linear variance"). χ² = 1 at
    μ = x + σ₊ and at μ = x - σ₋. The variance is floored at 1% of σ₊σ₋.
    """
    d = np.asarray(mu, dtype=float) - x
    V = sig_lo * sig_hi + (sig_hi - sig_lo) * d
    return d**2 / np.maximum(V, 0.01 * sig_lo * sig_hi)


def upper_limit_coefficients(ul68, ul90):
    """(a, b) of χ² = aμ + bμ² with χ²(ul68) = 1 and χ²(ul90) = 2.706, a, b >= 0."""
    A = np.array([[ul68, ul68**2], [ul90, ul90**2]], dtype=float)
    a, b = np.linalg.solve(A, [D68, D90])
    if a < 0:  # pure quadratic through the 68% bound
        a, b = 0.0, D68 / ul68**2
    elif b < 0:  # pure linear through the 68% bound
        a, b = D68 / ul68, 0.0
    return float(a), float(b)


def chi2_upper_limit(mu, a, b):
    """χ² = aμ + bμ² for μ >= 0 (0 below): a bin whose best fit is at the boundary 0."""
    m = np.maximum(np.asarray(mu, dtype=float), 0.0)
    return a * m + b * m**2


def chi2_one_event(mu, mu_1):
    """χ² = 2(N - 1 - ln N), N = μ/μ₁: the Poisson likelihood ratio of one observed event.

    Baker & Cousins (1984), NIM 221, 437 (the Poisson likelihood-ratio χ²,
    2[N - n + n ln(n/N)] with n = 1); μ₁ is the flux for which one event is expected.
    χ² = 1 at N = 0.302 and 2.358 (the Feldman-Cousins 68% interval of one event is
    0.37-2.75). A non-positive μ gives +inf.
    """
    N = np.asarray(mu, dtype=float) / mu_1
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(N > 0, 2.0 * (N - 1.0 - np.log(np.where(N > 0, N, 1.0))), np.inf)


# ----------------------------------------------------------------------------- data


@dataclass
class Dataset:
    """Neutrino bins in E²Φ [GeV cm^-2 s^-1 sr^-1], in the convention ``flavour``.

    Attributes
    ----------
    E_min, E_max : arrays [GeV]
    value, lo, hi : best fit and 68% interval bounds (one-event bins: the flux of one
        expected event and its 68% Feldman-Cousins interval, drawn only)
    hi90 : 90% upper bound (upper-limit bins; NaN if absent)
    is_ul : bool array
    label : str
    n_events : array or None
        1 for a one-event bin (:func:`chi2_one_event`), NaN for a Gaussian bin.
    flavour : str
        "per flavour" (default, the fit's default reading) or "all".
    """

    E_min: np.ndarray
    E_max: np.ndarray
    value: np.ndarray
    lo: np.ndarray
    hi: np.ndarray
    hi90: np.ndarray
    is_ul: np.ndarray
    label: str = ""
    n_events: np.ndarray | None = None
    flavour: str = DEFAULT_FLAVOUR

    def __post_init__(self):
        if self.n_events is None:
            self.n_events = np.full(np.shape(self.value), np.nan)

    @property
    def E_c(self):
        return np.sqrt(self.E_min * self.E_max)

    def select(self, E_lo: float = 0.0, E_hi: float = math.inf) -> Dataset:
        """The bins that lie entirely within [E_lo, E_hi] GeV.

        Raises
        ------
        ParameterError
            If no bin lies in that range.
        """
        keep = (self.E_min >= E_lo * (1 - 1e-9)) & (self.E_max <= E_hi * (1 + 1e-9))
        if not keep.any():
            raise ParameterError(
                f"energy_range = ({E_lo:g}, {E_hi:g}) GeV is not allowed: it holds no bin of "
                f"{self.label or 'the data'} (bins span {self.E_min.min():g} .. {self.E_max.max():g} GeV)"
            )
        label = self.label
        if keep.sum() < keep.size:
            label += f", bins in {self.E_min[keep].min():.3g} .. {self.E_max[keep].max():.3g} GeV"
        return Dataset(
            *(getattr(self, c)[keep] for c in ("E_min", "E_max", "value", "lo", "hi", "hi90")),
            self.is_ul[keep],
            label,
            self.n_events[keep],
            self.flavour,
        )

    def chi2_terms(self, mu: np.ndarray) -> np.ndarray:
        """χ² of each bin for model bin values ``mu`` (..., n_bins)."""
        out = np.empty(np.shape(mu))
        ev = np.isfinite(self.n_events)
        if ev.any():
            out[..., ev] = chi2_one_event(mu[..., ev], self.value[ev])
        m = ~self.is_ul & ~ev
        out[..., m] = chi2_asymmetric(
            mu[..., m], self.value[m], self.value[m] - self.lo[m], self.hi[m] - self.value[m]
        )
        for j in np.flatnonzero(self.is_ul):
            ul90 = self.hi90[j] if np.isfinite(self.hi90[j]) else self.hi[j] * math.sqrt(D90)
            key = (float(self.hi[j]), float(ul90))
            if key not in _UL_COEFFICIENTS:  # the same bins every evaluation
                _UL_COEFFICIENTS[key] = upper_limit_coefficients(*key)
            a, b = _UL_COEFFICIENTS[key]
            out[..., j] = chi2_upper_limit(mu[..., j], a, b)
        return out


#: (a, b) of :func:`upper_limit_coefficients` by (68%, 90%) bound, computed once each
_UL_COEFFICIENTS: dict[tuple[float, float], tuple[float, float]] = {}


def _check_flavour(flavour: str) -> str:
    if flavour not in FLAVOURS:
        raise ParameterError(
            f"flavour = {flavour!r} is not allowed: must be 'per flavour' or 'all'"
        )
    return flavour


def _in_convention(t, flavour: str):
    """A neutrino table of :mod:`crescape.data` in the convention ``flavour`` (1:1:1)."""
    from .. import data

    have = t.meta["flux_convention"].get("flavour")
    if have == flavour:
        return t
    return data.per_flavour_to_all(t) if flavour == "all" else data.all_to_per_flavour(t)


def load_icecube(name: str = "icecube_2015", flavour: str = DEFAULT_FLAVOUR) -> Dataset:
    """Neutrino bins from :mod:`crescape.data`, converted to ``flavour`` (default per flavour).

    ``km3net_230213a`` is one bin with one event: the KM3NeT-alone E^-2 flux over the
    event's 90% energy range (Nature 638, 376), fitted with :func:`chi2_one_event`.

    Raises
    ------
    ParameterError
        If ``name`` is not one of :data:`DATASETS`, or ``flavour`` is not a reading.
    """
    from .. import data

    if name not in DATASETS:
        raise ParameterError(
            f"dataset = {name!r} is not allowed: must be one of {', '.join(DATASETS)}"
        )
    _check_flavour(flavour)
    t = _in_convention(data.load(DATASETS[name][0]), flavour)
    if name == "km3net_230213a":
        t = t[t["fit"] == "KM3NeT_alone"]
    g = lambda c: np.asarray(
        t[c].quantity.to_value(E2_UNIT if c.startswith("E2") else u.GeV), dtype=float
    )  # noqa: E731
    ul = np.asarray(t["is_upper_limit"], dtype=bool)
    hi90 = g("E2Phi_hi90") if "E2Phi_hi90" in t.colnames else np.full(len(t), np.nan)
    value, lo, hi = g("E2Phi"), g("E2Phi_lo"), g("E2Phi_hi")
    ul |= value <= 0
    n_ev = np.ones(len(t)) if name == "km3net_230213a" else None
    label = DATASETS[name][1] + (", per flavour" if flavour == "per flavour" else ", all flavours")
    return Dataset(g("E_min"), g("E_max"), value, lo, hi, hi90, ul, label, n_ev, flavour)


def resolve_datasets(dataset, allow_shared_events: bool = False) -> list[str]:
    """The data-set keys of ``dataset`` ("a,b" or a sequence), checked for shared events.

    Raises
    ------
    ParameterError
        An unknown or repeated name, or two data sets of one detector
        (:data:`DATASET_DETECTOR`) unless ``allow_shared_events``.
    """
    names = (
        [x.strip() for x in dataset.split(",") if x.strip()]
        if isinstance(dataset, str)
        else [str(x) for x in dataset]
    )
    if not names:
        raise ParameterError(f"dataset = {dataset!r} is not allowed: name at least one data set")
    for n in names:
        if n not in DATASETS:
            raise ParameterError(
                f"dataset = {n!r} is not allowed: must be one of {', '.join(DATASETS)}"
            )
    if len(set(names)) != len(names):
        raise ParameterError(
            f"dataset = {','.join(names)!r} is not allowed: names a data set twice"
        )
    if not allow_shared_events:
        seen: dict[str, str] = {}
        for n in names:
            det = DATASET_DETECTOR[n]
            if det in seen:
                raise ParameterError(
                    f"dataset = {','.join(names)!r} is not allowed: {seen[det]} and {n} are both "
                    f"{det} samples that may share events (a joint fit needs independent data; "
                    "allow_shared_events / --allow-shared-events overrides this)"
                )
            seen[det] = n
    return names


def join_datasets(parts: Sequence[Dataset]) -> Dataset:
    """Independent data sets as one: bins concatenated, so that -2 ln L is the sum of theirs."""
    if len(parts) == 1:
        return parts[0]
    flav = {d.flavour for d in parts}
    if len(flav) != 1:
        raise ParameterError(f"data sets in different flavour conventions: {sorted(flav)}")
    cat = lambda c: np.concatenate([getattr(d, c) for d in parts])  # noqa: E731
    cols = ("E_min", "E_max", "value", "lo", "hi", "hi90", "is_ul")
    return Dataset(
        *(cat(c) for c in cols),
        " + ".join(d.label for d in parts),
        cat("n_events"),
        flav.pop(),
    )


@dataclass
class FluxLimit:
    """A differential (quasi-differential) upper limit on E²Φ, used as a one-sided constraint.

    Each point of the published curve is the limit UL_i on a flux confined near its
    energy, at confidence CL; μ_i is the model's E²F at that energy (in the convention
    of the fit). Two likelihoods (stated, ``likelihood``):

    ``"gaussian"`` (default)
        a half-Gaussian with its 0 at μ = 0, ``χ² = z² (μ/UL)²`` for μ > 0 with
        z = Φ⁻¹(CL) (1.2816 at 90%), so that a model at the limit is excluded at the
        stated one-sided confidence (Δχ² = z²: Wilks 1938, Ann. Math. Stat. 9, 60, with
        the one-sided boundary case of Chernoff 1954, Ann. Math. Stat. 25, 573) — the
        rule of the rest of the fit (the 68%/90% bounds of the IceCube upper-limit bins,
        the 95% one-sided IGRB limit), and the pure-quadratic case of
        :func:`upper_limit_coefficients`;
    ``"poisson"``
        the Poisson likelihood of observing no signal event, L = exp(-N), N = N_CL μ/UL,
        N_CL = -ln(1 - CL) (2.303 at 90%; the upper limit for n = 0, PDG Review of
        Particle Physics, Statistics), ``χ² = 2 N_CL μ/UL``: exact for a limit set with
        no observed event and no background, and stricter than the Gaussian below the
        limit (χ² = 2.3 at half the limit at 90%, against 0.41).

    The points sample overlapping energy windows of one analysis, not independent bins,
    so only the most constraining point enters (the largest μ_i/UL_i). The detector's
    energy response within each window is neglected (as for the IceCube bins). A limit
    adds no degree of freedom.

    Attributes
    ----------
    name, label : str
    E : array [GeV], the points of the curve
    ul : array, E²Φ limits [GeV cm^-2 s^-1 sr^-1] in the convention ``flavour``
    cl : float, the confidence level
    flavour : str
    likelihood : {'gaussian', 'poisson'}
    """

    name: str
    label: str
    E: np.ndarray
    ul: np.ndarray
    cl: float
    flavour: str = DEFAULT_FLAVOUR
    likelihood: str = "gaussian"

    @property
    def n_cl(self) -> float:
        """N_CL = -ln(1 - CL): the expected events at the limit (PDG, n = 0 upper limit)."""
        return -math.log(1.0 - self.cl)

    @property
    def z_cl(self) -> float:
        """z = Φ⁻¹(CL): the one-sided Gaussian quantile (Δχ² = z² at the limit)."""
        from scipy import stats

        return float(stats.norm.ppf(self.cl))

    def chi2(self, mu: np.ndarray) -> np.ndarray:
        """χ² of the most constraining point for model values ``mu`` (..., n_points)."""
        r = np.max(np.maximum(mu, 0.0) / self.ul, axis=-1)
        if self.likelihood == "poisson":
            return 2.0 * self.n_cl * r
        return self.z_cl**2 * r**2

    def select(self, E_lo: float, E_hi: float) -> FluxLimit | None:
        keep = (self.E >= E_lo) & (self.E <= E_hi)
        if not keep.any():
            return None
        return FluxLimit(
            self.name,
            self.label,
            self.E[keep],
            self.ul[keep],
            self.cl,
            self.flavour,
            self.likelihood,
        )

    def describe(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "label": self.label,
            "confidence_level": self.cl,
            "confidence_level_source": "given to the fit (the data file does not state one)",
            "n_points": int(self.E.size),
            "energy_range_GeV": [float(self.E.min()), float(self.E.max())],
            "flavour": self.flavour,
            "likelihood": (
                "zero-event Poisson: chi2 = 2 N_CL max_i(mu_i/UL_i), N_CL = -ln(1-CL)"
                if self.likelihood == "poisson"
                else "half-Gaussian: chi2 = z^2 max_i(mu_i/UL_i)^2, z = Phi^-1(CL)"
            ),
        }


def load_limit(
    name: str, cl: float, flavour: str = DEFAULT_FLAVOUR, likelihood: str = "gaussian"
) -> FluxLimit:
    """A differential upper limit of :data:`LIMITS` at confidence ``cl``, in ``flavour``,
    with the ``likelihood`` of :class:`FluxLimit` ('gaussian' or 'poisson').

    The shipped files do not state the C.L. of their limits (see their
    ``meta["confidence_level"]``), so it is an argument, recorded in the result.

    Raises
    ------
    ParameterError
        Unknown name, or ``cl`` not in (0, 1).
    """
    from .. import data

    if name not in LIMITS:
        raise ParameterError(
            f"limits = {name!r} is not allowed: must be one of {', '.join(LIMITS)}"
        )
    try:
        cl = float(cl)
    except (TypeError, ValueError):
        raise ParameterError(
            f"limit_cl = {cl!r} is not allowed: must be a number in (0, 1)"
        ) from None
    if not (0.0 < cl < 1.0):
        raise ParameterError(f"limit_cl = {cl:g} is not allowed: must be > 0 and < 1")
    if likelihood not in ("gaussian", "poisson"):
        raise ParameterError(
            f"limit_likelihood = {likelihood!r} is not allowed: must be 'gaussian' or 'poisson'"
        )
    _check_flavour(flavour)
    t = _in_convention(data.load(LIMITS[name]), flavour)
    return FluxLimit(
        name,
        f"{t.meta['title'].replace('Limits on the diffuse neutrino flux with ', '')} "
        f"(doi:{t.meta['doi']}), {100 * cl:g}% C.L. as given",
        np.asarray(t["E"].quantity.to_value(u.GeV), dtype=float),
        np.asarray(t["E2Phi_UL"].quantity.to_value(E2_UNIT), dtype=float),
        cl,
        flavour,
        likelihood,
    )


@dataclass
class IGRBLimit:
    """Fermi-LAT IGRB bands (band-integrated intensities [cm^-2 s^-1 sr^-1]) used as upper limits."""

    E_min: np.ndarray
    E_max: np.ndarray
    intensity: np.ndarray
    sigma: np.ndarray
    label: str = "Fermi-LAT IGRB, model A (Ackermann et al. 2015, ApJ 799, 86)"

    def chi2_terms(self, I_model: np.ndarray) -> np.ndarray:
        excess = np.maximum(I_model - self.intensity, 0.0)
        return (excess / self.sigma) ** 2


def load_igrb(model: str = "A") -> IGRBLimit:
    """The Fermi-LAT IGRB of Ackermann et al. (2015), Table 3 (foreground ``model`` A, B or C)."""
    from .. import data

    t = data.load("fermi_igrb_ackermann2015")
    if model not in set(t["model"]):
        raise ParameterError(f"igrb_model = {model!r} is not allowed: must be one of A, B, C")
    t = t[t["model"] == model]
    iu = u.Unit("1 / (cm2 s sr)")
    sig = np.hypot(
        t["I_IGRB_err_up"].quantity.to_value(iu), t["I_IGRB_fg_sys_up"].quantity.to_value(iu)
    )
    return IGRBLimit(
        t["E_min"].quantity.to_value(u.GeV),
        t["E_max"].quantity.to_value(u.GeV),
        t["I_IGRB"].quantity.to_value(iu),
        sig,
        f"Fermi-LAT IGRB, model {model} (Ackermann et al. 2015, ApJ 799, 86)",
    )


@dataclass
class EGBFractionLimit:
    """The room for diffuse γ rays left by the point sources above 50 GeV, as an upper limit.

    Ackermann et al. (2016), PRL 116, 151105: point sources (mostly blazars) account for
    at least f = 86 (+16 -14)% of the total EGB above 50 GeV (``fermi_egb_resolved_ackermann2016``).
    The CGM's γ rays are diffuse, so their intensity above 50 GeV, I_m (the model's band
    integrals over the EGB bands), may not exceed the non-point-source room
    R = (1 - f) I_EGB, with I_EGB the total EGB over the same bands (Ackermann et al. 2015,
    Table 3, ``I_EGB``, foreground model A by default). One-sided Gaussian, as the IGRB:

    ``χ² = ((I_m - R)/σ_R)²`` for I_m > R, else 0, with
    σ_R² = (I_EGB σ_f)² + ((1 - f) σ_EGB)², σ_f = 0.14 the lower uncertainty of f (the side
    that leaves more room) and σ_EGB the upper uncertainty of I_EGB (statistical + instrument
    and foreground systematics of each band, summed linearly over the bands: they are
    correlated). The interval of f is read as 68% (the abstract does not state it). The
    limit is tighter than the IGRB bands above 50 GeV (R ≈ 0.14 I_EGB, while the IGRB is
    ≈ 0.55 I_EGB there) and adds no degree of freedom.

    Attributes
    ----------
    E_min, E_max : arrays [GeV], the EGB bands above the threshold
    egb, egb_err : I_EGB over them and its upper uncertainty [cm^-2 s^-1 sr^-1]
    fraction, fraction_err_lo, fraction_err_hi : f and its uncertainties
    label : str
    """

    E_min: np.ndarray
    E_max: np.ndarray
    egb: float
    egb_err: float
    fraction: float
    fraction_err_lo: float
    fraction_err_hi: float
    label: str = ""

    @property
    def room(self) -> float:
        """R = (1 - f) I_EGB [cm^-2 s^-1 sr^-1]: the diffuse intensity the point sources leave."""
        return (1.0 - self.fraction) * self.egb

    @property
    def sigma(self) -> float:
        """σ_R = √((I_EGB σ_f)² + ((1 - f) σ_EGB)²) [cm^-2 s^-1 sr^-1]."""
        return math.hypot(self.egb * self.fraction_err_lo, (1.0 - self.fraction) * self.egb_err)

    def chi2(self, I_model: np.ndarray) -> np.ndarray:
        """χ² for the model's intensity summed over the bands, (...)."""
        excess = np.maximum(np.asarray(I_model, dtype=float) - self.room, 0.0)
        return (excess / self.sigma) ** 2

    def describe(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "bands_GeV": [float(self.E_min.min()), float(self.E_max.max())],
            "point_source_fraction": [self.fraction, -self.fraction_err_lo, self.fraction_err_hi],
            "I_EGB": self.egb,
            "I_EGB_err_up": self.egb_err,
            "room": self.room,
            "sigma_room": self.sigma,
            "likelihood": "one-sided Gaussian: chi2 = ((I_m - (1 - f) I_EGB)/sigma)^2 above it",
            "confidence_level": "68% read for f (not stated in the abstract)",
        }


def load_egb_fraction(igrb_model: str = "A") -> EGBFractionLimit:
    """The point-source fraction limit above 50 GeV (:class:`EGBFractionLimit`), with the EGB
    of Ackermann et al. (2015), Table 3, foreground ``igrb_model`` (A, B or C)."""
    from .. import data

    f = data.load("fermi_egb_resolved_ackermann2016")
    t = data.load("fermi_igrb_ackermann2015")
    if igrb_model not in set(t["model"]):
        raise ParameterError(f"igrb_model = {igrb_model!r} is not allowed: must be one of A, B, C")
    E_th = float(f["E_min"].quantity[0].to_value(u.GeV))
    t = t[(t["model"] == igrb_model) & (t["E_min"].quantity.to_value(u.GeV) >= E_th)]
    iu = u.Unit("1 / (cm2 s sr)")
    egb = float(np.sum(t["I_EGB"].quantity.to_value(iu)))
    err = float(
        np.hypot(
            np.sum(t["I_EGB_err_up"].quantity.to_value(iu)),
            np.sum(t["I_EGB_fg_sys_up"].quantity.to_value(iu)),
        )
    )
    return EGBFractionLimit(
        t["E_min"].quantity.to_value(u.GeV),
        t["E_max"].quantity.to_value(u.GeV),
        egb,
        err,
        float(f["fraction"][0]),
        float(f["fraction_err_lo"][0]),
        float(f["fraction_err_hi"][0]),
        f"point sources >= {100 * float(f['fraction'][0]):g}% of the EGB above {E_th:g} GeV "
        f"(Ackermann et al. 2016, PRL 116, 151105); EGB of model {igrb_model} (ApJ 799, 86)",
    )


def synthetic_icecube(
    model: CGMModel,
    truth: Mapping[str, float],
    E_edges=None,
    rel_err: float = 0.1,
    rng: np.random.Generator | None = None,
) -> Dataset:
    """IceCube-like bins drawn from the model at ``truth`` (for tests of the fit).

    Bin values are the model's bin means, scattered by a Gaussian of relative
    width ``rel_err`` when ``rng`` is given (the Asimov data set otherwise), with
    symmetric 68% errors ``rel_err`` × the true value.
    """
    edges = np.geomspace(1e4, 1e7, 10) if E_edges is None else np.asarray(E_edges, dtype=float)
    ds = Dataset(
        edges[:-1],
        edges[1:],
        *(np.zeros(edges.size - 1) for _ in range(4)),
        np.zeros(edges.size - 1, dtype=bool),
        "synthetic",
        None,
        model.flavour,
    )
    lik = Likelihood(model, ds, None)
    mu = lik.icecube_bins(lik.theta_of(truth)[None, :])[0]
    x = mu if rng is None else mu * (1.0 + rel_err * rng.standard_normal(mu.size))
    ds.value, ds.lo, ds.hi = x, x - rel_err * mu, x + rel_err * mu
    ds.hi90 = np.full(mu.size, np.nan)
    return ds


# ----------------------------------------------------------------------------- the model


def _check_bounds_define_the_model(f: FreeParameter) -> None:
    """The prior box must lie inside the parameter's allowed range (else the model is undefined there)."""
    spec = SPECS[f.name]
    var = "log10 " if f.log else ""
    for end, x in (("lower", f.lo), ("upper", f.hi)):
        v = float(f.to_value(x))
        low_ok = v > spec.low if spec.low_open else v >= spec.low
        high_ok = v < spec.high if spec.high_open else v <= spec.high
        if not (math.isfinite(v) and low_ok and high_ok):
            lo_s = f"> {spec.low:g}" if spec.low_open else f">= {spec.low:g}"
            hi_s = f"< {spec.high:g}" if spec.high_open else f"<= {spec.high:g}"
            raise ParameterError(
                f"bounds of {f.name!r} = ({f.lo:g}, {f.hi:g}) ({var}fit variable) are not allowed: "
                f"the {end} bound gives {f.name} = {v:g}, where the model is undefined; "
                f"{f.name} must be {lo_s} and {hi_s}"
            )


#: the last tabulated full-spectrum models, by (base parameters, free boxes)
_TABLES: dict = {}


class CGMModel:
    """The CGM ν and γ intensity for a vector of free parameters.

    Parameters
    ----------
    free : sequence of str
        Names in :data:`FREE_PARAMETERS`.
    base : Parameters
        Values of every other parameter (default: the paper's).
    model : {'eq17', 'full'}
        δ-function Eqs. (16)-(17) (vectorised) or :class:`crescape.spectra.CGMEmission`.
    bounds : mapping, optional
        Override prior bounds ``{name: (lo, hi)}`` of the fit variables.
    flavour : {'per flavour', 'all'}
        The convention of :meth:`nu_sed` and the reading of Eq. (17) (default per flavour).
    profile : str or crescape.halo.CGMProfile, optional
        A CGM gas profile in place of the uniform δ_G (a kind of :class:`~crescape.halo.CGMProfile`,
        read by its own parser, or the object). ``delta_G`` must be free and then means the
        baryon overdensity of the profile at ``r_ref``, δ_ref = ρ(r_ref)/(Ω_b ρ_cr); the
        profile gives only the shape ρ(r)/ρ(r_ref).
    r_ref : Quantity [length] or float in kpc
        The reference radius of ``profile`` (default 50 kpc).
    field_energy : 'peak' or float
        The full models: the energy of the field of Eq. (8) in ṽ_A, 'peak' (default: where
        E²φ of the escaping spectrum peaks) or an energy [erg], e.g. 1 GeV
        (:func:`crescape.physics.cgm_source.field_energy`). ``eq17`` takes the field at each
        parent energy (Eq. 16) and allows only the default.

    Notes
    -----
    The profile's column factor. In the paper's convention (Eqs. 15-16) the emissivity is
    ∝ n_gas n_CR with n_CR = φ/ṽ_A and ṽ_A = δB/√(4πρ), δB of Eq. (8) independent of ρ, so
    n_CR ∝ ρ^{1/2} and the emission per volume ∝ ρ^{3/2} at every energy, with the same
    spectrum. Along the lines of sight of the halo geometry
    (:func:`crescape.physics.emission.profile_column`, the CR profile f(r)), a profile ρ(r)
    gives the flux of the uniform CGM of density ρ(r_ref) times

    .. math::

        K = \\frac{\\int d\\Omega \\int ds\\, f(r)\\, [\\rho(r)/\\rho(r_{\\rm ref})]^{3/2}}
                 {\\int d\\Omega \\int ds\\, f(r)},

    so it is the uniform model at δ_G,eff = δ_ref K^{2/3}: the fit variable log10 δ_G is shifted
    by (2/3) log10 K before the model is evaluated (K = 1 for the uniform profile, whose fit
    is then the δ_G fit). The shape is exact for the neutrinos; for γ rays the γγ absorption
    on the CMB is the uniform CGM's (its path-length weighting is not the profile's:
    negligible below 100 TeV, where the absorption length exceeds the halo).
    """

    def __init__(
        self,
        free: Sequence[str] = ("delta_G", "slope"),
        base: Parameters | None = None,
        model: str = "eq17",
        bounds: Mapping[str, tuple[float, float]] | None = None,
        flavour: str = DEFAULT_FLAVOUR,
        profile: Any = None,
        r_ref: Any = 50.0,
        field_energy: str | float = "peak",
    ):
        from ..physics.cgm_source import check_field_energy

        check_field_energy(field_energy)
        if model == "eq17" and not isinstance(field_energy, str):
            raise ParameterError(
                f"field_energy = {field_energy:g} erg is not allowed with model='eq17': Eq. (16) "
                "takes the field at each parent energy (use a full model)"
            )
        self.field_energy = field_energy
        bad = [f for f in free if f not in FREE_PARAMETERS]
        if bad or not free:
            raise ParameterError(
                f"free = {list(free)!r} is not allowed: choose one or more of {', '.join(FREE_PARAMETERS)}"
            )
        if len(set(free)) != len(free):
            raise ParameterError(f"free = {list(free)!r} names a parameter twice")
        if model not in MODELS:
            raise ParameterError(
                f"model = {model!r} is not allowed: must be one of {', '.join(MODELS)}"
            )
        self.free = [FREE_PARAMETERS[f] for f in free]
        for name, (lo, hi) in (bounds or {}).items():
            if name not in free:
                raise ParameterError(f"bounds given for {name!r}, which is not free")
            if not lo < hi:
                raise ParameterError(
                    f"bounds of {name!r} = ({lo}, {hi}) are not allowed: need lo < hi"
                )
            i = list(free).index(name)
            self.free[i] = FreeParameter(
                name, self.free[i].log, float(lo), float(hi), self.free[i].label, self.free[i].unit
            )
        for f in self.free:
            _check_bounds_define_the_model(f)
        base = base or Parameters()
        if "E_max" in free and base.galaxy.cutoff == "sharp":
            base = base.replace(cutoff="exponential")
        self._check_break(free, base, bounds or {})
        self.profile, self.r_ref, self.column_factor, self._dlog = None, None, 1.0, 0.0
        if profile is not None:
            self._set_profile(profile, r_ref, base, free)
        self.base = base
        self.model = model
        self.convention = "eq16" if "E_max" in free else "paper"
        self.flavour = _check_flavour(flavour)
        self._table = None
        if model == "full" and "eta" in free:
            raise ParameterError(
                "free = eta is not allowed with model = 'full': the KAB06 spectra have no eta "
                "(it belongs to the delta-function Eq. 16); use model='eq17'"
            )

    def _set_profile(self, profile, r_ref, base, free) -> None:
        """The column factor K of a gas profile (class Notes) and the shift of log10 δ_G."""
        from ..halo import CGMProfile, parse_profile
        from ..model import profile_gas_over_vA
        from ..physics.emission import profile_column
        from ..units import parse_quantity

        if "delta_G" not in free:
            raise ParameterError(
                f"profile = {getattr(profile, 'kind', profile)!r} needs delta_G free: the "
                "profile's overdensity at r_ref takes its place"
            )
        if not isinstance(profile, CGMProfile):
            profile = parse_profile(profile, None, base.cgm)  # the one parser of profile names
        r = parse_quantity(r_ref, u.kpc, "r_ref").to_value(u.cm)
        if not (np.ndim(r) == 0 and math.isfinite(float(r)) and float(r) > 0):
            raise ParameterError(f"r_ref = {r_ref} is not allowed: must be one length > 0 kpc")
        r = float(r)
        rho_ref = float(profile.rho_cgs(np.array([r]))[0])
        if not (math.isfinite(rho_ref) and rho_ref > 0):
            raise ParameterError(
                f"r_ref = {r / C.kpc:g} kpc is not allowed for profile "
                f"{profile.kind!r}: its density there is {rho_ref:g} g/cm3"
            )
        R_d = float(np.ravel(base.cgs.R_d)[0])

        # n/ṽ_A of Eq. (16) in the paper's planar field (∝ ρ^{3/2}; any flux: it cancels)
        g = profile_gas_over_vA(profile, 1.0, R_d, "planar")
        g_ref = float(g(np.array([r]))[0, 0])

        def shape(rr):
            return g(rr)[:, 0] / g_ref

        K = float(profile_column(shape, R_d) / profile_column(np.ones_like, R_d))
        self.profile, self.r_ref, self.column_factor = profile, r, K
        self._dlog = (2.0 / 3.0) * math.log10(K)
        i = list(free).index("delta_G")
        f = self.free[i]
        spec = SPECS["delta_G"]
        for x in (f.lo, f.hi):
            v = 10.0 ** (x + self._dlog)
            if not (spec.low < v <= spec.high):
                raise ParameterError(
                    f"bounds of 'delta_G' = ({f.lo:g}, {f.hi:g}) are not allowed with profile "
                    f"{profile.kind!r}: delta_G,eff = delta_ref K^(2/3) = {v:g} (K = {K:.4g}) "
                    f"must be {spec.allowed()}"
                )

    def _model_theta(self, theta: np.ndarray) -> np.ndarray:
        """Fit vectors as the uniform model sees them: log10 δ_G shifted by (2/3) log10 K."""
        theta = np.atleast_2d(theta)
        if self._dlog == 0.0:
            return theta
        out = np.array(theta, dtype=float)
        out[:, self.names.index("delta_G")] += self._dlog
        return out

    def _check_break(self, free, base, bounds) -> None:
        """The break must lie inside (E_min, E_max) over the whole prior box.

        A free ``E_break`` with the default box has it shrunk to lie 0.01 dex inside
        (E_min, E_max) of ``base``; given bounds outside are an error, and so are ``E_break``
        and ``E_max`` both free (the tabulated model has no E_break x E_max table).
        """
        names = list(free)
        g = base.galaxy
        lo_E = math.log10(float(g.E_min.to_value(u.GeV)))
        if "E_break" in names and "E_max" in names:
            raise ParameterError(
                "free = E_break, E_max is not allowed: the break must stay below E_max and the "
                "model tabulates no E_break x E_max grid; fix E_max (--set E_max=...)"
            )
        if "E_break" in names:
            i = names.index("E_break")
            f = self.free[i]
            hi_E = math.log10(float(g.E_max.to_value(u.GeV)))
            lo, hi = f.lo, f.hi
            if "E_break" not in bounds:
                lo, hi = max(lo, lo_E + 0.01), min(hi, hi_E - 0.01)
            if not (lo_E < lo < hi < hi_E):
                given = (
                    f"({lo:g}, {hi:g})"
                    if "E_break" in bounds
                    else f"({f.lo:g}, {f.hi:g}) (the default, shrunk to ({lo:g}, {hi:g}))"
                )
                raise ParameterError(
                    f"bounds of 'E_break' = {given} (log10 GeV) are not allowed: they must lie "
                    f"inside (log10 E_min, log10 E_max) = ({lo_E:g}, {hi_E:g})"
                )
            self.free[i] = FreeParameter(f.name, f.log, lo, hi, f.label, f.unit)
        elif "E_max" in names and g.E_break is not None:
            f = self.free[names.index("E_max")]
            Eb = math.log10(float(g.E_break.to_value(u.GeV)))
            if not f.lo > Eb:
                raise ParameterError(
                    f"bounds of 'E_max' = ({f.lo:g}, {f.hi:g}) (log10 GeV) are not allowed with "
                    f"E_break = {10**Eb:g} GeV: E_max must stay above the break"
                )

    @property
    def table(self):
        """The tabulated full-spectrum model (:class:`~crescape.analysis.fit_model.FullSpectrumTable`),
        built on first use over the prior box (and kept for the next model of the same base
        parameters and box in this process: fits with and without the γ-ray limits share it)."""
        if self._table is None:
            from .fit_model import FullSpectrumTable

            free = [(f.name, f.log, f.lo, f.hi) for f in self.free]
            key = (
                json.dumps(self.base.as_attrs(), sort_keys=True, default=str),
                repr(free),
                repr(self.field_energy),
            )
            if key not in _TABLES:
                if len(_TABLES) >= 4:
                    _TABLES.pop(next(iter(_TABLES)))
                _TABLES[key] = FullSpectrumTable(self.base, free, field_energy=self.field_energy)
            self._table = _TABLES[key]
        return self._table

    @property
    def n_flavours_in_reading(self) -> int:
        """How many flavours one unit of :meth:`nu_sed` stands for: 1 per flavour, 3 for all."""
        from ..data import N_FLAVOURS

        return 1 if self.flavour == "per flavour" else N_FLAVOURS

    @property
    def names(self) -> list[str]:
        return [f.name for f in self.free]

    def parameters(self, theta: np.ndarray) -> Parameters:
        """Parameters for fit vectors ``theta`` (n, k) (arrays of shape (n, 1)); with a profile,
        the uniform CGM of the same flux (δ_G,eff = δ_ref K^(2/3))."""
        theta = self._model_theta(theta)
        changes = {f.name: f.to_value(theta[:, i])[:, None] for i, f in enumerate(self.free)}
        for name in _LOG_GEV:
            if name in changes:
                changes[name] = changes[name] * u.GeV
        return self.base.replace(**changes)

    def nu_sed(self, theta: np.ndarray, E_GeV: np.ndarray) -> np.ndarray:
        """E_ν²F_ν [GeV cm^-2 s^-1 sr^-1] at E_GeV in the convention :attr:`flavour`, (n, len(E)).

        ``eq17``: the Eq. (16)-(17) number, which *is* the flux in the chosen reading;
        ``full``: the KAB06 all-flavour intensity, divided by 3 for per flavour (1:1:1).
        """
        theta = np.atleast_2d(theta)
        if self.model == "eq17":
            from ..model import neutrino_E2_flux

            return neutrino_E2_flux(
                self.parameters(theta), E_GeV[None, :] * u.GeV, convention=self.convention
            ).to_value(E2_UNIT)
        from ..spectra import CGMEmission

        theta = self._model_theta(theta)
        per = 3.0 / self.n_flavours_in_reading
        if self.model == "full":
            return self.table.sed("nu_all", theta, E_GeV) / per
        return np.array(
            [
                CGMEmission(self._scalar(t), E_ref=self._E_ref_arg())
                .sed(E_GeV * u.GeV, "nu_all")
                .to_value(E2_UNIT)
                / per
                for t in theta
            ]
        )

    def gamma_sed(self, theta: np.ndarray, E_GeV: np.ndarray) -> np.ndarray:
        """E_γ²F_γ [GeV cm^-2 s^-1 sr^-1]: (2/3) E_ν²F_ν^{all}(E_γ/2) (δ-approximation, the
        all-flavour neutrinos: 3 × Eq. (17) in the per-flavour reading) or the full spectrum."""
        theta = np.atleast_2d(theta)
        if self.model == "eq17":
            k = 3.0 / self.n_flavours_in_reading
            return (2.0 / 3.0) * k * self.nu_sed(theta, 0.5 * E_GeV)
        theta = self._model_theta(theta)
        if self.model == "full":
            return self.table.sed("gamma", theta, E_GeV)
        from ..spectra import CGMEmission

        return np.array(
            [
                CGMEmission(self._scalar(t), E_ref=self._E_ref_arg())
                .sed(E_GeV * u.GeV, "gamma")
                .to_value(E2_UNIT)
                for t in theta
            ]
        )

    def _scalar(self, t: np.ndarray) -> Parameters:
        changes = {f.name: float(f.to_value(t[i])) for i, f in enumerate(self.free)}
        for name in _LOG_GEV:
            if name in changes:
                changes[name] = changes[name] * u.GeV
        return self.base.replace(**changes)

    def _E_ref_arg(self) -> Any:
        """:attr:`field_energy` as the ``E_ref`` of :class:`~crescape.spectra.CGMEmission`."""
        fe = self.field_energy
        return fe if isinstance(fe, str) else fe * u.erg

    def describe(self) -> dict[str, Any]:
        from .fit_model import describe_field_energy

        return {
            "model": self.model,
            "convention": self.convention if self.model == "eq17" else "n/a (full spectra)",
            "field_energy": "the parent energy E_nu/eta (Eq. 16)"
            if self.model == "eq17"
            else describe_field_energy(self.field_energy),
            **(
                {"tabulation": self.table.describe()}
                if self.model == "full" and self._table is not None
                else {}
            ),
            "flavour": self.flavour,
            "flavour_reading": flavour_reading(self.flavour),
            "free": self.names,
            "bounds": {f.name: [f.lo, f.hi] for f in self.free},
            "log10": {f.name: f.log for f in self.free},
            **(
                {
                    "profile": {
                        "kind": self.profile.kind,
                        "r_ref_kpc": self.r_ref / C.kpc,
                        "delta_G_means": "the overdensity of the profile at r_ref",
                        "column_factor_K": self.column_factor,
                        "delta_G_uniform_equivalent": "delta_ref K^(2/3)",
                    }
                }
                if self.profile is not None
                else {}
            ),
        }


# Gauss-Legendre nodes in ln E for bin means and band integrals
_GL_X, _GL_W = np.polynomial.legendre.leggauss(6)


def _log_nodes(E_lo: np.ndarray, E_hi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    a, b = np.log(E_lo)[:, None], np.log(E_hi)[:, None]
    x = 0.5 * (a + b) + 0.5 * (b - a) * _GL_X[None, :]
    return np.exp(x), 0.5 * (b - a) * _GL_W[None, :]


class Likelihood:
    """-2 ln L of the model against neutrino bins, (optionally) the Fermi IGRB and neutrino limits.

    ``icecube`` is one :class:`Dataset` or a sequence of independent ones (joined by
    :func:`join_datasets`); ``limits`` are :class:`FluxLimit` s.
    """

    def __init__(
        self,
        model: CGMModel,
        icecube: Dataset | Sequence[Dataset],
        igrb: IGRBLimit | None = None,
        limits: Sequence[FluxLimit] = (),
        egb_fraction: EGBFractionLimit | None = None,
        galactic_plane: Any = None,
    ):
        if not isinstance(icecube, Dataset):
            icecube = join_datasets(list(icecube))
        self.model, self.icecube, self.igrb = model, icecube, igrb
        self.limits = list(limits)
        self.egb_fraction = egb_fraction
        #: a fixed Galactic-plane neutrino component (:class:`~crescape.galactic_plane.GalacticPlaneNeutrinos`)
        #: added to the CGM's neutrinos, or None
        self.galactic_plane = galactic_plane
        self._gp_cache: dict = {}  # the component at the bins' and limits' nodes, once
        self._nu_E, self._nu_w = _log_nodes(icecube.E_min, icecube.E_max)
        if igrb is not None:
            self._g_E, self._g_w = _log_nodes(igrb.E_min, igrb.E_max)
        if egb_fraction is not None:
            self._f_E, self._f_w = _log_nodes(egb_fraction.E_min, egb_fraction.E_max)
        self._lim_E = np.concatenate([lim.E for lim in self.limits]) if self.limits else np.zeros(0)

    def theta_of(self, values: Mapping[str, float]) -> np.ndarray:
        return np.array([f.to_fit(values[f.name]) for f in self.model.free], dtype=float)

    def in_bounds(self, theta: np.ndarray) -> np.ndarray:
        theta = np.atleast_2d(theta)
        lo = np.array([f.lo for f in self.model.free])
        hi = np.array([f.hi for f in self.model.free])
        return np.all((theta >= lo) & (theta <= hi), axis=1)

    def nu_sed(self, theta: np.ndarray, E_GeV: np.ndarray) -> np.ndarray:
        """The neutrino E²F the data are compared with, (n, len(E)): the CGM's
        (:meth:`CGMModel.nu_sed`) plus the Galactic plane's when it is included."""
        f = self.model.nu_sed(theta, E_GeV)
        if self.galactic_plane is not None:
            E = np.asarray(E_GeV, dtype=float)
            key = E.tobytes()
            if key not in self._gp_cache:  # fixed: the likelihood's node sets, computed once
                if len(self._gp_cache) > 8:
                    self._gp_cache.clear()
                self._gp_cache[key] = self.galactic_nu_sed(E)
            f = f + self._gp_cache[key]
        return f

    def galactic_nu_sed(self, E_GeV: np.ndarray) -> np.ndarray:
        """The Galactic plane's sky-averaged E²F in the model's flavour reading, (len(E),);
        zeros without it."""
        E = np.asarray(E_GeV, dtype=float)
        if self.galactic_plane is None:
            return np.zeros_like(E)
        return self.galactic_plane.sed_GeV(E, self.model.flavour)

    def icecube_bins(self, theta: np.ndarray) -> np.ndarray:
        """Model bin values: mean of E²F over ln E in each bin, shape (n, n_bins)."""
        nE = self._nu_E.shape
        f = self.nu_sed(theta, self._nu_E.ravel()).reshape(-1, *nE)
        width = np.log(self.icecube.E_max / self.icecube.E_min)
        return np.sum(f * self._nu_w, axis=-1) / width

    def igrb_bands(self, theta: np.ndarray) -> np.ndarray:
        """Model band intensities ∫F dE [cm^-2 s^-1 sr^-1], shape (n, n_bands)."""
        nE = self._g_E.shape
        E = self._g_E.ravel()
        f = self.model.gamma_sed(theta, E).reshape(-1, *nE)
        return np.sum(f / self._g_E * self._g_w, axis=-1)

    def chi2_limits(self, theta: np.ndarray) -> np.ndarray:
        """χ² of each neutrino limit, shape (n, n_limits)."""
        theta = np.atleast_2d(theta)
        if not self.limits:
            return np.zeros((theta.shape[0], 0))
        f = self.nu_sed(theta, self._lim_E)
        out, i = [], 0
        for lim in self.limits:
            out.append(lim.chi2(f[:, i : i + lim.E.size]))
            i += lim.E.size
        return np.stack(out, axis=-1)

    def egb_fraction_intensity(self, theta: np.ndarray) -> np.ndarray:
        """The model's γ intensity over the bands of the point-source fraction limit, (n,)."""
        nE = self._f_E.shape
        E = self._f_E.ravel()
        f = self.model.gamma_sed(theta, E).reshape(-1, *nE)
        return np.sum(f / self._f_E * self._f_w, axis=(-2, -1))

    def chi2_egb_fraction(self, theta: np.ndarray) -> np.ndarray:
        """χ² of the point-source fraction limit (:class:`EGBFractionLimit`), (n,); 0 without it."""
        theta = np.atleast_2d(theta)
        if self.egb_fraction is None:
            return np.zeros(theta.shape[0])
        return self.egb_fraction.chi2(self.egb_fraction_intensity(theta))

    def chi2_parts(self, theta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(χ²_neutrinos, χ²_γ) for fit vectors (n, k); the neutrino part includes the limits,
        the γ part the IGRB bands and the point-source fraction limit."""
        theta = np.atleast_2d(theta)
        ic = self.icecube.chi2_terms(self.icecube_bins(theta)).sum(axis=-1)
        if self.limits:
            ic = ic + self.chi2_limits(theta).sum(axis=-1)
        ig = (
            np.zeros_like(ic)
            if self.igrb is None
            else self.igrb.chi2_terms(self.igrb_bands(theta)).sum(axis=-1)
        )
        if self.egb_fraction is not None:
            ig = ig + self.chi2_egb_fraction(theta)
        return ic, ig

    def chi2(self, theta: np.ndarray) -> np.ndarray:
        ic, ig = self.chi2_parts(theta)
        return ic + ig

    #: the cost returned where the model gives no finite χ² (the minimiser steps away from it)
    BAD_CHI2 = 1e30

    def __call__(self, *theta: float) -> float:  # iminuit cost function
        t = np.array(theta, dtype=float)
        if not np.all(np.isfinite(t)):
            return self.BAD_CHI2
        c = float(self.chi2(t[None, :])[0])
        return c if math.isfinite(c) else self.BAD_CHI2

    def log_prob(self, theta: np.ndarray) -> np.ndarray:
        """Log posterior (flat priors on the fit variables) for emcee, vectorised over walkers."""
        theta = np.atleast_2d(theta)
        ok = self.in_bounds(theta)
        out = np.full(theta.shape[0], -np.inf)
        if ok.any():
            out[ok] = -0.5 * self.chi2(theta[ok])
        return out


# ----------------------------------------------------------------------------- the fit


@dataclass
class FitResult:
    """Best fit, intervals, profiles and posterior of :func:`fit`. Fit variables are log10 for δ_G, L_CR, E_max."""

    free: list[str]
    log10: dict[str, bool]
    best: dict[str, float]
    best_fit_variables: dict[str, float]
    minos: dict[str, tuple[float, float]]
    chi2_min: float
    chi2_icecube: float
    chi2_igrb: float
    ndof: int
    model: dict[str, Any]
    data: dict[str, str]
    icecube_only: dict[str, Any] = field(default_factory=dict)
    #: χ² of the differential neutrino limits at the best fit (0 when none are used)
    chi2_limits: float = 0.0
    profile: dict[str, Any] = field(default_factory=dict)
    statement: dict[str, Any] = field(default_factory=dict)
    posterior: dict[str, Any] = field(default_factory=dict)
    #: goodness of fit: ``chi2``, ``ndof``, ``p_value``, ``bad`` (p < :data:`P_BAD`), the rule for
    #: ``ndof`` and the same for IceCube alone (``icecube_only``)
    gof: dict[str, Any] = field(default_factory=dict)
    #: the reported 68% intervals, per parameter: ``lo``, ``hi`` (values), ``kind`` ("two-sided",
    #: "lower limit", "upper limit", "unconstrained"), ``at_bound``, ``lo_at_bound``,
    #: ``hi_at_bound``, ``confidence``, ``method`` ("minos" or "profile"), ``minos_valid``, ``text``
    intervals: dict[str, Any] = field(default_factory=dict)
    #: the one-line warnings this fit issued (bad fit, MCMC not converged)
    warnings: list[str] = field(default_factory=list)
    #: the parameters held fixed, as every crescape file records them
    #: (:meth:`~crescape.params.Parameters.as_attrs`; the free ones named in ``param.varied``)
    parameters: dict[str, Any] = field(default_factory=dict)
    chain: np.ndarray | None = None
    _lik: Any = None

    def to_dict(self) -> dict[str, Any]:
        d = {k: v for k, v in self.__dict__.items() if k not in ("chain", "_lik")}
        return json.loads(
            json.dumps(d, default=lambda o: o.tolist() if isinstance(o, np.ndarray) else float(o))
        )

    def summary(self) -> str:
        s = self.statement
        g = self.gof
        lines = [
            f"free: {', '.join(self.free)}; model {self.model['model']}"
            + (
                f" ({self.model['convention']} convention of Eq. 17)"
                if self.model["model"] == "eq17"
                else " (KAB06 spectra of the CGM, CMB absorption)"
            ),
            f"data: {self.data.get('icecube', '')}",
            f"flavour reading: {self.model.get('flavour_reading', '')}",
            f"field of v_A (Eq. 8): {self.model.get('field_energy', '')}",
            *(
                [
                    f"Galactic plane: IceCube regions added to the CGM (gap {gp['gap']}: "
                    f"{gp['gap_rule']}; {gp['latitudes']})"
                ]
                if isinstance(gp := self.data.get("galactic_plane"), dict)
                else []
            ),
            *(
                [
                    f"profile: {pr['kind']}; delta_G is its overdensity at r_ref = "
                    f"{pr['r_ref_kpc']:g} kpc; column factor K = {pr['column_factor_K']:.4g} "
                    "(the flux of the uniform CGM at delta_G K^(2/3))"
                ]
                if (pr := self.model.get("profile"))
                else []
            ),
            f"chi2_min = {self.chi2_min:.2f} (neutrino bins {self.chi2_icecube:.2f}, "
            + (
                f"IGRB {self.chi2_igrb:.2f}"
                if self.data.get("egb_fraction", "not used") == "not used"
                else f"IGRB + point-source fraction {self.chi2_igrb:.2f}"
            )
            + (f", limits {self.chi2_limits:.2f}" if self.data.get("limits") else "")
            + f"), ndof = {self.ndof}, p = {g.get('p_value', math.nan):.3g}",
        ]
        for k in self.free:
            iv = self.intervals.get(k)
            if iv:
                lines.append(f"  {k} = {self.best[k]:.4g}  ({iv['text']})")
            else:
                lo, hi = self.minos[k]
                lines.append(
                    f"  {k} = {self.best[k]:.4g}  (68% profile interval {lo:.4g} .. {hi:.4g})"
                )
        if s:
            lines.append(s["text"])
        if self.posterior:
            p = self.posterior
            for k, q in p["quantiles"].items():
                lines.append(f"  posterior {k}: median {q[1]:.4g}, 68% {q[0]:.4g} .. {q[2]:.4g}")
            if "convergence" in p:
                lines.append("  " + p["convergence"])
            if "prior_sensitivity" in p:
                lines.append("  " + p["prior_sensitivity"]["text"])
        for w in self.warnings:
            lines.append(f"WARNING: {w}")
        return "\n".join(lines)

    def file_attrs(self) -> dict[str, Any]:
        """What every file of this fit records: crescape's version, the fixed parameters
        (:attr:`parameters`, ``param.*``) and the fit (``fit.*``: free parameters, model,
        data, χ²)."""
        from .. import __version__

        return {
            "crescape_version": str(__version__),
            **self.parameters,
            "fit.free": ", ".join(self.free),
            "fit.model": str(self.model["model"]),
            "fit.convention": str(self.model["convention"]),
            "fit.flavour": str(self.model.get("flavour", "")),
            "fit.limits": ", ".join(self.data.get("limits_used", [])) or "none",
            "fit.icecube": str(self.data["icecube"]),
            "fit.igrb": str(self.data["igrb"]),
            "fit.galactic_plane": (
                f"IceCube regions, gap {gp['gap']}"
                if isinstance(gp := self.data.get("galactic_plane"), dict)
                else "not included"
            ),
            "fit.chi2_min": float(self.chi2_min),
            "fit.ndof": int(self.ndof),
            "fit.p_value": float(self.gof.get("p_value", math.nan)),
        }

    def save(self, out_dir: str | Path, plots: bool = True) -> list[Path]:
        """Write the results and the figures; return the paths.

        ``fit_results.json`` (everything, with the parameters under ``"parameters"``),
        ``fit_best.ecsv`` (:func:`table_of`, its ``meta`` :meth:`file_attrs`),
        ``fit_chain.nc`` (the emcee chain in the fit variables, netCDF, its attributes
        :meth:`file_attrs`) and the figures of :meth:`plot`.
        """
        from ..io import atomic_write, atomic_write_text

        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        paths = [out / "fit_results.json", out / "fit_best.ecsv"]
        atomic_write_text(paths[0], json.dumps(self.to_dict(), indent=2))
        table = table_of(self)
        table.meta.update(self.file_attrs())
        buf = io.StringIO()
        table.write(buf, format="ascii.ecsv")
        atomic_write_text(paths[1], buf.getvalue())
        if self.chain is not None:
            ds = self.chain_dataset()
            p = out / "fit_chain.nc"
            atomic_write(p, writer=lambda tmp: ds.to_netcdf(tmp, engine="h5netcdf"))
            paths.append(p)
        if plots:
            paths += self.plot(out)
        return paths

    def chain_dataset(self):
        """The emcee chain as an :class:`xarray.Dataset` (sample, parameter) with :meth:`file_attrs`."""
        import xarray as xr

        if self.chain is None:
            raise ValueError("this fit has no chain (mcmc = False)")
        names = list(self.free)
        log = [bool(self.log10[k]) for k in names]
        units = [FREE_PARAMETERS[k].unit for k in names]
        return xr.Dataset(
            {
                "chain": (
                    ("sample", "parameter"),
                    np.asarray(self.chain, dtype=float),
                    {"long_name": "fit variables: log10(value / unit) where log10, else the value"},
                ),
                "log10": ("parameter", np.array(log, dtype=np.int8)),
                "unit": ("parameter", np.array(units, dtype=str)),
            },
            coords={"parameter": np.array(names, dtype=str)},
            attrs=self.file_attrs(),
        )

    def plot(self, out_dir: str | Path) -> list[Path]:
        """Corner plot of the posterior, δ_G profile, and the spectral band over the data."""
        import matplotlib

        matplotlib.use("Agg", force=False)
        import matplotlib.pyplot as plt

        out = Path(out_dir)
        paths = []
        if self.chain is not None and len(self.free) > 1:
            import corner

            labels = [FREE_PARAMETERS[k].label for k in self.free]
            fig = corner.corner(
                self.chain,
                labels=labels,
                quantiles=[0.16, 0.5, 0.84],
                show_titles=True,
                truths=[self.best_fit_variables[k] for k in self.free],
            )
            fig.suptitle(
                f"CGM model posterior: {self.data['icecube']}"
                + (" + Fermi IGRB limit" if self.data["igrb"] != "not used" else ""),
                fontsize=8,
            )
            p = out / "fit_corner.png"
            from .figure1 import FIGURE_DPI

            atomic_savefig(fig, p, dpi=FIGURE_DPI)
            plt.close(fig)
            paths.append(p)
        paths.append(self._plot_band(out / "fit_spectrum.png"))
        if self.profile:
            paths.append(self._plot_profile(out / "fit_profile_delta_G.png"))
        return paths

    def _draws(self, n: int = 200) -> np.ndarray:
        if self.chain is not None:
            idx = np.random.default_rng(1).choice(
                len(self.chain), size=min(n, len(self.chain)), replace=False
            )
            return self.chain[idx]
        return np.array([[self.best_fit_variables[k] for k in self.free]])

    def _plot_band(self, path: Path) -> Path:
        """The spectrum figure (:func:`crescape.analysis.fit_plots.plot_fit_spectrum`)."""
        from .fit_plots import plot_fit_spectrum

        draws = self._draws() if self.chain is not None else None
        return plot_fit_spectrum(self, path, draws)

    def _plot_profile(self, path: Path) -> Path:
        """The δ_G profile figure (:func:`crescape.analysis.fit_plots.plot_fit_profile`)."""
        from .fit_plots import plot_fit_profile

        return plot_fit_profile(self, path)


def _minimize(
    lik: Likelihood, start: np.ndarray, fixed: dict[int, float] | None = None, minos: bool = False
):
    from iminuit import Minuit

    names = [f.name for f in lik.model.free]
    m = Minuit(lik, *start, name=names)
    m.errordef = Minuit.LEAST_SQUARES
    for i, f in enumerate(lik.model.free):
        m.limits[i] = (f.lo, f.hi)
        m.errors[i] = 0.1 if f.log else 0.05
    for i, v in (fixed or {}).items():
        m.values[i] = v
        m.fixed[i] = True
    m.migrad()
    if not m.valid:
        m.migrad()
    if minos:
        m.hesse()
        try:
            m.minos()
        except RuntimeError:  # pragma: no cover - MINOS failure reported as NaN intervals
            pass
    return m


def _starts(lik: Likelihood, n: int = 64, seed: int = 0, keep: int = 4) -> np.ndarray:
    """The ``keep`` best points of a random scan of the prior box (vectorised): MIGRAD starts."""
    rng = np.random.default_rng(seed)
    lo = np.array([f.lo for f in lik.model.free])
    hi = np.array([f.hi for f in lik.model.free])
    pts = lo + (hi - lo) * rng.random((n, lo.size))
    if lik.model.model == "full-direct":
        c = np.array([lik.chi2(p[None])[0] for p in pts[: max(8, n // 8)]])
        pts, keep = pts[: c.size], 1
    else:
        c = lik.chi2(pts)
    c = np.where(np.isfinite(c), c, np.inf)
    return pts[np.argsort(c)[: max(1, keep)]]


def _start(lik: Likelihood, n: int = 64, seed: int = 0) -> np.ndarray:
    """Best of a random scan of the prior box (vectorised) as the MIGRAD start."""
    return _starts(lik, n, seed, keep=1)[0]


def _global_minimum(lik: Likelihood, starts, minos: bool = False):
    """MIGRAD from each start; the lowest minimum (then MINOS on it if asked)."""
    best = None
    for s0 in starts:
        m = _minimize(lik, np.asarray(s0, dtype=float))
        if best is None or m.fval < best.fval - 1e-9:
            best = m
    return _minimize(lik, np.array(best.values), minos=True) if minos else best


def _one_sided_level(cl: float) -> float:
    """Δχ² of a one-sided limit at confidence ``cl`` (one parameter): (Φ⁻¹(cl))²."""
    from scipy import stats

    return float(stats.norm.ppf(cl) ** 2)


def _two_sided_level(cl: float) -> float:
    """Δχ² of a two-sided interval at confidence ``cl`` (one parameter)."""
    from scipy import stats

    return float(stats.chi2.ppf(cl, 1))


class _Profile:
    """The profile χ²(x) of fit variable ``j``: the other free parameters minimised (warm-started).

    ``values(x)`` is the minimising fit vector (used for the IGRB χ² along the IceCube profile).
    """

    def __init__(self, lik: Likelihood, best: np.ndarray, j: int):
        self.lik, self.best, self.j = lik, np.array(best, dtype=float), j
        self.k = len(lik.model.free)
        self._cache: dict[float, tuple[float, np.ndarray]] = {}

    def _eval(self, x: float) -> tuple[float, np.ndarray]:
        x = float(x)
        if x not in self._cache:
            s = self.best.copy()
            s[self.j] = x
            if self.k == 1:
                self._cache[x] = (self.lik(*s), s)
            else:
                m = _minimize(self.lik, s, fixed={self.j: x})
                self._cache[x] = (float(m.fval), np.array(m.values))
        return self._cache[x]

    def __call__(self, x: float) -> float:
        return self._eval(x)[0]

    def values(self, x: float) -> np.ndarray:
        return self._eval(x)[1]


def _crossing(g, x0: float, x1: float) -> tuple[float, bool]:
    """The root of g between x0 (g < 0) and the bound x1, by Brent's method; (x1, True) if g(x1) <= 0."""
    from scipy.optimize import brentq

    if x0 == x1 or g(x1) <= 0:
        return float(x1), True
    return float(brentq(g, x0, x1, xtol=1e-8, rtol=1e-12)), False


def _profile_interval(prof: _Profile, x_best: float, chi2_min: float, f: FreeParameter, cl: float):
    """Interval of a profile at confidence ``cl`` by root-finding on Δχ², and at-bound flags.

    Returns (lo, hi, lo_at_bound, hi_at_bound, kind) in fit variables. Where one end reaches the
    prior bound, the other end is recomputed as the one-sided limit at ``cl``
    (Δχ² = (Φ⁻¹(cl))²); where both do, the parameter is unconstrained within the prior.
    """
    fmin = min(chi2_min, prof(x_best))
    lvl2 = _two_sided_level(cl)
    lo, lo_b = _crossing(lambda x: prof(x) - fmin - lvl2, x_best, f.lo)
    hi, hi_b = _crossing(lambda x: prof(x) - fmin - lvl2, x_best, f.hi)
    if lo_b and hi_b:
        return f.lo, f.hi, True, True, "unconstrained"
    if lo_b or hi_b:
        lvl1 = _one_sided_level(cl)
        if lo_b:
            hi, _ = _crossing(lambda x: prof(x) - fmin - lvl1, x_best, f.hi)
            return f.lo, hi, True, False, "upper limit"
        lo, _ = _crossing(lambda x: prof(x) - fmin - lvl1, x_best, f.lo)
        return lo, f.hi, False, True, "lower limit"
    return lo, hi, False, False, "two-sided"


def _interval_text(name: str, f: FreeParameter, lo: float, hi: float, kind: str, cl: float) -> str:
    """The interval in words, in the parameter's values: a limit where an end is a prior bound."""
    pct = f"{100 * cl:.0f}%"
    vlo, vhi = f.to_value(lo), f.to_value(hi)
    blo, bhi = f.to_value(f.lo), f.to_value(f.hi)
    if kind == "unconstrained":
        return (
            f"{name} not constrained at {pct} within the prior {blo:.3g} .. {bhi:.3g} "
            "(both ends of the interval are prior bounds)"
        )
    if kind == "upper limit":
        return (
            f"{name} <= {vhi:.3g} (one-sided {pct} upper limit; the interval reaches the "
            f"prior bound {blo:.3g})"
        )
    if kind == "lower limit":
        return (
            f"{name} >= {vlo:.3g} (one-sided {pct} lower limit; the interval reaches the "
            f"prior bound {bhi:.3g})"
        )
    return f"{pct} interval {vlo:.4g} .. {vhi:.4g}"


def _interval_record(name, f, lo, hi, lo_b, hi_b, kind, cl, method, minos_valid):
    return {
        "lo": float(f.to_value(lo)),
        "hi": float(f.to_value(hi)),
        "kind": kind,
        "at_bound": bool(lo_b or hi_b),
        "lo_at_bound": bool(lo_b),
        "hi_at_bound": bool(hi_b),
        "prior_bounds": [float(f.to_value(f.lo)), float(f.to_value(f.hi))],
        "confidence": cl,
        "method": method,
        "minos_valid": minos_valid,
        "text": _interval_text(name, f, lo, hi, kind, cl),
    }


def _parameter_intervals(lik: Likelihood, m, cl: float = CL68) -> tuple[dict, dict]:
    """(minos, intervals): MINOS as iminuit gives it, and the reported interval of each parameter.

    MINOS is used where it is valid and stays inside the prior; otherwise (invalid, at a limit)
    the interval comes from the profile by root-finding, and it is flagged.
    """
    minos, out = {}, {}
    best = np.array(m.values)
    tiny = 1e-6
    for j, f in enumerate(lik.model.free):
        try:
            me = m.merrors[f.name]
            lo_v, hi_v = best[j] + me.lower, best[j] + me.upper
            valid = bool(me.is_valid and not (me.at_lower_limit or me.at_upper_limit))
        except (KeyError, RuntimeError):
            lo_v = hi_v = math.nan
            valid = False
        minos[f.name] = (float(f.to_value(lo_v)), float(f.to_value(hi_v)))
        span = f.hi - f.lo
        near = (
            not valid
            or lo_v <= f.lo + tiny * span
            or hi_v >= f.hi - tiny * span
            or not (math.isfinite(lo_v) and math.isfinite(hi_v))
        )
        if not near and abs(cl - CL68) < 1e-9:
            rec = _interval_record(
                f.name, f, lo_v, hi_v, False, False, "two-sided", cl, "minos", valid
            )
        else:
            prof = _Profile(lik, best, j)
            lo, hi, lo_b, hi_b, kind = _profile_interval(prof, best[j], float(m.fval), f, cl)
            rec = _interval_record(f.name, f, lo, hi, lo_b, hi_b, kind, cl, "profile", valid)
        out[f.name] = rec
    return minos, out


def fit(
    dataset: str | Sequence[str] | Dataset = "icecube_2015",
    free: Sequence[str] = ("delta_G", "slope"),
    *,
    params: Parameters | None = None,
    model: str = "full",
    flavour: str = DEFAULT_FLAVOUR,
    igrb: bool = True,
    igrb_model: str = "A",
    blazar_fraction: bool = False,
    galactic_plane: Any = None,
    profile: Any = None,
    r_ref: Any = 50.0,
    limits: Sequence[str] = (),
    limit_cl: float | None = None,
    limit_likelihood: str = "gaussian",
    allow_shared_events: bool = False,
    bounds: Mapping[str, tuple[float, float]] | None = None,
    field_energy: str | float = "peak",
    energy_range: tuple[float, float] | None = None,
    profile_points: int = 31,
    mcmc: bool = True,
    n_walkers: int | None = None,
    n_steps: int = 1500,
    max_steps: int = 20000,
    seed: int = 0,
    progress: bool = False,
) -> FitResult:
    """Fit the CGM neutrino model to IceCube with the Fermi IGRB as an upper limit.

    Parameters
    ----------
    dataset : str, sequence of str, or Dataset
        A key of :data:`DATASETS`, several ("a,b" or a list: a joint fit, the sum of
        independent likelihoods; see :func:`resolve_datasets`), or a :class:`Dataset`
        (e.g. :func:`synthetic_icecube`).
    free : sequence of str
        Free parameters (:data:`FREE_PARAMETERS`). δ_G and L_CR enter Eq. (17) only
        as L_CR δ_G³: freeing both leaves a degeneracy bounded by the priors.
    params : Parameters
        Values of the other parameters (default: the paper's).
    model : {'full', 'eq17', 'full-direct'}
        See the module docstring; the default is the full-spectrum model, tabulated
        (:mod:`crescape.analysis.fit_model`).
    flavour : {'per flavour', 'all'}
        The reading of Eq. (17) (default per flavour); every data set is converted to it.
    limits : sequence of str
        Differential upper limits (:data:`LIMITS`) added as one-sided constraints
        (:class:`FluxLimit`); none by default, because the shipped files do not state
        their confidence level: ``limit_cl`` must then be given.
    limit_cl : float
        The confidence level of ``limits`` (e.g. 0.9), recorded in the result.
    limit_likelihood : {'gaussian', 'poisson'}
        How a limit enters (:class:`FluxLimit`): a half-Gaussian excluding a model at the
        limit at the stated one-sided C.L. (default), or a zero-event Poisson likelihood.
    allow_shared_events : bool
        Allow a joint fit of data sets of one detector (their likelihoods are then not
        independent; the result says so).
    igrb : bool
        Include the Fermi IGRB upper limit (the best fit, MINOS and MCMC use it;
        the IceCube-only fit is always done too).
    profile : str or crescape.halo.CGMProfile, optional
        A CGM gas profile in place of the uniform δ_G (:class:`CGMModel`): δ_G is then the
        profile's overdensity at ``r_ref`` (default 50 kpc) and the flux carries the profile's
        column factor K.
    blazar_fraction : bool
        Add the point-source fraction of the EGB above 50 GeV (Ackermann et al. 2016) as a
        tighter γ-ray upper limit (:class:`EGBFractionLimit`; with or without the IGRB bands).
    galactic_plane : {None, 'lower', 'upper', 'none'} or GalacticPlaneNeutrinos
        Add the Galactic plane's neutrinos, measured by IceCube region by region
        (:class:`crescape.galactic_plane.GalacticPlaneNeutrinos`, the string its ``gap``),
        to the CGM's as a fixed component of the all-sky spectra; None (default): the CGM
        alone.
    bounds : mapping, optional
        Prior bounds ``{name: (lo, hi)}`` of the fit variables (log10 for δ_G, L_CR, E_max);
        they must lie inside the parameter's allowed range.
    field_energy : 'peak' or float
        The energy of the field of Eq. (8) in ṽ_A of the full models: 'peak' (default) or an
        energy [erg], e.g. 1 GeV (:class:`CGMModel`); it moves δ_G only, not χ².
    energy_range : (float, float), optional
        Fit only the IceCube bins lying entirely within (E_lo, E_hi) GeV.
    profile_points : int
        Points of the δ_G profile scan drawn in the profile plot (0: no scan and no
        δ_G statement; needs δ_G free). The intervals are found by root-finding on Δχ².
    mcmc : bool
        Run emcee (flat priors on the fit variables within the bounds).
    n_walkers : int
        emcee walkers (default max(16, 4k)).
    n_steps, max_steps : int
        emcee runs ``n_steps`` steps, then continues until the chain after burn-in is
        :data:`N_TAU` autocorrelation times long, or stops at ``max_steps`` and reports
        that it did not converge (:class:`ConvergenceWarning`).

    Returns
    -------
    FitResult
        With :attr:`FitResult.gof`: a :class:`FitQualityWarning` is issued when its p-value is
        below :data:`P_BAD`.
    """
    _check_flavour(flavour)
    limits = [limits] if isinstance(limits, str) else list(limits)
    if limits and limit_cl is None:
        raise ParameterError(
            f"limit_cl = None is not allowed with limits = {','.join(limits)!r}: the data files do "
            "not state the confidence level of these limits; give it (a number in (0, 1), e.g. 0.9)"
        )
    shared = False
    if isinstance(dataset, Dataset):
        names = []
        ice = dataset
    else:
        names = resolve_datasets(dataset, allow_shared_events)
        dets = [DATASET_DETECTOR[n] for n in names]
        shared = len(set(dets)) < len(dets)
        ice = [load_icecube(n, flavour) for n in names]
    nu_limits = [load_limit(n, limit_cl, flavour, limit_likelihood) for n in limits]
    if energy_range is not None:
        e_lo, e_hi = (float(x) for x in energy_range)
        if not (0 <= e_lo < e_hi):
            raise ParameterError(
                f"energy_range = ({e_lo:g}, {e_hi:g}) GeV is not allowed: need 0 <= E_lo < E_hi"
            )
        if isinstance(ice, Dataset):
            ice = ice.select(e_lo, e_hi)
        else:
            kept = []
            for d in ice:
                try:
                    kept.append(d.select(e_lo, e_hi))
                except ParameterError:
                    if len(ice) == 1:
                        raise
            if not kept:
                raise ParameterError(
                    f"energy_range = ({e_lo:g}, {e_hi:g}) GeV is not allowed: it holds no bin of "
                    f"{' + '.join(d.label for d in ice)}"
                )
            ice = kept
        nu_limits = [x for x in (lim_.select(e_lo, e_hi) for lim_ in nu_limits) if x is not None]
    if not isinstance(ice, Dataset):
        ice = join_datasets(ice)
    if ice.flavour != flavour:
        raise ParameterError(
            f"flavour = {flavour!r} is not allowed for this Dataset: its bins are "
            f"{ice.flavour!r} (build it with that flavour or pass flavour={ice.flavour!r})"
        )
    cm = CGMModel(
        free,
        params,
        model,
        bounds,
        flavour,
        profile=profile,
        r_ref=r_ref,
        field_energy=field_energy,
    )
    if max_steps < n_steps:
        raise ParameterError(
            f"max_steps = {max_steps} is not allowed: must be >= n_steps ({n_steps})"
        )
    lim = load_igrb(igrb_model) if igrb else None
    egb_f = load_egb_fraction(igrb_model) if blazar_fraction else None
    gp = _galactic_plane(galactic_plane)
    lik_ic = Likelihood(cm, ice, None, nu_limits, galactic_plane=gp)
    lik = Likelihood(cm, ice, lim, nu_limits, egb_f, galactic_plane=gp)
    gamma = lim is not None or egb_f is not None
    # IceCube alone
    # (MIGRAD from the best points of a scan of the prior box: one start can stop at a local
    # minimum, e.g. at the lower bound of E_max)
    m_ic = _global_minimum(lik_ic, _starts(lik_ic, seed=seed))
    # with the IGRB limit (the reported best fit)
    starts = [np.array(m_ic.values)] + (list(_starts(lik, seed=seed)) if gamma else [])
    m = _global_minimum(lik, starts, minos=True)
    best_v = {k: float(m.values[k]) for k in cm.names}
    ic2, ig2 = lik.chi2_parts(np.array(m.values)[None, :])
    lim2 = lik.chi2_limits(np.array(m.values)[None, :])[0]
    minos, intervals = _parameter_intervals(lik, m)
    ndof = int(ice.value.size - len(cm.free))
    gof = goodness_of_fit(float(m.fval), ndof)
    gof["n_bins"] = int(ice.value.size)
    gof["n_upper_limit_bins"] = int(ice.is_ul.sum())
    gof["ndof_rule"] = (
        "ndof = neutrino bins (upper-limit bins included) - free parameters; the IGRB bands and "
        "the differential limits are one-sided and add no degree of freedom; the p-value is "
        "P(chi2_ndof >= chi2_min)"
    )
    gof["icecube_only"] = goodness_of_fit(float(m_ic.fval), ndof)
    warns = []
    if shared:
        msg = (
            f"the data sets {', '.join(names)} may share events (same detector): their "
            "likelihoods are not independent and the joint chi2 overstates the constraint"
        )
        warns.append(msg)
        warnings.warn(msg, UserWarning, stacklevel=2)
    if gof["bad"]:
        msg = (
            f"bad fit: chi2 = {gof['chi2']:.1f} for {ndof} dof, p = {gof['p_value']:.2g} "
            f"< {P_BAD:g}: the model ({', '.join(cm.names)} free) is rejected by {ice.label}"
            + (" with the IGRB limit" if lim else "")
            + (" and the point-source fraction above 50 GeV" if egb_f else "")
            + "; its intervals describe a model the data exclude"
        )
        warns.append(msg)
        warnings.warn(msg, FitQualityWarning, stacklevel=2)
    res = FitResult(
        free=cm.names,
        log10={f.name: f.log for f in cm.free},
        best={f.name: float(f.to_value(best_v[f.name])) for f in cm.free},
        best_fit_variables=best_v,
        minos=minos,
        chi2_min=float(m.fval),
        chi2_icecube=float(ic2[0] - lim2.sum()),
        chi2_igrb=float(ig2[0]),
        chi2_limits=float(lim2.sum()),
        ndof=ndof,
        model=cm.describe(),
        parameters=cm.base.as_attrs(varied=cm.names),
        data={
            "icecube": ice.label,
            "datasets": names,
            "joint": len(names) > 1,
            "independent": not shared,
            "flavour": flavour,
            "flavour_reading": flavour_reading(flavour),
            "igrb": lim.label if lim else "not used",
            "egb_fraction": (
                {
                    **egb_f.describe(),
                    "chi2_at_best": float(lik.chi2_egb_fraction(np.array(m.values)[None, :])[0]),
                }
                if egb_f
                else "not used"
            ),
            "limits": [
                {**x.describe(), "chi2_at_best": float(c)}
                for x, c in zip(nu_limits, lim2, strict=True)
            ],
            "limits_used": [x.name for x in nu_limits],
            "galactic_plane": gp.describe() if gp is not None else "not included",
            "likelihood": "Barlow (2004) linear-variance Gaussian for measured bins; chi2 = a mu + b mu^2 "
            "through the 68%/90% bounds for upper-limit bins; Poisson likelihood ratio for one-event "
            "bins; one-sided Gaussian for the IGRB bands; the given C.L. for differential "
            "limits (the strongest point of each): "
            + (
                "zero-event Poisson"
                if limit_likelihood == "poisson"
                else "half-Gaussian excluding the limit at its C.L."
            ),
            "energy_range_GeV": [float(ice.E_min.min()), float(ice.E_max.max())],
        },
        icecube_only={
            "best": {f.name: float(f.to_value(m_ic.values[f.name])) for f in cm.free},
            "chi2_min": float(m_ic.fval),
            "p_value": gof["icecube_only"]["p_value"],
        },
        gof=gof,
        intervals=intervals,
        warnings=warns,
        _lik=lik,
    )
    if profile_points and "delta_G" in cm.names:
        res.profile, res.statement = _profile_delta_G(lik_ic, lik, m_ic, m, profile_points, gamma)
    if mcmc:
        res.chain, res.posterior = _run_mcmc(
            lik, np.array(m.values), n_walkers, n_steps, max_steps, seed, progress
        )
        if not res.posterior["converged"]:
            res.warnings.append(res.posterior["convergence"])
            warnings.warn(res.posterior["convergence"], ConvergenceWarning, stacklevel=2)
    return res


def _galactic_plane(spec: Any):
    """None, a GalacticPlaneNeutrinos, or one from its ``gap`` name."""
    from ..galactic_plane import GAPS, GalacticPlaneNeutrinos

    if spec is None or isinstance(spec, GalacticPlaneNeutrinos):
        return spec
    if isinstance(spec, str) and spec in GAPS:
        return GalacticPlaneNeutrinos(gap=spec)
    raise ParameterError(
        f"galactic_plane = {spec!r} is not allowed: must be None, one of "
        f"{', '.join(map(repr, GAPS))} or a GalacticPlaneNeutrinos"
    )


def _range_words(rec: dict) -> str:
    """'lo .. hi (68%)' for a two-sided interval, else the limit in words (for the δ_G statement)."""
    pct = f"{100 * rec['confidence']:.0f}%"
    lo_b, hi_b = rec["prior_bounds"]
    if rec["kind"] == "two-sided":
        return f"{rec['lo']:.3g} .. {rec['hi']:.3g} ({pct})"
    if rec["kind"] == "upper limit":
        return f"<= {rec['hi']:.3g} ({pct} upper limit: the interval reaches the prior bound {lo_b:.3g})"
    if rec["kind"] == "lower limit":
        return f">= {rec['lo']:.3g} ({pct} lower limit: the interval reaches the prior bound {hi_b:.3g})"
    return f"unconstrained at {pct} within the prior {lo_b:.3g} .. {hi_b:.3g}"


def _gamma_words(lik) -> str:
    """The γ-ray limits of a likelihood, in words (for the δ_G statement)."""
    parts = (["Fermi IGRB limit"] if lik.igrb is not None else []) + (
        ["point-source fraction limit above 50 GeV"] if lik.egb_fraction is not None else []
    )
    return " with the ".join(parts) if parts else "gamma-ray limit"


def _profile_delta_G(lik_ic, lik, m_ic, m, n, igrb):
    cm = lik.model
    j = cm.names.index("delta_G")
    f = cm.free[j]
    prof_ic = _Profile(lik_ic, np.array(m_ic.values), j)
    prof_c = _Profile(lik, np.array(m.values), j) if igrb else prof_ic
    # the grid: for the plot only
    grid = np.linspace(f.lo, f.hi, n)
    ci = np.array([prof_ic(x) for x in grid])
    cc = np.array([prof_c(x) for x in grid])
    ig = (
        np.array([float(lik.chi2_parts(prof_ic.values(x)[None, :])[1][0]) for x in grid])
        if igrb
        else np.zeros(n)
    )
    x = 10**grid
    d_ic = ci - min(ci.min(), m_ic.fval)
    d_c = cc - min(cc.min(), m.fval)
    # the intervals: root-finding on Δχ² of the profiles
    recs = {}
    for key, prof, mm in (("icecube", prof_ic, m_ic), ("combined", prof_c, m)):
        for cl in (CL68, 0.95):
            lo, hi, lo_b, hi_b, kind = _profile_interval(
                prof, float(mm.values[j]), float(mm.fval), f, cl
            )
            recs[f"{key}_{round(cl * 100)}"] = _interval_record(
                "delta_G", f, lo, hi, lo_b, hi_b, kind, cl, "profile", None
            )
    i68, i95 = recs["icecube_68"], recs["icecube_95"]
    c68, c95 = recs["combined_68"], recs["combined_95"]
    # IGRB limit: the δ_G above which the IceCube-preferred model (the IceCube profile)
    # violates the IGRB at 95% one-sided (χ²_IGRB > 2.71), by root-finding along the profile
    ul, ul_at_bound = math.inf, False
    verdict = "none"
    if igrb:

        def h(xv):
            return float(lik.chi2_parts(prof_ic.values(xv)[None, :])[1][0]) - D90

        if h(f.lo) >= 0:
            ul, ul_at_bound = float(f.to_value(f.lo)), True
        elif h(f.hi) > 0:
            from scipy.optimize import brentq

            ul = float(f.to_value(brentq(h, f.lo, f.hi, xtol=1e-6)))
        if ul <= i95["lo"] * (1 + 1e-9):
            verdict = "all"
        elif ul < i95["hi"]:
            verdict = "part"
    text = f"IceCube prefers delta_G {_range_words(i68)}, {_range_words(i95)} (profile likelihood)"
    if igrb:
        ul_words = (
            f"no delta_G in the prior (it is violated already at the lower bound {ul:.3g})"
            if ul_at_bound
            else f"delta_G <= {ul:.3g}"
        )
        text += (
            f"; the {_gamma_words(lik)} allows {ul_words} (95% one-sided, along the IceCube "
            "profile), "
            + {
                "all": "so it EXCLUDES ALL of the IceCube range",
                "part": "so it EXCLUDES PART of the IceCube range",
                "none": "so it does not exclude any of the IceCube range",
            }[verdict]
            + f"; combined: {_range_words(c68)}, {_range_words(c95)}"
        )
    profile = {
        "delta_G": x.tolist(),
        "dchi2_icecube": d_ic.tolist(),
        "dchi2_combined": d_c.tolist(),
        "chi2_igrb_on_icecube_profile": ig.tolist(),
    }
    statement = {
        "delta_G_68_icecube": [i68["lo"], i68["hi"]],
        "delta_G_95_icecube": [i95["lo"], i95["hi"]],
        "delta_G_68_combined": [c68["lo"], c68["hi"]],
        "delta_G_95_combined": [c95["lo"], c95["hi"]],
        "intervals": recs,
        "delta_G_igrb_upper_limit": ul,
        "igrb_upper_limit_at_bound": ul_at_bound,
        "igrb_excludes": verdict,
        "igrb_excludes_part": verdict == "part",
        "igrb_excludes_all": verdict == "all",
        "text": text,
    }
    return profile, statement


def _weighted_quantiles(x: np.ndarray, w: np.ndarray, q) -> np.ndarray:
    i = np.argsort(x)
    c = np.cumsum(w[i])
    c = (c - 0.5 * w[i]) / c[-1]
    return np.interp(np.asarray(q) / 100.0, c, x[i])


def _r_hat_walker_groups(chain: np.ndarray, groups: int = 4) -> list[float]:
    """Gelman-Rubin R-hat of each parameter between ``groups`` groups of walkers.

    ``chain`` is (steps, walkers, k) after burn-in; the walkers are split into groups
    (started independently, near the best fit) whose pooled samples are compared:
    R-hat close to 1 means that the groups agree.
    """
    n_steps, nw, k = chain.shape
    g = min(groups, nw // 2)
    parts = np.array_split(np.arange(nw), g)
    out = []
    for i in range(k):
        x = [chain[:, idx, i].ravel() for idx in parts]
        n = min(len(v) for v in x)
        means = np.array([v.mean() for v in x])
        W = float(np.mean([v.var(ddof=1) for v in x]))
        B_n = float(means.var(ddof=1))
        out.append(math.sqrt(((n - 1) / n * W + B_n) / W) if W > 0 else math.nan)
    return out


def _run_mcmc(lik, best, n_walkers, n_steps, max_steps, seed, progress):
    import emcee

    k = best.size
    nw = n_walkers or max(16, 4 * k)
    if nw < 2 * k:
        raise ParameterError(
            f"n_walkers = {nw} is not allowed: must be >= 2 x the free parameters ({2 * k})"
        )
    if n_steps < 20:
        raise ParameterError(f"n_steps = {n_steps} is not allowed: must be >= 20")
    rng = np.random.default_rng(seed)
    lo = np.array([f.lo for f in lik.model.free])
    hi = np.array([f.hi for f in lik.model.free])
    p0 = np.clip(best + 0.01 * (hi - lo) * rng.standard_normal((nw, k)), lo + 1e-9, hi - 1e-9)
    vec = lik.model.model != "full-direct"
    fn = lik.log_prob if vec else (lambda t: float(lik.log_prob(t[None, :])[0]))
    sampler = emcee.EnsembleSampler(nw, k, fn, vectorize=vec)
    sampler.random_state = np.random.RandomState(seed).get_state()
    state = sampler.run_mcmc(p0, n_steps, progress=progress)

    def status():
        """(steps, τ after burn-in, τ_max, burn-in, converged): burn-in max(N/4, 2τ) from the
        whole chain's τ, then τ of the chain after burn-in, which decides convergence."""
        N = sampler.iteration
        tau = np.asarray(sampler.get_autocorr_time(tol=0, quiet=True), dtype=float)
        tmax = float(np.nanmax(tau)) if np.isfinite(tau).any() else math.inf
        burn = max(N // 4, int(math.ceil(2 * tmax)) if math.isfinite(tmax) else N)
        burn = min(burn, N - 1)
        try:
            tau = np.asarray(
                sampler.get_autocorr_time(discard=burn, tol=0, quiet=True), dtype=float
            )
        except Exception:  # pragma: no cover - too short a chain
            tau = np.full(k, math.nan)
        tmax = float(np.nanmax(tau)) if np.isfinite(tau).any() else math.inf
        return N, tau, tmax, burn, bool((N - burn) >= N_TAU * tmax)

    N, tau, tmax, burn, ok = status()
    while not ok and N < max_steps:
        # the steps that 50 τ after a burn-in of max(N/4, 2τ) need at the present τ (+10%),
        # at least 500 and within the cap
        total = max(N_TAU * tmax * 4 / 3, (N_TAU + 2) * tmax) * 1.1
        need = int(math.ceil(total)) - N if math.isfinite(tmax) else N
        state = sampler.run_mcmc(state, int(min(max(need, 500), max_steps - N)), progress=progress)
        N, tau, tmax, burn, ok = status()
    kept = N - burn
    chain = sampler.get_chain(discard=burn, flat=True)
    r_hat = _r_hat_walker_groups(sampler.get_chain(discard=burn))
    n_indep = float(nw * kept / tmax) if math.isfinite(tmax) and tmax > 0 else 0.0
    q = {}
    for i, f in enumerate(lik.model.free):
        q[f.name] = [float(f.to_value(v)) for v in np.percentile(chain[:, i], [16, 50, 84])]
    acc = sampler.acceptance_fraction
    conv = (
        f"MCMC converged: {kept} steps after burn-in = {kept / tmax:.0f} autocorrelation times "
        f"(>= {N_TAU}); {n_indep:.0f} independent samples, acceptance {np.mean(acc):.2f}, "
        f"R-hat across 4 walker groups <= {max(r_hat):.3f}"
        if ok
        else f"MCMC NOT converged: stopped at the cap of {max_steps} steps with {kept} steps after "
        f"burn-in = {kept / tmax:.1f} autocorrelation times (< {N_TAU} needed); "
        f"~{n_indep:.0f} independent samples; the posterior quantiles are not reliable"
    )
    post = {
        "quantiles": q,
        "n_walkers": nw,
        "n_steps": int(N),
        "n_steps_initial": int(n_steps),
        "max_steps": int(max_steps),
        "burn_in": int(burn),
        "acceptance": float(np.mean(acc)),
        "acceptance_range": [float(acc.min()), float(acc.max())],
        "autocorr_time": {f.name: float(t) for f, t in zip(lik.model.free, tau, strict=True)},
        "steps_over_tau": float(kept / tmax) if tmax > 0 else math.inf,
        "n_tau_required": N_TAU,
        "converged": ok,
        "n_independent": n_indep,
        "r_hat_walker_groups": {
            f.name: float(v) for f, v in zip(lik.model.free, r_hat, strict=True)
        },
        "samples": int(chain.shape[0]),
        "convergence": conv,
    }
    names = lik.model.names
    if "delta_G" in names and lik.model.free[names.index("delta_G")].log:
        j = names.index("delta_G")
        w = 10.0 ** (chain[:, j] - chain[:, j].max())  # flat in δ_G / flat in log δ_G ∝ δ_G
        ql = 10 ** np.percentile(chain[:, j], [16, 50, 84])
        qf = 10 ** _weighted_quantiles(chain[:, j], w, [16, 50, 84])
        ess = float(w.sum() ** 2 / (w**2).sum())
        post["prior_sensitivity"] = {
            "flat_in_log10_delta_G": [float(v) for v in ql],
            "flat_in_delta_G": [float(v) for v in qf],
            "flat_in_delta_G_effective_samples": ess,
            "text": (
                f"prior sensitivity: delta_G median {ql[1]:.3g} (68% {ql[0]:.3g} .. {ql[2]:.3g}) "
                f"with a prior flat in log10 delta_G; {qf[1]:.3g} ({qf[0]:.3g} .. {qf[2]:.3g}) flat "
                f"in delta_G (the chain reweighted by delta_G, {ess:.0f} effective samples)"
            ),
        }
    return chain, post


def table_of(result: FitResult) -> Table:
    """The best fit as a table: parameter, best, the reported 68% interval (its kind and whether
    it reaches a prior bound), MINOS as iminuit gave it, posterior median and 68%, in the
    parameter's documented unit (column ``unit``)."""
    rows = []
    for k in result.free:
        q = result.posterior.get("quantiles", {}).get(k, [math.nan] * 3)
        unit = SPECS[k].unit.to_string()
        iv = result.intervals.get(k, {})
        rows.append(
            (
                k,
                unit,
                result.best[k],
                iv.get("lo", math.nan),
                iv.get("hi", math.nan),
                iv.get("kind", ""),
                bool(iv.get("at_bound", False)),
                *result.minos[k],
                bool(iv.get("minos_valid", False)),
                q[1],
                q[0],
                q[2],
            )
        )
    names = (
        "parameter",
        "unit",
        "best",
        "lo_68",
        "hi_68",
        "interval_kind",
        "at_bound",
        "minos_lo",
        "minos_hi",
        "minos_valid",
        "post_median",
        "post_16",
        "post_84",
    )
    return Table(rows=rows, names=names)
