"""Observers of a run (progress bar, checkpoints, snapshots) and the driver :func:`run`.

Checkpoints hold the full state (distribution, time, step count, particle
budget) and the snapshots recorded so far, written atomically (temporary file
in the same directory, then :func:`os.replace`, with the mode ``0o666 & ~umask``
of an ordinary new file). Because the step size depends only on the state, a
run resumed from any checkpoint takes exactly the same steps as an
uninterrupted one and gives a bit-identical result.

Each checkpoint carries the fingerprint of the configuration that wrote it
(:func:`config_fingerprint`: a SHA-256 of the canonical JSON of the resolved
configuration and the code version). :meth:`Checkpointer.load` refuses a
checkpoint written with another configuration (:class:`CheckpointMismatch`),
an unreadable one (:class:`CheckpointCorrupt`) and the checkpoint of a
finished run (:meth:`Checkpointer.mark_final` sets a flag in the file).
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import time
import zipfile
from pathlib import Path
from typing import Any

import numpy as np

from ..io import atomic_write as _atomic_write
from .state import BUDGET_KEYS, State

__all__ = [
    "ProgressBar",
    "Checkpointer",
    "CheckpointMismatch",
    "CheckpointCorrupt",
    "Recorder",
    "config_fingerprint",
    "run",
    "write_netcdf",
]


class ProgressBar:
    """Progress of a run over simulated time, on stderr (``enabled=False`` switches it off).

    The simulated time is shown in Myr (kyr or yr for short spans, see
    :func:`crescape.progress.time_unit`) with the step count, the wall time
    elapsed and the estimated time left: a live bar on a terminal, plain lines
    every ``every`` seconds in a log (:class:`crescape.progress.Progress`).
    """

    def __init__(self, enabled: bool = True, desc: str = "transport", every: float = 30.0):
        self.enabled = enabled
        self.desc = desc
        self.every = every
        self._bar = None

    def start(self, t0, t_end):
        if self.enabled:
            from ..progress import Progress, time_unit

            self._unit, self._size = time_unit(float(t_end))
            self._bar = Progress(
                float(t_end) / self._size,
                desc=self.desc,
                unit=f"{self._unit} simulated",
                initial=float(t0) / self._size,
                every=self.every,
            )

    def update(self, state):
        if self._bar is not None:
            self._bar.update_to(state.t / self._size, step=state.step)

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


# ----------------------------------------------------------------------------- fingerprints
def _canonical(obj: Any) -> Any:
    """JSON-ready form of ``obj``: numpy scalars/arrays to Python, non-finite floats as strings."""
    if isinstance(obj, dict):
        return {str(k): _canonical(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_canonical(v) for v in obj]
    if isinstance(obj, set | frozenset):
        items = [_canonical(v) for v in obj]
        return sorted(items, key=lambda v: json.dumps(v, sort_keys=True))
    unit = getattr(obj, "unit", None)
    if unit is not None and hasattr(obj, "value"):  # astropy Quantity
        return {"value": _canonical(np.asarray(obj.value)), "unit": str(unit)}
    if isinstance(obj, np.ndarray):
        return _canonical(obj.tolist())
    if isinstance(obj, np.generic):
        return _canonical(obj.item())
    if obj is None or isinstance(obj, bool | int | str):
        return obj
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else repr(obj)  # 'inf', '-inf', 'nan'
    return str(obj)


def _dumps(obj: Any) -> str:
    """Canonical JSON: sorted keys, no whitespace, floats by repr (exact round trip)."""
    return json.dumps(
        obj, sort_keys=True, separators=(",", ":"), ensure_ascii=True, allow_nan=False
    )


def config_fingerprint(config: dict) -> dict:
    """The fingerprint that ties a checkpoint to the configuration and code that wrote it.

    Parameters
    ----------
    config : dict
        The full resolved configuration (nested dicts of numbers, strings,
        booleans, numpy scalars or arrays; other objects are taken by ``str``).

    Returns
    -------
    dict
        ``{"hash": sha256 hex, "config": canonical config, "code_version": str}``.
        The hash is taken over the canonical JSON dump (sorted keys, floats by
        ``repr``, non-finite floats as ``'inf'``/``'nan'``) of
        ``{"config": config, "code_version": crescape.__version__}``, so it
        does not depend on the order of the keys and changes with any value.

    Examples
    --------
    >>> a = config_fingerprint({"grid": {"n_z": 200, "z_max": 9.26e22}})
    >>> b = config_fingerprint({"grid": {"z_max": 9.26e22, "n_z": 200}})
    >>> a["hash"] == b["hash"], len(a["hash"])
    (True, 64)
    """
    import crescape

    canon = _canonical(dict(config))
    version = str(crescape.__version__)
    text = _dumps({"config": canon, "code_version": version})
    return {
        "hash": hashlib.sha256(text.encode("ascii")).hexdigest(),
        "config": canon,
        "code_version": version,
    }


def _flatten(obj: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(obj, dict) and obj:
        out: dict[str, Any] = {}
        for k, v in obj.items():
            out.update(_flatten(v, f"{prefix}.{k}" if prefix else str(k)))
        return out
    return {prefix: obj}


_ABSENT = object()


def _short(v: Any, limit: int = 40) -> str:
    text = "(absent)" if v is _ABSENT else _dumps(v)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _differences(stored: dict, now: dict, n_max: int = 5) -> str:
    """'key = a (checkpoint) vs b (now); ...' for at most ``n_max`` differing keys."""
    a = _flatten({"config": stored.get("config"), "code_version": stored.get("code_version")})
    b = _flatten({"config": now.get("config"), "code_version": now.get("code_version")})
    keys = sorted(
        (k for k in set(a) | set(b) if a.get(k, _ABSENT) != b.get(k, _ABSENT)),
        key=lambda k: (k == "code_version", k),
    )
    parts = [
        f"{k.removeprefix('config.')} = {_short(a.get(k, _ABSENT))} (checkpoint) vs "
        f"{_short(b.get(k, _ABSENT))} (now)"
        for k in keys[:n_max]
    ]
    if len(keys) > n_max:
        parts.append(f"and {len(keys) - n_max} more")
    return "; ".join(parts) if parts else "the configuration hashes differ"


# ----------------------------------------------------------------------------- checkpoints
class CheckpointMismatch(ValueError):
    """A checkpoint was written by another configuration (or by a finished run)."""


class CheckpointCorrupt(ValueError):
    """A checkpoint file is truncated, unreadable or not a numpy ``.npz`` archive."""


#: Entries of the ``.npz`` that belong to the checkpoint itself, not to the run.
_HASH, _CONFIG, _FINAL = "_ckpt_hash", "_ckpt_config", "_ckpt_final"
_META = (_HASH, _CONFIG, _FINAL)


class Checkpointer:
    """Atomic checkpoints every ``every_steps`` steps and/or every ``every_seconds`` of wall time.

    Parameters
    ----------
    path : path-like
        The checkpoint file (numpy ``.npz``).
    every_steps : int or None
    every_seconds : float or None
    fingerprint : dict or None
        :func:`config_fingerprint` of the run's configuration, stored in every
        checkpoint and compared by :meth:`load`. ``None`` stands for the
        fingerprint of the empty configuration ``{}``: pass the run's own
        fingerprint to tie its checkpoints to it.

    Notes
    -----
    :meth:`mark_final` keeps the file but sets a "final" flag in it;
    :meth:`load` then raises :class:`CheckpointMismatch` ("... is the
    checkpoint of a finished run ...") unless ``allow_final=True``. A new
    :meth:`save` (a fresh run) clears the flag.
    """

    def __init__(
        self,
        path,
        every_steps: int | None = None,
        every_seconds: float | None = None,
        fingerprint: dict | None = None,
    ):
        if every_steps is not None and int(every_steps) < 1:
            raise ValueError(f"every_steps = {every_steps} is not allowed: must be >= 1")
        if every_seconds is not None and not every_seconds > 0:
            raise ValueError(f"every_seconds = {every_seconds} is not allowed: must be > 0")
        if fingerprint is None:
            fingerprint = config_fingerprint({})
        if not isinstance(fingerprint, dict) or not isinstance(fingerprint.get("hash"), str):
            raise TypeError("fingerprint must be a dict made by config_fingerprint")
        self.path = Path(path)
        self.every_steps = every_steps
        self.every_seconds = every_seconds
        self.fingerprint = fingerprint
        self._last_wall = time.monotonic()

    def due(self, state) -> bool:
        if self.every_steps and state.step % int(self.every_steps) == 0:
            return True
        return bool(self.every_seconds and time.monotonic() - self._last_wall >= self.every_seconds)

    def save(self, state: State, recorder: Recorder) -> None:
        """Write the state and the snapshots recorded so far."""
        self.save_arrays({**state.to_arrays(), **recorder.to_arrays()})

    def save_arrays(self, arrays: dict) -> None:
        """Write ``arrays`` (name -> array) with this checkpointer's fingerprint, atomically."""
        reserved = [k for k in arrays if str(k).startswith("_ckpt_")]
        if reserved:
            raise ValueError(f"array names {reserved} are reserved for the checkpoint itself")
        fp = self.fingerprint
        meta = {
            _HASH: np.array(fp["hash"]),
            _CONFIG: np.array(
                _dumps({"config": fp.get("config"), "code_version": fp.get("code_version")})
            ),
            _FINAL: np.array(False),
        }
        buf = io.BytesIO()
        np.savez(buf, **{str(k): np.asarray(v) for k, v in arrays.items()}, **meta)
        _atomic_write(self.path, buf.getvalue())
        self._last_wall = time.monotonic()

    def exists(self) -> bool:
        return self.path.is_file()

    def _read(self) -> dict:
        """Every entry of the file, checkpoint metadata included; CheckpointCorrupt if unreadable."""
        try:
            data = np.load(self.path, allow_pickle=False)
            if not isinstance(data, np.lib.npyio.NpzFile):
                raise CheckpointCorrupt(
                    f"checkpoint {self.path} is corrupt: a numpy .npy array, not an .npz archive"
                )
            with data:
                return {k: data[k] for k in data.files}
        except (FileNotFoundError, CheckpointCorrupt):
            raise
        except (OSError, ValueError, EOFError, KeyError, zipfile.BadZipFile) as exc:
            why = (str(exc).splitlines() or [""])[0] or type(exc).__name__
            raise CheckpointCorrupt(
                f"checkpoint {self.path} is corrupt (truncated, unreadable or not an .npz): {why}"
            ) from None

    def load(self, allow_final: bool = False) -> dict:
        """The arrays of the checkpoint, after checking that it belongs to this configuration.

        Raises
        ------
        CheckpointMismatch
            If the stored fingerprint differs from this checkpointer's (or is
            missing); the one-line message names the differing keys with both
            values. Also for the checkpoint of a finished run (see
            :meth:`mark_final`) unless ``allow_final``.
        CheckpointCorrupt
            If the file is truncated, unreadable or not an ``.npz`` archive.
        """
        data = self._read()
        if _HASH not in data:
            raise CheckpointMismatch(
                f"checkpoint {self.path} has no configuration fingerprint, so it cannot be "
                "checked against this configuration; start afresh"
            )
        stored_hash = str(data[_HASH])
        if stored_hash != self.fingerprint["hash"]:
            try:
                stored = json.loads(str(data.get(_CONFIG, "{}")))
            except ValueError:
                stored = {}
            raise CheckpointMismatch(
                f"checkpoint {self.path} was written with a different configuration: "
                + _differences(stored if isinstance(stored, dict) else {}, self.fingerprint)
            )
        if _FINAL in data and bool(data[_FINAL]) and not allow_final:
            raise CheckpointMismatch(
                f"checkpoint {self.path} is the checkpoint of a finished run; nothing to "
                "resume (start afresh to run again)"
            )
        return {k: v for k, v in data.items() if k not in _META}

    def mark_final(self) -> None:
        """Flag the checkpoint as that of a finished run, so that it is not resumed.

        The file is kept (its state is the end state) and rewritten atomically
        with the flag set; :meth:`load` then refuses it. Nothing happens if
        there is no checkpoint file.
        """
        if not self.exists():
            return
        data = self._read()
        if _HASH not in data:
            return
        data[_FINAL] = np.array(True)
        buf = io.BytesIO()
        np.savez(buf, **data)
        _atomic_write(self.path, buf.getvalue())

    def is_final(self) -> bool:
        """Whether the checkpoint file exists and is flagged as that of a finished run."""
        if not self.exists():
            return False
        data = self._read()
        return bool(data.get(_FINAL, False))


def run(
    stepper,
    times,
    progress: bool = True,
    checkpoint: Checkpointer | None = None,
    resume: bool = False,
    attrs: dict | None = None,
    finalize: bool = True,
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
    finalize : bool
        Mark the checkpoint final (:meth:`Checkpointer.mark_final`) when the run
        is complete. A caller that still has to write the output may pass
        ``False`` and call ``checkpoint.mark_final()`` after writing it.

    Returns
    -------
    xarray.Dataset

    Raises
    ------
    CheckpointMismatch
        On ``resume`` from a checkpoint of another configuration (or of a finished run).
    CheckpointCorrupt
        On ``resume`` from a truncated or unreadable checkpoint.
    """
    op = stepper.op
    rec = Recorder(times)
    if resume and checkpoint is not None and checkpoint.exists():
        data = checkpoint.load()
        try:
            loaded = State.from_arrays(data)
            rec.load_arrays(data)
        except (KeyError, IndexError, TypeError, ValueError) as exc:
            raise CheckpointCorrupt(
                f"checkpoint {checkpoint.path} is corrupt: missing or malformed entry {exc}"
            ) from None
        if loaded.g.shape != op.shape:
            raise CheckpointMismatch(
                f"checkpoint {checkpoint.path} has shape {loaded.g.shape}, the grid is {op.shape}"
            )
        stepper.state = loaded
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
    if checkpoint is not None and finalize:
        checkpoint.mark_final()
    out_attrs = dict(stepper.attrs())
    out_attrs.update(attrs or {})
    out_attrs["steps"] = state.step
    return rec.dataset(op, out_attrs)


def write_netcdf(ds, path) -> None:
    """Write a Dataset to netCDF (h5netcdf) atomically, with the mode ``0o666 & ~umask``."""
    _atomic_write(path, writer=lambda tmp: ds.to_netcdf(tmp, engine="h5netcdf"))
