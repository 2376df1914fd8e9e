"""Published measurements shipped with crescape, as astropy Tables with units.

The paper's Fig. 1 compares its neutrino estimate (Eq. 17) with the IceCube
astrophysical neutrino flux and with the Fermi-LAT isotropic gamma-ray
background (IGRB). This package ships those measurements (and newer IceCube
spectra) as ECSV files; :func:`load` returns one as an :class:`astropy.table.Table`
whose columns carry units and whose ``meta`` holds

``citation``, ``doi``, ``origin``
    the publication, its DOI and the table or figure the numbers come from;
``units``
    the units, in words (the columns also carry them);
``flux_convention``
    a dict: ``messenger``, ``neutrinos`` ("nu + nubar"), ``flavour``
    ("per flavour", "all" or "not applicable") and ``kind`` (differential,
    or band-integrated for Fermi-LAT);
``confidence``, ``notes``, ``source_comment``
    provenance, caveats and the full comment block of the source file;
``flux_columns``
    the columns that :func:`per_flavour_to_all` and :func:`all_to_per_flavour` scale.

Rows that the source marks as recalled rather than verified (confidence
``R``) are dropped by :func:`load` unless ``include_unverified=True``.

Examples
--------
>>> from crescape import data
>>> t = data.load("icecube_2015_differential")
>>> len(t), t["E2Phi"].unit.to_string(), t.meta["flux_convention"]["flavour"]
(9, 'GeV / (s sr cm2)', 'all')
>>> pf = data.all_to_per_flavour(t)
>>> float(round(pf["E2Phi"][0] / t["E2Phi"][0], 6))
0.333333
"""

from __future__ import annotations

import copy
import functools
from importlib import resources
from pathlib import Path

import astropy.units as u
import numpy as np
from astropy.table import Table

__all__ = [
    "DATASETS",
    "UHE_LIMITS",
    "available",
    "load",
    "path",
    "per_flavour_to_all",
    "all_to_per_flavour",
    "fermi_band_to_e2dnde",
    "radio_excess_intensity",
    "N_FLAVOURS",
]

#: Number of neutrino flavours summed in an "all flavours" flux (1:1:1 at Earth).
N_FLAVOURS = 3

#: The shipped datasets: name -> one-line description.
DATASETS: dict[str, str] = {
    "fermi_igrb_ackermann2015": "Fermi-LAT IGRB/EGB, Table 3, foreground models A, B, C (26 bands each), band-integrated",
    "fermi_igrb_fit_ackermann2015": "Fermi-LAT IGRB/EGB cutoff power-law fits (model A)",
    "arcade2_radio_excess": "ARCADE 2 extragalactic radio excess above the CMB (ApJ 734, 5): "
    "power law 22 MHz-10 GHz and the 3.3 GHz point, brightness temperature",
    "icecube_2015_differential": "IceCube 2015 combined analysis, 9 differential E^-2 bins, all flavours",
    "icecube_diffuse_bestfits": "IceCube single-power-law fits 2013-2024, per flavour (R rows dropped by default)",
    "icecube_segmented_km3net": "IceCube HESE 7.5 yr / northern tracks 9.5 yr segmented fits, per flavour",
    "icecube_2025_combinedfit": "IceCube 2025 segmented flux, tracks + cascades combined fit, per flavour",
    "icecube_2025_mese": "IceCube 2025 segmented flux, MESE, per flavour",
    "icecube_ehe_limit_2018": "IceCube EHE 9 yr differential upper limit (PRD 98, 062003), "
    "5.6e6-7.6e10 GeV, per flavour",
    "auger_limit_icrc2023": "Pierre Auger differential upper limit (ICRC2023), 5.8e7-1.0e11 GeV, "
    "per flavour",
    "antares_limit_2024": "ANTARES differential upper limit (JCAP 08 (2024) 038), 1e3-1e7 GeV, "
    "per flavour",
    "km3net_km3_230213a": "KM3-230213A E^-2 flux (Nature 638, 376) and the joint-fit flux "
    "(arXiv:2502.08173), per flavour",
    "icecube_spl_contours_km3net": "IceCube HESE 7.5 yr / northern tracks 9.5 yr power-law fits: "
    "68% (phi_100, gamma) contours, per flavour",
    "fermi_egb_resolved_ackermann2016": "Fermi-LAT point-source (blazar) fraction of the total "
    "EGB above 50 GeV, 86 (+16 -14)% (PRL 116, 151105)",
    "icecube_galactic_plane_regions": "IceCube Galactic-plane flux in the inner (|l| < 30 deg) and "
    "outer (|l| > 60 deg) plane, |b| < 8 deg, at 5 TeV with spectral indices (ICRC2025), per flavour",
}

