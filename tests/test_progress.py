"""crescape.progress and the simulation's ProgressBar: Myr, elapsed and ETA; no \\r off a terminal."""

import io

import pytest

from crescape.constants import Myr, yr
from crescape.progress import Progress, format_duration, time_unit
from crescape.simulate.observers import ProgressBar


class _Log(io.StringIO):
    def isatty(self):
        return False


class _State:
    def __init__(self, t, step):
        self.t, self.step = t, step


def test_plain_lines_off_a_terminal(monkeypatch):
    log = _Log()
    monkeypatch.setattr("sys.stderr", log)
    bar = ProgressBar(every=0.0)
    bar.start(0.0, 300 * Myr)
    for i in range(1, 4):
        bar.update(_State(100 * i * Myr, 10 * i))
    bar.close()
    text = log.getvalue()
    assert "\r" not in text
    lines = text.splitlines()
    assert lines[0].startswith("transport: 0/300 Myr simulated (0%)")
    assert "100/300 Myr simulated (33%), step 10, elapsed 0:00:00, ETA" in lines[1]
    assert (
        lines[-1].startswith("transport: 300/300 Myr simulated (100%), step 30")
        and "done" in lines[-1]
    )
    assert "Ts" not in text and "s(sim)" not in text


def test_lines_are_periodic(monkeypatch):
    clock = {"t": 0.0}
    monkeypatch.setattr("crescape.progress.time.monotonic", lambda: clock["t"])
    log = _Log()
    p = Progress(100, desc="sweep chain", unit="points", stream=log, every=30.0, fmt="{:.0f}")
    for _ in range(100):
        clock["t"] += 1.0
        p.update(1)
    p.close()
    lines = log.getvalue().splitlines()
    # start, at 30, 60, 90 s, and the end
    assert len(lines) == 5
    assert lines[1].startswith("sweep chain: 30/100 points (30%)") and "ETA 0:01:10" in lines[1]
    assert lines[-1].startswith("sweep chain: 100/100 points (100%)")


def test_on_a_terminal_a_bar_in_myr():
    class Tty(io.StringIO):
        def isatty(self):
            return True

    out = Tty()
    p = Progress(300.0, desc="cgm", unit="Myr simulated", stream=out)
    p.update_to(150.0, step=7)
    p.close()
    assert "150/300 Myr simulated" in out.getvalue() and "step=7" in out.getvalue()


@pytest.mark.parametrize(
    "t_end, unit",
    [(3e9 * yr, "Myr"), (300 * Myr, "Myr"), (0.2 * Myr, "Myr"), (5e3 * yr, "kyr"), (10 * yr, "yr")],
)
def test_time_unit(t_end, unit):
    assert time_unit(t_end)[0] == unit


def test_format_duration():
    assert format_duration(3725.2) == "1:02:05"
    assert format_duration(float("inf")) == "?"


def test_disabled_reports_nothing():
    log = _Log()
    p = Progress(10, stream=log, enabled=False)
    p.update(5)
    p.close()
    assert log.getvalue() == ""
