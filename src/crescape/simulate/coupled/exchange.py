"""Exact, number-conserving energy transfer to and from a CR distribution in momentum space.

The coupled run moves energy between the CRs and the gas (the work of the CR
pressure force) and between the CRs and the field (the growth of δB). Each
transfer is drawn from the CRs of the cell where it is spent, by a drift of
the particles between neighbouring momentum bins: a fraction c of every bin
j ≥ j_min moves to bin j − 1 (a loss) or to bin j + 1 (a gain). With E_j the
bin energies and g the number per unit volume and ln p, the energy change of
a cell of volume V is

    ΔE = −c V Δy Σ_{j ≥ max(j_min, 1)} g_j (E_j − E_{j−1})      (loss),
    ΔE = +c V Δy Σ_{j_min ≤ j ≤ n − 2} g_j (E_{j+1} − E_j)       (gain),

linear in c, so c is chosen to deliver the requested ΔE exactly (to
round-off); the number of particles in the cell does not change (nothing
crosses the momentum edges, unless they are opened: then the edge bins drift out of
the grid like the adiabatic term's own edge fluxes). This is the donor-cell form of a momentum-space
drift ṗ, the way a CR population pays for work done on its surroundings
(Skilling 1975, MNRAS 172, 557: the adiabatic term; Bell 2004, MNRAS 353, 550:
the energy of the nonresonant modes comes from the work of the CR current).
A drift per step is kept to c ≤ ``max_fraction`` (sub-steps otherwise); what
a cell cannot pay (no particles) is returned as ``unpaid``.
"""

from __future__ import annotations

import numpy as np
from numba import njit

__all__ = ["shift_energy", "energy_per_cell"]


@njit(cache=True)
def _shift(g, E, dy, V, target, j_min, max_fraction, e_below, e_above, unpaid, n_out, e_out):
    nz, npb = g.shape
    open_lo = e_below > 0.0 and j_min == 0
    open_hi = e_above > 0.0
    for i in range(nz):
        R = target[i]
        for _ in range(200):
            if R == 0.0:
                break
            if R < 0.0:
                lo = max(j_min, 1)
                s = 0.0
                for j in range(lo, npb):
                    s += g[i, j] * (E[j] - E[j - 1])
                if open_lo:
                    s += g[i, 0] * (E[0] - e_below)
                s *= dy * V[i]
                if not s > 0.0:
                    break
                c = -R / s
                full = c <= max_fraction
                if not full:
                    c = max_fraction
                if open_lo:  # the lowest bin drifts out through the lower edge
                    m = c * g[i, 0]
                    g[i, 0] -= m
                    n_out[i] += m * dy * V[i]
                    e_out[i] += m * e_below * dy * V[i]
                for j in range(lo, npb):
                    m = c * g[i, j]
                    g[i, j] -= m
                    g[i, j - 1] += m
                R = 0.0 if full else R + c * s
            else:
                hi = npb - 2
                s = 0.0
                for j in range(j_min, hi + 1):
                    s += g[i, j] * (E[j + 1] - E[j])
                if open_hi:
                    s += g[i, npb - 1] * (e_above - E[npb - 1])
                s *= dy * V[i]
                if not s > 0.0:
                    break
                c = R / s
                full = c <= max_fraction
                if not full:
                    c = max_fraction
                if open_hi:  # the highest bin drifts out through the upper edge
                    m = c * g[i, npb - 1]
                    g[i, npb - 1] -= m
                    n_out[i] += m * dy * V[i]
                    e_out[i] += m * e_above * dy * V[i]
                for j in range(hi, j_min - 1, -1):
                    m = c * g[i, j]
                    g[i, j] -= m
                    g[i, j + 1] += m
                R = 0.0 if full else R - c * s
        unpaid[i] = R


def shift_energy(g, E, dy, V, target, j_min=0, max_fraction=0.5, edges=None, return_edges=False):
    """Change the energy of each cell by ``target`` [erg per unit A] in place; return what was not paid.

    Parameters
    ----------
    g : array (n_z, n_p)
        Number per unit volume and ln p [cm^-3], modified in place.
    E : array (n_p,)
        Bin energies [erg].
    dy : float
        Δ ln p.
    V : array (n_z,)
        Cell volumes.
    target : array (n_z,)
        Energy change per cell, V Σ_j E_j Δg_j Δy [erg per unit A of the geometry].
    j_min : int
        Only bins j ≥ j_min move (e.g. the current-carrying particles).
    max_fraction : float
        Largest fraction of a bin moved in one sub-step.
    edges : (float, float) or None
        Energies [erg] of the virtual bins below the lowest and above the highest bin
        (ln p one Δy beyond the grid). Given, the momentum edges are open: the drift
        carries particles of the edge bin out of the grid (the lower edge only if
        ``j_min`` = 0), each with the energy of the virtual bin it moves to. Then the
        change of the energy on the grid is ``target`` − the energy carried out, and a
        cell whose particles all sit in the edge bin can still pay. None (default):
        closed edges, nothing leaves.
    return_edges : bool
        Also return the number and the energy that left through the edges per cell.

    Returns
    -------
    unpaid : array (n_z,)
        The part of ``target`` that could not be delivered (0 where it was).
    n_out, e_out : arrays (n_z,), with ``return_edges``
        Particles [per unit A] and their energy [erg per unit A] that left the grid.
    """
    nz = g.shape[0]
    unpaid = np.zeros(nz)
    n_out = np.zeros(nz)
    e_out = np.zeros(nz)
    if g.shape[1] < 2 and edges is None:
        unpaid[:] = target
    else:
        e_below, e_above = (0.0, 0.0) if edges is None else (float(edges[0]), float(edges[1]))
        _shift(
            g,
            np.ascontiguousarray(E, dtype=float),
            float(dy),
            np.ascontiguousarray(V, dtype=float),
            np.ascontiguousarray(target, dtype=float),
            int(j_min),
            float(max_fraction),
            e_below,
            e_above,
            unpaid,
            n_out,
            e_out,
        )
    return (unpaid, n_out, e_out) if return_edges else unpaid


def energy_per_cell(g, E, dy, V):
    """V_i Σ_j E_j g_ij Δy [erg per unit A]."""
    return (g @ (np.asarray(E) * dy)) * V
