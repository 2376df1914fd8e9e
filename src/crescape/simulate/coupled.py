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
2. **gas** (:mod:`crescape.simulate.gas`): one SSP-RK2 step with the force
   density f = −∇P_CR − A⁻¹∂_z(A δB²/8π), written as face differences so that
   the momentum given to the gas equals the CR and magnetic momentum flux
   through the boundaries (plus the geometric term of the isotropic CR
   pressure) to round-off;
3. **field transport**: flux freezing of δB in the new gas velocity;
4. **CR transport** (:class:`crescape.simulate.TransportOperator`, θ-scheme
   diffusion, flux limiter, adiabatic term): with the face velocity of the gas
   and D from the local field (:func:`diffusion_coefficient`).

Δt is the smallest of the gas Courant limit (with the CR and magnetic
signal speeds √(4P_CR/3ρ) and ṽ_A added to c_s), the explicit CR advection
limits of the transport stepper, ``dt_max`` and the next output time. The
light-crossing limit of the transport stepper is not used: with θ = 1 the
diffusion step is unconditionally positive and the flux limiter caps the
streaming speed; the growth phase (years) and the diffusive-to-advective
transition (Eqs. 11, 13: decades at 1 GeV) are therefore not resolved in
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

__all__ = ["CGMSimulation", "diffusion_coefficient", "face_force"]

BUDGET_KEYS = (
    "cr_energy_in",
    "cr_energy_out",
    "cr_momentum_boundary",
    "cr_momentum_geometric",
    "field_momentum_boundary",
    "field_growth_energy",
    "field_energy_in",
    "field_energy_out",
    "cr_gas_work",
)


def diffusion_coefficient(E, v, B_tot, dB, coherence=None, D_max=np.inf):
    """D(z, E) from the local field [cm² s^-1].

    Parameters
    ----------
    E, v : array (n_p,)
        Particle energy [erg] and speed [cm/s].
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
    D = (v/3) r_L (B/δB)² for r_L ≤ ℓ_c, the quasi-linear mean free path
    r_L (B/δB)², Bohm (Eq. 9 with v = c) once δB ≳ B; and
    D = (v/3) (r_L²/ℓ_c) (B/δB)² for r_L > ℓ_c, the small-scale-field
    form (mean free path ∝ r_L²/ℓ_c for particles whose gyration is larger
    than the turbulence scale: scattering by random deflections of angle
    ℓ_c/r_L per coherence length; e.g. Subedi et al. 2017, ApJ 837, 140;
    Casse, Lemoine & Pelletier 2002, PRD 65, 023002).
    """
    rL = E[None, :] / (C.e * B_tot[:, None])
    lam = rL * (B_tot[:, None] / np.maximum(dB[:, None], 1e-300)) ** 2
    if coherence is not None:
        lam = lam * np.maximum(1.0, rL / coherence[:, None])
    return np.minimum(v[None, :] * lam / 3.0, D_max)


