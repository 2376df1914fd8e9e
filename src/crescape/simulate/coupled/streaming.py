"""CR streaming at the Alfvén speed and the heating of the gas by it, paid by the CRs.

CRs that scatter on the waves they excite themselves stream down their pressure
gradient at the Alfvén speed relative to the gas; the waves are damped and pass
to the gas the energy the CRs lose doing work against them,

    H = −v_st·∇P_CR = v_A |∇P_CR|     [erg cm^-3 s^-1],

with v_st = −v_A ∇P_CR/|∇P_CR| (Skilling 1975, MNRAS 172, 557; Wiener, Oh & Guo 2013,
MNRAS 434, 2209; Quataert, Jiang & Thompson 2022, MNRAS 510, 1184).
For the CR distribution the streaming is a further velocity: advection at v_st and the
adiabatic term of ∇·v_st, whose energy moment is ∂E_c/∂t = −∇·(v_st (E_c + P_c)) + v_st·∇P_c
(the streaming part of the CR energy equation of these papers). :class:`CRStreamingOp` does
both, one operator:

* the advection of g at v_st on the faces, donor cell (number and energy per bin move
  between cells, exactly conservative); v_st is zero on the inner face (the flux of
  Eq. 3 through the halo boundary is the total flux, streaming included) and on a
  reflecting outer face, and the CRs stream out through an open outer face;
* a number-conserving drift in momentum (:func:`.exchange.shift_energy`, as the CR
  work of :class:`.operators.CRWorkOp`) whose energy change in each cell is

      ΔE_i = −H_i V_i Δt − (Φ_{i+1/2} − Φ_{i−1/2}),   Φ_f = (A P_CR)_f v_st,f Δt,

  the discrete −P_c∇·v_st = −∇·(v_st P_c) + v_st·∇P_c with H_i = |f_i| v_A,i, f the CR
  pressure force of the cell (:func:`.sources.face_force`, the geometry's area factor
  included: f = −∇P_CR), so that Σ_i ΔE_i = −Σ H V Δt − Φ_out;
* the gas receives H_i V_i Δt as internal energy (an isothermal gas has no energy
  equation: the heating is then radiated, ledger ``streaming_heating_radiated``).

The energy the CRs lose is what the gas gains, cell by cell; the budget entries are the
exchange ``cr_streaming_heating``, the enthalpy flux through the outer face
``cr_streaming_out`` (energy and number) and what a cell without CRs could not pay,
``unpaid_streaming``. The streaming speed is v_A = B/√(4πρ) (the gas is fully ionised, the
ions carry the density) in the total field √(B0² + δB²) (``"alfven_dB"``: the waves the
CRs scatter on are the amplified field) or in B0 alone (``"alfven_B0"``: streaming along
the ordered field at the Alfvén speed of the large-scale field, as in the fluid models of
Wiener et al. 2013 and Quataert et al. 2022).
"""

from __future__ import annotations

import numpy as np

from ...physics.instability import alfven_speed
from ..cgm_config import SCHEMA
from .base import Operator
from .exchange import shift_energy
from .sources import face_force

__all__ = ["CRStreamingOp", "STREAMING", "add_streaming"]

#: the options of ``streaming`` (:data:`crescape.simulate.cgm_config.SCHEMA`)
STREAMING = tuple(SCHEMA["streaming"].choices)


