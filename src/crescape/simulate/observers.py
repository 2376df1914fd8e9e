"""Observers of a run (progress bar, checkpoints, snapshots) and the driver :func:`run`.

Checkpoints hold the full state (distribution, time, step count, particle
budget) and the snapshots recorded so far, written atomically (temporary file
then rename). Because the step size depends only on the state, a run resumed
from any checkpoint takes exactly the same steps as an uninterrupted one and
gives a bit-identical result.
"""

from __future__ import annotations

import io
import os
import tempfile
import time
from pathlib import Path

import numpy as np

from .state import BUDGET_KEYS, State

__all__ = ["ProgressBar", "Checkpointer", "Recorder", "run", "write_netcdf"]


class ProgressBar:
    """A tqdm progress bar over simulated time (``enabled=False`` switches it off)."""

    def __init__(self, enabled: bool = True, desc: str = "transport"):
        self.enabled = enabled
        self.desc = desc
        self._bar = None

    def start(self, t0, t_end):
        if self.enabled:
            from tqdm.auto import tqdm

            self._bar = tqdm(
                total=float(t_end),
                initial=float(t0),
                desc=self.desc,
                unit="s(sim)",
                unit_scale=True,
            )
            self._last = float(t0)

    def update(self, state):
        if self._bar is not None:
            self._bar.update(state.t - self._last)
            self._last = state.t
            self._bar.set_postfix(step=state.step, refresh=False)

    def close(self):
        if self._bar is not None:
            self._bar.close()
            self._bar = None


class Recorder:
    """Snapshots of the state at given output times."""

    def __init__(self, times):
        times = np.asarray(times, dtype=float)
        if (
            times.ndim != 1
            or times.size == 0
            or np.any(np.diff(times) <= 0)
            or not np.all(np.isfinite(times))
        ):
            raise ValueError("output times must be a finite, strictly increasing, non-empty array")
        self.times = times
        self.snapshots: list[dict] = []

    @property
    def next_index(self) -> int:
        return len(self.snapshots)

    def record(self, op, state: State):
        snap = {
            "t": state.t,
            "g": state.g.copy(),
            "N": op.number(state.g),
            "P": op.pressure(state.g),
        }
        snap.update({k: state.budget[k] for k in BUDGET_KEYS})
        self.snapshots.append(snap)

    def to_arrays(self) -> dict:
        if not self.snapshots:
            return {}
        return {f"snap_{k}": np.array([s[k] for s in self.snapshots]) for k in self.snapshots[0]}

    def load_arrays(self, arrays):
        n = len(arrays["snap_t"]) if "snap_t" in arrays else 0
        keys = [k[5:] for k in arrays if k.startswith("snap_")]
        self.snapshots = [
            {
                k: (
                    np.array(arrays[f"snap_{k}"][i])
                    if np.ndim(arrays[f"snap_{k}"][i])
                    else float(arrays[f"snap_{k}"][i])
                )
                for k in keys
            }
            for i in range(n)
        ]

    def dataset(self, op, attrs: dict | None = None):
        """The snapshots as an xarray Dataset with units and all parameters in the attributes."""
        import xarray as xr

        pg, G = op.pgrid, op.grid
        t = np.array([s["t"] for s in self.snapshots])
        g = np.array([s["g"] for s in self.snapshots]).reshape(len(t), G.n, pg.n)
        zname = "r" if G.geometry.name == "spherical" else "z"
        ds = xr.Dataset(
            {
                "n": (
                    ("t", zname, "p"),
                    g,
                    {"units": "cm-3", "long_name": "CR number density per unit ln p, 4 pi p^3 f"},
                ),
                "n_E": (
                    ("t", zname, "p"),
                    g / pg.dE_dlnp()[None, None, :],
                    {"units": "cm-3 erg-1", "long_name": "CR number density per unit energy"},
                ),
                "P": (
                    ("t", zname),
                    np.array([s["P"] for s in self.snapshots]).reshape(len(t), G.n),
                    {"units": "erg cm-3", "long_name": "CR pressure"},
                ),
                "N": (
                    ("t",),
                    np.array([s["N"] for s in self.snapshots]),
                    {
                        "units": "cm-3 (x geometry volume)",
                        "long_name": "total particle number, sum of n V dln p",
                    },
                ),
            },
            coords={
                "t": ("t", t, {"units": "s", "long_name": "time"}),
                zname: (zname, G.centres, {"units": "cm", "long_name": "cell centre"}),
                "p": ("p", pg.p, {"units": "g cm s-1", "long_name": "momentum (bin centre)"}),
                "E": ("p", pg.energy, {"units": "erg", "long_name": "total energy (bin centre)"}),
                f"{zname}_faces": (f"{zname}_face", G.faces, {"units": "cm"}),
                "area": (
                    f"{zname}_face",
                    G.area,
                    {"units": "geometry units", "long_name": "face area A"},
                ),
                "volume": (zname, G.volume, {"units": "cm x A", "long_name": "cell volume"}),
            },
        )
        for k in BUDGET_KEYS:
            ds[f"budget_{k}"] = (
                "t",
                np.array([s[k] for s in self.snapshots]),
                {"units": "particles (x geometry)", "long_name": f"cumulative particles: {k}"},
            )
        all_attrs = {"dlnp": pg.dy}
        all_attrs.update(op.attrs())
        all_attrs.update(attrs or {})
        ds.attrs.update({k: _attr(v) for k, v in all_attrs.items()})
        return ds


