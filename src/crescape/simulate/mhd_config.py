"""Configuration and driver of a 1.5D MHD run of Bell's instability (``crescape mhd``).

A TOML file holds the tables below (every key optional; the defaults are listed by
``crescape params``-style tables in :data:`SCHEMA`); plain numbers are in the
documented unit, strings may carry a unit (``"3 uG"``):

* ``[plasma]``: ``B0`` [µG], ``n`` [cm^-3] (ρ = n m_p), ``sound_speed`` [km/s],
  ``gamma``, ``isothermal``;
* ``[current]``: ``J`` [statA cm^-2], the CR current along B0 (k_c = 4πJ/(cB0), Bell 2004);
* ``[cr]``: ``response`` (the CR current's linear response σ(k r_L)), ``E_min`` [GeV]
  (r_L = E_min/(eB0)), ``spectrum`` (``"power_law"``, ``"one_energy"`` or
  ``"drifting_p4"``), ``slope``, ``E_max`` [GeV];
* ``[grid]``: ``n_cells``, ``length`` (in λ_c = 2π/k_c);
* ``[scheme]``: ``riemann``, ``limiter``, ``cfl``, ``backend``, ``hall``, ``hall_density``;
* ``[init]``: ``seed`` (``"noise"`` or ``"mode"``), ``amplitude`` (δB/B0 rms), ``m``,
  ``m_max``, ``polarisation``, ``random_seed``;
* ``[time]``: ``t_end`` and ``n_output`` (``t_end`` in growth times 1/γ_max,
  γ_max = k_c v_A/2);
* ``[checkpoint]``: ``every_steps``, ``every_seconds``.

:func:`run_mhd` advances the run (:class:`MHDRun`: the solver's operators and its state)
through the output times with the driver of the coupled run
(:func:`crescape.simulate.coupled.driver.drive`: progress bar, checkpoints tied to the
fingerprint of the resolved configuration, so a resume with another configuration is
refused, atomic writes of :mod:`crescape.simulate.observers`), and returns an xarray Dataset with units and the
configuration in its attributes. The step depends only on the state, so a resumed
run is bit-identical to an uninterrupted one.

Example: ``examples/mhd_bell.toml``; documentation: docs/mhd.md.
"""

from __future__ import annotations

import math
from typing import Any

import astropy.units as u
import numpy as np

from .. import constants as C
from ..params import ParameterError, Parameters
from .mhd import BellMHD, MHDState
from .mhd_kernels import MHD_LIMITERS
from .options import load, option, read_table

__all__ = [
    "SCHEMA",
    "MHDConfig",
    "MHDRun",
    "load_mhd_config",
    "run_mhd",
    "checkpointer",
    "field_spectrum",
    "MHD_DIAGNOSTICS",
]

_dimless = u.dimensionless_unscaled
_J_UNIT = u.statA / u.cm**2


def _tab(name, *specs):
    return {s.name: s for s in specs}


