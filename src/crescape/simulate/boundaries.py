"""Boundary conditions of the transport problem.

Inner boundary (z_min, the halo surface or the inner radius):

* :class:`PrescribedFlux` – the total CR flux through the face is given per
  ln p bin, e.g. the escaping flux of Eq. (3) (:meth:`PrescribedFlux.escape`);
* :class:`Reflecting` – zero flux;
* :class:`FixedValue` – the density on the face is given.

Outer boundary (z_max):

* :class:`FreeEscape` – g = 0 on the face: diffusion (flux-limited) and
  advection carry particles out, nothing comes in;
* :class:`Outflow` – zero diffusive flux, advection carries particles out;
* :class:`Reflecting` and :class:`FixedValue`.

Values and fluxes are arrays over the momentum bins or callables ``f(p, t)``
(p in g cm s^-1, t in s) evaluated at the middle of each step.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..physics.escape import escape_flux

__all__ = [
    "PrescribedFlux",
    "Reflecting",
    "FixedValue",
    "FreeEscape",
    "Outflow",
    "escape_flux_per_lnp",
    "IN_FLUX",
    "IN_REFLECT",
    "IN_VALUE",
    "OUT_FREE",
    "OUT_OUTFLOW",
    "OUT_REFLECT",
    "OUT_VALUE",
]

IN_FLUX, IN_REFLECT, IN_VALUE = 0, 1, 2
OUT_FREE, OUT_OUTFLOW, OUT_REFLECT, OUT_VALUE = 0, 1, 2, 3


def _evaluate(value, name, p, t):
    arr = value(p, t) if callable(value) else value
    arr = np.ascontiguousarray(np.broadcast_to(np.asarray(arr, dtype=float), p.shape))
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} has non-finite values: must be finite")
    return arr


class PrescribedFlux:
    """Inner boundary with a given total CR flux per ln p [cm^-2 s^-1].

    Parameters
    ----------
    flux : float, array (n_p,) or callable ``flux(p, t)``
        Number of particles per unit area, time and ln p entering through the
        inner face (advective plus diffusive).
    """

    kind = "flux"

    def __init__(self, flux: float | np.ndarray | Callable):
        self.flux = flux

    def code(self, side):
        if side != "inner":
            raise ValueError("PrescribedFlux is only allowed at the inner boundary")
        return IN_FLUX

    def values(self, p, t):
        return _evaluate(self.flux, "inner flux", p, t)

    @classmethod
    def escape(cls, pgrid, params) -> PrescribedFlux:
        """The escaping flux of Eq. (3) per ln p, φ(E) dE/d ln p, for any slope and cutoff.

        Parameters
        ----------
        pgrid : MomentumGrid
        params : crescape.params.Parameters

        Notes
        -----
        φ(E) is :func:`crescape.physics.escape.escape_flux` at the total
        energy of each bin centre, times dE/d ln p = p v.
        """
        return cls(escape_flux_per_lnp(pgrid, params))

    def attrs(self, side):
        return {f"{side}_boundary": self.kind}


def escape_flux_per_lnp(pgrid, params) -> np.ndarray:
    """Eq. (3) per ln p at the bin centres: φ_CR(E) · p v [cm^-2 s^-1]."""
    c = params.cgs
    phi = escape_flux(
        pgrid.energy, c.L_CR, c.R_d, c.slope, c.E_min, c.E_max, c.cutoff, c.E_break, c.slope_high
    )
    return np.asarray(phi * pgrid.dE_dlnp(), dtype=float)


class Reflecting:
    """Zero flux through the face (inner or outer)."""

    kind = "reflecting"

    def code(self, side):
        return IN_REFLECT if side == "inner" else OUT_REFLECT

    def values(self, p, t):
        return np.zeros_like(p)

    def attrs(self, side):
        return {f"{side}_boundary": self.kind}


class FixedValue:
    """A given density per ln p on the face [cm^-3] (inner or outer)."""

    kind = "value"

    def __init__(self, value: float | np.ndarray | Callable):
        self.value = value

    def code(self, side):
        return IN_VALUE if side == "inner" else OUT_VALUE

    def values(self, p, t):
        v = _evaluate(self.value, "boundary value", p, t)
        if np.any(v < 0):
            raise ValueError("boundary value must be >= 0")
        return v

    def attrs(self, side):
        return {f"{side}_boundary": self.kind}


class FreeEscape:
    """Outer boundary with g = 0 on the face: particles leave, none come back."""

    kind = "free_escape"

    def code(self, side):
        if side != "outer":
            raise ValueError("FreeEscape is only allowed at the outer boundary")
        return OUT_FREE

    def values(self, p, t):
        return np.zeros_like(p)

    def attrs(self, side):
        return {f"{side}_boundary": self.kind}


class Outflow:
    """Outer boundary with zero diffusive flux; advection carries particles out."""

    kind = "outflow"

    def code(self, side):
        if side != "outer":
            raise ValueError("Outflow is only allowed at the outer boundary")
        return OUT_OUTFLOW

    def values(self, p, t):
        return np.zeros_like(p)

    def attrs(self, side):
        return {f"{side}_boundary": self.kind}