#: The upper-limit curves among :data:`DATASETS` (columns ``E``, ``E2Phi_UL``).
UHE_LIMITS = ("icecube_ehe_limit_2018", "auger_limit_icrc2023", "antares_limit_2024")

_ALL = "all"
_PER = "per flavour"


def path(name: str) -> Path:
    """Path of the ECSV file of dataset ``name``.

    Raises
    ------
    ValueError
        If ``name`` is not a shipped dataset (the message lists them).
    """
    if name not in DATASETS:
        raise ValueError(
            f"dataset = {name!r} is not available; must be one of: {', '.join(DATASETS)}"
        )
    return Path(str(resources.files(__name__).joinpath("files", f"{name}.ecsv")))


@functools.cache
def _read(name: str) -> Table:
    return Table.read(path(name), format="ascii.ecsv")


def load(name: str, *, include_unverified: bool = False) -> Table:
    """Load a shipped measurement as an astropy Table with units.

    Parameters
    ----------
    name : str
        One of :data:`DATASETS` (see :func:`available`).
    include_unverified : bool
        Keep rows whose source marks them as recalled, not verified
        (``confidence == "R"``; column ``verified`` is False). Default False:
        such rows are dropped and listed in ``meta["dropped_unverified"]``.

    Returns
    -------
    astropy.table.Table
        A fresh copy (modifying it does not affect later loads).

    Raises
    ------
    ValueError
        If ``name`` is not a shipped dataset.
    """
    t = _read(name).copy(copy_data=True)
    t.meta = copy.deepcopy(dict(_read(name).meta))
    if "verified" in t.colnames:
        bad = ~np.asarray(t["verified"], dtype=bool)
        if bad.any() and not include_unverified:
            key = t.colnames[0]
            t.meta["dropped_unverified"] = [str(v) for v in t[key][bad]]
            t = t[~bad]
        else:
            t.meta["dropped_unverified"] = []
    return t


def available() -> Table:
    """Every shipped dataset with its citation, DOI, origin and flux convention.

    Returns
    -------
    astropy.table.Table
        Columns ``name``, ``description``, ``flavour``, ``rows``, ``citation``,
        ``doi``, ``origin``.
    """
    rows = []
    for name, desc in DATASETS.items():
        t = _read(name)
        doi = t.meta.get("doi", "")
        if isinstance(doi, dict):
            doi = "; ".join(f"{k}: {v}" for k, v in doi.items())
        rows.append(
            (
                name,
                desc,
                t.meta["flux_convention"].get("flavour", ""),
                len(t),
                t.meta["citation"],
                doi,
                t.meta.get("origin", ""),
            )
        )
    return Table(
        rows=rows, names=("name", "description", "flavour", "rows", "citation", "doi", "origin")
    )


# --------------------------------------------------------------------------- conventions


def _convert_flavour(x, factor: float, source: str, target: str):
    if isinstance(x, Table):
        conv = x.meta.get("flux_convention", {})
        flav = conv.get("flavour")
        if flav != source:
            raise ValueError(
                f"flux_convention flavour = {flav!r} is not allowed here: the table must be "
                f"{source!r} to convert it to {target!r}"
            )
        out = x.copy(copy_data=True)
        out.meta = copy.deepcopy(dict(x.meta))
        for col in x.meta.get("flux_columns", []):
            out[col] = out[col] * factor
        out.meta["flux_convention"]["flavour"] = target
        out.meta.setdefault("conversions", []).append(
            f"{source} -> {target}: flux columns multiplied by {factor:.6g} (flavour ratio 1:1:1)"
        )
        return out
    if isinstance(x, u.Quantity):
        return x * factor
    return np.asarray(x, dtype=float) * factor


