"""The overdensity δ_G at which the paper's neutrino flux equals IceCube's.

The paper's Eq. (17) gives E_ν² F_ν ∝ δ_G^{3/2} (n_gas ∝ δ_G, and ṽ_A ∝ δ_G^{-1/2}
in the saturated field of Eq. 8). Setting it equal to a measured E² Φ at
E_ν (100 TeV by default) gives

.. math::

    \\delta_G = \\left( \\frac{E^2\\Phi_{\\rm measured}}{E_\\nu^2 F_\\nu(\\delta_G = 1)} \\right)^{2/3}.

The transformation is monotonic, so the 68% interval of the measurement maps
onto a 68% interval of δ_G (asymmetric; exact, no linearisation). The model
flux is :func:`crescape.model.neutrino_E2_flux` (``convention="paper"``); its
δ_G exponent is measured from the model rather than assumed, and the result
is checked by evaluating the model at the δ_G found.

Flavour reading. The paper does not say whether Eq. (17) is per flavour or
summed over flavours. crescape's default is the **per-flavour** reading
(:data:`DEFAULT_FLAVOUR`), decided by the physics rather than by the wording of
Eq. (16): with the full Kelner, Aharonian & Bugayov (2006) spectra
(:class:`crescape.spectra.CGMEmission`) the paper's η = 0.05 with one neutrino
per collision is close to the ν+ν̄ flux of *one* flavour: KAB06 give the neutrinos
of all flavours ≈ 0.20 of the proton energy per collision at 10-100 TeV, ≈ 0.068
per flavour (:func:`crescape.physics.pp.energy_fraction`), against the paper's
η × 1 = 0.05; and at 10 TeV and δ_G = 100 the full per-flavour intensity is
1.37 × Eq. (17), the all-flavour one 4.1 ×. The measured
per-flavour flux is one third of the all-flavour one, so the per-flavour δ_G is
3^{2/3} = 2.08 × smaller than the all-flavour one (276 instead of 574 for the
2015 combined fit at 100 TeV). ``flavour="all"`` keeps the all-flavour reading.

Examples
--------
>>> from crescape.analysis.icecube_match import delta_G_match
>>> m = delta_G_match("combined_2015")
>>> m.flavour, 200 < m.delta_G < 350
('per flavour', True)
"""

from __future__ import annotations

import math
import warnings
from dataclasses import asdict, dataclass, field
from typing import Any

import astropy.units as u
import numpy as np

from .. import constants as C
from .. import data
from ..model import neutrino_E2_flux, paper_energy_flux, paper_values
from ..params import OPTION_SPECS, SPECS, ParameterError, Parameters, ValidityWarning, parse_value
from ..physics import instability, saturation
from ..units import parse_quantity

__all__ = [
    "MATCH_DATASETS",
    "DEFAULT_FLAVOUR",
    "FLAVOURS",
    "flavour_reading",
    "DeltaGMatch",
    "measured_E2_flux",
    "model_E2_flux_at_unit_overdensity",
    "delta_G_from_flux",
    "delta_G_match",
    "match_all",
]

E2_UNIT = u.GeV / (u.cm**2 * u.s * u.sr)
DEFAULT_ENERGY = 100 * u.TeV
FLAVOURS = ("all", "per flavour")
#: the reading of Eq. (17) used unless another is asked for (see the module docstring)
DEFAULT_FLAVOUR = "per flavour"


def flavour_reading(flavour: str) -> str:
    """The reading of Eq. (17) in words, as every figure and JSON of crescape states it."""
    _check_flavour(flavour)
    if flavour == "per flavour":
        return (
            "Eq. (17) read as the nu+nubar intensity of one flavour (default: the full KAB06 "
            "spectra put eta = 0.05 with one neutrino per collision close to one flavour); "
            "data converted to per flavour (1:1:1)"
        )
    return (
        "Eq. (17) read as the nu+nubar intensity summed over the three flavours (option "
        "flavour='all'); data converted to all flavours (1:1:1)"
    )


