"""The operators of the coupled run, one interface: ``limits(state)``, ``advance(state, dt, ledger)``, ``attrs()``.

Each operator advances its part of :class:`~crescape.simulate.coupled.state.CoupledState`
over Δt and reports to the :class:`~crescape.simulate.coupled.ledger.Ledger` what it
moved. Energy that one component gives to another is taken from the giver in
the cell where it is spent:

* the field operators (:mod:`.field_ops`, re-exported here): :class:`FieldGrowthOp`, the
  nonresonant growth of δB paid by the current-carrying CRs of the cell;
  :class:`FieldTransportOp`, flux freezing; :class:`FieldDampingOp`, the decay of the
  undriven turbulence;
* :class:`GasOp` — the Euler step (with any further source terms, :mod:`.sources`,
  on each Runge–Kutta stage), then the CR and magnetic pressure forces as an exact
  kick whose work f·ū is time-centred;
* :class:`CRTransportOp` — the CR transport in z (advection, flux-limited
  diffusion, the inner flux of Eq. 3) with D from the field;
* :class:`CRWorkOp` — the adiabatic (momentum-space) term, whose energy moment
  is made to equal, cell by cell, minus the work the gas received from the CR
  force plus the divergence of the CR pressure work flux (the discrete form of
  −P∇·u = −∇·(uP) + u·∇P).
"""

from __future__ import annotations

import numpy as np

from ..field import magnetic_pressure
from .base import Operator
from .exchange import energy_per_cell, shift_energy
from .field_ops import STATUS, FieldDampingOp, FieldGrowthOp, FieldTransportOp

__all__ = [
    "Operator",
    "FieldGrowthOp",
    "GasOp",
    "FieldTransportOp",
    "CRTransportOp",
    "CRWorkOp",
    "FieldDampingOp",
    "STATUS",
]


# --------------------------------------------------------------------------- gas
class GasOp(Operator):
    """The Euler step, then the CR and magnetic pressure forces as an exact, time-centred kick."""

    name = "gas"

    def __init__(self, sim, solver, cr_force, field_force, extra_sources=()):
        self.sim = sim
        self.solver = solver
        self.cr_force = cr_force
        self.field_force = field_force
        self.extra = tuple(extra_sources)

    def limits(self, state):
        sim, s = self.sim, state.gas
        rho = s.rho
        Pc = sim.cr_pressure(state)
        B = np.sqrt(sim.B0**2 + state.dB**2)
        speed = (
            np.abs(s.u)
            + self.solver.sound_speed(s)
            + np.sqrt(4.0 / 3.0 * np.maximum(Pc, 0.0) / rho)
            + B / np.sqrt(4.0 * np.pi * rho)
        )
        return {"gas_courant": float(sim.config.cfl * np.min(sim.grid.dz / speed))}

    def advance(self, state, dt, ledger):
        sim, s = self.sim, state.gas
        G = sim.grid
        self.cr_force.freeze(sim.cr_pressure(state))
        self.field_force.freeze(magnetic_pressure(state.dB))
        before = dict(s.budget)
        self.solver.step(s, dt, sources=self.extra)
        # the pressure forces: an exact kick after the Godunov step, momentum f Δt and energy
        # f Δt ū with ū = (ρu + f Δt/2)/ρ the time-centred velocity, so that the kinetic energy
        # gained is exactly the work and the internal energy is untouched (no Runge–Kutta
        # stage can drive the pressure negative under a strong force)
        fc, fb = self.cr_force.f, self.field_force.f
        ub = (s.mom + 0.5 * (fc + fb) * dt) / s.rho
        V = G.volume
        s.mom = s.mom + (fc + fb) * dt
        Wc, Wb = fc * ub * dt * V, fb * ub * dt * V
        s.ener = s.ener + (Wc + Wb) / V
        s.budget["force_momentum"] += float(np.sum((fc + fb) * V)) * dt
        s.budget["force_work"] += float(np.sum(Wc + Wb))
        b = s.budget
        d = {k: b[k] - before[k] for k in b}
        ledger.add("mass", "gas_in", d["mass_in"])
        ledger.add("mass", "gas_out", -d["mass_out"])
        ledger.add("mass", "floor_gas_density", d["floor_mass"])
        ledger.add("momentum", "gas_in", d["mom_in"])
        ledger.add("momentum", "gas_out", -d["mom_out"])
        ledger.add("momentum", "gas_geometric", d["geometric_momentum"])
        ledger.add("momentum", "cr_pressure_boundary", self.cr_force.momentum_boundary() * dt)
        ledger.add("momentum", "cr_pressure_geometric", self.cr_force.momentum_geometric() * dt)
        ledger.add("momentum", "field_pressure_boundary", self.field_force.momentum_boundary() * dt)
        ledger.add("energy", "gas_in", d["energy_in"])
        ledger.add("energy", "gas_out", -d["energy_out"])
        ledger.add("energy", "floor_gas_pressure", d["floor_energy"])
        dl = self.solver.delivered
        sim.pending_cr_work = Wc
        sim.pending_field_work = Wb
        for src in self.extra:
            mom, en = dl[src.name]
            ledger.add("momentum", src.name, float(np.sum(mom)))
            ledger.add("energy", src.name, float(np.sum(en)))
        ledger.add("exchange", "cr_work_on_gas", float(np.sum(sim.pending_cr_work)))
        ledger.add("exchange", "field_work_on_gas", float(np.sum(sim.pending_field_work)))
        # face velocities for the CRs and the field: means of the stage-averaged cell
        # velocities; on a boundary face that of the adjacent cell (the velocity with which
        # the CR pressure there does work on the gas, paid from the inner flux)
        uf = np.empty(G.n + 1)
        uf[1:-1] = 0.5 * (ub[1:] + ub[:-1])
        uf[0], uf[-1] = ub[0], ub[-1]
        if sim.config.gas_inner == "reflecting":
            uf[0] = 0.0
        if sim.config.gas_outer == "reflecting":
            uf[-1] = 0.0
        sim.u_faces = uf
        sim.u_bar = ub.copy()

    def attrs(self):
        return self.solver.attrs()


