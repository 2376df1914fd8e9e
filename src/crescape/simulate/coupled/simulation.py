"""The coupled CR–field–gas run of the circumgalactic medium, built from a configuration.

:class:`CGMSimulation` assembles the state (:mod:`.state`), the operators
(:mod:`.operators`), the splitting (:mod:`.splitting`) and the ledger
(:mod:`.ledger`) from the physical parameters and a
:class:`crescape.simulate.cgm_config.SimulationConfig`, and runs them with the
shared observers (progress bar, checkpoints tied to the configuration). The
output Dataset is written by :mod:`.output`.
"""

from __future__ import annotations

import numpy as np

from ... import constants as C
from ...physics import instability
from ...physics.transport import diffusion_in_field
from ..boundaries import FreeEscape, Outflow, PrescribedFlux, Reflecting, escape_flux_per_lnp
from ..cgm_config import SimulationConfig
from ..field import FieldGrowth, magnetic_pressure
from ..gas import EulerSolver
from ..grid import FluxTube, MomentumGrid, Planar, SpatialGrid, cell_faces
from ..operator import TransportOperator
from ..state import State
from ..stepper import Stepper
from . import diagnostics
from .ledger import Ledger
from .operators import (
    CRTransportOp,
    CRWorkOp,
    FieldDampingOp,
    FieldGrowthOp,
    FieldTransportOp,
    GasOp,
)
from .sources import PressureForce
from .splitting import SplitStepper
from .state import CoupledState

__all__ = ["CGMSimulation"]


def _geometry(name, R_d):
    if name == "planar":
        return Planar()
    if name == "spherical":
        return FluxTube(lambda z: (z / R_d) ** 2, "(z/R_d)^2")
    return FluxTube(
        lambda z: np.where(z <= R_d, 1.0, (z / R_d) ** 2), "1 for z <= R_d, (z/R_d)^2 beyond"
    )