def per_flavour_to_all(x, n_flavours: int = N_FLAVOURS):
    """Per-flavour neutrino flux (ν_x + ν̄_x) to the all-flavour sum.

    Under a 1:1:1 flavour ratio at Earth, all flavours = ``n_flavours`` × per flavour.

    Parameters
    ----------
    x : Table, Quantity or array
        A table loaded with :func:`load` whose ``meta["flux_convention"]["flavour"]``
        is ``"per flavour"`` (its ``meta["flux_columns"]`` are scaled and the
        convention updated), or a flux value.
    n_flavours : int
        Flavours summed (3).

    Raises
    ------
    ValueError
        If a table is not per flavour.
    """
    return _convert_flavour(x, float(n_flavours), _PER, _ALL)


def all_to_per_flavour(x, n_flavours: int = N_FLAVOURS):
    """All-flavour neutrino flux to the flux of one flavour (ν_x + ν̄_x), 1:1:1 ratio.

    The inverse of :func:`per_flavour_to_all`; see there for the arguments.
    """
    return _convert_flavour(x, 1.0 / n_flavours, _ALL, _PER)


def _band_factor(index, ratio):
    """E_c dN/dE(E_c)·E_c / I for a power law of index Γ in a band of ratio r = E_max/E_min.

    With dN/dE = K E^-Γ, I = ∫ dN/dE dE over the band and E_c = sqrt(E_min E_max),
    E_c² dN/dE(E_c) / (I E_c) = (Γ-1) / (2 sinh((Γ-1) ln(r)/2)) (→ 1/ln r at Γ = 1).
    """
    a = 0.5 * np.log(ratio)
    x = (np.asarray(index, dtype=float) - 1.0) * a
    small = np.abs(x) < 1e-8
    xs = np.where(small, 1.0, x)
    return np.where(small, 1.0 / (2.0 * a), (xs / a) / (2.0 * np.sinh(xs)))


def fermi_band_to_e2dnde(
    table: Table,
    column: str = "I_IGRB",
    *,
    model: str | None = "A",
    index: float | np.ndarray = 2.0,
    energy_unit: u.UnitBase = u.GeV,
) -> Table:
    """Band-integrated intensities (Fermi-LAT Table 3) to E² dN/dE at the band centres.

    Method: inside each band [E_min, E_max] the spectrum is taken to be a power
    law dN/dE = K E^-Γ. Its integral over the band is the tabulated intensity I,
    which fixes K; E² dN/dE is evaluated at the geometric centre
    E_c = sqrt(E_min E_max):

    .. math::

        E_c^2 \\frac{dN}{dE}(E_c) = I\\,E_c\\,\\frac{\\Gamma-1}{r^{(\\Gamma-1)/2} - r^{-(\\Gamma-1)/2}},
        \\qquad r = E_{\\max}/E_{\\min}.

    For Γ = 2 (the default) this is ``E_c**2 * I / (E_max - E_min)``, the estimate
    given in the source file. The conversion is linear in I, so each uncertainty
    column is converted with the same factor. For the √2-wide bands of Table 3,
    Γ = 2.32 (the fitted IGRB index) changes the result by -0.4%, far below
    the band errors (≥ 9%).

    Parameters
    ----------
    table : Table
        ``load("fermi_igrb_ackermann2015")`` or a subset of it.
    column : str
        ``"I_IGRB"``, ``"I_EGB"`` or ``"I_src"``.
    model : str or None
        Foreground model to select ("A", "B", "C"); None keeps every row.
    index : float or array
        Power-law index Γ inside the bands (per band if an array).
    energy_unit : astropy unit
        Unit of the output energies; E² dN/dE is in ``energy_unit`` cm^-2 s^-1 sr^-1.

    Returns
    -------
    astropy.table.Table
        Columns ``model``, ``E_min``, ``E_max``, ``E_c``, ``E2dNdE`` and, when
        present in the input, ``E2dNdE_err_up``, ``E2dNdE_err_lo``,
        ``E2dNdE_fg_sys_up``, ``E2dNdE_fg_sys_lo``; ``meta`` states the method.

    Raises
    ------
    ValueError
        On an unknown column or model, or a non-finite index.
    """
    if column not in table.colnames:
        raise ValueError(
            f"column = {column!r} is not in the table; must be one of I_IGRB, I_EGB, I_src"
        )
    t = table
    if model is not None:
        if "model" not in t.colnames or model not in set(t["model"]):
            raise ValueError(f"model = {model!r} is not allowed: must be one of A, B, C or None")
        t = t[t["model"] == model]
    idx = np.asarray(index, dtype=float)
    if not np.all(np.isfinite(idx)):
        raise ValueError(f"index = {index!r} is not allowed: must be finite")
    e_min = t["E_min"].quantity.to(energy_unit)
    e_max = t["E_max"].quantity.to(energy_unit)
    e_c = np.sqrt(e_min * e_max)
    factor = _band_factor(idx, (e_max / e_min).to_value(u.one)) * e_c
    out_unit = energy_unit / (u.cm**2 * u.s * u.sr)
    out = Table()
    if "model" in t.colnames:
        out["model"] = t["model"]
    out["E_min"] = e_min
    out["E_max"] = e_max
    out["E_c"] = e_c
    suffixes = {
        "": "",
        "_err_up": "_err_up",
        "_err_lo": "_err_lo",
        "_fg_sys_up": "_fg_sys_up",
        "_fg_sys_lo": "_fg_sys_lo",
    }
    for suf, outsuf in suffixes.items():
        if column + suf in t.colnames:
            val = t[column + suf].quantity * factor
            out["E2dNdE" + outsuf] = val.to(out_unit)
    out.meta = {
        "name": f"{table.meta.get('name', 'fermi')}:{column}:E2dNdE",
        "citation": table.meta.get("citation", ""),
        "doi": table.meta.get("doi", ""),
        "origin": table.meta.get("origin", ""),
        "foreground_model": model,
        "method": "local power law dN/dE ∝ E^-Γ inside each band, normalised to the band "
        "intensity, evaluated at E_c = sqrt(E_min E_max); "
        f"Γ = {np.array2string(idx, precision=4) if idx.ndim else f'{float(idx):g}'}",
        "flux_convention": {
            "messenger": "gamma rays",
            "kind": "differential E^2 dN/dE at the band centre (converted from band-integrated intensities)",
            "flavour": "not applicable",
        },
    }
    return out