def face_force(P, area, volume, geometric):
    """Force density −A⁻¹∂_z(A P) (+ P A⁻¹∂_z A if ``geometric``) from cell pressures P.

    Face values are the mean of the neighbours and the cell value on the two
    boundary faces. Returns (f, boundary momentum per unit time, geometric momentum per unit time).
    """
    Pf = np.concatenate([[P[0]], 0.5 * (P[1:] + P[:-1]), [P[-1]]])
    AP = area * Pf
    f = -np.diff(AP) / volume
    bnd = AP[0] - AP[-1]
    geo = 0.0
    if geometric:
        g = P * np.diff(area)
        f = f + g / volume
        geo = float(np.sum(g))
    return f, float(bnd), geo


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
        faces = np.linspace(H, z_max, cfg.n_cells + 1)
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
        self.op = TransportOperator(
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
        self._E = P.energy
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
        inner = 0.0 if self.config.gas_inner == "reflecting" else max(u[0], 0.0) if self.config.gas_inner == "inflow" else u[0]
        return np.concatenate([[inner], 0.5 * (u[1:] + u[:-1]), [u[-1]]])

    def coherence(self):
        lc = self.config.cgs("coherence_length")
        if lc is None:
            return None
        return np.full(self.grid.n, lc)

    def D(self, dB=None):
        """D(z, E) from the field (see :func:`diffusion_coefficient`)."""
        dB = self.dB if dB is None else dB
        return diffusion_coefficient(
            self._E,
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
        return (self.g * self._E[None, :]).sum(axis=1) * self.pgrid.dy

    def currents(self):
        """Gas-frame (J [statA cm^-2], N_J [cm^-3], F_E [erg cm^-2 s^-1]) per cell of the particles above E_J."""
        self._set_transport()
        g = self.g
        F = self.op.flux(g, self.t)
        Fc = 0.5 * (F[1:] + F[:-1]) - self.gas_state.u[:, None] * g
        m = self.j_mask
        dy = self.pgrid.dy
        J = C.e * Fc[:, m].sum(axis=1) * dy
        N = g[:, m].sum(axis=1) * dy
        FE = (Fc[:, m] * self._E[None, m]).sum(axis=1) * dy
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
        V = G.volume
        # 1. current and field growth
        J, N, FE = self.currents()
        rho = self.gas_state.rho
        gam = self.field.growth_rate(J, rho, self.E_J, self.B_tot())
        cap, code = self.field.cap(J, rho, self.E_J, N, FE)
        self.dB, dW = self.field.grow(self.dB, gam, cap, dt)
        self.binding = np.where(gam > 0, code, -1)
        self.gamma_grow = gam
        b["field_growth_energy"] += float(np.sum(dW * V))
        # 2. gas with the CR and magnetic forces
        Pc = self.cr_pressure()
        fc, bc, gc = face_force(Pc, G.area, V, geometric=True)
        fb, bb, _ = face_force(magnetic_pressure(self.dB), G.area, V, geometric=False)
        u_before = self.gas_state.u.copy()
        w0 = self.gas_state.budget["force_work"]
        self.gas.step(self.gas_state, dt, fc + fb)
        u_mid = 0.5 * (u_before + self.gas_state.u)
        b["cr_momentum_boundary"] += bc * dt
        b["cr_momentum_geometric"] += gc * dt
        b["field_momentum_boundary"] += bb * dt
        b["cr_gas_work"] += float(np.sum(fc * u_mid * V)) * dt
        _ = w0
        # 3. flux freezing of δB
        uf = self.u_faces()
        WB = magnetic_pressure(self.dB)
        self.dB, _, _ = self.field.advect(self.dB, uf, G, dt)
        b["field_energy_in"] += float(G.area[0] * uf[0] * (WB[0])) * dt
        b["field_energy_out"] += float(G.area[-1] * uf[-1] * WB[-1]) * dt
        # 4. CR transport
        self._set_transport()
        F_in = self.inner_flux.values(self.pgrid.p, self.t)
        b["cr_energy_in"] += float(G.area[0] * np.sum(F_in * self._E) * self.pgrid.dy) * dt
        Fout = self.op.flux(self.g, self.t)[-1]
        b["cr_energy_out"] += float(G.area[-1] * np.sum(Fout * self._E) * self.pgrid.dy) * dt
        self.stepper.step(dt)
        self.step_count += 1

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
        (Δ(E_gas + E_CR + E_B) − boundary energy fluxes − field growth energy)/injected
        CR energy; it measures the discretisation error of the CR–gas energy
        exchange (the work f·u against the adiabatic term of the CR transport).
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
            + b["cr_energy_in"]
            - b["cr_energy_out"]
            + b["field_growth_energy"]
            + b["field_energy_in"]
            - b["field_energy_out"]
        )
        out["energy_residual"] = (dE - src) / (b["cr_energy_in"] or 1.0)
        out["cr_number_residual"] = (
            now["cr_number"] - ini["cr_number"] - self._number_sources()
        ) / max(self.stepper.state.budget["inner_in"], 1e-300)
        return out

    def _number_sources(self):
        bb = self.stepper.state.budget
        return bb["inner_in"] - bb["outer_out"] + bb["p_low_in"] - bb["p_high_out"] + bb["source"]

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
        self.step_count = int(a["step_count"])
        self.budget = {k: float(a[f"b_{k}"]) for k in BUDGET_KEYS}
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
            "binding": ("", "index in sim_criteria of the binding cap (-1: not driven)"),
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