#: Every option of an MHD run once: kind, documented and cgs unit, default, range, meaning.
SCHEMA = {
    "plasma": _tab(
        "plasma",
        option("plasma", "B0", 1.0, u.uG, u.G, 0.0, low_open=True, doc="mean field along x"),
        option(
            "plasma", "n", 1.0, u.cm**-3, u.cm**-3, 0.0, low_open=True, doc="ion density, ρ = n m_p"
        ),
        option(
            "plasma",
            "sound_speed",
            10.0,
            u.km / u.s,
            u.cm / u.s,
            0.0,
            low_open=True,
            doc="initial sound speed (adiabatic √(γP/ρ) or isothermal)",
        ),
        option("plasma", "gamma", 5.0 / 3.0, low=1.0, high=3.0, low_open=True, doc="γ"),
        option("plasma", "isothermal", False, doc="isothermal gas (no energy equation)"),
    ),
    "current": _tab(
        "current",
        option(
            "current",
            "J",
            1e-12,
            _J_UNIT,
            _J_UNIT,
            0.0,
            doc="CR current density along B0 (compensated by the plasma)",
        ),
    ),
    "cr": _tab(
        "cr",
        option("cr", "response", False, doc="the CR current's linear response σ(k r_L)"),
        option(
            "cr",
            "E_min",
            10.0,
            u.GeV,
            u.erg,
            0.0,
            low_open=True,
            doc="lowest energy of the current (r_L = E/(eB0))",
        ),
        option(
            "cr",
            "spectrum",
            "power_law",
            choices=("power_law", "one_energy", "drifting_p4"),
            doc="current spectrum dJ/dE ∝ E^-slope, one energy, or a drifting isotropic p^-4",
        ),
        option("cr", "slope", 2.0, low=1.0, high=10.0, low_open=True, doc="s of dJ/dE ∝ E^-s"),
        option(
            "cr",
            "E_max",
            math.inf,
            u.GeV,
            u.erg,
            0.0,
            low_open=True,
            doc="highest energy of the current (default ∞)",
        ),
    ),
    "grid": _tab(
        "grid",
        option("grid", "n_cells", 256, low=8, high=2**24, doc="cells"),
        option(
            "grid",
            "length",
            8.0,
            low=0.0,
            high=1e6,
            low_open=True,
            doc="box length in λ_c = 2π/k_c",
        ),
    ),
    "scheme": _tab(
        "scheme",
        option("scheme", "riemann", "hll", choices=("hll", "hlld"), doc="face fluxes"),
        option("scheme", "limiter", "mc", choices=tuple(MHD_LIMITERS), doc="slope limiter"),
        option("scheme", "cfl", 0.4, low=0.0, high=0.8, low_open=True, doc="Courant number"),
        option("scheme", "backend", "numba", choices=("numba", "numpy"), doc="kernel"),
        option("scheme", "hall", False, doc="Hall term (ion inertial length d_i = v_A/Ω_i)"),
        option(
            "scheme",
            "hall_density",
            "local",
            choices=("local", "mean"),
            doc="density of the Hall term: each cell's, or the box mean (exact spectral step)",
        ),
    ),
    "init": _tab(
        "init",
        option("init", "seed", "noise", choices=("noise", "mode"), doc="initial perturbation"),
        option(
            "init",
            "amplitude",
            1e-3,
            low=0.0,
            high=1e3,
            low_open=True,
            doc="rms δB/B0 of the seed",
        ),
        option("init", "m", 4, low=1, doc="Fourier index of a seeded mode"),
        option("init", "m_max", 0, low=0, doc="highest index of the noise (0: n_cells/4)"),
        option(
            "init",
            "polarisation",
            "both",
            choices=("both", "right", "left"),
            doc="helicities seeded",
        ),
        option("init", "random_seed", 0, low=0, doc="seed of the random phases"),
    ),
    "time": _tab(
        "time",
        option(
            "time",
            "t_end",
            20.0,
            low=0.0,
            high=1e6,
            low_open=True,
            doc="end of the run in growth times 1/γ_max (γ_max = k_c v_A/2)",
        ),
        option("time", "n_output", 41, low=2, high=100000, doc="snapshots including t = 0"),
    ),
    "checkpoint": _tab(
        "checkpoint",
        option("checkpoint", "every_steps", None, kind="integer", low=1, doc="steps (none: off)"),
        option(
            "checkpoint",
            "every_seconds",
            60.0,
            u.s,
            u.s,
            0.0,
            low_open=True,
            doc="wall-clock seconds",
        ),
    ),
}

#: the per-time diagnostics written beside the fields: name -> (units, long name)
MHD_DIAGNOSTICS = {
    "dB2": ("", "<B_y² + B_z²>/B0², the box-mean transverse field energy over B0²"),
    "u_perp_rms": ("km/s", "rms transverse velocity"),
    "u_x_mean": ("km/s", "mean velocity along B0 and the current"),
    "k_peak": ("cm-1", "wavenumber of the largest |b_k|² (b = B_y + iB_z)"),
    "k_mean": ("cm-1", "energy-weighted mean |k| of |b_k|²"),
    "work": ("erg cm-2", "energy given by the CR current to the gas and field (per area)"),
    "impulse_x": ("g cm-1 s-1", "x-momentum given by the CR force (per area)"),
}