def radio_excess_intensity(nu) -> dict:
    """The ARCADE 2 radio excess above the CMB at frequencies ``nu``: T and I_ν with 1σ errors.

    T(ν) = T_ref (ν/ν_ref)^index, the power law of Fixsen et al. (2011), ApJ 734, 5 (abstract;
    22 MHz–10 GHz; dataset ``arcade2_radio_excess``), and I_ν = 2k_B T ν²/c² (the
    Rayleigh–Jeans brightness, exact to 1e-3 below 10 GHz for a 1 K excess). The relative
    error combines those of T_ref and of the index, σ_lnT² = (σ_T/T_ref)² + (ln(ν/ν_ref) σ_index)²
    (uncorrelated: the abstract states no correlation).

    Parameters
    ----------
    nu : Quantity [frequency]
        Inside 22 MHz–10 GHz.

    Returns
    -------
    dict
        ``T`` [K], ``T_err`` [K], ``I`` [Jy/sr], ``I_err`` [Jy/sr].

    Examples
    --------
    >>> import astropy.units as u
    >>> r = radio_excess_intensity(310 * u.MHz)
    >>> round(float(r["T"].to_value(u.K)), 3), round(float(r["T_err"].to_value(u.K)), 3)
    (24.1, 2.1)
    """
    from .. import constants as C
    from ..units import parse_quantity

    t = _read("arcade2_radio_excess")
    i = list(t["quantity"]).index("power_law_combined")

    def val(col, unit):
        return float(t[col].quantity[i].to_value(unit))

    nu_hz = np.asarray(parse_quantity(nu, u.Hz, "nu").to_value(u.Hz), dtype=float)
    lo, hi = val("nu_lo", u.Hz), val("nu_hi", u.Hz)
    if np.any(nu_hz < lo * (1 - 1e-12)) or np.any(nu_hz > hi * (1 + 1e-12)):
        from ..errors import ParameterError

        raise ParameterError(
            f"nu = {nu} is not allowed: the ARCADE 2 power law holds from {lo / 1e6:g} MHz to "
            f"{hi / 1e9:g} GHz"
        )
    x = nu_hz / val("nu_ref", u.Hz)
    T0 = val("T_ref", u.K)
    T = T0 * x ** float(t["index"][i])
    rel = np.hypot(val("T_ref_err", u.K) / T0, np.log(x) * float(t["index_err"][i]))
    inten = 2.0 * C.k_B * T * nu_hz**2 / C.c**2 / 1e-23
    return {
        "T": T * u.K,
        "T_err": rel * T * u.K,
        "I": inten * u.Jy / u.sr,
        "I_err": rel * inten * u.Jy / u.sr,
    }