# --------------------------------------------------------------------------- CR transport
class CRTransportOp(Operator):
    """CR transport in z: advection with the gas, flux-limited diffusion with D(δB), inner flux.

    The inner boundary gives the CRs the flux of Eq. (3), φ_j per ln p, as the
    total (lab-frame) flux of the CR energy L_CR/(2πR_d²) through the halo
    boundary: of it the CR pressure does the work Φ₀ = (A P_CR)_{face} ū₀ Δt on the
    gas of the first cell (the push from the Galaxy side), so the number flux
    entering the transport is φ_j − Φ₀ g_{0,j}/(A₀Δt e₀) (e₀ = Σ E g₀ Δy), which
    carries the energy flux F_E − Φ₀/(A₀Δt) exactly (for relativistic particles
    this is the Compton–Getting term −u g/3 of the lab-frame flux; Skilling 1975).
    The sum runs over the bins with φ_j > 0 only (g₀ is set to zero elsewhere): a
    momentum grid that extends below the Galaxy's E_min holds adiabatically cooled
    particles in bins into which nothing is injected, and a reduction of their inflow
    would be a negative inflow. On a grid that starts at E_min every bin is injected
    and the form is unchanged.
    """

    name = "cr_transport"

    def __init__(self, sim, operator, stepper, phi):
        self.sim = sim
        self.op = operator
        self.stepper = stepper
        self.phi = np.asarray(phi, dtype=float)

    def limits(self, state):
        self.sim.set_transport(state)
        self.stepper.state = state.cr
        lim = dict(self.stepper.dt_limits())
        lim.pop("light_crossing", None)  # θ = 1: positive for any Δt, the limiter caps |F| ≤ v g
        lim.pop("dt_max", None)
        return {f"cr_{k}": v for k, v in lim.items()}

    def advance(self, state, dt, ledger):
        sim = self.sim
        P, G = sim.pgrid, sim.grid
        E, dy, V = P.energy, P.dy, G.volume
        g = state.cr.g
        sim.set_transport(state)
        Phi0 = sim.cr_face_work(dt)[0]
        flux = self.phi.copy()
        if sim.config.cr_inner == "escape_flux" and Phi0 != 0.0:
            # the Compton–Getting shape g₀, restricted to the bins the Galaxy injects into:
            # bins below E_min (filled by adiabatic cooling) have no inflow to reduce
            g0 = np.where(self.phi > 0.0, g[0], 0.0)
            e0 = float(g0 @ (E * dy))
            if e0 > 0:
                flux = flux - Phi0 / (G.area[0] * dt) * g0 / e0
            clipped = np.minimum(flux, 0.0)
            if np.any(clipped < 0):  # a negative inflow is not allowed: the excess is reported
                excess = -float(clipped @ (E * dy)) * G.area[0] * dt
                ledger.add("energy", "unpaid_compton_getting", excess)
                ledger.add("energy", "cr_injected", -excess)
                flux = np.maximum(flux, 0.0)
        sim.inner.flux = flux
        self.op._bv_cache = None
        e_before = float(np.sum(energy_per_cell(g, E, dy, V)))
        b0 = dict(state.cr.budget)
        self.stepper.state = state.cr
        self.stepper.step(dt)
        state.cr = self.stepper.state
        injected = (
            float(G.area[0] * (flux @ (E * dy))) * dt
            if sim.config.cr_inner == "escape_flux"
            else 0.0
        )
        dE = float(np.sum(energy_per_cell(state.cr.g, E, dy, V))) - e_before
        ledger.add("energy", "cr_injected", injected)
        ledger.add("energy", "cr_out", dE - injected)
        for k in ("inner_in", "outer_out"):
            sgn = 1.0 if k == "inner_in" else -1.0
            ledger.add("number", f"cr_{k}", sgn * (state.cr.budget[k] - b0[k]))

    def attrs(self):
        return {f"transport_{k}": v for k, v in self.op.attrs().items()}


