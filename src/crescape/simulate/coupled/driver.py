"""The driver of the coupled run: output times, progress, checkpoints tied to the configuration."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np

from ...errors import RunFailedError

__all__ = ["run", "CORRECTION_LIMIT", "RunFailedWarning", "RunFailedError"]

#: largest share of the CR energy supplied that floors and unpaid transfers may add
CORRECTION_LIMIT = 1e-6


def _checkpointer(sim, path):
    from ..observers import Checkpointer, config_fingerprint

    return Checkpointer(
        path,
        every_steps=sim.config.checkpoint_every,
        fingerprint=config_fingerprint(sim.fingerprint()),
    )


def run(sim, times=None, progress=False, checkpoint=None, resume=False, stop=None):
    """See :meth:`crescape.simulate.coupled.CGMSimulation.run`."""
    from ..observers import ProgressBar, Recorder

    cfg = sim.config
    if times is None:
        times = np.linspace(0.0, cfg.cgs("t_end"), cfg.n_output)
    times = Recorder(times).times  # validates: finite, strictly increasing, non-empty
    snaps = []
    ck = _checkpointer(sim, Path(checkpoint)) if checkpoint is not None else None
    if resume and ck is not None and ck.exists():
        a = ck.load()
        sim.load_arrays(a)
        n_snap = int(a["n_snap"])
        keys = [str(k) for k in a["snap_keys"]]
        snaps = [{k: a[f"snap{i}_{k}"] for k in keys} for i in range(n_snap)]

    def save():
        if ck is None:
            return
        arrs = sim.state_arrays()
        arrs["n_snap"] = np.int64(len(snaps))
        keys = list(snaps[0]) if snaps else []
        arrs["snap_keys"] = np.array(keys, dtype="U64")
        for i, sn in enumerate(snaps):
            for k in keys:
                arrs[f"snap{i}_{k}"] = np.asarray(sn[k])
        ck.save_arrays(arrs)

    bar = ProgressBar(progress, desc="cgm")
    bar.start(sim.t, times[-1])

    class _S:  # what ProgressBar.update reads
        pass

    def after(state):
        _S.t, _S.step = state.t, state.step
        bar.update(_S)
        if stop is not None and state.step >= stop:
            return False
        if ck is not None and state.step % cfg.checkpoint_every == 0:
            save()
        return True

    try:
        for t_out in times[len(snaps) :]:
            while sim.t < t_out:
                if stop is not None and sim.step_count >= stop:
                    save()
                    return None
                dt = sim.next_dt(t_out)
                last = sim.stepper.last_limit == "output"
                limit, n = sim.stepper.last_limit, sim.step_count + 1
                try:
                    sim.step(dt)
                except (ZeroDivisionError, FloatingPointError, OverflowError) as exc:
                    what = f"{type(exc).__name__}: {exc}"
                    raise RunFailedError(_failure(sim, n, dt, limit, what, ck)) from None
                except ValueError as exc:  # an operator refusing non-finite input mid-step
                    what = _nonfinite(sim.state)
                    if not what:
                        raise
                    what += f" ({exc})"
                    raise RunFailedError(_failure(sim, n, dt, limit, what, ck)) from None
                what = _nonfinite(sim.state)
                if what:
                    raise RunFailedError(_failure(sim, n, dt, limit, what, ck))
                if last:
                    sim.state.set_time(t_out)
                after(sim.state)
            snaps.append(sim.snapshot())
            save()
    finally:
        bar.close()
    if ck is not None:
        ck.mark_final()
    ds = sim.dataset(snaps)
    corr = sim.budgets()["corrections"]
    ds.attrs["corrections"] = corr
    ds.attrs["valid"] = int(corr <= CORRECTION_LIMIT)
    if corr > CORRECTION_LIMIT:
        msg = (
            f"the run failed its energy check: floors and unpaid transfers added {corr:.3g} of "
            f"the CR energy supplied (allowed {CORRECTION_LIMIT:g}; by term: "
            + ", ".join(
                f"{k} {v / (sim.cr_supplied() or 1.0):.2g}"
                for k, v in sim.ledger.corrections().items()
                if v
            )
            + ")"
        )
        ds.attrs["failure"] = msg
        warnings.warn(msg, RunFailedWarning, stacklevel=3)
    return ds


def _with_checkpoint(message: str, ck) -> str:
    if ck is not None and ck.exists():
        message += f"; the last checkpoint is kept in {ck.path}"
    return message


def _nonfinite(state) -> str:
    """What in the state is not finite ('' if all is): one sum per field, cheap enough for
    every step."""
    gas = state.gas
    for name, arr in (
        ("gas", (gas.rho, gas.mom, gas.ener)),
        ("field", (state.dB,)),
        ("CR", (state.g,)),
    ):
        if not np.isfinite(sum(float(np.sum(a)) for a in arr)):
            return f"the {name} state is not finite"
    return ""


def _failure(sim, n, dt, limit, what, ck) -> str:
    """One line: when, where and what broke (the cell of the smallest pressure or density)."""
    from ... import constants as C

    gas = sim.state.gas
    with np.errstate(all="ignore"):
        P = sim.solver.pressure(gas)
        bad = ~(np.isfinite(P) & np.isfinite(gas.rho)) | (P <= 0) | (gas.rho <= 0)
        bad |= ~np.isfinite(sim.state.dB) | ~np.all(np.isfinite(sim.state.g), axis=1)
        i = int(np.argmax(bad)) if bad.any() else int(np.argmin(P / np.maximum(gas.rho, 1e-300)))
    z = float(sim.grid.centres[i] / C.kpc)
    return _with_checkpoint(
        f"the run broke down at t = {sim.t / C.Myr:.4g} Myr (step {n}, "
        f"dt = {dt / C.yr:.3g} yr set by {limit or '?'}): {what}; worst cell {i} at z = {z:.4g} kpc "
        f"(n = {float(gas.rho[i] / C.m_p):.3g} cm^-3, P = {float(P[i]):.3g} erg cm^-3)",
        ck,
    )


class RunFailedWarning(RuntimeWarning):
    """A run whose floors or unpaid transfers are not negligible: its numbers are not results."""
