"""The field operators of the coupled run: growth (paid by the CRs), flux-frozen transport, damping.

* :class:`FieldGrowthOp` — the nonresonant growth of δB; its energy is drawn
  from the current-carrying CRs of the cell (:func:`.exchange.shift_energy`);
* :class:`FieldTransportOp` — flux freezing of the transverse field in energy
  form, ∂_t W + A⁻¹∂_z(2AuW) = u A⁻¹∂_z(AW) with W = δB²/8π: the right-hand
  side is minus the work of the magnetic force, so the field pays exactly the
  magnetic work the gas received; the inflowing gas carries the seed field;
* :class:`FieldDampingOp` — the decay of the turbulence that no current drives, its
  energy heating the gas.
"""

from __future__ import annotations

import numpy as np

from ... import constants as C
from ...physics.saturation import cascade_decay, larmor_radius
from ..field import magnetic_pressure
from .base import Operator
from .exchange import energy_per_cell, shift_energy

__all__ = ["STATUS", "FieldGrowthOp", "FieldTransportOp", "FieldDampingOp"]

#: field status of a cell in a step, after the growth step ("capped_<criterion>" per criterion
#: follow "grew"): grew below every cap; stopped at a cap; driven in B0 but already at or above
#: the smallest cap (no growth); not driven (ζ(B0) ≤ ζ_c); growth limited by the CR energy of the
#: cell; and, with the resonant branch on, "grew_resonant" (growth below the nonresonant threshold).
STATUS = ("grew", "above_cap", "not_driven", "energy_limited")


# --------------------------------------------------------------------------- field growth
class FieldGrowthOp(Operator):
    """Growth of δB at the rate and with the caps of a :class:`crescape.simulate.field.FieldGrowth`.

    The field energy gained in a cell, (δB_new² − δB²)V/8π, is drawn from the
    CRs of that cell with E ≥ E_J (the particles whose current drives the
    modes) by a number-conserving drift to lower momenta; if they cannot pay
    all of it, the field grows by what they paid (status ``energy_limited``).
    """

    name = "field_growth"

    def __init__(self, sim, model):
        self.sim = sim
        self.model = model
        self.names = ["grew"] + [f"capped_{c}" for c in model.criteria] + list(STATUS[1:])
        if model.branch == "full":
            self.names.append("grew_resonant")

    def code(self, name):
        return self.names.index(name)

    def advance(self, state, dt, ledger):
        sim, m = self.sim, self.model
        V = sim.grid.volume
        J, N, FE = sim.currents(state)
        rho = state.gas.rho
        dB = state.dB
        B = np.sqrt(sim.B0**2 + dB**2)
        gam = m.growth_rate(J, rho, sim.E_J, B)
        caps = m.caps(J, rho, sim.E_J, N, FE)
        stack = np.array([caps[k] for k in m.criteria])
        i_cap = np.argmin(stack, axis=0)
        cap = np.take_along_axis(stack, i_cap[None], 0)[0]
        want, _ = m.grow(dB, gam, cap, dt)
        dW = (want**2 - dB**2) / (8.0 * np.pi) * V  # ≥ 0
        g = state.cr.g
        e0 = energy_per_cell(g, sim.pgrid.energy, sim.pgrid.dy, V)
        unpaid = shift_energy(g, sim.pgrid.energy, sim.pgrid.dy, V, -dW, j_min=sim.j_J)
        paid = e0 - energy_per_cell(g, sim.pgrid.energy, sim.pgrid.dy, V)
        paid = np.maximum(paid, 0.0)
        new = np.sqrt(dB**2 + 8.0 * np.pi * paid / V)
        new = np.where(dW > 0, new, dB)
        ledger.add("exchange", "field_growth_from_cr", float(np.sum(paid)))
        # status from what happened in this step
        driven = m.driven(np.abs(J), sim.E_J)
        dB_cap = np.sqrt(np.maximum(cap**2 - sim.B0**2, 0.0))
        grown_free = dB * np.exp(np.minimum(gam * dt, 700.0))
        k = len(m.criteria)
        st = np.full(sim.grid.n, self.code("not_driven"))
        above = driven & (dB >= dB_cap * (1 - 1e-12))
        st = np.where(above, self.code("above_cap"), st)
        growing = driven & ~above & (gam > 0)
        hit = growing & (grown_free >= dB_cap) if m.closure == "exponential" else growing
        st = np.where(growing, 0, st)
        st = np.where(hit, 1 + i_cap, st)
        # driven, below the cap but zero rate (the Larmor rate vanishes at its cap)
        stalled = driven & ~above & ~(gam > 0)
        st = np.where(stalled, self.code("above_cap"), st)
        if m.branch == "full":  # growth below the nonresonant threshold
            st = np.where(
                growing & ~m.nonresonant(np.abs(J), sim.E_J), self.code("grew_resonant"), st
            )
        st = np.where(growing & (unpaid < -1e-12 * np.maximum(dW, 1e-300)), k + 3, st)
        state.dB = new
        aux = state.aux
        aux["gamma"] = gam
        aux["status"] = st
        aux["cap_index"] = np.where(driven, i_cap, -1)
        nst = len(self.names)
        if "status_time" not in aux:
            aux["status_time"] = np.zeros((nst, sim.grid.n))
        aux["status_time"][st, np.arange(sim.grid.n)] += dt

    def attrs(self):
        return self.model.attrs()


