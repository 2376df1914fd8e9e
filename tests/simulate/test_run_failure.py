"""A run that breaks down numerically stops with one clear error, keeping its last checkpoint."""

import numpy as np
import pytest

from crescape.simulate.coupled.driver import RunFailedError


def _break_after(sim, n_good, how):
    """Make the gas step of ``sim`` break at step ``n_good + 1``."""
    gas_op = next(o for o in sim.stepper.operators if o.name == "gas")
    orig = gas_op.advance

    def advance(state, dt, ledger):
        if sim.step_count >= n_good:
            if how == "raise":
                raise ZeroDivisionError("division by zero")
            if how == "field":
                state.dB = state.dB.copy()
                state.dB[5] = np.inf
                return None
            state.gas.ener = state.gas.ener.copy()
            state.gas.ener[5] = np.nan
            return None
        return orig(state, dt, ledger)

    gas_op.advance = advance


@pytest.mark.parametrize(
    ("how", "what"),
    [("raise", "ZeroDivisionError"), ("nan", "gas state is not finite"), ("field", "field state")],
)
@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_breakdown_is_one_error_with_time_and_place(make_sim, tmp_path, how, what):
    sim = make_sim(checkpoint_every=2)
    _break_after(sim, 5, how)
    ck = tmp_path / "run.ck.npz"
    with pytest.raises(RunFailedError) as info:
        sim.run(checkpoint=ck)
    msg = str(info.value)
    assert "\n" not in msg
    assert what in msg
    assert "step 6" in msg and "Myr" in msg and "kpc" in msg
    assert "last checkpoint is kept" in msg
    assert ck.exists()


def test_breakdown_without_checkpoint_says_nothing_of_one(make_sim):
    sim = make_sim()
    _break_after(sim, 3, "nan")
    with pytest.raises(RunFailedError) as info:
        sim.run()
    assert "checkpoint" not in str(info.value)
    assert "worst cell 5" in str(info.value)


def test_cli_prints_one_line_and_exits_3(monkeypatch, capsys, tmp_path):
    from crescape.cli import EXIT_RUN_FAILED, main
    from crescape.simulate.coupled import CGMSimulation

    def broken(self, *a, **k):
        raise RunFailedError(
            "the run broke down at t = 1 Myr (step 3): the gas state is not finite"
        )

    monkeypatch.setattr(CGMSimulation, "run", broken)
    cfg = tmp_path / "c.toml"
    cfg.write_text('[simulation]\nn_cells = 20\nt_end = "1 Myr"\n')
    code = main(["simulate", str(cfg), "--out", str(tmp_path / "run.nc"), "--no-progress"])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == EXIT_RUN_FAILED == 3
    assert len(err) == 1 and "broke down" in err[0] and "Traceback" not in err[0]