class CRStreamingOp(Operator):
    """CR streaming at v_A down the CR pressure gradient: advection, the adiabatic term and
    the heating v_A|∇P_CR| of the gas, paid by the CRs (module docstring).

    Parameters
    ----------
    sim : crescape.simulate.coupled.CGMSimulation
    mode : {"alfven_dB", "alfven_B0"}
        Streaming speed: the Alfvén speed in √(B0² + δB²) or in B0.
    B_ordered : array (n_z,) or None
        The ordered field per cell [G] in place of the run's uniform B0 (e.g. the radial
        field B0 (H/r)² of a flux-frozen spherical outflow, as in the wind models of
        Quataert et al. 2022); None: B0 everywhere.
    """

    name = "cr_streaming"

    def __init__(self, sim, mode="alfven_dB", B_ordered=None):
        if mode not in STREAMING[1:]:
            raise ValueError(f"streaming = {mode!r} is not allowed: must be one of {STREAMING[1:]}")
        self.sim = sim
        self.mode = mode
        self.heating = np.zeros(sim.grid.n)  # H of the last step [erg cm^-3 s^-1]
        self.open_outer = sim.config.cr_outer != "reflecting"
        n = sim.grid.n
        self.B_ordered = (
            np.full(n, sim.B0) if B_ordered is None else np.asarray(B_ordered) * np.ones(n)
        )

    def alfven_speed(self, state):
        """v_A per cell [cm s^-1] in the field of ``mode`` (:func:`crescape.physics.instability.alfven_speed`)."""
        B0 = self.B_ordered
        B = np.sqrt(B0**2 + state.dB**2) if self.mode == "alfven_dB" else B0
        return alfven_speed(B, state.gas.rho)

    def velocities(self, state):
        """(P_CR, f, A P on the faces, v_A per cell, v_st on the faces) of the state."""
        sim, G = self.sim, self.sim.grid
        P = sim.transport.pressure(state.cr.g)
        f, AP = face_force(P, G, geometric=True)
        vA = self.alfven_speed(state)
        vf = np.zeros(G.n + 1)
        dP = np.diff(P)
        vf[1:-1] = 0.5 * (vA[1:] + vA[:-1]) * -np.sign(dP)
        if self.open_outer:  # streaming out only, where the pressure falls outwards
            vf[-1] = vA[-1] if f[-1] > 0 else 0.0
        return P, f, AP, vA, vf

    def heating_rate(self, state):
        """H = v_A|f| per cell [erg cm^-3 s^-1], f the CR pressure force (−∇P_CR) of the state."""
        _, f, _, vA, _ = self.velocities(state)
        return np.abs(f) * vA

    def limits(self, state):
        G, P = self.sim.grid, self.sim.pgrid
        _, _, _, _, vf = self.velocities(state)
        out_rate = (
            G.area[1:] * np.maximum(vf[1:], 0.0) - G.area[:-1] * np.minimum(vf[:-1], 0.0)
        ) / G.volume
        yd = np.abs(G.divergence(vf)) / 3.0
        cfl = self.sim.config.cfl
        lim = {}
        if out_rate.max() > 0:
            lim["cr_streaming"] = float(cfl / out_rate.max())
        if yd.max() > 0:
            lim["cr_streaming_adiabatic"] = float(cfl * P.dy / yd.max())
        return lim

    def advance(self, state, dt, ledger):
        sim = self.sim
        Pg, G = sim.pgrid, sim.grid
        E, dy, V, A = Pg.energy, Pg.dy, G.volume, G.area
        g = state.cr.g
        _, f, AP, vA, vf = self.velocities(state)
        H = np.abs(f) * vA  # v_A |∇P_CR|, the geometry's area factor in f
        # advection at v_st, donor cell: number per ln p through the faces (per unit A) in Δt
        up = np.empty((G.n + 1, g.shape[1]))
        up[1:-1] = np.where((vf[1:-1] > 0)[:, None], g[:-1], g[1:])
        up[0] = 0.0
        up[-1] = g[-1]
        Fl = (A * vf * dt)[:, None] * up
        g1 = g - np.diff(Fl, axis=0) / V[:, None]
        n_out = float(Fl[-1].sum() * dy)
        e_adv_out = float(Fl[-1] @ (E * dy))
        # the adiabatic term of ∇·v_st, its energy −H V Δt − ΔΦ
        Phi = AP * vf * dt
        target = -H * V * dt - np.diff(Phi)
        unpaid, n_edge, e_edge = shift_energy(
            g1, E, dy, V, target, j_min=0, edges=sim.edge_energies, return_edges=True
        )
        state.cr.g = g1
        heat = H * V * dt
        if sim.config.isothermal:
            ledger.add("energy", "streaming_heating_radiated", -float(np.sum(heat)))
        else:
            state.gas.ener = state.gas.ener + heat / V
        self.heating = H
        ledger.add("exchange", "cr_streaming_heating", float(np.sum(heat)))
        ledger.add("energy", "cr_streaming_out", -(e_adv_out + float(Phi[-1])))
        ledger.add("energy", "unpaid_streaming", -float(np.sum(unpaid)))
        ledger.add("number", "cr_streaming_out", -n_out)
        # particles drifted out through the momentum edges, as for the CR work
        lo = float(np.sum(n_edge[target < 0]))
        hi = float(np.sum(n_edge[target > 0]))
        state.cr.budget["p_low_in"] -= lo
        state.cr.budget["p_high_out"] += hi
        ledger.add("number", "cr_p_low_in", -lo)
        ledger.add("number", "cr_p_high_out", -hi)
        ledger.add("energy", "cr_momentum_edges", -float(np.sum(e_edge)))
        sim.last_edge_energy = getattr(sim, "last_edge_energy", np.zeros(G.n)) - e_edge
        sim.edge_loss = sim.edge_loss + e_edge

    def attrs(self):
        return {"streaming_speed": self.mode}


def add_streaming(sim, mode="alfven_dB", B_ordered=None) -> CRStreamingOp:
    """Add the streaming step to a coupled run, right after its CR work; return the operator
    (replacing one already there)."""
    op = CRStreamingOp(sim, mode, B_ordered)
    ops = [o for o in sim.stepper.operators if o.name != op.name]
    i = next(k for k, o in enumerate(ops) if o.name == "cr_work")
    ops.insert(i + 1, op)
    sim.stepper.operators = ops
    sim.ops = ops
    sim.streaming = op
    return op