#: Measurements the δ_G match can use: key -> (dataset, selector, label).
#: Selector: ``("fit", analysis)`` for a row of ``icecube_diffuse_bestfits``,
#: ``("bins", sample or None)`` for a segmented spectrum (the bin containing E).
MATCH_DATASETS: dict[str, tuple[str, tuple[str, str | None], str]] = {
    "combined_2015": (
        "icecube_diffuse_bestfits",
        ("fit", "Combined_2015"),
        "IceCube 2015 combined fit, power law (ApJ 809, 98)",
    ),
    "combined_2015_cutoff": (
        "icecube_diffuse_bestfits",
        ("fit", "Combined_2015_cutoff"),
        "IceCube 2015 combined fit, E^-2 with cutoff (ApJ 809, 98)",
    ),
    "differential_2015": (
        "icecube_2015_differential",
        ("bins", None),
        "IceCube 2015 differential bin (ApJ 809, 98, Table 6)",
    ),
    "cascades_2020": (
        "icecube_diffuse_bestfits",
        ("fit", "Cascades_6yr"),
        "IceCube cascades 6 yr, power law (PRL 125, 121104)",
    ),
    "hese_2021": (
        "icecube_diffuse_bestfits",
        ("fit", "HESE_7.5yr"),
        "IceCube HESE 7.5 yr, power law (PRD 104, 022002)",
    ),
    "nst_2022": (
        "icecube_diffuse_bestfits",
        ("fit", "NST_9.5yr"),
        "IceCube northern tracks 9.5 yr, power law (ApJ 928, 50)",
    ),
    "estes_2024": (
        "icecube_diffuse_bestfits",
        ("fit", "ESTES_2024"),
        "IceCube starting tracks, power law (PRD 110, 022001)",
    ),
    "hese_2021_segmented": (
        "icecube_segmented_km3net",
        ("bins", "hese"),
        "IceCube HESE 7.5 yr segmented bin",
    ),
    "nst_2022_segmented": (
        "icecube_segmented_km3net",
        ("bins", "nst"),
        "IceCube northern tracks 9.5 yr segmented bin",
    ),
    "combinedfit_2025": (
        "icecube_2025_combinedfit",
        ("bins", None),
        "IceCube 2025 tracks + cascades segmented bin",
    ),
    "mese_2025": ("icecube_2025_mese", ("bins", None), "IceCube 2025 MESE segmented bin"),
}