# --------------------------------------------------------------------------- field damping
class FieldDampingOp(Operator):
    """Decay of the turbulence that is not driven, its energy given to the gas as heat.

    Acts after the growth step on the cells where the field did not grow in that step (status
    ``not_driven`` or ``above_cap``: no current sustains it) at the rate of freely decaying
    strong MHD turbulence, :func:`crescape.physics.saturation.cascade_decay` (exact over the
    step for the density and outer scale of its start). The outer scale ℓ is ``length`` if
    given, else the Larmor radius of the highest grid energy in the local field (the scale
    of the Bell modes driven by the most energetic particles). The field energy lost,
    (W − W')V, is added to the internal energy of the gas of the same cell: nothing is
    created or lost (``field_damping_to_gas`` in the exchange ledger).
    """

    name = "field_damping"

    def __init__(self, sim, efficiency=1.0, length=None):
        self.sim = sim
        self.efficiency = float(efficiency)
        self.length = length

    def outer_scale(self, state):
        if self.length is not None:
            return np.full(self.sim.grid.n, float(self.length))
        # r_L = pc/(eB) of the highest grid momentum (larmor_radius takes the momentum energy pc)
        return larmor_radius(self.sim.pgrid.p[-1] * C.c, self.sim.B_tot())

    def advance(self, state, dt, ledger):
        sim = self.sim
        status = state.aux.get("status")
        if status is None:
            return
        names = sim.growth_op.names
        idle = np.isin(status, [names.index("not_driven"), names.index("above_cap")])
        if not idle.any():
            return
        W = magnetic_pressure(state.dB)
        W_new = np.where(
            idle,
            cascade_decay(W, state.gas.rho, self.outer_scale(state), dt, self.efficiency),
            W,
        )
        lost = (W - W_new) * sim.grid.volume  # ≥ 0, per unit A
        state.dB = np.sqrt(8.0 * np.pi * W_new)
        state.gas.ener = state.gas.ener + (W - W_new)
        ledger.add("exchange", "field_damping_to_gas", float(np.sum(lost)))

    def attrs(self):
        return {
            "damping": "cascade",
            "damping_efficiency": self.efficiency,
            "damping_length_cm": "r_L(E_max of the grid)" if self.length is None else self.length,
        }


# --------------------------------------------------------------------------- field transport
class FieldTransportOp(Operator):
    """Flux freezing of W = δB²/8π in energy form, paying the magnetic work the gas received.

    W_i V_i → W_i V_i − Δt [2 A u W_up]_{i−1/2}^{i+1/2} − (work of the magnetic force on
    the gas in cell i). The upwind W on a face where gas enters the domain is
    that of the seed field carried by the inflowing gas. A cell whose W would
    become negative is set to 0 and the energy added is reported
    (``floor_field``).
    """

    name = "field_transport"

    def __init__(self, sim, W_inflow):
        self.sim = sim
        self.W_in = float(W_inflow)

    def limits(self, state):
        u = np.abs(self.sim.u_faces)
        r = np.max(2.0 * np.maximum(u[1:], u[:-1]) / self.sim.grid.dz)
        return {"field_advection": self.sim.config.cfl / r} if r > 0 else {}

    def advance(self, state, dt, ledger):
        sim, G = self.sim, self.sim.grid
        V, A = G.volume, G.area
        uf = sim.u_faces
        W = magnetic_pressure(state.dB)
        Wl = np.concatenate([[self.W_in], W])  # left of each face
        Wr = np.concatenate([W, [self.W_in]])  # right of each face
        Phi = 2.0 * A * uf * np.where(uf > 0, Wl, Wr) * dt
        E = W * V - np.diff(Phi) - sim.pending_field_work
        floor = np.maximum(-E, 0.0)
        E = E + floor
        state.dB = np.sqrt(8.0 * np.pi * E / V)
        ledger.add("energy", "poynting_in", float(Phi[0]))
        ledger.add("energy", "poynting_out", -float(Phi[-1]))
        ledger.add("energy", "floor_field", float(np.sum(floor)))
        sim.pending_field_work = np.zeros(G.n)
