"""The circumgalactic source of secondaries: CR and gas densities, geometry, line-of-sight intensity.

The picture of Blasi & Amato (2019):

* CRs leave the Galaxy with the flux φ(E) of Eq. (3) and are advected with the
  Alfvén speed ṽ_A = δB/√(4πρ) in the saturated field δB of Eq. (8); their
  density is n_CR(E) = φ(E)/ṽ_A (Eq. 15) in the region of size ~R_d where the
  problem is one-dimensional, and falls as r^-2 beyond (text after Eq. 15).
* The gas has the mass density ρ = δ_G Ω_b ρ_cr (after Eq. 5); the paper's Eq. (16)
  uses the number density ρ/m_p as the pp target.

The geometry used for the line-of-sight integral (stated, not from the paper):
a sphere centred on the Galactic Centre with the CR profile
f(r) = 1 for r <= R_d, (R_d/r)² for R_d < r <= R_out, 0 beyond, uniform gas out to R_out,
seen from the Sun at R_sun = 8.178 kpc from the centre (GRAVITY Collaboration 2019,
A&A 625, L10). The paper's Eq. (16) instead multiplies the emissivity by R_d/(2π),
i.e. an effective path 2R_d in I = q L/(4π); :func:`effective_path_length` gives ours
to compare.

cgs floats throughout.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from .. import constants as C
from ..errors import ParameterError
from ._typing import ArrayLike, Cutoff, FloatArray, SigmaModel
from .escape import escape_flux
from .instability import alfven_speed, gas_density
from .saturation import B_sat_escape
from .spectrum import _break_args, _is_exp, _no_break

__all__ = [
    "R_SUN",
    "HaloGeometry",
    "dilution",
    "FIELD_ENERGY_PEAK",
    "field_energy",
    "check_field_energy",
    "advection_speed",
    "cr_density",
    "target_density",
    "los_nodes",
    "effective_path_length",
    "sky_averaged_intensity",
    "column_neutrino_sed",
]

#: distance of the Sun from the Galactic Centre [cm] (GRAVITY Collaboration 2019, A&A 625, L10)
R_SUN = 8.178 * C.kpc

#: the value of ``E_ref`` that takes the field of Eq. (8) where E²φ of the escaping spectrum peaks
FIELD_ENERGY_PEAK = "peak"
#: candidate energies within this relative difference of the largest E²φ count as equal
#: (the lowest of them is taken: for s = 2 with a sharp cutoff, E_min)
_PEAK_TIE = 1e-12

_GL = np.polynomial.legendre.leggauss(48)
#: the largest radius of the geometry [cm]: R² (and R_sun R μ) must stay finite in float64
_R_MAX = float(np.sqrt(np.finfo(float).max)) / 1e3


@dataclass(frozen=True)
class HaloGeometry:
    """The stated geometry of the CGM source.

    Attributes
    ----------
    R_d : float [cm]
        Radius of the inner region of uniform CR density (the paper's 1D region, ~R_d).
    R_out : float [cm]
        Outer radius of the gas and CR halo (default 10 R_d when None).
    R_sun : float [cm]
        Distance of the observer from the centre.
    """

    R_d: float
    R_out: float | None = None
    R_sun: float = R_SUN

    def __post_init__(self) -> None:
        if self.R_out is None:
            object.__setattr__(self, "R_out", 10.0 * self.R_d)
        for name in ("R_d", "R_out", "R_sun"):
            v = getattr(self, name)
            if not (np.isfinite(v) and v > 0):
                raise ParameterError(
                    f"{name} = {v:g} cm is not allowed: must be a finite value > 0"
                )
        if self.R_out > _R_MAX:
            raise ParameterError(
                f"R_out = {self.R_out / C.kpc:g} kpc is not allowed: must be below "
                f"{_R_MAX / C.kpc:.3g} kpc, where the squares of the line-of-sight geometry "
                "stay finite (R_out is 10 R_d by default)"
            )
        if self.R_out < self.R_d:
            raise ParameterError(
                f"R_out = {self.R_out / C.kpc:g} kpc is not allowed: must be >= R_d = {self.R_d / C.kpc:g} kpc"
            )
        if self.R_sun >= self.R_out:
            raise ParameterError(
                f"R_sun = {self.R_sun / C.kpc:g} kpc is not allowed: must be < R_out = {self.R_out / C.kpc:g} kpc"
            )

    def profile(self, r: ArrayLike) -> np.ndarray:
        """f(r): CR density relative to the inner region (1 inside R_d, (R_d/r)² out to R_out)."""
        r = np.asarray(r, dtype=float)
        return np.where(r <= self.R_out, dilution(r, self.R_d), 0.0)


def dilution(r: ArrayLike, R_d: ArrayLike) -> FloatArray:
    """f(r) = 1 for r <= R_d, (R_d/r)² beyond: the CR flux at r over that of Eq. (3).

    The paper's picture (text after Eq. 15): one-dimensional up to ~R_d, spherical
    beyond. :meth:`HaloGeometry.profile` is this, cut at R_out. Broadcasts r and R_d.
    """
    r = np.asarray(r, dtype=float)
    return np.where(r <= R_d, 1.0, (R_d / np.maximum(r, 1e-300)) ** 2)


def field_energy(
    E_ref: ArrayLike | str,
    slope: ArrayLike,
    E_min: ArrayLike,
    E_max: ArrayLike,
    cutoff: Cutoff,
    E_break: ArrayLike = np.inf,
    slope_high: ArrayLike | None = None,
) -> FloatArray:
    """The energy at which the saturated field of Eq. (8) sets the advection speed ṽ_A [erg].

    ``E_ref`` is an energy [erg] (returned as it is: the fixed convention, e.g. 1 GeV) or
    ``'peak'`` (:data:`FIELD_ENERGY_PEAK`): the energy in [E_min, E_max] where E²φ(E) of the
    escaping spectrum (Eq. 3, with its cutoff and the optional break of
    :mod:`crescape.physics.spectrum`) is largest. B_sat = √(4πE²φ/c) (Eq. 8) grows with E²φ,
    so this is where the field the escaping CRs drive is largest, and ṽ_A = δB/√(4πρ)
    (before Eq. 10) with it. Vectorised: the parameters broadcast, the result has their shape.

    Notes
    -----
    ln(E² shape) is linear in ln E on each piece of the broken power law (index 2 − s below
    E_break, 2 − s₂ above) for a sharp cutoff, and (2 − s) ln E − E/E_max, concave with its
    stationary point at E = (2 − s) E_max, for the exponential cutoff exp(−E/E_max). Its
    largest value on [E_min, E_max] is therefore at one of E_min, E_break, E_max and, for the
    exponential cutoff, (2 − s) E_max clipped into the lower piece and (2 − s₂) E_max into
    the upper one. With a break these candidates are compared (ties within 10⁻¹² go to the
    lowest); without one the closed forms that follow are used directly:

    * s ≥ 2 (and s₂ ≥ 2 above a break), either cutoff: E_min. For s = 2 with a sharp
      cutoff E²φ is the same at every energy (Eq. 8 has no preferred energy) and E_min is
      taken; with the exponential cutoff E²φ ∝ exp(−E/E_max) peaks at E_min.
    * s < 2 without a break: E_max (sharp), (2 − s) E_max (exponential).
    * s < 2 < s₂: E_break (sharp), min(E_break, (2 − s) E_max) (exponential).

    For the allowed slopes (s, s₂ ≥ 1) the exponential cutoff's stationary points lie
    at or below E_max, so the search interval [E_min, E_max] holds them.
    """
    if isinstance(check_field_energy(E_ref), str):  # 'peak'
        return _peak_energy(slope, E_min, E_max, cutoff, E_break, slope_high)
    return E_ref


def check_field_energy(E_ref: ArrayLike | str) -> ArrayLike | str:
    """``E_ref`` of :func:`field_energy` if it is ``'peak'`` or finite energies > 0 [erg];
    a :class:`~crescape.errors.ParameterError` otherwise."""
    if isinstance(E_ref, str):
        if E_ref != FIELD_ENERGY_PEAK:
            raise ParameterError(
                f"E_ref = {E_ref!r} is not allowed: must be {FIELD_ENERGY_PEAK!r} or an energy > 0"
            )
        return E_ref
    E = np.asarray(E_ref, dtype=float)
    if not np.all(np.isfinite(E) & (E > 0)):
        raise ParameterError(
            f"E_ref = {E_ref} erg is not allowed: must be {FIELD_ENERGY_PEAK!r} or a finite "
            "energy > 0"
        )
    return E_ref


def _peak_energy(slope, E_min, E_max, cutoff, E_break, slope_high):
    """:func:`field_energy` for ``'peak'``: the largest ln(E² shape(E)) among the candidates
    (the broken power law of :func:`crescape.physics.spectrum.spectral_shape`, in logs)."""
    s = np.asarray(slope, dtype=float)
    lo = np.asarray(E_min, dtype=float)
    hi = np.asarray(E_max, dtype=float)
    if _no_break(E_break):  # the closed forms (fast: the fit evaluates this at every step)
        if _is_exp(cutoff):  # (2 - s) E_max, E_min for s >= 2
            return np.clip((2.0 - s) * hi, lo, hi)[()]
        return np.where(s < 2.0, hi, lo)[()]
    _, Eb, s2 = _break_args(s, hi, E_break, slope_high)
    exp = _is_exp(cutoff)
    Ebc = np.clip(Eb, lo, hi)
    ub = np.log(Ebc / lo)
    a, b = 2.0 - s, 2.0 - s2

    def lnF(E):  # ln(E² shape) − ln(E_min² shape(E_min)) (continuous at E_break)
        u = np.log(E / lo)
        g = a * np.minimum(u, ub) + b * np.maximum(u - ub, 0.0)
        return g - E / hi if exp else g

    cand = [Ebc, hi]
    if exp:
        cand += [np.clip(a * hi, lo, Ebc), np.clip(b * hi, Ebc, hi)]
    best, g_best = lo, lnF(lo)
    for E in cand:  # a later candidate wins only if larger by more than the tie tolerance
        g = lnF(E)
        win = g > g_best + _PEAK_TIE
        best, g_best = np.where(win, E, best), np.where(win, g, g_best)
    return best[()]  # the broadcast shape of the parameters (g depends on every one)


def advection_speed(
    L_CR: ArrayLike,
    R_d: ArrayLike,
    slope: ArrayLike,
    E_min: ArrayLike,
    E_max: ArrayLike,
    cutoff: Cutoff,
    rho: ArrayLike,
    E_ref: ArrayLike | str = FIELD_ENERGY_PEAK,
    *,
    E_break: ArrayLike = np.inf,
    slope_high: ArrayLike | None = None,
) -> FloatArray:
    """ṽ_A = δB/√(4πρ) (before Eq. 10) with δB = B_sat of Eq. (8) at the energy E_ref [cm/s].

    For s = 2, E²φ and hence δB are the same at every energy (Eq. 8) and E_ref
    does not matter. For s ≠ 2 the field is taken at :func:`field_energy` (E_ref):
    by default (``'peak'``) where E²φ and so the field are largest (E_min for s ≥ 2,
    E_break for s < 2 < s₂, ...), or at a given energy [erg] (e.g. 1 GeV, the former
    fixed convention). With a spectral break (``E_break``, ``slope_high``,
    :mod:`crescape.physics.spectrum`) the flux is that of the broken spectrum (its
    normalisation Λ changes).
    """
    E = field_energy(E_ref, slope, E_min, E_max, cutoff, E_break, slope_high)
    return alfven_speed(
        B_sat_escape(E, L_CR, R_d, slope, E_min, E_max, cutoff, E_break, slope_high), rho
    )


def cr_density(
    E: ArrayLike,
    L_CR: ArrayLike,
    R_d: ArrayLike,
    slope: ArrayLike,
    E_min: ArrayLike,
    E_max: ArrayLike,
    cutoff: Cutoff,
    rho: ArrayLike,
    E_ref: ArrayLike | str = FIELD_ENERGY_PEAK,
    *,
    E_break: ArrayLike = np.inf,
    slope_high: ArrayLike | None = None,
) -> FloatArray:
    """Eq. (15): n_CR(E) = φ(E)/ṽ_A in the inner region [cm^-3 erg^-1] (ṽ_A, its field
    energy ``E_ref`` and the optional break as :func:`advection_speed`)."""
    brk = {"E_break": E_break, "slope_high": slope_high}
    v = advection_speed(L_CR, R_d, slope, E_min, E_max, cutoff, rho, E_ref, **brk)
    return escape_flux(E, L_CR, R_d, slope, E_min, E_max, cutoff, E_break, slope_high) / v


def target_density(
    delta_G: ArrayLike,
    Omega_b_h2: ArrayLike,
    rho_cr_h2: ArrayLike,
    X_H: ArrayLike = 0.76,
    convention: Literal["paper", "hydrogen"] = "paper",
) -> FloatArray:
    """The pp target density [cm^-3].

    ``convention='paper'``: n = ρ/m_p (Eq. 16, every nucleon counted as a proton);
    ``'hydrogen'``: n_H = X_H ρ/m_p (helium then enters through the nuclear enhancement
    factor, :func:`crescape.physics.pp.nuclear_enhancement`).
    """
    rho = gas_density(delta_G, Omega_b_h2, rho_cr_h2)
    if convention == "paper":
        return rho / C.m_p
    if convention == "hydrogen":
        return X_H * rho / C.m_p
    raise ParameterError(f"target = {convention!r} is not allowed: must be 'paper' or 'hydrogen'")


def los_nodes(
    geom: HaloGeometry, n_dir: int = 48, rule: tuple[np.ndarray, np.ndarray] = _GL
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Quadrature nodes of the all-sky line-of-sight integral ∫dΩ ∫ds g(r, s).

    The sky is axisymmetric about the Sun-centre axis: μ = cos ψ (ψ from the centre
    direction) with a Gauss-Legendre rule, dΩ = 2π dμ. Along each line of sight the path
    is split where it crosses r = R_d (the kink of the profile) and ends at r = R_out;
    each segment uses a Gauss-Legendre rule in ln(s + R_d).

    Returns
    -------
    s, r, w : arrays of shape (n_dir, 3 × n_nodes)
        Path length from the Sun, radius, and weights such that
        Σ w g(r, s) ≈ ∫ dΩ ∫ ds g.
    """
    mu, wmu = np.polynomial.legendre.leggauss(n_dir)
    Rs, Rd, Ro = geom.R_sun, geom.R_d, geom.R_out
    # r² = Rs² + s² - 2 Rs s μ; crossings with radius R: s = Rs μ ± √(R² - Rs²(1 - μ²))
    disc_d = Rd**2 - Rs**2 * (1.0 - mu**2)
    hit = disc_d > 0
    sq = np.sqrt(np.where(hit, disc_d, 0.0))
    s_in = np.where(hit, np.clip(Rs * mu - sq, 0.0, None), 0.0)
    s_outd = np.where(hit, np.clip(Rs * mu + sq, 0.0, None), 0.0)
    s_end = Rs * mu + np.sqrt(Ro**2 - Rs**2 * (1.0 - mu**2))
    s_in = np.minimum(s_in, s_end)
    s_outd = np.minimum(np.maximum(s_outd, s_in), s_end)
    x, w = rule
    segs_s, segs_w = [], []
    for a, b in ((np.zeros_like(mu), s_in), (s_in, s_outd), (s_outd, s_end)):
        ua, ub = np.log(a + Rd), np.log(b + Rd)
        half = 0.5 * (ub - ua)[:, None]
        u = 0.5 * (ub + ua)[:, None] + half * x
        s = np.exp(u) - Rd
        segs_s.append(s)
        segs_w.append(half * w * np.exp(u))  # ds = e^u du
    s = np.concatenate(segs_s, axis=1)
    ws = np.concatenate(segs_w, axis=1)
    r = np.sqrt(np.maximum(Rs**2 + s**2 - 2.0 * Rs * s * mu[:, None], 0.0))
    return s, r, ws * (2.0 * np.pi * wmu)[:, None]


def effective_path_length(geom: HaloGeometry, n_dir: int = 48) -> float:
    """L_eff = (1/4π) ∫dΩ ∫ ds f(r): the sky-averaged path through the source [cm].

    The sky-averaged intensity is I = q₀ L_eff/(4π) for an emissivity q₀ f(r). The
    paper's Eq. (16) factor R_d/(2π) corresponds to L_eff = 2 R_d.
    """
    s, r, w = los_nodes(geom, n_dir)
    return np.sum(w * geom.profile(r)) / (4.0 * np.pi)


def sky_averaged_intensity(
    q0: ArrayLike, geom: HaloGeometry, kappa: ArrayLike | None = None, n_dir: int = 48
) -> FloatArray:
    """Sky-averaged intensity (1/4π)·(1/4π)∫dΩ ∫ds q₀ f(r) e^{-κ s} [per sr].

    Parameters
    ----------
    q0 : array (..., ) emissivity in the inner region (per volume)
    geom : HaloGeometry
    kappa : array like q0, or None
        Absorption coefficient [cm^-1] at each energy (γ rays); None for no absorption.

    Returns
    -------
    array like q0: intensity per steradian averaged over the sky.
    """
    q0 = np.asarray(q0, dtype=float)
    s, r, w = los_nodes(geom, n_dir)
    f = geom.profile(r) * w
    if kappa is None:
        return q0 * np.sum(f) / (4.0 * np.pi) ** 2
    kappa = np.asarray(kappa, dtype=float)
    att = np.exp(-kappa[..., None, None] * s)
    return q0 * np.sum(att * f, axis=(-2, -1)) / (4.0 * np.pi) ** 2


def _loglog_density(E_grid, n):
    """J(E_p) per cell: log-log interpolation of n (n_cells, n_E) over E_grid, zero outside it."""
    lE = np.log(E_grid)
    ln = np.log(np.maximum(n, 1e-300))

    def J(Ep):
        x = np.log(np.asarray(Ep, dtype=float))
        i = np.clip(np.searchsorted(lE, x) - 1, 0, lE.size - 2)
        w = (x - lE[i]) / (lE[i + 1] - lE[i])
        inside = (x >= lE[0]) & (x <= lE[-1])
        val = np.exp(ln[:, i] * (1.0 - w) + ln[:, i + 1] * w)
        return np.where(inside, val, 0.0)

    return J


def column_neutrino_sed(
    z: ArrayLike,
    E: ArrayLike,
    n_CR: ArrayLike,
    n_target: ArrayLike,
    E_nu: ArrayLike,
    R_d: float,
    R_sun: float | None = None,
    R_out: float | None = None,
    sigma_model: SigmaModel = "KAB06",
) -> np.ndarray:
    """Sky-averaged all-flavour ν + ν̄ SED E² I(E_ν) [erg cm^-2 s^-1 sr^-1] from simulated profiles.

    Parameters
    ----------
    z : array (n_cells,)
        Distances of the cell centres from the Galactic plane [cm].
    E : array (n_E,)
        CR energies [erg].
    n_CR : array (n_cells, n_E)
        CR density per unit energy [cm^-3 erg^-1].
    n_target : array (n_cells,)
        pp target density [cm^-3] (the paper's ρ/m_p, Eq. 16).
    E_nu : array
        Neutrino energies [erg], ≥ 0.1 TeV (the full spectra of Kelner, Aharonian &
        Bugayov 2006, Eqs. 62-72, :func:`crescape.physics.pp.emissivity_full`).
    R_d : float
        Disk radius [cm] (the kink of the line-of-sight quadrature).
    R_sun, R_out : float or None
        Observer distance from the centre (default :data:`crescape.physics.R_SUN`)
        and outer radius of the emitting region (default: the last cell's centre).

    Notes
    -----
    The 1D column is mapped onto a sphere around the Galactic Centre: the
    emissivity at radius r is that of the cell at z = r, and that of the first
    cell for r < z_0 (the inner region of uniform density, as in the paper's
    picture), zero beyond R_out. The intensity is
    (1/4π)·(1/4π)∫dΩ∫ds q(r) with the quadrature of
    :func:`crescape.physics.los_nodes`; the oscillations conserve the
    all-flavour sum, so it is the sum of the ν_e and ν_μ production.
    """
    from . import pp

    z = np.asarray(z, dtype=float)
    E_nu = np.atleast_1d(np.asarray(E_nu, dtype=float))
    if np.any(E_nu < pp.E_TRANSITION * (1 - 1e-9)):
        raise ParameterError(
            f"E_nu min = {E_nu.min() / C.GeV:g} GeV is not allowed: must be >= {pp.E_TRANSITION / C.GeV:g} GeV"
        )
    J = _loglog_density(np.asarray(E, dtype=float), np.asarray(n_CR, dtype=float))
    Ep_max = float(np.max(E))
    q = sum(
        pp.emissivity_full(E_nu, J, 1.0, sp, Ep_max, sigma_model) for sp in ("nu_e", "nu_mu")
    )  # (n_cells, n_E_nu)
    q = q * np.asarray(n_target, dtype=float)[:, None]
    geom = HaloGeometry(
        float(R_d),
        float(z[-1] if R_out is None else R_out),
        float(R_SUN if R_sun is None else R_sun),
    )
    s, r, w = los_nodes(geom)
    idx = np.clip(np.searchsorted(z, r.ravel()), 0, z.size - 1)
    inside = r.ravel() <= geom.R_out
    qr = q[idx] * inside[:, None]  # (n_nodes, n_E_nu)
    I = (w.ravel()[:, None] * qr).sum(axis=0) / (4.0 * np.pi) ** 2
    return E_nu**2 * I