@dataclass(frozen=True)
class DeltaGMatch:
    """The δ_G at which Eq. (17) equals one measurement.

    Attributes
    ----------
    dataset, label, citation : str
        Key of :data:`MATCH_DATASETS`, a description and the data's citation.
    energy : Quantity
        Neutrino energy of the comparison.
    flavour : str
        Convention of both the model and the measurement ("all" or "per flavour").
    measured, measured_lo, measured_hi : Quantity
        E²Φ and its 68% interval in that convention (for an upper limit:
        measured = NaN, lo = 0, hi = the limit).
    model_at_1 : Quantity
        E_ν² F_ν of the model at δ_G = 1.
    exponent : float
        d ln F / d ln δ_G of the model (1.5 for Eq. 17).
    delta_G, delta_G_lo, delta_G_hi : float
        δ_G and its 68% interval (upper limit: delta_G = NaN, hi = the bound).
    delta_G_paper_norm : float
        δ_G with the paper's own Eq. (17) number, 5e-12 δ_G^{3/2} GeV cm^-2 s^-1 sr^-1.
    is_upper_limit : bool
    note : str
        What was taken from the data (row or bin).
    warnings : tuple of str
        Why the result is an extrapolation or unphysical (each also issued as a
        :class:`~crescape.errors.ValidityWarning`): an energy outside the
        fitted range of the data, a δ_G outside the model's range, an Alfvén
        speed above c at the δ_G found.
    """

    dataset: str
    label: str
    citation: str
    energy: u.Quantity
    flavour: str
    measured: u.Quantity
    measured_lo: u.Quantity
    measured_hi: u.Quantity
    model_at_1: u.Quantity
    exponent: float
    delta_G: float
    delta_G_lo: float
    delta_G_hi: float
    delta_G_paper_norm: float
    is_upper_limit: bool = False
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        """Plain numbers (energies in GeV, fluxes in GeV cm^-2 s^-1 sr^-1)."""
        out = {}
        for k, v in asdict(self).items():
            if isinstance(v, u.Quantity):
                v = float(v.to_value(u.GeV if v.unit.physical_type == "energy" else E2_UNIT))
            out[k] = list(v) if isinstance(v, tuple) else v
        out["flavour_reading"] = flavour_reading(self.flavour)
        return out

    def summary(self) -> str:
        """One line of text."""
        E = self.energy.to_value(u.TeV)
        if self.is_upper_limit:
            return (
                f"{self.dataset:<22} E = {E:g} TeV: upper limit E2Phi < {self.measured_hi.to_value(E2_UNIT):.3g} "
                f"({self.flavour}) -> delta_G < {self.delta_G_hi:.3g}"
            )
        g = lambda x: f"{x:.0f}" if 1 <= x < 1e6 else f"{x:.3g}"  # noqa: E731
        return (
            f"{self.dataset:<22} E = {E:g} TeV: E2Phi = {self.measured.to_value(E2_UNIT):.3g} "
            f"[{self.measured_lo.to_value(E2_UNIT):.3g}, {self.measured_hi.to_value(E2_UNIT):.3g}] "
            f"({self.flavour}) -> delta_G = {g(self.delta_G)} "
            f"(68%: {g(self.delta_G_lo)}-{g(self.delta_G_hi)}; paper's 5e-12: {g(self.delta_G_paper_norm)})"
        )


def _check_energy(energy: Any) -> u.Quantity:
    """One neutrino energy by the rule of docs/units.md (plain numbers in GeV), as a Quantity in TeV."""
    try:
        E = parse_value(OPTION_SPECS["E_nu"], energy)
    except ParameterError as exc:
        raise ParameterError(str(exc).replace("E_nu = ", "energy = ", 1)) from None
    if E.ndim != 0:
        raise ParameterError(f"energy = {energy!r} is not allowed: must be one energy")
    return E.to(u.TeV)


def _shown(energy: Any) -> str:
    """The energy as the user gave it, for messages."""
    if isinstance(energy, str):
        return energy.strip()
    if isinstance(energy, u.Quantity):
        return f"{energy:g}"
    return f"{energy:g} GeV"


def _check_flavour(flavour: str) -> str:
    if flavour not in FLAVOURS:
        raise ParameterError(
            f"flavour = {flavour!r} is not allowed: must be 'all' or 'per flavour'"
        )
    return flavour