def _attr(v):
    if isinstance(v, bool):
        return int(v)
    if v is None:
        return "none"
    if isinstance(v, int | float | str | np.integer | np.floating):
        return v
    return str(v)


class Checkpointer:
    """Atomic checkpoints every ``every_steps`` steps and/or every ``every_seconds`` of wall time.

    Parameters
    ----------
    path : path-like
        The checkpoint file (numpy ``.npz``).
    every_steps : int or None
    every_seconds : float or None
    """

    def __init__(self, path, every_steps: int | None = None, every_seconds: float | None = None):
        if every_steps is not None and int(every_steps) < 1:
            raise ValueError(f"every_steps = {every_steps} is not allowed: must be >= 1")
        if every_seconds is not None and not every_seconds > 0:
            raise ValueError(f"every_seconds = {every_seconds} is not allowed: must be > 0")
        self.path = Path(path)
        self.every_steps = every_steps
        self.every_seconds = every_seconds
        self._last_wall = time.monotonic()

    def due(self, state) -> bool:
        if self.every_steps and state.step % int(self.every_steps) == 0:
            return True
        return bool(self.every_seconds and time.monotonic() - self._last_wall >= self.every_seconds)

    def save(self, state: State, recorder: Recorder):
        from ..reproduction import atomic_write_bytes

        buf = io.BytesIO()
        np.savez(buf, **state.to_arrays(), **recorder.to_arrays())
        atomic_write_bytes(self.path, buf.getvalue())
        self._last_wall = time.monotonic()

    def exists(self) -> bool:
        return self.path.exists()

    def load(self) -> dict:
        with np.load(self.path) as data:
            return {k: data[k] for k in data.files}


def run(
    stepper,
    times,
    progress: bool = True,
    checkpoint: Checkpointer | None = None,
    resume: bool = False,
    attrs: dict | None = None,
):
    """Advance ``stepper`` through the output ``times`` and return the snapshots as a Dataset.

    Parameters
    ----------
    stepper : Stepper
    times : array
        Output times [s]; a time equal to the initial time records the initial state.
    progress : bool
        Show a tqdm progress bar.
    checkpoint : Checkpointer or None
    resume : bool
        Continue from ``checkpoint`` if its file exists.
    attrs : dict
        Extra attributes (e.g. the configuration) for the Dataset.

    Returns
    -------
    xarray.Dataset
    """
    op = stepper.op
    rec = Recorder(times)
    if resume and checkpoint is not None and checkpoint.exists():
        data = checkpoint.load()
        loaded = State.from_arrays(data)
        if loaded.g.shape != op.shape:
            raise ValueError(
                f"checkpoint {checkpoint.path} has shape {loaded.g.shape}, the grid is {op.shape}"
            )
        stepper.state = loaded
        rec.load_arrays(data)
    state = stepper.state
    bar = ProgressBar(progress)
    bar.start(state.t, rec.times[-1])

    def after_step(s, dt):
        bar.update(s)
        if checkpoint is not None and checkpoint.due(s):
            checkpoint.save(s, rec)

    try:
        while rec.next_index < rec.times.size:
            t_out = rec.times[rec.next_index]
            if state.t > t_out:
                raise ValueError(f"output time {t_out} s is before the current time {state.t} s")
            stepper.advance_to(t_out, after_step)
            state = stepper.state
            rec.record(op, state)
            if checkpoint is not None:
                checkpoint.save(state, rec)
    finally:
        bar.close()
    out_attrs = dict(stepper.attrs())
    out_attrs.update(attrs or {})
    out_attrs["steps"] = state.step
    return rec.dataset(op, out_attrs)


def write_netcdf(ds, path) -> None:
    """Write a Dataset to netCDF (h5netcdf) atomically."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        ds.to_netcdf(tmp, engine="h5netcdf")
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
