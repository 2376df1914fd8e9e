"""Grids and geometry of the 1D transport problem (planar, spherical, flux tube).

The spatial grid is a set of cell faces ``z_0 < z_1 < ... < z_N`` (cm). A
geometry gives the cross-section ``A(z)`` of the tube along which cosmic rays
move: ``A = 1`` (planar slab), ``A = r²`` (spherical, per steradian) or any
positive ``A(z)`` (a flux tube). Cell volumes are ``V_i = ∫ A dz`` over the
cell and face areas are ``A(z_{i±1/2})``, so the finite-volume scheme is
conservative in every geometry.

The momentum grid is uniform in ``y = ln p``; ``p`` is in g cm s^-1 and
particle speeds follow from the particle mass (protons by default).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from .. import constants as C

__all__ = [
    "Planar",
    "Spherical",
    "FluxTube",
    "SpatialGrid",
    "MomentumGrid",
    "geometry_from_name",
    "cell_faces",
    "face_values",
]


class Planar:
    """Slab geometry, A(z) = 1."""

    name = "planar"

    def area(self, z):
        """Face area A(z) = 1."""
        return np.ones_like(np.asarray(z, dtype=float))

    def volumes(self, faces):
        """Cell volumes Δz (per unit area)."""
        return np.diff(faces)

    def attrs(self) -> dict:
        return {"geometry": self.name}


class Spherical:
    """Spherical geometry, A(r) = r² (volumes per steradian)."""

    name = "spherical"

    def area(self, z):
        """Face area A(r) = r² (per steradian)."""
        return np.asarray(z, dtype=float) ** 2

    def volumes(self, faces):
        """Exact shell volumes (r_{i+1/2}³ − r_{i−1/2}³)/3 (per steradian)."""
        return np.diff(faces**3) / 3.0

    def attrs(self) -> dict:
        return {"geometry": self.name}


class FluxTube:
    """A flux tube with a given cross-section A(z).

    Parameters
    ----------
    area : callable
        ``area(z) -> A`` for an array of z (cm); any positive unit, only ratios matter.
    description : str
        Stored in the output attributes (e.g. the formula of A).

    Notes
    -----
    Cell volumes are integrated with Simpson's rule on each cell, exact for
    A quadratic in z (so ``FluxTube(lambda z: z**2)`` equals :class:`Spherical`).
    """

    name = "flux_tube"

    def __init__(self, area: Callable, description: str = ""):
        self._area = area
        self.description = description

    def area(self, z):
        A = np.asarray(self._area(np.asarray(z, dtype=float)), dtype=float)
        if np.any(~np.isfinite(A)) or np.any(A <= 0):
            raise ValueError("flux tube area A(z) must be finite and > 0 on every face and cell")
        return np.broadcast_to(A, np.shape(z)).copy()

    def volumes(self, faces):
        zl, zr = faces[:-1], faces[1:]
        return (zr - zl) * (self.area(zl) + 4.0 * self.area(0.5 * (zl + zr)) + self.area(zr)) / 6.0

    def attrs(self) -> dict:
        return {"geometry": self.name, "area": self.description}


def geometry_from_name(name: str, area: Callable | None = None, description: str = ""):
    """``"planar"``, ``"spherical"`` or ``"flux_tube"`` (needs ``area``)."""
    if name == "planar":
        return Planar()
    if name == "spherical":
        return Spherical()
    if name == "flux_tube":
        if area is None:
            raise ValueError("geometry = 'flux_tube' needs an area A(z)")
        return FluxTube(area, description)
    raise ValueError(
        f"geometry = {name!r} is not allowed: must be 'planar', 'spherical' or 'flux_tube'"
    )


@dataclass
class SpatialGrid:
    """Finite-volume cells along z (or r) with a geometry.

    Parameters
    ----------
    faces : array (N+1,)
        Strictly increasing face positions [cm]. For spherical geometry
        faces must be >= 0.
    geometry : Planar, Spherical or FluxTube

    Attributes
    ----------
    centres, dz (cell widths), dzc (centre-to-centre distances, N-1),
    area (A at faces, N+1), volume (N)
    """

    faces: np.ndarray
    geometry: object = field(default_factory=Planar)

    def __post_init__(self):
        f = np.asarray(self.faces, dtype=float)
        if f.ndim != 1 or f.size < 3 or not np.all(np.isfinite(f)) or np.any(np.diff(f) <= 0):
            raise ValueError(
                "faces must be a finite, strictly increasing array of at least 3 values"
            )
        if isinstance(self.geometry, Spherical) and f[0] < 0:
            raise ValueError(
                f"faces[0] = {f[0]} is not allowed for spherical geometry: must be >= 0"
            )
        self.faces = f
        self.centres = 0.5 * (f[1:] + f[:-1])
        self.dz = np.diff(f)
        self.dzc = np.diff(self.centres)
        self.area = np.asarray(self.geometry.area(f), dtype=float)
        self.volume = np.asarray(self.geometry.volumes(f), dtype=float)

    @classmethod
    def uniform(cls, z_min: float, z_max: float, n: int, geometry=None) -> SpatialGrid:
        """``n`` equal cells between ``z_min`` and ``z_max`` [cm]."""
        if int(n) < 2:
            raise ValueError(f"n = {n} cells is not allowed: must be >= 2")
        return cls(np.linspace(z_min, z_max, int(n) + 1), geometry or Planar())

    @classmethod
    def log(cls, z_min: float, z_max: float, n: int, geometry=None) -> SpatialGrid:
        """``n`` cells equally spaced in ln z between ``z_min > 0`` and ``z_max``."""
        if not z_min > 0:
            raise ValueError(f"z_min = {z_min} is not allowed for a log grid: must be > 0")
        return cls(np.geomspace(z_min, z_max, int(n) + 1), geometry or Planar())

    @property
    def n(self) -> int:
        return self.centres.size

    def divergence(self, u_faces):
        """Cell-averaged ∇·u = A⁻¹ ∂_z(A u) from face velocities (conservative)."""
        return np.diff(self.area * u_faces) / self.volume


@dataclass
class MomentumGrid:
    """Momentum bins uniform in y = ln p.

    Parameters
    ----------
    p_min, p_max : float
        Edges of the first and last bins [g cm s^-1].
    n : int
        Number of bins.
    mass : float
        Particle mass [g] (proton by default); sets v(p) = p c² / E.
    """

    p_min: float
    p_max: float
    n: int
    mass: float = C.m_p

    def __post_init__(self):
        if not (self.p_min > 0 and self.p_max > self.p_min):
            raise ValueError(f"p_min = {self.p_min}, p_max = {self.p_max}: need 0 < p_min < p_max")
        if int(self.n) < 1:
            raise ValueError(f"n = {self.n} momentum bins is not allowed: must be >= 1")
        self.n = int(self.n)
        self.y_faces = np.linspace(np.log(self.p_min), np.log(self.p_max), self.n + 1)
        self.dy = (self.y_faces[-1] - self.y_faces[0]) / self.n
        self.y = 0.5 * (self.y_faces[1:] + self.y_faces[:-1])
        self.p = np.exp(self.y)
        mc = self.mass * C.c
        self.energy = C.c * np.sqrt(self.p**2 + mc**2)
        self.velocity = self.p * C.c**2 / self.energy

    @classmethod
    def from_energy(cls, E_min: float, E_max: float, n: int, mass: float = C.m_p) -> MomentumGrid:
        """Bins between total energies ``E_min`` and ``E_max`` [erg]."""
        mc2 = mass * C.c**2
        for name, E in (("E_min", E_min), ("E_max", E_max)):
            if not E > mc2:
                raise ValueError(f"{name} = {E} erg is not allowed: must exceed m c² = {mc2} erg")
        pmin = np.sqrt(E_min**2 - mc2**2) / C.c
        pmax = np.sqrt(E_max**2 - mc2**2) / C.c
        return cls(pmin, pmax, n, mass)

    def dE_dlnp(self):
        """dE/d ln p = p v [erg], to convert per-energy to per-ln p densities."""
        return self.p * self.velocity


def cell_faces(z0: float, z1: float, n: int, stretch: float = 1.0) -> np.ndarray:
    """n + 1 faces from z0 to z1 whose widths grow geometrically, last/first = ``stretch`` [cm]."""
    if stretch == 1.0:
        return np.linspace(z0, z1, n + 1)
    q = stretch ** (1.0 / max(n - 1, 1))
    w = q ** np.arange(n)
    x = np.concatenate([[0.0], np.cumsum(w)])
    faces = z0 + (z1 - z0) * x / x[-1]
    faces[-1] = z1
    return faces


def face_values(P, grid: SpatialGrid) -> np.ndarray:
    """Cell values P (n,) on the n + 1 faces of ``grid``.

    Linear interpolation between neighbouring centres; linear extrapolation to
    the two boundary faces, clipped at 0, so that a boundary cell feels the full
    gradient (second order at the boundaries).
    """
    P = np.asarray(P, dtype=float)
    if P.size < 2:
        return np.concatenate([P, P])
    dz, dzc = grid.dz, grid.dzc
    slope = np.diff(P) / dzc
    inner = P[:-1] + slope * 0.5 * dz[:-1]
    lo = max(P[0] - slope[0] * 0.5 * dz[0], 0.0)
    hi = max(P[-1] + slope[-1] * 0.5 * dz[-1], 0.0)
    return np.concatenate([[lo], inner, [hi]])