def measured_E2_flux(
    dataset: str = "combined_2015", energy: Any = DEFAULT_ENERGY, flavour: str = DEFAULT_FLAVOUR
):
    """The measured E²Φ at ``energy`` and its 68% interval, in the requested convention.

    For a power-law fit the normalisation φ_100 and its uncertainty are used at
    the fit's pivot (100 TeV); at other energies the central value is the
    power law and the interval comes from φ_100 only (the index uncertainty
    and the φ-γ correlation are not in the data file). For a segmented
    spectrum the bin with E_min <= E < E_max is used (each bin is an E^-2
    segment, flat in E²Φ).

    Returns
    -------
    (value, lo, hi, is_upper_limit, note, citation) : tuple
        Quantities in GeV cm^-2 s^-1 sr^-1.

    Raises
    ------
    ParameterError
        Unknown dataset, bad energy or flavour, or no bin containing ``energy``.
    """
    if dataset not in MATCH_DATASETS:
        raise ParameterError(
            f"dataset = {dataset!r} is not allowed: must be one of {', '.join(MATCH_DATASETS)}"
        )
    E = _check_energy(energy)
    _check_flavour(flavour)
    name, (kind, sel), _label = MATCH_DATASETS[dataset]
    t = data.load(name)
    if t.meta["flux_convention"]["flavour"] != flavour:
        t = data.per_flavour_to_all(t) if flavour == "all" else data.all_to_per_flavour(t)
    E_GeV = E.to_value(u.GeV)
    if kind == "fit":
        row = t[t["analysis"] == sel][0]
        E0 = 1e5  # GeV, the 100 TeV pivot of the fits
        shape = (E_GeV / E0) ** (-row["gamma"]) * E_GeV**2
        if np.isfinite(row["E_cut"]):
            shape = shape * math.exp(-E_GeV / (row["E_cut"] * 1e6))
        unit = t["phi_100"].unit * u.GeV**2
        val = (row["phi_100"] * shape * unit).to(E2_UNIT)
        lo = ((row["phi_100"] - row["phi_100_err_lo"]) * shape * unit).to(E2_UNIT)
        hi = ((row["phi_100"] + row["phi_100_err_hi"]) * shape * unit).to(E2_UNIT)
        conf = {"V": "V (verified)", "M": "M (central value verified, errors recalled)"}.get(
            str(row["confidence"]), str(row["confidence"])
        )
        note = (
            f"{row['analysis']} ({row['model']}), phi_100 at 100 TeV, gamma = {row['gamma']:g}; "
            f"confidence {conf}"
        )
        e_lo, e_hi = (float(row[c]) * t[c].unit for c in ("E_min", "E_max"))
        if not (e_lo <= E <= e_hi):
            msg = (
                f"energy = {_shown(energy)} is outside the energy range of the {row['analysis']} fit "
                f"({e_lo.to_value(u.TeV):g}-{e_hi.to_value(u.TeV):g} TeV): its power law is "
                "extrapolated there"
            )
            warnings.warn(msg, ValidityWarning, stacklevel=2)
            note += "; " + msg
        return val, lo, hi, False, note, t.meta["citation"]
    if sel is not None:
        t = t[t["sample"] == sel]
    inside = (t["E_min"].quantity.to_value(u.GeV) <= E_GeV) & (
        E_GeV < t["E_max"].quantity.to_value(u.GeV)
    )
    if not inside.any():
        raise ParameterError(
            f"energy = {_shown(energy)} is not allowed for dataset {dataset!r}: no bin contains it"
        )
    row = t[inside][0]
    ul = bool(row["is_upper_limit"])
    val = np.nan * E2_UNIT if ul else (row["E2Phi"] * t["E2Phi"].unit).to(E2_UNIT)
    hi = (row["E2Phi_hi"] * t["E2Phi"].unit).to(E2_UNIT)
    lo = 0 * E2_UNIT if ul else (row["E2Phi_lo"] * t["E2Phi"].unit).to(E2_UNIT)
    emin, emax = row["E_min"], row["E_max"]
    note = f"bin {emin:.4g}-{emax:.4g} GeV" + (" (upper limit)" if ul else "")
    note += "; confidence " + str(t.meta.get("confidence", "")).split(":")[0]
    return val, lo, hi, ul, note, t.meta["citation"]


def model_E2_flux_at_unit_overdensity(
    params: Parameters | None = None, energy: Any = DEFAULT_ENERGY
):
    """E_ν² F_ν of :func:`crescape.model.neutrino_E2_flux` at δ_G = 1, and its δ_G exponent.

    The exponent d ln F/d ln δ_G is measured between δ_G = 1 and 100 (the
    model's Eq. 17 gives 3/2 exactly).
    """
    params = params or Parameters()
    E = _check_energy(energy)
    with np.errstate(over="ignore", under="ignore"):
        f1 = neutrino_E2_flux(params.replace(delta_G=1.0), E, convention="paper").to(E2_UNIT)
        f100 = neutrino_E2_flux(params.replace(delta_G=100.0), E, convention="paper").to(E2_UNIT)
    if not (np.isfinite(f1.value) and np.isfinite(f100.value)):
        raise ParameterError(
            f"the model flux at energy = {_shown(energy)} overflows with {params.changes_text()}: "
            "no overdensity can be matched"
        )
    if not (f1.value > 0 and f100.value > 0):
        raise ParameterError(
            f"the model flux at energy = {_shown(energy)} is zero (or underflows) with "
            f"{params.changes_text()}: no overdensity can be matched"
        )
    exponent = math.log(float(f100 / f1)) / math.log(100.0)
    return f1, exponent


