"""The diffusive-to-advective transition at the halo boundary resolved in time (Eqs. 11, 13).

An analysis on top of the coupled run: the same :class:`CGMSimulation` and its
splitting, on a small planar stretched grid with steps much shorter than the
transition time.
"""

from __future__ import annotations

import numpy as np

from ... import constants as C
from ...physics import instability
from ..cgm_config import SimulationConfig
from ..grid import MomentumGrid, cell_faces
from .simulation import CGMSimulation

__all__ = ["transition_run"]


def transition_run(
    params,
    n_cells: int = 300,
    n_momenta: int = 12,
    t_end: float | None = None,
    n_out: int = 80,
    rate: str = "cold",
    n_steps: int = 400,
    theta: float = 1.0,
    criteria=("larmor",),
    closure: str = "instantaneous",
    backend: str = "numba",
) -> dict:
    """A short, resolved run of the diffusive-to-advective transition at the halo boundary.

    The coupled run on a small planar domain (a few diffusion lengths of the
    lowest-energy CRs at ``t_end``) with time steps much shorter than the
    transition time: instantaneous saturation (the field is at its Larmor cap
    wherever the current drives it), CRs from E_min to E_max, the gas at rest
    at t = 0. It measures at the first cell the gas speed u(t) and the
    diffusive drift speed of the lowest energy bin, v_D = φ/n(0, t) (Eq. 11),
    and the time at which u overtakes v_D, to compare with Eqs. (11)/(13)
    (:func:`crescape.physics.transport.advection_time`).

    Parameters
    ----------
    params : Parameters
    n_cells, n_momenta : int
    t_end : float [s] or None
        Default: 8 times the analytic transition time at E_min in the field of Eq. (8).
    n_out : int
        Output times (uniform in t).
    rate : str
        Growth rate (:data:`crescape.simulate.field.RATES`); "cold" puts the Larmor cap at Eq. (8).
    n_steps : int
        Δt ≤ t_end/n_steps (the gas Courant limit may be shorter).
    theta : float
        Implicitness of the CR diffusion step (0.5: second order; the light-crossing
        time of the first cell then limits Δt).
    criteria, closure
        Saturation criteria and integration of the growth (:mod:`crescape.simulate.field`).

    Returns
    -------
    dict of cgs values: ``t`` (n_out,), ``u`` (gas speed in the first cell), ``v_D``
    (φ/n of the lowest bin in the first cell), ``u_eq13`` (Eq. 13 summed over the
    bins with the simulated D and the isotropic pressure p v g/3 per bin: the gas
    speed of a pure force with the surface CR pressure gradient), ``dB`` (field in
    the first cell), ``D`` (D of the lowest bin there), ``E`` (its energy),
    ``t_cross`` (first time with u ≥ v_D, log-interpolated), ``v_D_eq11`` (Eq. 11,
    √(πD/4t), with the simulated D: the drift of pure diffusion), ``t_cross_eq11``
    (first time with u ≥ v_D_eq11), ``t_adv_paper``
    (advection_time with E²φ and the Bohm D of Eqs. 8-9 at E), ``t_adv_sim``
    (advection_time with E²φ of the lowest bin and the simulated D), ``grad_P_surface``
    (Σ (p v/3) φ_j Δy/D_j: the surface CR pressure gradient of pure diffusion),
    ``t_adv_eff`` (advection_time with E²φ → D ∇P: the paper's estimate with the
    isotropic pressure p v g/3 of all bins instead of Eq. 12's E²φ/D),
    ``sim`` (the :class:`CGMSimulation`).
    """
    from ...physics import saturation, transport
    from ...physics.escape import escape_flux

    c = params.cgs
    E_lo, E_hi = float(c.E_min), float(c.E_max)
    P = MomentumGrid.from_energy(E_lo, E_hi, n_momenta)
    E = float(P.energy[0])
    spec = (c.L_CR, c.R_d, c.slope, c.E_min, c.E_max, c.cutoff, c.E_break, c.slope_high)
    E2phi = float(E**2 * escape_flux(E, *spec))
    rho = float(instability.gas_density(c.delta_G, c.Omega_b_h2, c.rho_cr_h2))
    D_paper = float(saturation.bohm_diffusion(E, saturation.B_sat(E2phi)))
    t_adv_paper = float(transport.advection_time(E2phi, D_paper, rho))
    if t_end is None:
        t_end = 8.0 * t_adv_paper
    # the domain reaches beyond the light front c t_end (nothing leaves it), the first cell
    # resolves the diffusion length of the lowest energy at t_adv
    width = max(6.0 * np.sqrt(4.0 * D_paper * t_end), 1.2 * C.c * t_end)
    w0 = 0.05 * np.sqrt(4.0 * D_paper * t_adv_paper)
    H = float(c.H)
    stretch = 1.0
    if width / n_cells > w0:
        from scipy.optimize import brentq

        stretch = float(
            np.exp(
                brentq(
                    lambda ls: cell_faces(0.0, width, n_cells, np.exp(ls))[1] - w0,
                    0.0,
                    np.log(1e12),
                )
            )
        )
    cfg = SimulationConfig.from_dict(
        {
            "n_cells": n_cells,
            "n_momenta": n_momenta,
            "z_max": float((H + width) / C.kpc),
            "geometry": "planar",
            "stretch": stretch,
            "E_grid_min": E_lo / C.GeV,
            "E_grid_max": E_hi / C.GeV,
            "t_end": t_end / C.Myr,
            "n_output": 2,
            "dt_max": t_end / n_steps / C.Myr,
            "criteria": list(criteria),
            "rate": rate,
            "closure": closure,
            "theta": theta,
        }
    )
    sim = CGMSimulation(params, cfg, backend=backend)
    phi0 = sim.phi
    times = np.linspace(0.0, t_end, n_out + 1)[1:]
    rows = []
    for t_out in times:
        while sim.t < t_out * (1 - 1e-12):
            dt = sim.next_dt(t_out)
            last = sim.stepper.last_limit == "output"
            sim.step(dt)
            if last:
                sim.state.set_time(t_out)
        g0 = sim.g[0]
        D0 = sim.D()[0]
        u0 = float(sim.gas_state.u[0])
        # Eq. (13) per bin, summed: ρ du/dt = Σ (p v/3) (φ_j/D_j) Δy (surface gradient of P_CR)
        pv = sim.pgrid.p * sim.pgrid.velocity
        E2phi_bins = pv * phi0 * sim.pgrid.dy / 3.0
        u13 = float(np.sum(transport.gas_speed(E2phi_bins, D0, rho, t_out)))
        rows.append((t_out, u0, phi0[0] / max(g0[0], 1e-300), u13, sim.dB[0], D0[0]))
    r = np.array(rows)
    t, u, vD = r[:, 0], r[:, 1], r[:, 2]
    vD11 = transport.drift_speed(r[:, 5], t)  # Eq. (11) with the simulated D

    def crossing(a, b):
        above = np.nonzero(a >= b)[0]
        if not (above.size and above[0] > 0):
            return float("nan")
        i = above[0]
        x0, x1 = np.log(a[i - 1] / b[i - 1]), np.log(a[i] / b[i])
        return float(np.exp(np.log(t[i - 1]) + np.log(t[i] / t[i - 1]) * (0 - x0) / (x1 - x0)))

    t_cross = crossing(u, vD)
    D_sim = (
        float(np.median(r[:, 5][t >= 0.5 * t_adv_paper]))
        if np.any(t >= 0.5 * t_adv_paper)
        else r[-1, 5]
    )
    # Eqs. (11)/(13) with the surface gradient of the isotropic CR pressure of all bins,
    # Σ (p v/3) φ_j Δy/D_j, written as an effective E²φ of the lowest bin: E²φ_eff = D_0 ∇P
    pv = sim.pgrid.p * sim.pgrid.velocity
    grad_P = float(np.sum(pv * phi0 * sim.pgrid.dy / (3.0 * sim.D()[0])))
    t_adv_eff = float(transport.advection_time(grad_P * D_sim, D_sim, rho))
    return {
        "t": t,
        "u": u,
        "v_D": vD,
        "grad_P_surface": grad_P,
        "t_adv_eff": t_adv_eff,
        "u_eq13": r[:, 3],
        "dB": r[:, 4],
        "D": r[:, 5],
        "E": E,
        "v_D_eq11": vD11,
        "t_cross": t_cross,
        "t_cross_eq11": crossing(u, vD11),
        "t_adv_paper": t_adv_paper,
        "t_adv_sim": float(transport.advection_time(E2phi, D_sim, rho)),
        "sim": sim,
    }
