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

import numpy as np

from .. import constants as C
from ..params import ParameterError
from .escape import escape_flux
from .instability import alfven_speed, gas_density
from .saturation import B_sat

__all__ = [
    "R_SUN",
    "HaloGeometry",
    "advection_speed",
    "cr_density",
    "target_density",
    "los_nodes",
    "effective_path_length",
    "sky_averaged_intensity",
]

#: distance of the Sun from the Galactic Centre [cm] (GRAVITY Collaboration 2019, A&A 625, L10)
R_SUN = 8.178 * C.kpc

_GL = np.polynomial.legendre.leggauss(48)


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

    def __post_init__(self):
        if self.R_out is None:
            object.__setattr__(self, "R_out", 10.0 * self.R_d)
        for name in ("R_d", "R_out", "R_sun"):
            v = getattr(self, name)
            if not (np.isfinite(v) and v > 0):
                raise ParameterError(
                    f"{name} = {v:g} cm is not allowed: must be a finite value > 0"
                )
        if self.R_out < self.R_d:
            raise ParameterError(
                f"R_out = {self.R_out / C.kpc:g} kpc is not allowed: must be >= R_d = {self.R_d / C.kpc:g} kpc"
            )
        if self.R_sun >= self.R_out:
            raise ParameterError(
                f"R_sun = {self.R_sun / C.kpc:g} kpc is not allowed: must be < R_out = {self.R_out / C.kpc:g} kpc"
            )

    def profile(self, r):
        """f(r): CR density relative to the inner region (1 inside R_d, (R_d/r)² out to R_out)."""
        r = np.asarray(r, dtype=float)
        out = np.where(r <= self.R_d, 1.0, (self.R_d / np.maximum(r, 1e-300)) ** 2)
        return np.where(r <= self.R_out, out, 0.0)


def advection_speed(L_CR, R_d, slope, E_min, E_max, cutoff, rho, E_ref=C.GeV):
    """ṽ_A = δB/√(4πρ) with δB = B_sat of Eq. (8) at the energy E_ref [cm/s].

    For s = 2, E²φ and hence δB are the same at every energy (Eq. 8) and E_ref
    does not matter. For s ≠ 2 the field is taken at E_ref (default 1 GeV,
    where the CR energy flux peaks for s > 2).
    """
    E2phi = E_ref**2 * escape_flux(E_ref, L_CR, R_d, slope, E_min, E_max, cutoff)
    return alfven_speed(B_sat(E2phi), rho)


def cr_density(E, L_CR, R_d, slope, E_min, E_max, cutoff, rho, E_ref=C.GeV):
    """Eq. (15): n_CR(E) = φ(E)/ṽ_A in the inner region [cm^-3 erg^-1]."""
    v = advection_speed(L_CR, R_d, slope, E_min, E_max, cutoff, rho, E_ref)
    return escape_flux(E, L_CR, R_d, slope, E_min, E_max, cutoff) / v


def target_density(delta_G, Omega_b_h2, rho_cr_h2, X_H=0.76, convention="paper"):
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


def los_nodes(geom: HaloGeometry, n_dir=48, rule=_GL):
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


def effective_path_length(geom: HaloGeometry, n_dir=48):
    """L_eff = (1/4π) ∫dΩ ∫ ds f(r): the sky-averaged path through the source [cm].

    The sky-averaged intensity is I = q₀ L_eff/(4π) for an emissivity q₀ f(r). The
    paper's Eq. (16) factor R_d/(2π) corresponds to L_eff = 2 R_d.
    """
    s, r, w = los_nodes(geom, n_dir)
    return np.sum(w * geom.profile(r)) / (4.0 * np.pi)


def sky_averaged_intensity(q0, geom: HaloGeometry, kappa=None, n_dir=48):
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
