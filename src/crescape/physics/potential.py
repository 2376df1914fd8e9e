"""Gravitational potentials of the Galaxy: NFW halo, Miyamoto–Nagai disk, bulges.

Pure functions of cgs floats (numpy broadcasting): the potential Φ [erg g^-1 =
cm² s^-2] of each component and its gradient, in cylindrical coordinates (R, z)
about the Galactic Centre (the spherical components depend on r = √(R² + z²)),
and a composite :class:`GalaxyPotential` that sums them and gives the circular
velocity v_c(R) = √(R ∂Φ/∂R) in the plane, the escape speed √(−2Φ) and the
potential along the rotation axis (the line of the 1D CGM run).

The Milky Way default is MWPotential2014 of Bovy (2015, ApJS 216, 29, §3.5 and
Table 1): a power-law bulge with a Gaussian cut-off, a Miyamoto–Nagai disk and an
NFW halo, normalised so that v_c(R0 = 8 kpc) = 220 km/s with the fractions 0.05,
0.6 and 0.35 of the radial force at R0 from the bulge, the disk and the halo
(:func:`mw2014`). The Hernquist bulge is offered as an alternative.

References
----------
Navarro, Frenk & White (1997), ApJ 490, 493. Miyamoto & Nagai (1975), PASJ 27, 533.
Hernquist (1990), ApJ 356, 359. Binney & Tremaine (2008), *Galactic Dynamics*, 2nd ed.
Bovy (2015), ApJS 216, 29.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import gamma as _gamma
from scipy.special import gammainc, gammaincc

from .. import constants as C
from ..errors import ParameterError
from ._typing import ArrayLike, FloatArray

__all__ = [
    "G",
    "M_SUN",
    "MW2014",
    "nfw_potential",
    "nfw_enclosed_mass",
    "nfw_rho_s",
    "nfw_virial_radius",
    "miyamoto_nagai_potential",
    "miyamoto_nagai_gradient",
    "hernquist_potential",
    "hernquist_enclosed_mass",
    "power_cutoff_potential",
    "power_cutoff_enclosed_mass",
    "isothermal_sphere_potential",
    "NFW",
    "MiyamotoNagai",
    "Hernquist",
    "PowerCutoff",
    "GalaxyPotential",
    "mw2014",
]

#: Newtonian constant of gravitation [cm³ g^-1 s^-2] (CODATA 2018)
G = 6.67430e-8
#: solar mass [g]: the IAU 2015 nominal GM_sun = 1.3271244e26 cm³ s^-2 (Resolution B3) over G
M_SUN = 1.3271244e26 / G

#: MWPotential2014 (Bovy 2015, ApJS 216, 29, §3.5 and Table 1): R0 [cm], v_c(R0) [cm/s],
#: bulge slope α and cut-off radius r_c [cm], disk a, b [cm], halo r_s [cm], and the
#: fractions of the radial force at R0 contributed by bulge, disk and halo
MW2014 = {
    "R0": 8.0 * C.kpc,
    "v0": 220.0 * C.km_s,
    "bulge_alpha": 1.8,
    "bulge_r_c": 1.9 * C.kpc,
    "disk_a": 3.0 * C.kpc,
    "disk_b": 0.28 * C.kpc,
    "halo_r_s": 16.0 * C.kpc,
    "force_fractions": (0.05, 0.6, 0.35),
}


# --------------------------------------------------------------------------- NFW halo
def nfw_potential(r: ArrayLike, rho_s: float, r_s: float) -> FloatArray:
    """Φ(r) = −4πGρ_s r_s³ ln(1 + r/r_s)/r [cm² s^-2] of the NFW halo.

    Notes
    -----
    The density ρ = ρ_s/[(r/r_s)(1 + r/r_s)²] is that of Navarro, Frenk & White (1997);
    its potential follows from Φ = −G[M(<r)/r + 4π∫_r^∞ ρ r' dr'] (Binney & Tremaine 2008,
    ch. 2), finite, −4πGρ_s r_s², at r = 0.
    """
    x = np.asarray(r, dtype=float) / r_s
    small = x < 1e-6
    xs = np.where(small, 1.0, x)
    f = np.where(small, 1.0 - 0.5 * x, np.log1p(xs) / xs)
    return -4.0 * np.pi * G * rho_s * r_s**2 * f


def nfw_enclosed_mass(r: ArrayLike, rho_s: float, r_s: float) -> FloatArray:
    """M(<r) = 4πρ_s r_s³ [ln(1 + x) − x/(1 + x)], x = r/r_s [g] (the integral of the NFW density)."""
    x = np.asarray(r, dtype=float) / r_s
    return 4.0 * np.pi * rho_s * r_s**3 * (np.log1p(x) - x / (1.0 + x))


def nfw_rho_s(M_vir: float, c: float, rho_crit: float, Delta: float = 200.0) -> tuple[float, float]:
    """(ρ_s, r_s) of an NFW halo of mass M_vir [g] and concentration c = r_vir/r_s.

    r_vir is the radius of mean density Δ ρ_crit: M_vir = (4π/3) Δ ρ_crit r_vir³
    (Navarro, Frenk & White 1997, §2), and M_vir = M(<r_vir) fixes ρ_s.
    """
    r_vir = nfw_virial_radius(M_vir, rho_crit, Delta)
    r_s = r_vir / c
    rho_s = M_vir / (4.0 * np.pi * r_s**3 * (np.log1p(c) - c / (1.0 + c)))
    return rho_s, r_s


def nfw_virial_radius(M_vir: ArrayLike, rho_crit: float, Delta: float = 200.0) -> FloatArray:
    """r_vir = [3 M_vir/(4π Δ ρ_crit)]^{1/3} [cm] (Navarro, Frenk & White 1997, §2)."""
    return (3.0 * M_vir / (4.0 * np.pi * Delta * rho_crit)) ** (1.0 / 3.0)


# --------------------------------------------------------------------------- Miyamoto–Nagai disk
def miyamoto_nagai_potential(
    R: ArrayLike, z: ArrayLike, M: float, a: float, b: float
) -> FloatArray:
    """Φ(R, z) = −GM/√(R² + (a + √(z² + b²))²) (Miyamoto & Nagai 1975)."""
    R = np.asarray(R, dtype=float)
    z = np.asarray(z, dtype=float)
    return -G * M / np.sqrt(R**2 + (a + np.sqrt(z**2 + b**2)) ** 2)


def miyamoto_nagai_gradient(
    R: ArrayLike, z: ArrayLike, M: float, a: float, b: float
) -> tuple[FloatArray, FloatArray]:
    """(∂Φ/∂R, ∂Φ/∂z) of :func:`miyamoto_nagai_potential` (its derivatives)."""
    R = np.asarray(R, dtype=float)
    z = np.asarray(z, dtype=float)
    zb = np.sqrt(z**2 + b**2)
    D3 = (R**2 + (a + zb) ** 2) ** 1.5
    return G * M * R / D3, G * M * z * (a + zb) / (zb * D3)


# --------------------------------------------------------------------------- spherical bulges
def hernquist_potential(r: ArrayLike, M: float, a: float) -> FloatArray:
    """Φ(r) = −GM/(r + a) (Hernquist 1990, Eq. 5)."""
    return -G * M / (np.asarray(r, dtype=float) + a)


def hernquist_enclosed_mass(r: ArrayLike, M: float, a: float) -> FloatArray:
    """M(<r) = M r²/(r + a)² (Hernquist 1990, Eq. 3)."""
    r = np.asarray(r, dtype=float)
    return M * r**2 / (r + a) ** 2


def power_cutoff_enclosed_mass(r: ArrayLike, M: float, alpha: float, r_c: float) -> FloatArray:
    """M(<r) = M P((3 − α)/2, r²/r_c²) of ρ ∝ r^-α exp(−r²/r_c²) [g].

    Notes
    -----
    The bulge of MWPotential2014 (Bovy 2015, §3.5); M is the total mass and P the
    regularised lower incomplete gamma function: ∫₀^r 4πr'² ρ dr' with s = r'²/r_c².
    """
    r = np.asarray(r, dtype=float)
    return M * gammainc(0.5 * (3.0 - alpha), (r / r_c) ** 2)


def power_cutoff_potential(r: ArrayLike, M: float, alpha: float, r_c: float) -> FloatArray:
    """Φ(r) of ρ = ρ₁ r^-α exp(−r²/r_c²) with total mass M (Bovy 2015, §3.5) [cm² s^-2].

    Notes
    -----
    Φ = −GM(<r)/r − 4πG∫_r^∞ ρ r' dr' (Binney & Tremaine 2008, ch. 2), and
    4π∫_r^∞ ρ r' dr' = 2πρ₁ r_c^{2−α} Γ((2 − α)/2, r²/r_c²) with
    ρ₁ = M/(2π r_c^{3−α} Γ((3 − α)/2)); valid for α < 2.
    """
    r = np.asarray(r, dtype=float)
    x = (r / r_c) ** 2
    s3, s2 = 0.5 * (3.0 - alpha), 0.5 * (2.0 - alpha)
    rho1 = M / (2.0 * np.pi * r_c ** (3.0 - alpha) * _gamma(s3))
    outer = 2.0 * np.pi * rho1 * r_c ** (2.0 - alpha) * gammaincc(s2, x) * _gamma(s2)
    rs = np.where(r > 0, r, 1.0)
    inner = np.where(r > 0, M * gammainc(s3, x) / rs, 0.0)
    return -G * (inner + outer)


def isothermal_sphere_potential(r: ArrayLike, V_g: float, r_0: float) -> FloatArray:
    """Φ(r) = 2V_g² ln(r/r_0) of the singular isothermal sphere [cm² s^-2], zero at r_0.

    Binney & Tremaine (2008), §4.3.3(b): ρ = V_g²/(2πG r²) with V_g the one-dimensional
    velocity dispersion, so g = −2V_g²/r and v_c = √2 V_g at every radius. The potential of the
    isothermal CR-driven wind models of Quataert, Jiang & Thompson (2022, MNRAS 510, 1184).
    """
    return 2.0 * V_g**2 * np.log(np.asarray(r, dtype=float) / r_0)


# --------------------------------------------------------------------------- components
def _spherical_gradient(R, z, mass):
    """(∂Φ/∂R, ∂Φ/∂z) = G M(<r) (R, z)/r³ of a spherical component."""
    R = np.asarray(R, dtype=float)
    z = np.asarray(z, dtype=float)
    r = np.sqrt(R**2 + z**2)
    rs = np.where(r > 0, r, 1.0)
    k = np.where(r > 0, G * mass(r) / rs**3, 0.0)
    return k * R, k * z


def _positive(name, value):
    if not (np.isfinite(value) and value > 0):
        raise ParameterError(f"{name} = {value:g} is not allowed: must be a finite value > 0")


@dataclass(frozen=True)
class NFW:
    """NFW dark halo (cgs): ρ_s [g cm^-3], r_s [cm]."""

    rho_s: float
    r_s: float

    def __post_init__(self):
        _positive("halo_rho_s", self.rho_s)
        _positive("halo_r_s", self.r_s)

    def phi(self, R, z):
        return nfw_potential(np.hypot(R, z), self.rho_s, self.r_s)

    def gradient(self, R, z):
        return _spherical_gradient(R, z, lambda r: nfw_enclosed_mass(r, self.rho_s, self.r_s))


@dataclass(frozen=True)
class MiyamotoNagai:
    """Miyamoto–Nagai disk (cgs): mass M [g], scale length a and height b [cm]."""

    M: float
    a: float
    b: float

    def __post_init__(self):
        _positive("disk_M", self.M)
        _positive("disk_a", self.a)
        _positive("disk_b", self.b)

    def phi(self, R, z):
        return miyamoto_nagai_potential(R, z, self.M, self.a, self.b)

    def gradient(self, R, z):
        return miyamoto_nagai_gradient(R, z, self.M, self.a, self.b)


@dataclass(frozen=True)
class Hernquist:
    """Hernquist bulge (cgs): mass M [g], scale radius a [cm]."""

    M: float
    a: float

    def __post_init__(self):
        _positive("bulge_M", self.M)
        _positive("bulge_a", self.a)

    def phi(self, R, z):
        return hernquist_potential(np.hypot(R, z), self.M, self.a)

    def gradient(self, R, z):
        return _spherical_gradient(R, z, lambda r: hernquist_enclosed_mass(r, self.M, self.a))


@dataclass(frozen=True)
class PowerCutoff:
    """Power-law bulge with a Gaussian cut-off (cgs): mass M [g], slope α (< 2), r_c [cm]."""

    M: float
    alpha: float
    r_c: float

    def __post_init__(self):
        _positive("bulge_M", self.M)
        _positive("bulge_r_c", self.r_c)
        if not (np.isfinite(self.alpha) and 0.0 <= self.alpha < 2.0):
            raise ParameterError(
                f"bulge_alpha = {self.alpha:g} is not allowed: must be a finite value >= 0 and < 2"
            )

    def phi(self, R, z):
        return power_cutoff_potential(np.hypot(R, z), self.M, self.alpha, self.r_c)

    def gradient(self, R, z):
        return _spherical_gradient(
            R, z, lambda r: power_cutoff_enclosed_mass(r, self.M, self.alpha, self.r_c)
        )


@dataclass(frozen=True)
class GalaxyPotential:
    """A sum of components (each with ``phi(R, z)`` and ``gradient(R, z)``), cgs.

    Φ → 0 at infinity for every component, so √(−2Φ) is the escape speed.
    """

    components: tuple

    def phi(self, R, z=0.0):
        """Φ(R, z) [cm² s^-2]."""
        return sum(c.phi(R, z) for c in self.components)

    def gradient(self, R, z=0.0):
        """(∂Φ/∂R, ∂Φ/∂z) [cm s^-2]."""
        gR = gz = 0.0
        for c in self.components:
            a, b = c.gradient(R, z)
            gR, gz = gR + a, gz + b
        return gR, gz

    def v_circ(self, R):
        """Circular velocity in the plane, √(R ∂Φ/∂R |_{z=0}) [cm/s] (Binney & Tremaine 2008, ch. 2)."""
        gR, _ = self.gradient(R, 0.0)
        return np.sqrt(np.asarray(R, dtype=float) * gR)

    def v_esc(self, R, z=0.0):
        """Escape speed √(−2Φ(R, z)) [cm/s] (Binney & Tremaine 2008, ch. 2)."""
        return np.sqrt(-2.0 * self.phi(R, z))

    def phi_axis(self, z):
        """Φ along the rotation axis, Φ(R = 0, z) [cm² s^-2] (the line of the 1D run)."""
        return self.phi(0.0, np.asarray(z, dtype=float))

    def g_axis(self, z):
        """Gravitational acceleration along the axis, −∂Φ/∂z(R = 0, z) [cm s^-2] (< 0 above the disk)."""
        return -self.gradient(0.0, np.asarray(z, dtype=float))[1]


def mw2014(halo_scale: float = 1.0, disk: bool = True, bulge: bool = True) -> GalaxyPotential:
    """MWPotential2014 (Bovy 2015, ApJS 216, 29, §3.5), cgs; the parameters are :data:`MW2014`.

    Each component's amplitude is set so that it supplies its fraction of the radial force
    v0²/R0 at (R0, 0); ``halo_scale`` multiplies the halo's (Bovy 2015 notes its halo mass
    is on the low side of the estimates), ``disk``/``bulge`` False drop those components.
    """
    p = MW2014
    R0, v0 = p["R0"], p["v0"]
    fb, fd, fh = p["force_fractions"]
    F0 = v0**2 / R0  # radial force per unit mass at R0
    a, b = p["disk_a"], p["disk_b"]
    M_d = fd * F0 * (R0**2 + (a + b) ** 2) ** 1.5 / (G * R0)
    M_b = (
        fb
        * F0
        * R0**2
        / (G * power_cutoff_enclosed_mass(R0, 1.0, p["bulge_alpha"], p["bulge_r_c"]))
    )
    r_s = p["halo_r_s"]
    rho_s = fh * F0 * R0**2 / (G * nfw_enclosed_mass(R0, 1.0, r_s))
    comps = [NFW(halo_scale * rho_s, r_s)]
    if disk:
        comps.append(MiyamotoNagai(M_d, a, b))
    if bulge:
        comps.append(PowerCutoff(M_b, p["bulge_alpha"], p["bulge_r_c"]))
    return GalaxyPotential(tuple(comps))