def isothermal_sphere_wind(params, config, V_g, B_base, theta_factor=3.0):
    """A coupled run set up as a CR-driven wind from the base of an isothermal sphere.

    The set-up of the isothermal streaming winds of Quataert, Jiang & Thompson (2022, MNRAS
    510, 1184) and of the shallow-potential winds of Modak et al. (2023, MNRAS 524, 6374), as
    far as the coupled run allows: an isothermal gas (``config.isothermal``) in the potential
    Φ = 2V_g² ln(r/H) (:func:`crescape.physics.potential.isothermal_sphere_potential`) of a
    spherical run (``config.geometry = "spherical"``, r = z) from the halo boundary H, the CRs
    entering there with the flux of Eq. (3) and streaming at the Alfvén speed of a radial field
    B_base (H/r)² (flux freezing in the spherical outflow). The gas starts at rest as the
    isothermal atmosphere of the temperature ``theta_factor`` × that of the gas (the CRs then
    hold it up; the no-CR atmosphere 2(V_g/c_i)² steeper would fall below the density floor),
    through the run's ρ0 at the base, with the hydrostatic base reservoir of
    :func:`.gravity.hydrostatic_halo`.

    Parameters
    ----------
    params : crescape.params.Parameters
    config : crescape.simulate.cgm_config.SimulationConfig
        Spherical and isothermal.
    V_g : float
        Velocity dispersion of the isothermal sphere [cm s^-1].
    B_base : float
        Radial field at the base [G] for the streaming speed.
    theta_factor : float
        Temperature of the initial atmosphere over that of the gas.

    Returns
    -------
    crescape.simulate.coupled.CGMSimulation
    """
    from ...physics.potential import isothermal_sphere_potential
    from ..gas import hydrostatic_factor
    from .gravity import hydrostatic_halo
    from .simulation import CGMSimulation

    if config.geometry != "spherical" or not config.isothermal:
        raise ValueError(
            f"geometry = {config.geometry!r}, isothermal = {config.isothermal} is not allowed: "
            "the wind set-up must be spherical and isothermal"
        )
    sim = CGMSimulation(params, config)
    H = float(params.cgs.H)
    add_streaming(sim, "alfven_B0", B_base * (H / sim.grid.centres) ** 2)

    def phi(z):
        return isothermal_sphere_potential(z, V_g, H)

    hydrostatic_halo(sim, phi)
    if theta_factor != 1.0:
        fac = hydrostatic_factor(phi(sim.grid.centres), theta_factor * sim.solver.cs2)
        rho = sim.rho0 * fac
        sim.state.gas = sim.solver.state(rho, 0.0, rho * sim.solver.cs2)
        sim.reset_initial()
    return sim


#: the published numbers the wind test compares with (Modak et al. 2023, MNRAS 524, 6374, abstract)
MODAK_2023 = {"mdot_exponent": -2.0, "v_inf_over_v_esc": 0.4}
#: the wind test's parameters, options and base field [G] (docs/halo.md, benchmarks/wind_scaling.py)
WIND_TEST_PARAMETERS = {"delta_G": 3.4e4, "B0": 1e-9, "T": 2e5, "L_CR": 1e41}
WIND_TEST_OPTIONS = {
    "n_cells": 100,
    "n_momenta": 8,
    "z_max": 24.0,
    "geometry": "spherical",
    "isothermal": True,
    "streaming": "alfven_B0",
    "D_max": 1e26,
    "seed_fraction": 1e-3,
    "t_end": 2000.0,
    "n_output": 2,
}
WIND_TEST_B_BASE = 1.3e-6


def run_wind_test(V_g, **options):
    """The wind test at velocity dispersion V_g [cm s^-1]: :func:`isothermal_sphere_wind` with
    :data:`WIND_TEST_PARAMETERS` and :data:`WIND_TEST_OPTIONS` (updated by ``options``), run to
    t_end; returns ``(sim, ds)`` with 11 snapshots over the last 30% of the run."""
    import warnings

    from ...params import Parameters
    from ..cgm_config import SimulationConfig

    cfg = SimulationConfig.from_dict({**WIND_TEST_OPTIONS, **options})
    sim = isothermal_sphere_wind(
        Parameters.from_flat(WIND_TEST_PARAMETERS), cfg, V_g, WIND_TEST_B_BASE
    )
    t_end = cfg.cgs("t_end")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        ds = sim.run(times=np.concatenate([[0.0], np.linspace(0.7 * t_end, t_end, 11)]))
    return sim, ds.isel(t=slice(1, None))


def wind_mass_loss_rate(sim, ds):
    """Ṁ(r) = 4πR_d² A(r) ρu [g s^-1] per cell and snapshot of a run's Dataset (4πr²ρu in the
    spherical geometry, A = (r/R_d)²)."""
    from ... import constants as C

    A = np.asarray(sim.grid.geometry.area(ds["z"].values * C.kpc), dtype=float)
    R_d = float(sim.params.cgs.R_d)
    return 4.0 * np.pi * R_d**2 * A * (ds["rho"] * ds["u"]).values