def field_spectrum(sim: BellMHD, state: MHDState) -> tuple[np.ndarray, np.ndarray]:
    """(k [cm^-1], |b_k|²/B0²) of b = B_y + iB_z, k > 0: the right helicity, k < 0 the left."""
    b = (state.U[4] + 1j * state.U[5]) / sim.B0
    bk = np.fft.fft(b) / sim.n
    m = np.fft.fftfreq(sim.n, 1.0 / sim.n)
    order = np.argsort(m)
    return 2.0 * np.pi * m[order] / sim.L, np.abs(bk[order]) ** 2


class MHDConfig:
    """A resolved MHD run configuration: every table with its defaults, in cgs.

    Parameters
    ----------
    tables : dict
        ``{table: {key: value as given}}`` (:func:`crescape.simulate.options.load`).

    Raises
    ------
    ParameterError
        On a bad key or value (one line naming it).
    """

    def __init__(self, tables: dict[str, dict]):
        self.given = {t: dict(v) for t, v in tables.items()}
        self.resolved = {t: read_table(t, SCHEMA[t], tables.get(t)) for t in SCHEMA}
        r = self.resolved
        if r["cr"]["response"] and not r["cr"]["E_max"] > r["cr"]["E_min"]:
            raise ParameterError(
                f"cr.E_max = {r['cr']['E_max'] / C.GeV:g} GeV is not allowed: must be > "
                f"cr.E_min = {r['cr']['E_min'] / C.GeV:g} GeV"
            )
        n = r["grid"]["n_cells"]
        if r["init"]["seed"] == "mode" and not r["init"]["m"] < n // 2:
            raise ParameterError(
                f"init.m = {r['init']['m']} is not allowed: must be < n_cells/2 = {n // 2}"
            )
        if r["init"]["m_max"] >= n // 2:
            raise ParameterError(
                f"init.m_max = {r['init']['m_max']} is not allowed: must be < n_cells/2 = {n // 2}"
            )
        if r["current"]["J"] == 0.0 and r["cr"]["response"]:
            raise ParameterError(
                "cr.response = true is not allowed with current.J = 0: must be false"
            )

    # derived ------------------------------------------------------------------
    @property
    def rho(self) -> float:
        return self.resolved["plasma"]["n"] * C.m_p

    @property
    def k_c(self) -> float:
        """k_c = 4πJ/(cB0) [cm^-1] (Bell 2004)."""
        return 4.0 * np.pi * self.resolved["current"]["J"] / (C.c * self.resolved["plasma"]["B0"])

    @property
    def length(self) -> float:
        """Box length [cm]: ``grid.length`` λ_c, or that many times 2π d_i without a current."""
        scale = 2.0 * np.pi / self.k_c if self.k_c > 0 else 2.0 * np.pi * self._d_i()
        return self.resolved["grid"]["length"] * scale

    def _d_i(self) -> float:
        from ..physics.thermal import ion_cyclotron_frequency

        vA = self.resolved["plasma"]["B0"] / np.sqrt(4.0 * np.pi * self.rho)
        return vA / float(ion_cyclotron_frequency(self.resolved["plasma"]["B0"]))

    def build(self) -> BellMHD:
        """The solver for this configuration."""
        r = self.resolved
        cr = r["cr"]
        return BellMHD(
            r["grid"]["n_cells"],
            self.length,
            r["plasma"]["B0"],
            self.rho,
            r["current"]["J"],
            r["plasma"]["sound_speed"],
            gamma=r["plasma"]["gamma"],
            isothermal=r["plasma"]["isothermal"],
            limiter=r["scheme"]["limiter"],
            backend=r["scheme"]["backend"],
            cfl=r["scheme"]["cfl"],
            riemann=r["scheme"]["riemann"],
            cr_energy=cr["E_min"] if cr["response"] else None,
            cr_slope=cr["slope"] if cr["spectrum"] == "power_law" else None,
            cr_spectrum=cr["spectrum"],
            cr_energy_max=cr["E_max"],
            hall=r["scheme"]["hall"],
            hall_density=r["scheme"]["hall_density"],
        )

    def initial_state(self, sim: BellMHD) -> MHDState:
        """The uniform state with the seed of ``[init]``."""
        ini = self.resolved["init"]
        s = sim.uniform_state()
        if ini["seed"] == "mode":
            pol = "right" if ini["polarisation"] == "both" else ini["polarisation"]
            return sim.seed_mode(s, ini["m"], ini["amplitude"], pol)
        pols = ("right", "left") if ini["polarisation"] == "both" else (ini["polarisation"],)
        m_max = ini["m_max"] or max(1, sim.n // 4)
        return sim.seed_noise(
            s, ini["amplitude"], m_max, seed=ini["random_seed"], polarisations=pols
        )

    def time_unit(self, sim: BellMHD) -> float:
        """1/γ_max [s] (γ_max = k_c v_A/2), or the Alfvén crossing time of d_i without a current."""
        return 1.0 / sim.gamma_max if sim.J > 0 else self._d_i() / sim.v_A

    def output_times(self, sim: BellMHD) -> np.ndarray:
        """The snapshot times [s], t = 0 included."""
        t = self.resolved["time"]
        return np.linspace(0.0, t["t_end"] * self.time_unit(sim), t["n_output"])

    def full(self) -> dict[str, dict[str, Any]]:
        """The full resolved configuration (every table with defaults, cgs)."""
        return {t: dict(v) for t, v in self.resolved.items()}

    def fingerprint(self) -> dict:
        """:func:`~crescape.simulate.observers.config_fingerprint` of :meth:`full`.

        The checkpoint options are left out: changing how often checkpoints are written
        does not change the run.
        """
        from .observers import config_fingerprint

        return config_fingerprint({k: v for k, v in self.full().items() if k != "checkpoint"})

    def attrs(self) -> dict[str, Any]:
        """The full configuration, flat, in the documented units, with ``.units`` entries."""
        out: dict[str, Any] = {}
        for tname, table in self.resolved.items():
            for k, v in table.items():
                sp = SCHEMA[tname][k]
                dim = sp.kind == "quantity" and not sp.choices and sp.unit not in (None, _dimless)
                if dim and isinstance(v, float) and math.isfinite(v):
                    v = float((v * sp.cgs).to_value(sp.unit))
                if isinstance(v, bool):
                    v = int(v)
                elif v is None:
                    v = "none"
                elif isinstance(v, float) and not math.isfinite(v):
                    v = repr(v)
                out[f"config.{tname}.{k}"] = v
                if dim:
                    out[f"config.{tname}.{k}.units"] = sp.unit.to_string()
        out["config_hash"] = self.fingerprint()["hash"]
        return out


def load_mhd_config(path, overrides: dict[str, Any] | None = None) -> MHDConfig:
    """Read an MHD run configuration from TOML with ``--set`` overrides (``table.key=value``).

    Raises
    ------
    ParameterError
        On an unknown table or key, a bad value, or a physical parameter of the escape
        model (``[galaxy]``, ``[cgm]``, ``[micro]``), which an MHD run does not use.
    """
    params, tables = load(path, overrides, SCHEMA)
    now, default = vars(params.cgs), vars(Parameters.from_flat({}).cgs)
    given = [k for k in now if not np.array_equal(np.asarray(now[k]), np.asarray(default[k]))]
    if given:
        raise ParameterError(
            f"{given[0]} = {np.asarray(now[given[0]]).tolist()} is not allowed: an MHD configuration takes no "
            "parameter of the escape model, only the tables " + ", ".join(f"[{t}]" for t in SCHEMA)
        )
    return MHDConfig(tables)


# ----------------------------------------------------------------------------- driver
def _snapshot(sim: BellMHD, s: MHDState) -> dict:
    W = sim.primitive(s)
    k, p = field_spectrum(sim, s)
    return {
        "t": s.t,
        "W": W,
        "power": p,
        "dB2": float(np.mean(W[4] ** 2 + W[5] ** 2)) / sim.B0**2,
        "u_perp_rms": float(np.sqrt(np.mean(W[2] ** 2 + W[3] ** 2))),
        "u_x_mean": float(np.sum(s.U[1]) / np.sum(s.U[0])),
        "k_peak": float(abs(k[np.argmax(p)])),
        "k_mean": float(np.sum(np.abs(k) * p) / max(np.sum(p), 1e-300)),
        "work": s.budget["work"],
        "impulse_x": s.budget["impulse_x"],
    }


class MHDRun:
    """One MHD run as the shared driver (:func:`crescape.simulate.coupled.driver.drive`) steps it.

    The solver :meth:`MHDConfig.build` and its operators composed by
    :meth:`BellMHD.stepper <crescape.simulate.mhd.BellMHD.stepper>`, the state (seeded by
    :meth:`MHDConfig.initial_state`) with its ledger, the snapshots' content, and the
    checkpoint's arrays.
    """

    def __init__(self, cfg: MHDConfig):
        self.config = cfg
        self.sim = cfg.build()
        self.state = cfg.initial_state(self.sim)
        self.stepper = self.sim.stepper()

    @property
    def t(self) -> float:
        return self.state.t

    @property
    def step_count(self) -> int:
        return self.state.steps

    @property
    def ledger(self):
        return self.state.ledger

    def next_dt(self, t_stop=np.inf) -> float:
        return self.stepper.next_dt(self.state, t_stop)

    def step(self, dt: float) -> None:
        self.stepper.step(self.state, dt, self.state.ledger)

    def snapshot(self) -> dict:
        return _snapshot(self.sim, self.state)

    def state_arrays(self) -> dict:
        return self.state.to_arrays()

    def load_arrays(self, a: dict) -> None:
        """Take the state of a checkpoint (CheckpointCorrupt, CheckpointMismatch: the rest of
        a one-line message that the driver prefixes with the file)."""
        from .observers import CheckpointCorrupt, CheckpointMismatch

        try:
            st = MHDState.from_arrays(a)
        except (KeyError, IndexError, TypeError, ValueError) as exc:
            raise CheckpointCorrupt(f"is corrupt: missing or malformed entry {exc}") from None
        if st.U.shape != (7, self.sim.n):
            raise CheckpointMismatch(f"has shape {st.U.shape}, the grid is {(7, self.sim.n)}")
        self.state = st
        self.stepper.last_dt = None


def checkpointer(cfg: MHDConfig, path):
    """The :class:`~crescape.simulate.observers.Checkpointer` of a run of ``cfg`` at ``path``.

    Its schedule is ``[checkpoint]``; it carries the fingerprint of the resolved
    configuration (:meth:`MHDConfig.fingerprint`), so a resume with another one is refused.
    """
    from .observers import Checkpointer

    ck = cfg.resolved["checkpoint"]
    return Checkpointer(path, ck["every_steps"], ck["every_seconds"], fingerprint=cfg.fingerprint())


def run_mhd(
    cfg: MHDConfig,
    progress: bool = True,
    checkpoint=None,
    resume: bool = False,
    finalize: bool = True,
):
    """Run ``cfg`` through its output times; return the snapshots as an xarray Dataset.

    The operators of :meth:`BellMHD.stepper <crescape.simulate.mhd.BellMHD.stepper>` are
    stepped by the driver shared with the coupled run
    (:func:`crescape.simulate.coupled.driver.drive`: output times, progress, checkpoints).

    Parameters
    ----------
    cfg : MHDConfig
    progress : bool
        Progress bar on stderr (:class:`crescape.simulate.observers.ProgressBar`).
    checkpoint : path, Checkpointer or None
        Written every ``[checkpoint]`` interval and at each output time (a path: with the
        :func:`checkpointer` of this configuration).
    resume : bool
        Continue from ``checkpoint`` if its file exists (refused, with
        :class:`~crescape.simulate.observers.CheckpointMismatch`, if it belongs to
        another configuration or to a finished run).
    finalize : bool
        Mark the checkpoint final at the end (pass False and call ``mark_final`` after
        writing the output).

    Returns
    -------
    xarray.Dataset
        ``rho``, ``u_x``, ``u_y``, ``u_z``, ``B_y``, ``B_z``, ``P`` on (t, x), the spectrum
        ``power`` = |b_k|²/B0² on (t, k), and the diagnostics :data:`MHD_DIAGNOSTICS` on t.
        If the run breaks down (a negative density or pressure, e.g. when the magnetic
        pressure exceeds the gas pressure by orders of magnitude), the snapshots so far,
        with the attributes ``valid = 0`` and ``failure`` (the reason); else ``valid = 1``.
    """
    from .coupled.driver import drive
    from .observers import Checkpointer

    run = MHDRun(cfg)
    ck = checkpoint
    if ck is not None and not isinstance(ck, Checkpointer):
        ck = checkpointer(cfg, ck)
    times = cfg.output_times(run.sim)
    snaps, status = drive(
        run, times, ck, resume, progress=progress, desc="mhd", catch=(FloatingPointError,)
    )
    if ck is not None and finalize:
        ck.mark_final()
    ds = _dataset(cfg, run.sim, snaps, run.state)
    failure = None if status == "done" else status
    ds.attrs["valid"] = int(failure is None)
    ds.attrs["failure"] = failure or "none"
    return ds


def _dataset(cfg: MHDConfig, sim: BellMHD, snaps: list[dict], state: MHDState):
    import xarray as xr

    t = np.array([s["t"] for s in snaps])
    W = np.array([s["W"] for s in snaps])
    k, _ = field_spectrum(sim, state)
    ds = xr.Dataset(coords={"t": ("t", t, {"units": "s", "long_name": "time"})})
    ds.coords["x"] = ("x", sim.x, {"units": "cm", "long_name": "position along B0"})
    ds.coords["k"] = ("k", k, {"units": "cm-1", "long_name": "wavenumber (k < 0: left helicity)"})
    names = [
        ("rho", "g cm-3", "density", 1.0),
        ("u_x", "km/s", "velocity along B0", 1e-5),
        ("u_y", "km/s", "transverse velocity y", 1e-5),
        ("u_z", "km/s", "transverse velocity z", 1e-5),
        ("B_y", "G", "transverse field y", 1.0),
        ("B_z", "G", "transverse field z", 1.0),
        ("P", "erg cm-3", "pressure", 1.0),
    ]
    for i, (name, unit, long, f) in enumerate(names):
        ds[name] = (("t", "x"), W[:, i] * f, {"units": unit, "long_name": long})
    ds["power"] = (
        ("t", "k"),
        np.array([s["power"] for s in snaps]),
        {"units": "", "long_name": "|b_k|²/B0², b = B_y + iB_z (Parseval: sums to dB2)"},
    )
    for name, (unit, long) in MHD_DIAGNOSTICS.items():
        f = 1e-5 if unit == "km/s" else 1.0
        ds[name] = ("t", np.array([s[name] for s in snaps]) * f, {"units": unit, "long_name": long})
    attrs = cfg.attrs()
    attrs.update(
        {
            "title": "1.5D MHD with a CR current (Bell's instability)",
            "k_c_cm-1": sim.k_c,
            "v_A_cm_s": sim.v_A,
            "gamma_max_s-1": sim.gamma_max,
            "kc_rL": sim.kc_rL if sim.cr_energy is not None else "none",
            "ion_inertial_length_cm": sim.ion_inertial_length,
            "length_cm": sim.L,
            "time_unit_s": cfg.time_unit(sim),
            "steps": int(state.steps),
        }
    )
    ds.attrs.update(attrs)
    return ds
