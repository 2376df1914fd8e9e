"""The self-consistent circumgalactic run: CR current → δB growth → Bohm diffusion → CR pressure → gas → advection.

One time step Δt is a Lie splitting of four operators, each taking the state
left by the previous one:

1. **current and field growth** (:mod:`crescape.simulate.field`): the CR flux
   on the faces (advective + flux-limited diffusive, from the transport
   operator) is averaged to the cells and taken in the gas frame,
   F' = F − u g; the current J = e Σ_{E ≥ E_J} F' Δln p, the density N_J and
   the energy flux F_E = Σ E F' Δln p of the current-carrying particles give
   the growth rate (dispersion relation, with its threshold) and the caps of
   the selected saturation criteria; δB grows exactly over Δt (exponential
   integrator with the cap, or instantaneous saturation);
2. **field transport**: flux freezing of δB in the gas velocity u^n (its
   energy change is metered, and the Poynting flux A u δB²/4π on the faces);
3. **CR transport** (:class:`MeteredTransport`, the
   :class:`crescape.simulate.TransportOperator` with its adiabatic energy change
   metered per cell; θ-scheme diffusion, flux limiter, adiabatic term): with
   the face velocity u^n and D from the new field (:func:`diffusion_coefficient`);
4. **gas** (:mod:`crescape.simulate.gas`): one SSP-RK2 step with the force
   density f = −∇P_CR − A⁻¹∂_z(A δB²/8π) of P_CR^n (the pressure the time step
   was limited with), written as face differences so that the momentum given
   to the gas equals the CR and magnetic momentum flux through the boundaries
   (plus the geometric term of the isotropic CR pressure) to round-off; the
   gas energy gets the work f·u, and the difference between what the CRs and
   the field lost (minus the divergence of the boundary-work fluxes) and that
   work goes back to the CRs, so that the total energy is conserved to
   round-off (``energy_exchange = "conservative"``).

Δt is the smallest of the gas Courant limit (with the CR and magnetic
signal speeds √(4P_CR/3ρ) and ṽ_A added to c_s), the explicit CR advection
limits of the transport stepper, ``dt_max`` and the next output time. The
light-crossing limit of the transport stepper is not used: with θ = 1 the
diffusion step is unconditionally positive and the flux limiter caps the
streaming speed; the growth phase (years) and the diffusive-to-advective
transition (Eqs. 11, 13: years at 1 GeV) are therefore not resolved in
time by a run that takes Myr steps: the run follows the transport that
comes after them. :func:`transition_run` resolves them on a small grid.

Everything depends only on the state, so a run resumed from a checkpoint is
bit-identical to an uninterrupted one.
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np

from .. import constants as C
from ..physics import instability
from .boundaries import FreeEscape, Outflow, PrescribedFlux
from .cgm_config import SimulationConfig
from .field import FieldGrowth, magnetic_pressure
from .gas import EulerSolver, GasState
from .grid import FluxTube, MomentumGrid, Planar, SpatialGrid
from .operator import TransportOperator
from .state import State
from .stepper import Stepper

__all__ = [
    "CGMSimulation",
    "MeteredTransport",
    "STATUS",
    "diffusion_coefficient",
    "face_force",
    "face_values",
    "neutrino_sed",
    "transition_run",
]

BUDGET_KEYS = (
    "cr_energy_in",
    "cr_energy_z",
    "cr_energy_edges",
    "cr_adiabatic",
    "cr_pressure_work_boundary",
    "cr_momentum_boundary",
    "cr_momentum_geometric",
    "field_momentum_boundary",
    "field_growth_energy",
    "field_advection_energy",
    "field_energy_in",
    "field_energy_out",
    "gas_heating",
    "cr_gas_work",
    "cr_exchange_correction",
    "cr_number_exchange",
)

#: status of a cell in the field step, after the selected criteria (0 … k−1: capped by
#: ``criteria[i]``, the field at or above that cap), then these two:
STATUS = ("growing", "not_driven")


def diffusion_coefficient(pc, v, B_tot, dB, coherence=None, D_max=np.inf):
    """D(z, p) from the local field [cm² s^-1].

    Parameters
    ----------
    pc, v : array (n_p,)
        Particle momentum times c [erg] (= E for relativistic particles) and speed [cm/s].
    B_tot, dB : array (n_z,)
        Total field √(B0² + δB²) and turbulent field δB [G].
    coherence : array (n_z,) or None
        ℓ_c [cm]; None: every particle in the Bohm regime.
    D_max : float

    Returns
    -------
    array (n_z, n_p)

    Notes
    -----
    With the Larmor radius r_L = pc/(eB): D = (v/3) r_L (B/δB)² for r_L ≤ ℓ_c,
    the quasi-linear mean free path r_L (B/δB)², Bohm (Eq. 9, written there for
    v = c and pc = E) once δB ≳ B; and D = (v/3) (r_L²/ℓ_c) (B/δB)² for r_L > ℓ_c,
    the small-scale-field form (mean free path ∝ r_L²/ℓ_c for particles whose
    gyration is larger than the turbulence scale: scattering by random
    deflections of angle ℓ_c/r_L per coherence length; e.g. Subedi et al. 2017,
    ApJ 837, 140; Casse, Lemoine & Pelletier 2002, PRD 65, 023002).
    """
    pc = np.asarray(pc, dtype=float)
    B_tot = np.asarray(B_tot, dtype=float)
    # (v/3) r_L (B/δB)² = (v pc/3e) · B/δB², an outer product
    zfac = B_tot / np.maximum(np.asarray(dB, dtype=float), 1e-300) ** 2
    D = np.multiply.outer(zfac, np.asarray(v, dtype=float) * pc / (3.0 * C.e))
    if coherence is not None:
        rL = pc[None, :] / (C.e * B_tot[:, None])
        D *= np.maximum(1.0, rL / coherence[:, None])
    if np.isfinite(D_max):
        np.minimum(D, D_max, out=D)
    return D


def cell_faces(z0, z1, n, stretch=1.0):
    """n + 1 faces from z0 to z1 whose widths grow geometrically by ``stretch`` (last/first) [cm]."""
    if stretch == 1.0:
        return np.linspace(z0, z1, n + 1)
    q = stretch ** (1.0 / max(n - 1, 1))
    w = q ** np.arange(n)
    x = np.concatenate([[0.0], np.cumsum(w)])
    faces = z0 + (z1 - z0) * x / x[-1]
    faces[-1] = z1
    return faces


def face_values(P, grid=None):
    """Cell values P (n,) on the n + 1 faces.

    With ``grid``: linear interpolation between neighbouring centres, linear
    extrapolation to the two boundary faces (clipped at 0), so that the
    boundary cell feels the full gradient. Without: the mean of the neighbours
    and the cell value on the boundary faces (first order at the boundaries).
    """
    P = np.asarray(P, dtype=float)
    if grid is None or P.size < 2:
        return np.concatenate([[P[0]], 0.5 * (P[1:] + P[:-1]), [P[-1]]])
    dz, dzc = grid.dz, grid.dzc
    slope = np.diff(P) / dzc
    inner = P[:-1] + slope * 0.5 * dz[:-1]
    lo = max(P[0] - slope[0] * 0.5 * dz[0], 0.0)
    hi = max(P[-1] + slope[-1] * 0.5 * dz[-1], 0.0)
    return np.concatenate([[lo], inner, [hi]])


def face_force(P, area, volume, geometric, grid=None):
    """Force density −A⁻¹∂_z(A P) (+ P A⁻¹∂_z A if ``geometric``) from cell pressures P.

    Face values from :func:`face_values` (``grid`` given: second order at the
    boundary faces). Returns (f, boundary momentum per unit time, geometric
    momentum per unit time).
    """
    Pf = face_values(P, grid)
    AP = area * Pf
    f = -np.diff(AP) / volume
    bnd = AP[0] - AP[-1]
    geo = 0.0
    if geometric:
        g = P * np.diff(area)
        f = f + g / volume
        geo = float(np.sum(g))
    return f, float(bnd), geo


class MeteredTransport(TransportOperator):
    """The transport operator with the CR energy change of its adiabatic term metered per cell.

    :meth:`advect` runs the advection in z of the parent operator, then the
    advection in ln p (the adiabatic term) with the same kernel, and adds to
    ``adiabatic_energy`` (per cell, [erg per unit A of the geometry]) the change
    of Σ_j E_j g_j Δy V of that sub-step, and to ``edge_energy`` the part of it
    that crossed the two momentum edges (E_0 N_low_in − E_last N_high_out, exact:
    what crosses an edge enters or leaves the edge bin). The coupled run
    compares the rest with the work the gas receives and returns the difference
    to the CRs, so that the CR–gas energy exchange conserves energy to round-off.
    """

    def __init__(self, *args, **kw):
        super().__init__(*args, **kw)
        self.adiabatic_energy = np.zeros(self.grid.n)
        self.edge_energy = 0.0
        self._Ey = self.pgrid.energy * self.pgrid.dy

    def reset_meter(self):
        self.adiabatic_energy = np.zeros(self.grid.n)
        self.edge_energy = 0.0

    def advect(self, g, u, t, dt, budget, **kw):
        if not self.adiabatic or not np.any(u):
            return super().advect(g, u, t, dt, budget, **kw)
        self.adiabatic = False
        try:
            g = super().advect(g, u, t, dt, budget, **kw)
        finally:
            self.adiabatic = True
        G, dy, E = self.grid, self.pgrid.dy, self.pgrid.energy
        e0 = g @ self._Ey
        g, n_lo, n_hi = self.kernels.advect_y(
            g,
            self.ydot(u),
            G.volume,
            dy,
            dt,
            self.p_boundary == "extrapolate",
            self.limited_advection,
        )
        budget["p_low_in"] += n_lo * dy
        budget["p_high_out"] += n_hi * dy
        self.adiabatic_energy += (g @ self._Ey - e0) * G.volume
        self.edge_energy += (E[0] * n_lo - E[-1] * n_hi) * dy
        return g


class CGMSimulation:
    """The coupled CR–field–gas run of the circumgalactic medium.

    Parameters
    ----------
    params : crescape.params.Parameters
    config : SimulationConfig
    backend : {"numba", "reference"}
        Kernels of the transport operator and of the gas solver.
    """

    def __init__(self, params, config: SimulationConfig | None = None, backend: str = "numba"):
        self.params = params
        self.config = cfg = config or SimulationConfig()
        c = params.cgs
        H, R_d = float(c.H), float(c.R_d)
        z_max = cfg.cgs("z_max")
        if not z_max > H:
            raise ValueError(
                f"z_max = {z_max / C.kpc:g} kpc is not allowed: must exceed H = {H / C.kpc:g} kpc"
            )
        faces = cell_faces(H, z_max, cfg.n_cells, cfg.stretch)
        if cfg.geometry == "planar":
            geom = Planar()
        elif cfg.geometry == "spherical":
            geom = FluxTube(lambda z: (z / R_d) ** 2, "(z/R_d)^2")
        else:
            geom = FluxTube(
                lambda z: np.where(z <= R_d, 1.0, (z / R_d) ** 2),
                "1 for z <= R_d, (z/R_d)^2 beyond",
            )
        self.grid = G = SpatialGrid(faces, geom)
        E_lo = cfg.cgs("E_grid_min") or float(c.E_min)
        E_hi = cfg.cgs("E_grid_max") or float(c.E_max)
        self.pgrid = P = MomentumGrid.from_energy(E_lo, E_hi, cfg.n_momenta)
        self.E_J = cfg.cgs("E_J") or float(P.energy[0])
        self.j_mask = P.energy >= self.E_J * (1 - 1e-12)
        if not self.j_mask.any():
            raise ValueError(
                f"E_J = {self.E_J / C.GeV:g} GeV is not allowed: must be below the top of the momentum grid"
            )
        # the CGM at rest
        self.rho0 = float(instability.gas_density(c.delta_G, c.Omega_b_h2, c.rho_cr_h2))
        mu = instability.mean_molecular_weight(float(c.X_H))
        self.P0 = self.rho0 / (mu * C.m_p) * C.k_B * float(c.T)
        self.gas = EulerSolver(
            G,
            gamma=cfg.gamma,
            isothermal=cfg.isothermal,
            cs_iso=np.sqrt(self.P0 / self.rho0),
            inner=cfg.gas_inner,
            outer="outflow",
            backend=backend,
            rho_floor=1e-6 * self.rho0,
            p_floor=1e-6 * self.P0,
            reservoir=(self.rho0, self.P0, self.rho0, self.P0),
        )
        self.B0 = float(c.B0)
        self.field = FieldGrowth(
            self.B0,
            cfg.criteria,
            cfg.rate,
            cfg.closure,
            slope=float(c.slope),
            t_max=E_hi / self.E_J,
        )
        self.inner_flux = PrescribedFlux.escape(P, params)
        outer = FreeEscape() if cfg.cr_outer == "free_escape" else Outflow()
        self.op = MeteredTransport(
            G,
            P,
            D=cfg.cgs("D_max"),
            u=0.0,
            inner=self.inner_flux,
            outer=outer,
            flux_limiter=True,
            adiabatic=True,
            backend=backend,
        )
        self.stepper = Stepper(self.op, State(np.zeros(self.op.shape)), theta=cfg.theta)
        self.gas_state = self.gas.state(self.rho0, 0.0, self.P0)
        self.dB = np.full(G.n, cfg.seed_fraction * self.B0)
        self.step_count = 0
        self.budget = {k: 0.0 for k in BUDGET_KEYS}
        self.binding = np.zeros(G.n, dtype=int)
        self.gamma_grow = np.zeros(G.n)
        nk = len(self.field.criteria) + len(STATUS)
        self.status = np.full(G.n, nk - 1)
        self.status_time = np.zeros((nk, G.n))
        self._D_cache = None
        self.history = []  # per step: (t, dt, status of the first cell, cells in each status)
        self._E = P.energy
        self._Ey = P.energy * P.dy
        self._ones_dy = np.full(P.n, P.dy)
        self._mask_dy = self.j_mask * P.dy
        self._maskE_dy = self.j_mask * P.energy * P.dy
        self._dEdy = P.dE_dlnp()
        self.initial = self.totals()

    # ------------------------------------------------------------------ state access
    @property
    def t(self) -> float:
        return self.stepper.state.t

    @property
    def g(self) -> np.ndarray:
        return self.stepper.state.g

    def B_tot(self, dB=None):
        dB = self.dB if dB is None else dB
        return np.sqrt(self.B0**2 + dB**2)

    def u_faces(self, s: GasState | None = None):
        """Gas velocity on the faces: mean of the neighbours; 0 on a wall, the cell value on open faces."""
        u = (s or self.gas_state).u
        inner = (
            0.0
            if self.config.gas_inner == "reflecting"
            else max(u[0], 0.0)
            if self.config.gas_inner == "inflow"
            else u[0]
        )
        return np.concatenate([[inner], 0.5 * (u[1:] + u[:-1]), [u[-1]]])

    def coherence(self):
        lc = self.config.cgs("coherence_length")
        if lc is None:
            return None
        return np.full(self.grid.n, lc)

    def D(self, dB=None):
        """D(z, E) from the field (see :func:`diffusion_coefficient`); cached for the current δB."""
        if dB is None:
            key = self.dB.tobytes()
            if self._D_cache is not None and self._D_cache[0] == key:
                return self._D_cache[1]
            D = self.D(self.dB.copy())
            self._D_cache = (key, D)
            return D
        return diffusion_coefficient(
            self.pgrid.p * C.c,
            self.pgrid.velocity,
            self.B_tot(dB),
            dB,
            self.coherence(),
            self.config.cgs("D_max"),
        )

    def _set_transport(self):
        self.op.set_coefficients(D=self.D(), u=self.u_faces())

    def cr_pressure(self):
        return self.op.pressure(self.g)

    def cr_energy_density(self):
        return self.g @ self._Ey

    def currents(self):
        """Gas-frame (J [statA cm^-2], N_J [cm^-3], F_E [erg cm^-2 s^-1]) per cell of the particles above E_J."""
        self._set_transport()
        g = self.g
        F = self.op.flux(g, self.t)
        Fc = 0.5 * (F[1:] + F[:-1]) - self.gas_state.u[:, None] * g
        J = C.e * (Fc @ self._mask_dy)
        N = g @ self._mask_dy
        FE = Fc @ self._maskE_dy
        return J, N, FE

    # ------------------------------------------------------------------ stepping
    def next_dt(self, t_stop=np.inf) -> float:
        s = self.gas_state
        rho = s.rho
        extra = np.sqrt(
            4.0 / 3.0 * np.maximum(self.cr_pressure(), 0) / rho
        ) + self.B_tot() / np.sqrt(4 * np.pi * rho)
        speed = np.abs(s.u) + self.gas.sound_speed(s) + extra
        dt = float(self.config.cfl * np.min(self.grid.dz / speed))
        self._set_transport()
        lim = self.stepper.dt_limits()
        lim.pop("light_crossing", None)
        lim.pop("dt_max", None)
        dt = min([dt, self.config.cgs("dt_max")] + [v for v in lim.values()])
        rem = t_stop - self.t
        return rem if dt >= rem * (1 - 1e-12) else dt

    def step(self, dt: float):
        """One split step of length dt (see the module docstring)."""
        G, b = self.grid, self.budget
        V, A = G.volume, G.area
        uf = self.u_faces()
        # 1. current and field growth
        J, N, FE = self.currents()
        rho = self.gas_state.rho
        gam = self.field.growth_rate(J, rho, self.E_J, self.B_tot())
        cap, code = self.field.cap(J, rho, self.E_J, N, FE)
        self.dB, dW = self.field.grow(self.dB, gam, cap, dt)
        self.binding = np.where(gam > 0, code, -1)
        self.gamma_grow = gam
        self._record_status(J, cap, code, gam, dt)
        b["field_growth_energy"] += float(np.sum(dW * V))
        # 2. flux freezing of δB in the gas velocity u^n; Poynting flux A u δB²/4π on the faces
        # with the upwind δB of the advection step
        dBn = self.dB
        up = np.concatenate([[dBn[0]], dBn, [dBn[-1]]])
        poy = A * uf * 2.0 * magnetic_pressure(np.where(uf > 0, up[:-1], up[1:]))
        eB0 = magnetic_pressure(dBn) * V
        self.dB, _, _ = self.field.advect(dBn, uf, G, dt)
        dEB = magnetic_pressure(self.dB) * V - eB0
        b["field_advection_energy"] += float(np.sum(dEB))
        b["field_energy_in"] += float(poy[0]) * dt
        b["field_energy_out"] += float(poy[-1]) * dt
        heat_B = (-dEB - np.diff(poy) * dt) / (V * dt)
        # 3. CR transport with u^n and D from the field
        self._set_transport()
        Pc0 = self.cr_pressure()
        F_in = self.inner_flux.values(self.pgrid.p, self.t)
        b["cr_energy_in"] += float(A[0] * np.sum(F_in * self._E) * self.pgrid.dy) * dt
        e_before = float(np.sum(self.cr_energy_density() * V))
        self.op.reset_meter()
        self.stepper.step(dt)
        d_tot = float(np.sum(self.cr_energy_density() * V)) - e_before
        ad = self.op.adiabatic_energy
        edge = self.op.edge_energy
        b["cr_energy_z"] += d_tot - float(np.sum(ad))
        b["cr_energy_edges"] += edge
        wabs = np.abs(ad)
        ad_net = ad - (edge * wabs / wabs.sum() if wabs.sum() > 0 else 0.0)
        b["cr_adiabatic"] += float(np.sum(ad_net))
        wcr = A * uf * face_values(Pc0, G)
        b["cr_pressure_work_boundary"] += float(wcr[0] - wcr[-1]) * dt
        heat_cr = (-ad_net - np.diff(wcr) * dt) / (V * dt)
        # 4. gas with the CR force of P_CR^n (the one the time step was limited with) and the
        # magnetic force; energy: what the CRs and the field gave
        fc, bc, gc = face_force(Pc0, A, V, geometric=True, grid=G)
        fb, bb, _ = face_force(magnetic_pressure(self.dB), A, V, geometric=False, grid=G)
        u_before = self.gas_state.u.copy()
        # the gas gets the work f·u of the forces; what the CRs and the field lost (heat_c)
        # differs from it by the truncation error, which goes back to the CRs (below)
        heat_c = heat_cr + heat_B
        heat = (fc + fb) * u_before
        conservative = self.config.energy_exchange == "conservative"
        self.gas.step(self.gas_state, dt, fc + fb, heating=heat if conservative else None)
        if conservative:
            # energy conservation: the CRs get back (or give) the difference between what they
            # and the field lost and the work the gas received, by a uniform rescaling of g
            mismatch = float(np.sum((heat_c - heat) * V)) * dt
            e_cr = float(np.sum(self.cr_energy_density() * V))
            if e_cr > 0 and mismatch != 0.0:
                x = mismatch / e_cr
                n_before = float(V @ (self.g @ self._ones_dy))
                self.stepper.state.g = self.g * (1.0 + x)
                b["cr_exchange_correction"] += mismatch
                b["cr_number_exchange"] += n_before * x
        u_mid = 0.5 * (u_before + self.gas_state.u)
        b["cr_momentum_boundary"] += bc * dt
        b["cr_momentum_geometric"] += gc * dt
        b["field_momentum_boundary"] += bb * dt
        b["gas_heating"] += float(np.sum(heat * V)) * dt if conservative else 0.0
        b["cr_gas_work"] += float(np.sum(fc * u_mid * V)) * dt
        self.step_count += 1

    def _record_status(self, J, cap, code, gam, dt):
        """Per-cell status of the field step (:data:`STATUS`) and its history."""
        k = len(self.field.criteria)
        driven = self.field.driven(np.abs(J), self.E_J)
        dB_cap = np.sqrt(np.maximum(cap**2 - self.B0**2, 0.0))
        at_cap = self.dB >= dB_cap * (1.0 - 1e-9)
        # with the Larmor criterion the rate vanishes at the Larmor cap: capped by it
        larmor_stop = driven & (gam <= 0)
        if "larmor" in self.field.criteria:
            i_l = self.field.criteria.index("larmor")
        else:
            i_l = k + 1
        st = np.where(~driven, k + 1, np.where(at_cap, code, np.where(larmor_stop, i_l, k)))
        self.status = st
        counts = np.bincount(st, minlength=k + 2)
        self.status_time += np.eye(k + 2)[st].T * dt
        self.history.append((self.t + dt, dt, st[0], *counts))

    # ------------------------------------------------------------------ diagnostics
    def totals(self) -> dict:
        """Mass, momentum and energies in the domain (per unit A)."""
        V = self.grid.volume
        t = self.gas.totals(self.gas_state)
        t["cr_energy"] = float(np.sum(self.cr_energy_density() * V))
        t["field_energy"] = float(np.sum(magnetic_pressure(self.dB) * V))
        t["cr_number"] = self.op.number(self.g)
        return t

    def budgets(self) -> dict:
        """Global budgets: each change against its sources, and relative residuals.

        ``mass_residual``: (ΔM − mass fluxes − floors)/M0. ``momentum_residual``:
        (Δ(ρu) − gas fluxes − geometric − CR and field boundary momentum)/
        (Σ|terms|). ``exchange_residual``: the force momentum the gas got minus
        the CR and field momentum through the boundaries. ``energy_residual``:
        (Δ(E_gas + E_CR + E_B) − gas energy fluxes − floors − CR energy through the
        z boundaries and the momentum edges − CR pressure work A u P_CR on the
        boundary faces − field growth energy − Poynting fluxes)/(injected CR
        energy + gas energy fluxes). What the CRs lost through the adiabatic
        term (metered by :class:`MeteredTransport`) and the field through flux
        freezing, minus the divergence of A u P_CR and of the Poynting flux (a
        conservative discretisation of −u∂_zP_CR − u∂_z(δB²/8π)), differs from
        the work f·u the gas receives by truncation error; that difference goes back to the CRs (uniform rescaling of g, its
        number change counted in the CR number budget). ``exchange_correction``
        is it relative to the work given to the gas. ``cr_energy_out``
        is the injected CR energy minus the change of the z sub-steps (which
        conserve energy up to the z boundaries).
        """
        now, ini, gb, b = self.totals(), self.initial, self.gas_state.budget, self.budget
        out = {}
        out["mass_residual"] = (
            now["mass"] - ini["mass"] - (gb["mass_in"] - gb["mass_out"] + gb["floor_mass"])
        ) / ini["mass"]
        dmom = now["momentum"] - ini["momentum"]
        terms = [
            gb["mom_in"],
            -gb["mom_out"],
            gb["geometric_momentum"],
            b["cr_momentum_boundary"],
            b["cr_momentum_geometric"],
            b["field_momentum_boundary"],
        ]
        scale = sum(abs(x) for x in terms) or 1.0
        out["momentum_residual"] = (dmom - sum(terms)) / scale
        out["exchange_residual"] = (
            gb["force_momentum"]
            - b["cr_momentum_boundary"]
            - b["cr_momentum_geometric"]
            - b["field_momentum_boundary"]
        ) / (abs(gb["force_momentum"]) or 1.0)
        dE = (now["energy"] + now["cr_energy"] + now["field_energy"]) - (
            ini["energy"] + ini["cr_energy"] + ini["field_energy"]
        )
        src = (
            gb["energy_in"]
            - gb["energy_out"]
            + gb["floor_energy"]
            + b["cr_energy_z"]
            + b["cr_energy_edges"]
            + b["cr_pressure_work_boundary"]
            + b["field_growth_energy"]
            + b["field_energy_in"]
            - b["field_energy_out"]
        )
        scale = b["cr_energy_in"] + abs(gb["energy_in"]) + abs(gb["energy_out"]) or 1.0
        out["energy_residual"] = (dE - src) / scale
        out["cr_energy_out"] = b["cr_energy_in"] - b["cr_energy_z"]
        out["exchange_correction"] = b["cr_exchange_correction"] / (abs(b["gas_heating"]) or 1.0)
        out["cr_number_residual"] = (
            now["cr_number"] - ini["cr_number"] - self._number_sources()
        ) / max(self.stepper.state.budget["inner_in"], 1e-300)
        return out

    def status_history(self) -> dict:
        """The per-step history of the field status.

        Returns
        -------
        dict with ``t`` [s] (end of each step), ``dt`` [s], ``inner`` (status of the
        first cell), ``cells`` (n_steps, n_status: cells in each status), ``names``
        (the statuses: the criteria, then :data:`STATUS`), and ``time_fraction``
        (n_status,: the time-and-volume weighted share of each status).
        """
        nk = self.status_time.shape[0]
        h = np.array(self.history, dtype=float).reshape(-1, 3 + nk)
        V = self.grid.volume
        tot = self.status_time @ V
        return {
            "t": h[:, 0],
            "dt": h[:, 1],
            "inner": h[:, 2].astype(int),
            "cells": h[:, 3:].astype(int),
            "names": list(self.field.criteria) + list(STATUS),
            "time_fraction": tot / (tot.sum() or 1.0),
        }

    def _number_sources(self):
        bb = self.stepper.state.budget
        return (
            bb["inner_in"]
            - bb["outer_out"]
            + bb["p_low_in"]
            - bb["p_high_out"]
            + bb["source"]
            + self.budget["cr_number_exchange"]
        )

    def snapshot(self) -> dict:
        """The fields at the current time (arrays in cgs)."""
        J, N, FE = self.currents()
        s = self.gas_state
        return {
            "t": self.t,
            "dB": self.dB.copy(),
            "u": s.u.copy(),
            "rho": s.rho.copy(),
            "P_gas": self.gas.pressure(s),
            "P_CR": self.cr_pressure(),
            "n_CR": self.g / self._dEdy[None, :],
            "D": self.D(),
            "J": J,
            "F_E": FE,
            "gamma": self.gamma_grow.copy(),
            "binding": self.binding.copy(),
            "field_status": self.status.copy(),
            **{f"budget_{k}": v for k, v in self.budgets().items()},
            **{f"total_{k}": v for k, v in self.totals().items()},
        }

    # ------------------------------------------------------------------ checkpoints
    def state_arrays(self) -> dict:
        out = {f"cr_{k}": v for k, v in self.stepper.state.to_arrays().items()}
        s = self.gas_state
        out.update(
            gas_rho=s.rho,
            gas_mom=s.mom,
            gas_ener=s.ener,
            gas_t=np.float64(s.t),
            dB=self.dB,
            binding=self.binding,
            gamma_grow=self.gamma_grow,
            step_count=np.int64(self.step_count),
            status=self.status,
            status_time=self.status_time,
            history=np.array(self.history, dtype=float).reshape(-1, 3 + self.status_time.shape[0]),
        )
        out.update({f"gasb_{k}": np.float64(v) for k, v in s.budget.items()})
        out.update({f"b_{k}": np.float64(v) for k, v in self.budget.items()})
        out.update({f"init_{k}": np.float64(v) for k, v in self.initial.items()})
        return out

    def load_arrays(self, a: dict):
        cr = {k[3:]: a[k] for k in a if k.startswith("cr_")}
        st = State.from_arrays(cr)
        if st.g.shape != self.op.shape:
            raise ValueError(f"checkpoint has shape {st.g.shape}, the grid is {self.op.shape}")
        self.stepper.state = st
        gb = {k[5:]: float(a[k]) for k in a if k.startswith("gasb_")}
        self.gas_state = GasState(
            np.array(a["gas_rho"]),
            np.array(a["gas_mom"]),
            np.array(a["gas_ener"]),
            float(a["gas_t"]),
            gb,
        )
        self.dB = np.array(a["dB"])
        self.binding = np.array(a["binding"])
        self.gamma_grow = np.array(a["gamma_grow"])
        self.status = np.array(a["status"])
        self.status_time = np.array(a["status_time"])
        self.history = [tuple(r) for r in np.array(a["history"])]
        self.step_count = int(a["step_count"])
        self.budget = {k: float(a.get(f"b_{k}", 0.0)) for k in BUDGET_KEYS}
        self.initial = {k[5:]: float(a[k]) for k in a if k.startswith("init_")}

    # ------------------------------------------------------------------ driver
    def run(self, times=None, progress=False, checkpoint=None, resume=False, stop=None):
        """Advance to the output times and return an xarray Dataset of snapshots.

        Parameters
        ----------
        times : array [s] or None
            Output times (default: ``n_output`` times from 0 to ``t_end``).
        progress : bool
            tqdm progress bar.
        checkpoint : path or None
            Atomic ``.npz`` checkpoint, written every ``checkpoint_every`` steps and at each output.
        resume : bool
            Continue from ``checkpoint`` if it exists.
        stop : int or None
            Stop (without writing the output) after this many steps in total: simulates a kill.
        """
        from ..reproduction import atomic_write_bytes
        from .observers import ProgressBar

        cfg = self.config
        if times is None:
            times = np.linspace(0.0, cfg.cgs("t_end"), cfg.n_output)
        times = np.asarray(times, dtype=float)
        snaps = []
        ck = Path(checkpoint) if checkpoint is not None else None
        if resume and ck is not None and ck.exists():
            with np.load(ck) as data:
                a = {k: data[k] for k in data.files}
            self.load_arrays(a)
            n_snap = int(a["n_snap"])
            keys = [str(k) for k in a["snap_keys"]]
            snaps = [{k: a[f"snap{i}_{k}"] for k in keys} for i in range(n_snap)]

        def save():
            if ck is None:
                return
            arrs = self.state_arrays()
            arrs["n_snap"] = np.int64(len(snaps))
            keys = list(snaps[0]) if snaps else []
            arrs["snap_keys"] = np.array(keys, dtype="U64")
            for i, sn in enumerate(snaps):
                for k in keys:
                    arrs[f"snap{i}_{k}"] = np.asarray(sn[k])
            buf = io.BytesIO()
            np.savez(buf, **arrs)
            atomic_write_bytes(ck, buf.getvalue())

        bar = ProgressBar(progress, desc="cgm")
        bar.start(self.t, times[-1])

        class _S:  # what ProgressBar.update reads
            pass

        try:
            for t_out in times[len(snaps) :]:
                while self.t < t_out:
                    if stop is not None and self.step_count >= stop:
                        save()
                        return None
                    dt = self.next_dt(t_out)
                    last = dt == t_out - self.t
                    self.step(dt)
                    if last:
                        self.stepper.state.t = t_out
                        self.gas_state.t = t_out
                    _S.t, _S.step = self.t, self.step_count
                    bar.update(_S)
                    if ck is not None and self.step_count % cfg.checkpoint_every == 0:
                        save()
                snaps.append(self.snapshot())
                save()
        finally:
            bar.close()
        return self.dataset(snaps)

    def dataset(self, snaps):
        """The snapshots as an xarray Dataset with units and the full parameter set in the attributes."""
        import xarray as xr

        G, P = self.grid, self.pgrid
        t = np.array([s["t"] for s in snaps])
        stack = lambda k: np.stack([s[k] for s in snaps])  # noqa: E731
        coords = {
            "t": ("t", t / C.Myr, {"units": "Myr"}),
            "z": ("z", G.centres / C.kpc, {"units": "kpc"}),
            "E": ("E", P.energy / C.GeV, {"units": "GeV"}),
        }
        meta = {
            "dB": ("G", "turbulent field δB"),
            "u": ("cm s-1", "gas velocity"),
            "rho": ("g cm-3", "gas density"),
            "P_gas": ("erg cm-3", "gas pressure"),
            "P_CR": ("erg cm-3", "CR pressure"),
            "J": ("statA cm-2", "gas-frame CR current above E_J"),
            "F_E": ("erg cm-2 s-1", "gas-frame CR energy flux above E_J"),
            "gamma": ("s-1", "growth rate"),
            "binding": ("", "index in sim_criteria of the smallest cap (-1: not driven)"),
            "field_status": ("", "field status: index in the status coordinate"),
        }
        data = {
            k: (("t", "z"), stack(k), {"units": un, "long_name": ln})
            for k, (un, ln) in meta.items()
        }
        data["n_CR"] = (
            ("t", "z", "E"),
            stack("n_CR") * C.GeV,
            {"units": "GeV-1 cm-3", "long_name": "CR density per energy"},
        )
        data["D"] = (
            ("t", "z", "E"),
            stack("D"),
            {"units": "cm2 s-1", "long_name": "diffusion coefficient"},
        )
        for k in snaps[0]:
            if k.startswith("budget_") or k.startswith("total_"):
                data[k] = (("t",), np.array([s[k] for s in snaps]), {})
        names = list(self.field.criteria) + list(STATUS)
        h = self.status_history()
        data["status_time"] = (
            ("status", "z"),
            self.status_time / C.Myr,
            {"units": "Myr", "long_name": "time spent by each cell in each field status"},
        )
        data["history_inner_status"] = (
            ("step",),
            h["inner"],
            {"long_name": "field status of the first cell (index in status)"},
        )
        data["history_cells"] = (
            ("step", "status"),
            h["cells"],
            {"long_name": "number of cells in each field status"},
        )
        data["history_t"] = (("step",), h["t"] / C.Myr, {"units": "Myr"})
        coords["status"] = ("status", names)
        attrs = {
            "title": "crescape coupled circumgalactic run",
            "E_J_GeV": self.E_J / C.GeV,
            "steps": self.step_count,
            "rho0_g_cm3": self.rho0,
            "P0_erg_cm3": self.P0,
            "B0_G": self.B0,
        }
        attrs.update({f"param_{k}": _attr(v) for k, v in _flat_params(self.params).items()})
        attrs.update({k: _attr(v) for k, v in self.config.attrs().items()})
        attrs.update({k: _attr(v) for k, v in self.gas.attrs().items()})
        attrs.update({k: _attr(v) for k, v in self.field.attrs().items()})
        attrs.update({f"transport_{k}": _attr(v) for k, v in self.op.attrs().items()})
        return xr.Dataset(data, coords=coords, attrs=attrs)


def _flat_params(params) -> dict:
    out = {}
    for grp in ("galaxy", "cgm", "micro"):
        obj = getattr(params, grp)
        for k, v in vars(obj).items():
            if not k.startswith("_") and k != "cgs":
                out[k] = str(v)
    return out


def _attr(v):
    if isinstance(v, bool | np.bool_):
        return int(v)
    if isinstance(v, int | float | str | np.integer | np.floating):
        return v
    return str(v)


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
    from ..physics import saturation, transport
    from ..physics.escape import escape_flux

    c = params.cgs
    E_lo, E_hi = float(c.E_min), float(c.E_max)
    P = MomentumGrid.from_energy(E_lo, E_hi, n_momenta)
    E = float(P.energy[0])
    spec = (c.L_CR, c.R_d, c.slope, c.E_min, c.E_max, c.cutoff)
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
    phi0 = sim.inner_flux.values(sim.pgrid.p, 0.0)
    times = np.linspace(0.0, t_end, n_out + 1)[1:]
    rows = []
    for t_out in times:
        while sim.t < t_out * (1 - 1e-12):
            dt = sim.next_dt(t_out)
            last = dt == t_out - sim.t
            sim.step(dt)
            if last:
                sim.stepper.state.t = t_out
                sim.gas_state.t = t_out
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


def _loglog_density(E_grid, n):
    """J(E_p) per cell: log-log interpolation of n (n_cells, n_E) over E_grid, zero outside it."""
    lE = np.log(E_grid)
    ln = np.log(np.maximum(n, 1e-300))

    def J(Ep):
        x = np.log(np.asarray(Ep, dtype=float))
        i = np.clip(np.searchsorted(lE, x) - 1, 0, lE.size - 2)
        w = (x - lE[i]) / (lE[i + 1] - lE[i])
        inside = (x >= lE[0]) & (x <= lE[-1])
        val = np.exp(ln[:, i] * (1.0 - w) + ln[:, i + 1] * w)
        return np.where(inside, val, 0.0)

    return J


def neutrino_sed(z, E, n_CR, n_target, E_nu, R_d, R_sun=None, R_out=None, sigma_model="KAB06"):
    """Sky-averaged all-flavour ν + ν̄ SED E² I(E_ν) [erg cm^-2 s^-1 sr^-1] from simulated profiles.

    Parameters
    ----------
    z : array (n_cells,)
        Distances of the cell centres from the Galactic plane [cm].
    E : array (n_E,)
        CR energies [erg].
    n_CR : array (n_cells, n_E)
        CR density per unit energy [cm^-3 erg^-1].
    n_target : array (n_cells,)
        pp target density [cm^-3] (the paper's ρ/m_p, Eq. 16).
    E_nu : array
        Neutrino energies [erg], ≥ 0.1 TeV (the full spectra of Kelner, Aharonian &
        Bugayov 2006, Eqs. 62-72, :func:`crescape.physics.pp.emissivity_full`).
    R_d : float
        Disk radius [cm] (the kink of the line-of-sight quadrature).
    R_sun, R_out : float or None
        Observer distance from the centre (default :data:`crescape.physics.cgm_source.R_SUN`)
        and outer radius of the emitting region (default: the last cell's centre).

    Notes
    -----
    The 1D column is mapped onto a sphere around the Galactic Centre: the
    emissivity at radius r is that of the cell at z = r, and that of the first
    cell for r < z_0 (the inner region of uniform density, as in the paper's
    picture), zero beyond R_out. The intensity is
    (1/4π)·(1/4π)∫dΩ∫ds q(r) with the quadrature of
    :func:`crescape.physics.cgm_source.los_nodes`; the oscillations conserve the
    all-flavour sum, so it is the sum of the ν_e and ν_μ production.
    """
    from ..physics import cgm_source, pp

    z = np.asarray(z, dtype=float)
    E_nu = np.atleast_1d(np.asarray(E_nu, dtype=float))
    if np.any(E_nu < pp.E_TRANSITION * (1 - 1e-9)):
        raise ValueError(
            f"E_nu min = {E_nu.min() / C.GeV:g} GeV is not allowed: must be >= {pp.E_TRANSITION / C.GeV:g} GeV"
        )
    J = _loglog_density(np.asarray(E, dtype=float), np.asarray(n_CR, dtype=float))
    Ep_max = float(np.max(E))
    q = sum(
        pp.emissivity_full(E_nu, J, 1.0, sp, Ep_max, sigma_model) for sp in ("nu_e", "nu_mu")
    )  # (n_cells, n_E_nu)
    q = q * np.asarray(n_target, dtype=float)[:, None]
    geom = cgm_source.HaloGeometry(
        float(R_d),
        float(z[-1] if R_out is None else R_out),
        float(cgm_source.R_SUN if R_sun is None else R_sun),
    )
    s, r, w = cgm_source.los_nodes(geom)
    idx = np.clip(np.searchsorted(z, r.ravel()), 0, z.size - 1)
    inside = r.ravel() <= geom.R_out
    qr = q[idx] * inside[:, None]  # (n_nodes, n_E_nu)
    I = (w.ravel()[:, None] * qr).sum(axis=0) / (4.0 * np.pi) ** 2
    return E_nu**2 * I
