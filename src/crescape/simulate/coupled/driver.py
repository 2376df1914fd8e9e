"""The driver of the coupled run: output times, progress, checkpoints tied to the configuration.

:func:`drive` is the loop shared with the 1.5D MHD run (:mod:`crescape.simulate.mhd_config`);
:func:`run` adds the CGM run's output and its energy check.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np

from ...errors import RunFailedError

__all__ = ["run", "drive", "CORRECTION_LIMIT", "RunFailedWarning", "RunFailedError"]

#: largest share of the CR energy supplied that floors and unpaid transfers may add
CORRECTION_LIMIT = 1e-6


def _checkpointer(sim, path):
    from ..observers import Checkpointer, config_fingerprint

    return Checkpointer(
        path,
        every_steps=sim.config.checkpoint_every,
        fingerprint=config_fingerprint(sim.fingerprint()),
    )


def drive(
    sim,
    times,
    checkpoint=None,
    resume=False,
    stop=None,
    progress=False,
    desc="cgm",
    catch=(),
    breakdown=None,
):
    """Step ``sim`` through the output ``times``: progress, checkpoints, resume (the shared loop).

    ``sim`` has ``t``, ``step_count``, ``state`` (with ``set_time``), ``stepper`` (a
    :class:`~.splitting.SplitStepper`), ``next_dt(t_stop)``, ``step(dt)``, ``snapshot()``
    (a dict of arrays), ``state_arrays()`` and ``load_arrays(arrays)``: the coupled CGM run
    (:class:`~.simulation.CGMSimulation`) and the 1.5D MHD run
    (:class:`crescape.simulate.mhd_config.MHDRun`).

    Parameters
    ----------
    times : array [s]
        Output times (finite, strictly increasing); the last step before each lands on it.
    checkpoint : Checkpointer or None
        Written when :meth:`~crescape.simulate.observers.Checkpointer.due` after a step and at
        every output time, with the snapshots so far.
    resume : bool
        Continue from ``checkpoint`` if its file exists.
    stop : int or None
        Stop after this many steps in total, after writing a checkpoint (simulates a kill).
    catch : tuple of exception types
        A breakdown of the run (e.g. :class:`FloatingPointError`) that ends it with the
        snapshots so far instead of raising.
    breakdown : (nonfinite, describe) or None
        Checks that raise :class:`~crescape.errors.RunFailedError` on a numerical breakdown
        not in ``catch``: ``nonfinite(state)`` says what is not finite after a step ('' if all
        is), ``describe(sim, n, dt, limit, what, checkpoint)`` makes the one-line message; a
        division by zero, a floating-point error or an overflow in a step, and an operator
        refusing non-finite input mid-step, are reported the same way.

    Returns
    -------
    snaps : list of dict
    status : str
        ``"done"``, ``"stopped"`` (``stop`` reached) or the message of the caught exception.
    """
    from ..observers import CheckpointCorrupt, CheckpointMismatch, ProgressBar, Recorder

    times = Recorder(times).times  # validates: finite, strictly increasing, non-empty
    snaps = []
    ck = checkpoint
    if resume and ck is not None and ck.exists():
        a = ck.load()
        try:
            sim.load_arrays(a)
        except (CheckpointCorrupt, CheckpointMismatch) as exc:
            raise type(exc)(f"checkpoint {ck.path} {exc}") from None
        try:
            n_snap = int(a["n_snap"])
            keys = [str(k) for k in a["snap_keys"]]
            snaps = [{k: a[f"snap{i}_{k}"] for k in keys} for i in range(n_snap)]
        except (KeyError, IndexError, TypeError, ValueError) as exc:
            raise CheckpointCorrupt(
                f"checkpoint {ck.path} is corrupt: missing or malformed entry {exc}"
            ) from None

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

    bar = ProgressBar(progress, desc=desc)
    bar.start(sim.t, times[-1])

    class _S:  # what ProgressBar.update reads
        pass

    def after(state):
        _S.t, _S.step = state.t, state.step
        bar.update(_S)
        if stop is not None and state.step >= stop:
            return False
        if ck is not None and ck.due(state):
            save()
        return True

    try:
        for t_out in times[len(snaps) :]:
            while sim.t < t_out:
                if stop is not None and sim.step_count >= stop:
                    save()
                    return snaps, "stopped"
                dt, limit, n = float("nan"), "", sim.step_count + 1
                try:
                    dt = sim.next_dt(t_out)
                    limit = sim.stepper.last_limit
                    last = limit == "output"
                    sim.step(dt)
                except catch as exc:
                    return snaps, str(exc)
                except (ZeroDivisionError, FloatingPointError, OverflowError) as exc:
                    if breakdown is None:
                        raise
                    what = f"{type(exc).__name__}: {exc}"
                    raise RunFailedError(breakdown[1](sim, n, dt, limit, what, ck)) from None
                except ValueError as exc:  # an operator refusing non-finite input mid-step
                    what = breakdown[0](sim.state) if breakdown is not None else ""
                    if not what:
                        raise
                    what += f" ({exc})"
                    raise RunFailedError(breakdown[1](sim, n, dt, limit, what, ck)) from None
                if breakdown is not None:
                    what = breakdown[0](sim.state)
                    if what:
                        raise RunFailedError(breakdown[1](sim, n, dt, limit, what, ck))
                if last:
                    sim.state.set_time(t_out)
                after(sim.state)
            snaps.append(sim.snapshot())
            save()
    finally:
        bar.close()
    return snaps, "done"


def run(sim, times=None, progress=False, checkpoint=None, resume=False, stop=None):
    """See :meth:`crescape.simulate.coupled.CGMSimulation.run`."""
    cfg = sim.config
    if times is None:
        times = np.linspace(0.0, cfg.cgs("t_end"), cfg.n_output)
    ck = _checkpointer(sim, Path(checkpoint)) if checkpoint is not None else None
    snaps, status = drive(
        sim, times, ck, resume, stop, progress, desc="cgm", breakdown=(_nonfinite, _failure)
    )
    if status == "stopped":
        return None
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