class CRWorkOp(Operator):
    """The adiabatic term of the CRs, with its energy moment equal to what the gas received.

    The ln p advection kernel of the transport engine (ẏ = −∇·u/3, the face
    velocities of the gas step, nothing entering through the momentum edges:
    the injected spectrum has no particles outside [E_min, E_max]) gives the
    shape of the change; a number-conserving drift in momentum
    (:func:`.exchange.shift_energy`) then makes the energy change of each cell
    equal to its share of the exchange with the gas,

        ΔE_i = −W_i − (Φ_{i+1/2} − Φ_{i−1/2}),  Φ_f = (A P)_f u*_f Δt,

    with W_i the work of the CR force on the gas in cell i (from the gas step)
    and u*_f the face velocity that gives each face's term to its two cells in
    proportion to their CR pressure (a cell without CRs pays nothing); on the
    boundary faces u* is the velocity of the adjacent cell. Σ_i ΔE_i =
    −Σ W + Φ_in − Φ_out: the work given to the gas, and the CR pressure work
    through the boundaries. The momentum edges are open: particles leaving through them
    carry the energy of the edge bin (kernel) or of the virtual bin one Δ ln p beyond it
    (drift) out of the system (``cr_momentum_edges``), so a cell whose particles all sit in
    an edge bin can still pay or be paid.
    """

    name = "cr_work"

    def __init__(self, sim, kernels):
        self.sim = sim
        self.kernels = kernels

    def limits(self, state):
        yd = np.abs(self.sim.ydot())
        m = float(yd.max()) if yd.size else 0.0
        return {"cr_adiabatic": self.sim.config.cfl * self.sim.pgrid.dy / m} if m > 0 else {}

    def advance(self, state, dt, ledger):
        sim = self.sim
        P, G = sim.pgrid, sim.grid
        E, dy, V = P.energy, P.dy, G.volume
        g = state.cr.g
        e0 = energy_per_cell(g, E, dy, V)
        n0 = (g.sum(axis=1) * dy) * V
        yd = sim.ydot()
        g1, n_lo, n_hi = self.kernels.advect_y(g, yd, V, dy, dt, False, True)
        g1 = np.array(g1)
        dN = (g1.sum(axis=1) * dy) * V - n0  # ≤ 0: what left through the downwind edge
        edge = np.where(yd < 0, E[0], E[-1]) * dN
        Phi = sim.cr_face_work(dt)
        target = -sim.pending_cr_work - np.diff(Phi)
        d_kernel = energy_per_cell(g1, E, dy, V) - e0
        resid = target + edge - d_kernel
        # the momentum edges are open, as for the kernel: a cell whose particles sit in an
        # edge bin pays by drifting them out of the grid
        unpaid, n_out, e_out = shift_energy(
            g1, E, dy, V, resid, j_min=0, edges=sim.edge_energies, return_edges=True
        )
        n_lo_out = float(np.sum(n_out[resid < 0]))
        n_hi_out = float(np.sum(n_out[resid > 0]))
        state.cr.g = g1
        state.cr.budget["p_low_in"] += n_lo * dy - n_lo_out
        state.cr.budget["p_high_out"] += n_hi * dy + n_hi_out
        ledger.add("number", "cr_p_low_in", n_lo * dy - n_lo_out)
        ledger.add("number", "cr_p_high_out", -(n_hi * dy + n_hi_out))
        edge = edge - e_out
        ledger.add("energy", "cr_momentum_edges", float(np.sum(edge)))
        sim.last_edge_energy = edge
        sim.edge_loss -= edge
        ledger.add("energy", "cr_pressure_work_inner", float(Phi[0]))
        ledger.add("energy", "cr_pressure_work_outer", -float(Phi[-1]))
        ledger.add("energy", "unpaid_cr_work", -float(np.sum(unpaid)))
        ledger.add("exchange", "cr_adiabatic_kernel", float(np.sum(d_kernel)))
        ledger.add("exchange", "cr_work_shape_correction", float(np.sum(np.abs(resid))))
        sim.pending_cr_work = np.zeros(G.n)
