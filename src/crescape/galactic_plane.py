"""The Galactic-plane neutrinos: a Galactic component beside the CGM in the all-sky spectra.

IceCube's all-sky (isotropic) spectra count every astrophysical neutrino, including those
of the Galactic disk's cosmic rays on its interstellar gas, which IceCube detected in 2023
(Science 380, 1338) and has since measured region by region. The CGM of the paper is a
second Galactic component; fitting it alone to the all-sky spectra credits it with the
plane's neutrinos too. This module turns IceCube's region measurement
(:func:`crescape.data.load` ``("icecube_galactic_plane_regions")``: the inner plane,
|l| < 30°, and the outer plane, |l| > 60°, both |b| < 8°, each a power law E²Φ(5 TeV)
(E/5 TeV)^(2−γ) per flavour) into the sky-averaged intensity that the all-sky spectra
contain:

    Φ̄(E) = Σ_i Ω_i Φ_i(E) / 4π,   Ω = Δl · 2 sin b_max  (a band |b| < b_max over Δl),

with the unmeasured band 30° < |l| < 60° (|b| < 8°) given the outer plane's flux
(``gap='lower'``, default: a lower estimate) or the inner plane's (``gap='upper'``), or
left out (``gap='none'``). Emission at |b| > 8° is not included: Φ̄ is a lower estimate of
the plane's share of the all-sky flux there too.

:class:`GalacticPlaneNeutrinos` is what :func:`crescape.analysis.fit.fit`
(``galactic_plane=``) adds to the CGM model's neutrinos; it is not a fit parameter (its
uncertainty is that of the measurement: :meth:`GalacticPlaneNeutrinos.sky_average_sed`
with ``scale`` at the quoted bounds).

Examples
--------
>>> import astropy.units as u
>>> from crescape.galactic_plane import GalacticPlaneNeutrinos
>>> gp = GalacticPlaneNeutrinos()
>>> f"{gp.sky_average_sed(5 * u.TeV).value[0]:.3g}"
'9.95e-09'
"""

from __future__ import annotations

import math
from typing import Any

import astropy.units as u
import numpy as np

from . import constants as C
from .errors import ParameterError
from .spectra import SED_UNIT, _energy

__all__ = ["GAPS", "band_solid_angle", "GalacticPlaneNeutrinos"]

#: How the unmeasured band 30° < |l| < 60° is filled: name -> the region whose flux it takes.
GAPS = {"lower": "outer", "upper": "inner", "none": None}

_DATASET = "icecube_galactic_plane_regions"


def band_solid_angle(l_abs_min: float, l_abs_max: float, b_abs_max: float) -> float:
    """Ω of l_abs_min < |l| < l_abs_max, |b| < b_abs_max [sr] (angles in degrees).

    Ω = 2 Δ|l| · 2 sin b_max: both signs of l, ∫cos b db over |b| < b_max (exact on the
    sphere). The whole sky (0, 180, 90) gives 4π.
    """
    lo, hi, b = (float(x) for x in (l_abs_min, l_abs_max, b_abs_max))
    if not (0.0 <= lo < hi <= 180.0 and 0.0 < b <= 90.0):
        raise ParameterError(
            f"band = ({lo:g}, {hi:g}, {b:g}) deg is not allowed: need 0 <= |l|_min < |l|_max "
            "<= 180 and 0 < |b|_max <= 90"
        )
    return 2.0 * math.radians(hi - lo) * 2.0 * math.sin(math.radians(b))