class CGMSimulation:
    """The coupled run.

    Parameters
    ----------
    params : crescape.params.Parameters
    config : SimulationConfig
    backend : {"numba", "reference"}
        Kernels of the transport engine and of the gas solver.
    extra_sources : sequence
        Further gas source terms (:mod:`crescape.simulate.coupled.sources`).
    """

    def __init__(
        self, params, config: SimulationConfig | None = None, backend="numba", extra_sources=()
    ):
        self.params = params
        self.config = cfg = config or SimulationConfig()
        self.backend = backend
        c = params.cgs
        H, R_d = float(c.H), float(c.R_d)
        z_max = cfg.cgs("z_max")
        if not z_max > H:
            raise ValueError(
                f"z_max = {z_max / C.kpc:g} kpc is not allowed: must exceed H = {H / C.kpc:g} kpc"
            )
        self.grid = G = SpatialGrid(
            cell_faces(H, z_max, cfg.n_cells, cfg.stretch), _geometry(cfg.geometry, R_d)
        )
        E_lo = cfg.cgs("E_grid_min") or float(c.E_min)
        E_hi = cfg.cgs("E_grid_max") or float(c.E_max)
        self.pgrid = P = MomentumGrid.from_energy(E_lo, E_hi, cfg.n_momenta)
        # energies one Δ ln p beyond the grid (where drifting particles leave it)
        p_out = np.exp(P.y[[0, -1]] + np.array([-1.0, 1.0]) * P.dy)
        self.edge_energies = tuple(C.c * np.sqrt(p_out**2 + (P.mass * C.c) ** 2))
        self.E_J = cfg.cgs("E_J") or float(P.energy[0])
        self.j_mask = P.energy >= self.E_J * (1 - 1e-12)
        if not self.j_mask.any():
            raise ValueError(
                f"E_J = {self.E_J / C.GeV:g} GeV is not allowed: must be below the top of the momentum grid"
            )
        self.j_J = int(np.argmax(self.j_mask))
        # the CGM at rest
        self.rho0 = float(instability.gas_density(c.delta_G, c.Omega_b_h2, c.rho_cr_h2))
        mu = instability.mean_molecular_weight(float(c.X_H))
        self.P0 = self.rho0 / (mu * C.m_p) * C.k_B * float(c.T)
        self.rho_in = self.rho_out = self.rho0
        self.B0 = float(c.B0)
        self.seed_dB = cfg.seed_fraction * self.B0
        self.solver = EulerSolver(
            G,
            gamma=cfg.gamma,
            isothermal=cfg.isothermal,
            cs_iso=np.sqrt(self.P0 / self.rho0),
            limiter=cfg.gas_limiter,
            inner=cfg.gas_inner,
            outer=cfg.gas_outer,
            backend=backend,
            rho_floor=1e-6 * self.rho0,
            p_floor=1e-8 * self.P0,
            reservoir=(self.rho0, self.P0, self.rho0, self.P0),
        )
        self.field = FieldGrowth(
            self.B0,
            cfg.criteria,
            cfg.rate,
            cfg.closure,
            slope=float(c.slope),
            t_max=E_hi / self.E_J,
            branch=cfg.branch,
        )
        self.phi = escape_flux_per_lnp(P, params)
        if cfg.cr_inner == "escape_flux":
            self.inner = PrescribedFlux(self.phi.copy())
        else:
            self.inner = Reflecting()
        outer = {"free_escape": FreeEscape(), "outflow": Outflow(), "reflecting": Reflecting()}[
            cfg.cr_outer
        ]
        self.transport = TransportOperator(
            G,
            P,
            D=cfg.cgs("D_max"),
            u=0.0,
            inner=self.inner,
            outer=outer,
            flux_limiter=True,
            adiabatic=False,
            backend=backend,
        )
        self.cr_stepper = Stepper(
            self.transport, State(np.zeros(self.transport.shape)), theta=cfg.theta
        )
        self.cr_force = PressureForce("cr_pressure_force", G, geometric=True)
        self.field_force = PressureForce("field_pressure_force", G, geometric=False)
        self.growth_op = FieldGrowthOp(self, self.field)
        self.ops = [
            GasOp(self, self.solver, self.cr_force, self.field_force, extra_sources),
            FieldTransportOp(self, magnetic_pressure(self.seed_dB)),
            CRTransportOp(self, self.transport, self.cr_stepper, self.phi),
            CRWorkOp(self, self.transport.kernels),
            self.growth_op,
        ]
        if cfg.damping == "cascade":
            self.ops.append(FieldDampingOp(self, cfg.damping_efficiency, cfg.cgs("damping_length")))
        self.stepper = SplitStepper(
            self.ops,
            dt_max=cfg.cgs("dt_max"),
            dt_initial=cfg.cgs("dt_initial"),
            growth=cfg.dt_growth,
        )
        self.state = CoupledState(
            State(np.zeros(self.transport.shape)),
            self.solver.state(self.rho0, 0.0, self.P0),
            np.full(G.n, self.seed_dB),
        )
        self.ledger = Ledger()
        self.u_faces = np.zeros(G.n + 1)
        self.u_bar = np.zeros(G.n)
        self.pending_cr_work = np.zeros(G.n)
        self.pending_field_work = np.zeros(G.n)
        self.history = []  # per step: (t, dt, status of the first cell, cells in each status)
        # CR energy that left through the momentum edges, per cell [erg per unit A], cumulated,
        # and its value at the last snapshot (for the mean loss rate between snapshots)
        self.edge_loss = np.zeros(G.n)
        self.edge_mark = np.zeros(G.n + 1)  # [t, edge_loss...] at the last snapshot
        self.edge_rate = np.zeros(G.n)
        self._D_cache = None
        self._halo(cfg)
        self.reset_initial()

    def _halo(self, cfg):
        """Gravity (:mod:`.gravity`), radiative cooling (:mod:`.cooling`) and CR streaming
        (:mod:`.streaming`) if the options ask."""
        self.gravity = self.cooling = self.potential = self.streaming = None
        if cfg.potential != "none":
            from ...physics.potential import mw2014
            from .gravity import hydrostatic_halo

            full = cfg.potential == "mw2014"
            self.potential = mw2014(halo_scale=cfg.halo_scale, disk=full, bulge=full)
            hydrostatic_halo(self, self.potential.phi_axis)
        if cfg.cooling != "none":
            from .cooling import add_cooling

            add_cooling(self, cfg.cooling_feh, cfg.cooling_courant)
        if cfg.streaming != "none":
            from .streaming import add_streaming

            add_streaming(self, cfg.streaming)

    # ------------------------------------------------------------------ state access
    @property
    def status_names(self) -> list:
        return list(self.growth_op.names)

    @property
    def t(self):
        return self.state.t

    @property
    def g(self):
        return self.state.cr.g

    @property
    def dB(self):
        return self.state.dB

    @property
    def gas_state(self):
        return self.state.gas

    @property
    def step_count(self):
        return self.state.step

    @property
    def status_time(self):
        return self.state.aux.get("status_time", np.zeros((len(self.status_names), self.grid.n)))

    def B_tot(self):
        """√(B0² + δB²) per cell [G]."""
        return np.sqrt(self.B0**2 + self.state.dB**2)

    def reset_initial(self):
        """Take the present state as the reference of the budgets (after setting initial conditions)."""
        self.initial = self.totals()

    def D(self, dB=None):
        """D(z, E) from the field (:func:`crescape.physics.transport.diffusion_in_field`), cached."""
        dB = self.state.dB if dB is None else dB
        key = dB.tobytes()
        if self._D_cache is not None and self._D_cache[0] == key:
            return self._D_cache[1]
        lc = self.config.cgs("coherence_length")
        D = diffusion_in_field(
            self.pgrid.p * C.c,
            self.pgrid.velocity,
            np.sqrt(self.B0**2 + dB**2),
            dB,
            None if lc is None else np.full(self.grid.n, lc),
            self.config.cgs("D_max"),
        )
        self._D_cache = (key, D)
        return D

    def set_transport(self, state):
        self.transport.set_coefficients(D=self.D(state.dB), u=self.u_faces)

    def ydot(self):
        return -self.grid.divergence(self.u_faces) / 3.0

    def cr_pressure(self, state=None):
        return self.transport.pressure((state or self.state).cr.g)

    def cr_face_work(self, dt):
        """Φ_f = (A P_CR)_f u*_f Δt on the faces (see :class:`.operators.CRWorkOp`)."""
        AP, P, ub = self.cr_force.AP, self.cr_force.P, self.u_bar
        s = P[:-1] + P[1:]
        aL = np.where(s > 0, P[:-1] / np.where(s > 0, s, 1.0), 0.5)
        us = np.empty(self.grid.n + 1)
        us[1:-1] = (1.0 - aL) * ub[:-1] + aL * ub[1:]
        us[0], us[-1] = ub[0], ub[-1]
        if self.config.gas_inner == "reflecting":
            us[0] = 0.0
        if self.config.gas_outer == "reflecting":
            us[-1] = 0.0
        return AP * us * dt

    def currents(self, state=None):
        """Gas-frame (J [statA cm^-2], N_J [cm^-3], F_E [erg cm^-2 s^-1]) per cell above E_J."""
        state = state or self.state
        self.set_transport(state)
        if isinstance(
            self.inner, PrescribedFlux
        ):  # the lab-frame flux of Eq. (3) on the inner face
            self.inner.flux = self.phi.copy()
            self.transport._bv_cache = None
        g = state.cr.g
        F = self.transport.flux(g, state.t)
        Fc = 0.5 * (F[1:] + F[:-1]) - state.gas.u[:, None] * g
        dy = self.pgrid.dy
        J = C.e * (Fc @ (self.j_mask * dy))
        N = g @ (self.j_mask * dy)
        FE = Fc @ (self.j_mask * self.pgrid.energy * dy)
        return J, N, FE

    # ------------------------------------------------------------------ stepping
    def next_dt(self, t_stop=np.inf):
        return self.stepper.next_dt(self.state, t_stop)

    def step(self, dt):
        st = self.state
        self.stepper.step(st, dt, self.ledger)
        status = st.aux["status"]
        counts = np.bincount(status, minlength=len(self.status_names))
        self.history.append((st.t, dt, status[0], *counts))

    # ------------------------------------------------------------------ diagnostics (:mod:`.diagnostics`)
    def totals(self) -> dict:
        """See :func:`.diagnostics.totals`."""
        return diagnostics.totals(self)

    def budgets(self) -> dict:
        """See :func:`.diagnostics.budgets`."""
        return diagnostics.budgets(self)

    def face_fluxes(self) -> dict:
        """See :func:`.diagnostics.face_fluxes`."""
        return diagnostics.face_fluxes(self)

    def cr_supplied(self) -> float:
        """See :func:`.diagnostics.cr_supplied`."""
        return diagnostics.cr_supplied(self)

    def energy_sources(self) -> dict:
        """See :func:`.diagnostics.energy_sources`."""
        return diagnostics.energy_sources(self)

    def status_history(self) -> dict:
        """See :func:`.diagnostics.status_history`."""
        return diagnostics.status_history(self)

    # ------------------------------------------------------------------ checkpoints
    def fingerprint(self) -> dict:
        """Everything that defines the run, for the checkpoint hash."""
        d = {f"param.{k}": v for k, v in vars(self.params.cgs).items()}
        d.update({k: v for k, v in self.config.attrs().items()})
        d["backend"] = self.backend
        return d

    def state_arrays(self) -> dict:
        out = self.state.to_arrays()
        out.update(self.ledger.to_arrays())
        out["history"] = np.array(self.history, dtype=float).reshape(-1, 3 + len(self.status_names))
        out.update({f"init_{k}": np.float64(v) for k, v in self.initial.items()})
        out.update(u_faces=self.u_faces, u_bar=self.u_bar)
        out.update(edge_loss=self.edge_loss, edge_mark=self.edge_mark, edge_rate=self.edge_rate)
        return out

    def load_arrays(self, a: dict):
        st = CoupledState.from_arrays(a)
        if st.cr.g.shape != self.transport.shape:
            raise ValueError(
                f"checkpoint has shape {st.cr.g.shape}, the grid is {self.transport.shape}"
            )
        self.state = st
        self.stepper.last_dt = None
        self.ledger = Ledger.from_arrays(a)
        self.history = [tuple(r) for r in np.array(a["history"])]
        self.initial = {k[5:]: float(a[k]) for k in a if k.startswith("init_")}
        self.u_faces = np.array(a["u_faces"])
        self.u_bar = np.array(a["u_bar"])
        self.edge_loss = np.array(a["edge_loss"])
        self.edge_mark = np.array(a["edge_mark"])
        self.edge_rate = np.array(a["edge_rate"])

    # ------------------------------------------------------------------ driver
    def run(self, times=None, progress=False, checkpoint=None, resume=False, stop=None):
        """Advance to the output times; return the snapshots as an xarray Dataset.

        Parameters
        ----------
        times : array [s] or None
            Output times (default ``n_output`` times from 0 to ``t_end``).
        progress : bool
        checkpoint : path or None
            Checkpoint file, tied to the configuration (:meth:`fingerprint`), written every
            ``checkpoint_every`` steps and at each output, marked final at the end.
        resume : bool
            Continue from ``checkpoint`` if it exists (refused if its configuration differs).
        stop : int or None
            Stop after this many steps in total without writing the output (simulates a kill).

        Returns
        -------
        xarray.Dataset; its attribute ``valid`` is 0 (and ``failure`` says why, with a
        :class:`~crescape.simulate.coupled.driver.RunFailedWarning`) when floors and unpaid
        transfers added more than 1e-6 of the CR energy supplied.
        """
        from .driver import run

        return run(self, times, progress, checkpoint, resume, stop)

    def dataset(self, snaps):
        from .output import dataset

        return dataset(self, snaps)

    def edge_loss_rate(self) -> np.ndarray:
        """Mean CR energy lost through the momentum edges per volume and time since the last call.

        [erg cm^-3 s^-1], positive for a loss; the value of the previous call if no time passed.
        """
        t0, mark = self.edge_mark[0], self.edge_mark[1:]
        if self.t > t0:
            self.edge_rate = (self.edge_loss - mark) / ((self.t - t0) * self.grid.volume)
            self.edge_mark = np.concatenate([[self.t], self.edge_loss])
        return self.edge_rate.copy()

    def snapshot(self) -> dict:
        from .output import snapshot

        return snapshot(self)