def delta_G_from_flux(measured: Any, model_at_1: Any, exponent: float = 1.5):
    """δ_G = (measured / F(δ_G = 1))^(1/exponent): Eq. (17) solved for the overdensity.

    ``measured`` and ``model_at_1`` are Quantities or plain numbers in
    GeV cm^-2 s^-1 sr^-1. Works elementwise on arrays; zero or negative fluxes
    give 0 (no lower bound).
    """
    ratio = np.asarray(
        parse_quantity(measured, E2_UNIT, "measured").value
        / parse_quantity(model_at_1, E2_UNIT, "model_at_1").value,
        dtype=float,
    )
    with np.errstate(invalid="ignore"):
        return np.where(
            ratio > 0, np.abs(ratio) ** (1.0 / exponent), np.where(np.isnan(ratio), np.nan, 0.0)
        )


def _match_validity(
    deltas: list[float], params: Parameters, E: u.Quantity, shown: str
) -> list[str]:
    """Messages for a δ_G outside the model's range, or an Alfvén speed above c there.

    ṽ_A is the Alfvén speed in the saturated field of Eq. (8) at the parent
    energy E_ν/η (the CR density of Eq. 15 that Eq. 17 uses); it scales as δ_G^-1/2.
    """
    out = []
    if not deltas:
        return out
    spec = SPECS["delta_G"]
    lo, hi = min(deltas), max(deltas)
    with_ = f"with {params.changes_text()}"
    if hi > spec.high or lo <= spec.low:
        out.append(
            f"the matching delta_G ({lo:.3g}-{hi:.3g}) at energy = {shown} {with_} is outside "
            f"the model's range of delta_G ({spec.allowed()})"
        )
    p = params.cgs
    Ep = E.to_value(u.erg) / p.eta
    with np.errstate(over="ignore", under="ignore", divide="ignore"):
        E2phi = paper_energy_flux(p, Ep)
        rho = instability.gas_density(max(lo, 1e-300), p.Omega_b_h2, p.rho_cr_h2)
        v_A = float(instability.alfven_speed(saturation.B_sat(E2phi), rho))
    if not v_A < C.c:
        out.append(
            f"at the matching delta_G = {lo:.3g} {with_}, the Alfvén speed of Eq. (15) is "
            f"{v_A / C.c:.3g} c, above the speed of light: the paper's picture does not apply"
        )
    return out


def _check_closure(model: u.Quantity, measured: u.Quantity, rtol: float = 1e-6) -> None:
    """Raise RuntimeError unless the model flux at the δ_G found equals the measured one.

    Relative only: the fluxes are ~1e-8 GeV cm^-2 s^-1 sr^-1, where np.isclose's
    default atol = 1e-8 would accept any value.
    """
    back, val = model.to_value(E2_UNIT), measured.to_value(E2_UNIT)
    if not np.isclose(back, val, rtol=rtol, atol=0.0):
        raise RuntimeError(
            f"δ_G match does not close: model {model.to(E2_UNIT)} vs measured {measured}"
        )