class GalacticPlaneNeutrinos:
    """The sky-averaged neutrino intensity of the Galactic plane, from IceCube's regions.

    Parameters
    ----------
    gap : {'lower', 'upper', 'none'}
        The unmeasured band 30° < |l| < 60°, |b| < 8°: the outer plane's flux ('lower',
        default), the inner plane's ('upper') or nothing ('none').
    scale : float
        A factor on every region's flux, 0 <= scale <= 100 (default 1), e.g. the ratio of
        a quoted bound to the central value.

    Notes
    -----
    Each region i is the power law E²Φ_i(E) = A_i (E/E_ref)^(2−γ_i) of the dataset
    ``icecube_galactic_plane_regions`` (per flavour, ν + ν̄; E_ref = 5 TeV), and the sky
    average is Σ_i Ω_i E²Φ_i / 4π (:func:`band_solid_angle`). The abstract the dataset
    comes from does not state the energy range over which the power laws hold ("at TeV
    energies"); far above ~100 TeV they are an extrapolation.
    """

    def __init__(self, gap: str = "lower", scale: float = 1.0):
        if gap not in GAPS:
            raise ParameterError(
                f"gap = {gap!r} is not allowed: must be one of {', '.join(map(repr, GAPS))}"
            )
        s = float(scale)
        if not (math.isfinite(s) and 0.0 <= s <= 100.0):
            raise ParameterError(f"scale = {scale} is not allowed: must be >= 0 and <= 100")
        from .data import load

        t = load(_DATASET)
        self.gap, self.scale = gap, s
        self.table = t
        self.regions = [str(r) for r in t["region"]]
        self._A = np.asarray(t["E2Phi"].quantity.to_value(SED_UNIT), dtype=float)
        self._gamma = np.asarray(t["gamma"], dtype=float)
        self._E_ref = np.asarray(t["E_ref"].quantity.to_value(u.erg), dtype=float)
        omega = [band_solid_angle(r["l_abs_min"], r["l_abs_max"], r["b_abs_max"]) for r in t]
        fill = GAPS[gap]
        if fill is not None:
            i = self.regions.index(fill)
            omega[i] += band_solid_angle(
                t["l_abs_max"][self.regions.index("inner")],
                t["l_abs_min"][self.regions.index("outer")],
                t["b_abs_max"][i],
            )
        self.solid_angles = np.asarray(omega, dtype=float)  # [sr], the gap included

    def region_sed(self, region: str, E: Any) -> u.Quantity:
        """E²Φ per flavour averaged over one region [GeV cm⁻² s⁻¹ sr⁻¹] (times ``scale``)."""
        if region not in self.regions:
            raise ParameterError(
                f"region = {region!r} is not allowed: must be one of {', '.join(self.regions)}"
            )
        i = self.regions.index(region)
        Ev = np.atleast_1d(_energy(E))
        val = self.scale * self._A[i] * (Ev / self._E_ref[i]) ** (2.0 - self._gamma[i])
        return u.Quantity(val, SED_UNIT)

    def _sed(self, E_erg: np.ndarray) -> np.ndarray:
        """Sky-averaged E²Φ per flavour [GeV cm⁻² s⁻¹ sr⁻¹] at energies in erg (hot path)."""
        E = np.asarray(E_erg, dtype=float)[..., None]
        law = self._A * (E / self._E_ref) ** (2.0 - self._gamma)
        return self.scale * np.sum(law * self.solid_angles, axis=-1) / (4.0 * np.pi)

    @staticmethod
    def _flavours(flavour: str) -> float:
        """How many flavours one sky-average stands for in the reading ``flavour``."""
        from .data import N_FLAVOURS

        if flavour not in ("per flavour", "all"):
            raise ParameterError(
                f"flavour = {flavour!r} is not allowed: must be 'per flavour' or 'all'"
            )
        return 1.0 if flavour == "per flavour" else float(N_FLAVOURS)

    def sky_average_sed(self, E: Any, flavour: str = "per flavour") -> u.Quantity:
        """E²Φ of the plane averaged over the whole sky [GeV cm⁻² s⁻¹ sr⁻¹].

        ``flavour``: 'per flavour' (one flavour, ν + ν̄; default) or 'all' (three flavours,
        1:1:1 at Earth).
        """
        k = self._flavours(flavour)
        return u.Quantity(k * self._sed(np.atleast_1d(_energy(E))), SED_UNIT)

    def sed_GeV(self, E_GeV: np.ndarray, flavour: str = "per flavour") -> np.ndarray:
        """:meth:`sky_average_sed` for plain energies in GeV, as floats (no Quantities)."""
        return self._flavours(flavour) * self._sed(np.asarray(E_GeV, dtype=float) * C.GeV)

    def describe(self) -> dict[str, Any]:
        """The component in words and numbers (for results and file attributes)."""
        return {
            "dataset": _DATASET,
            "citation": self.table.meta["citation"],
            "gap": self.gap,
            "gap_rule": {
                "lower": "30 < |l| < 60 deg at the outer plane's flux (a lower estimate)",
                "upper": "30 < |l| < 60 deg at the inner plane's flux (an upper estimate)",
                "none": "30 < |l| < 60 deg left out",
            }[self.gap],
            "scale": self.scale,
            "solid_angles_sr": dict(zip(self.regions, map(float, self.solid_angles), strict=True)),
            "latitudes": "|b| < 8 deg only (emission beyond is not included)",
            "flavour": "per flavour (nu + nubar)",
            "unit_note": self.table.meta["unit_note"],
        }