def delta_G_match(
    dataset: str = "combined_2015",
    energy: Any = DEFAULT_ENERGY,
    params: Parameters | None = None,
    flavour: str = DEFAULT_FLAVOUR,
) -> DeltaGMatch:
    """The δ_G at which the paper's Eq. (17) flux equals the measured flux at ``energy``.

    Parameters
    ----------
    dataset : str
        A key of :data:`MATCH_DATASETS` (default: the 2015 combined power-law
        fit, the paper's ref. [10]).
    energy : Quantity, str or float in GeV
        Neutrino energy (default 100 TeV).
    params : Parameters
        Model parameters (δ_G is ignored); default the paper's.

    Warns
    -----
    ValidityWarning
        If ``energy`` is outside the fitted range of a power-law fit (the fit
        is extrapolated), the δ_G found lies outside the model's range, or the
        Alfvén speed at that δ_G exceeds c; the messages are also kept in
        :attr:`DeltaGMatch.warnings`.
    flavour : {'per flavour', 'all'}
        Reading of Eq. (17) (default :data:`DEFAULT_FLAVOUR`); the measurement is
        converted to the same one.

    Returns
    -------
    DeltaGMatch
    """
    params = params or Parameters()
    _check_flavour(flavour)
    E = _check_energy(energy)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        val, lo, hi, ul, note, citation = measured_E2_flux(dataset, energy, flavour)
    issues = [str(w.message) for w in caught if issubclass(w.category, ValidityWarning)]
    for w in caught:
        if not issubclass(w.category, ValidityWarning):
            warnings.warn(w.message, w.category, stacklevel=2)
    f1, k = model_E2_flux_at_unit_overdensity(params, E)
    d, dlo, dhi = (float(x) for x in delta_G_from_flux(u.Quantity([val, lo, hi]), f1, k))
    finite = [x for x in (d, dlo, dhi) if np.isfinite(x) and x > 0]  # 0: no lower bound
    issues += _match_validity(finite, params, E, _shown(energy))
    for msg in issues:
        warnings.warn(msg, ValidityWarning, stacklevel=2)
    spec = SPECS["delta_G"]
    if not ul and spec.low < d <= spec.high:
        # check: the model at the δ_G found reproduces the measurement
        _check_closure(neutrino_E2_flux(params.replace(delta_G=d), E, convention="paper"), val)
    p1 = params.replace(delta_G=1.0).cgs
    paper_1 = float(paper_values(p1, E.to_value(u.erg))["neutrino_E2_flux"]) * E2_UNIT
    d_paper = float(delta_G_from_flux(val, paper_1, 1.5))
    return DeltaGMatch(
        dataset=dataset,
        label=MATCH_DATASETS[dataset][2],
        citation=citation,
        energy=E,
        flavour=flavour,
        measured=val,
        measured_lo=lo,
        measured_hi=hi,
        model_at_1=f1,
        exponent=k,
        delta_G=d,
        delta_G_lo=dlo,
        delta_G_hi=dhi,
        delta_G_paper_norm=d_paper,
        is_upper_limit=ul,
        note=note,
        warnings=tuple(issues),
    )


def match_all(
    energy: Any = DEFAULT_ENERGY,
    params: Parameters | None = None,
    flavour: str = DEFAULT_FLAVOUR,
) -> list[DeltaGMatch]:
    """:func:`delta_G_match` for every entry of :data:`MATCH_DATASETS` that covers ``energy``.

    A segmented spectrum with no bin at ``energy`` is left out with a
    :class:`~crescape.errors.ValidityWarning`; if no dataset covers it, the
    error is raised.
    """
    out, skipped = [], []
    for key in MATCH_DATASETS:
        try:
            out.append(delta_G_match(key, energy, params, flavour))
        except ParameterError as exc:
            if "no bin contains it" not in str(exc):
                raise
            skipped.append(key)
    if not out:
        raise ParameterError(f"energy = {_shown(energy)} is not allowed: no dataset covers it")
    if skipped:
        warnings.warn(
            f"energy = {_shown(energy)}: no bin of {', '.join(skipped)} contains it; "
            "those datasets are left out",
            ValidityWarning,
            stacklevel=2,
        )
    return out
