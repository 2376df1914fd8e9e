"""Every way the command line can be given bad input or meet a failing system, in one table.

Each case runs ``crescape ...`` in-process and asserts the exit code (2 for bad
input and I/O errors, 1 for an internal error), that stderr is exactly one line
starting with ``crescape COMMAND: error:`` without a traceback, and that the
line names the parameter, option or file at fault. Outputs are checked before
any work: the cases that give a bad output path make the work itself fail if
it is ever reached.
"""

from __future__ import annotations

import errno
import json
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from crescape.cli import main

SPEC = 'product = "chain"\n[options]\noutputs = ["B_sat"]\n[axes]\ndelta_G = [1, 10]\n'


def one_line_error(capsys, command: str | None = None) -> str:
    err = capsys.readouterr().err
    assert "Traceback" not in err, err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    if command is not None:
        assert lines[0].startswith(f"crescape {command}: error:"), lines[0]
    return lines[0]


def no_work(monkeypatch, *targets):
    """Make each ``module:attr`` raise if called: the command must fail before it."""
    import importlib

    def boom(*a, **k):
        raise AssertionError("work started before the input was checked")

    for t in targets:
        mod, attr = t.split(":")
        monkeypatch.setattr(importlib.import_module(mod), attr, boom)


def read_only(monkeypatch, d: Path) -> None:
    """Make ``d`` look read-only to the output checks (root may write anywhere)."""
    import crescape.cli._common as common

    real = os.access
    monkeypatch.setattr(
        common.os, "access", lambda p, m, *a, **k: False if Path(p) == d else real(p, m)
    )


def spec(tmp: Path, text: str = SPEC) -> str:
    p = tmp / "spec.toml"
    p.write_text(text)
    return str(p)


def sweep_argv(tmp: Path, *extra: str, out: str | None = None) -> list[str]:
    return [
        "sweep",
        spec(tmp),
        "--out",
        out if out is not None else str(tmp / "s.zarr"),
        "--no-progress",
        *extra,
    ]


# --------------------------------------------------------------------------- builders


def _force_on_a_folder(tmp, mp):
    d = tmp / "precious"
    d.mkdir()
    (d / "thesis.tex").write_text("years of work")
    return sweep_argv(tmp, "--force", "--scheduler", "serial", out=str(d))


def _resume_on_a_folder(tmp, mp):
    d = tmp / "other"
    d.mkdir()
    (d / "notes.txt").write_text("x")
    return sweep_argv(tmp, "--resume", "--scheduler", "serial", out=str(d))


def _resume_on_a_zarr_group_of_someone_else(tmp, mp):
    import numpy as np
    import xarray as xr

    d = tmp / "foreign.zarr"
    xr.Dataset({"a": ("x", np.arange(3.0))}).to_zarr(d, consolidated=False)
    return sweep_argv(tmp, "--resume", "--scheduler", "serial", out=str(d))


def _resume_missing(tmp, mp):
    return sweep_argv(tmp, "--resume", "--scheduler", "serial", out=str(tmp / "none.zarr"))


def _sweep_out_is_a_file(tmp, mp):
    (tmp / "f.zarr").write_text("x")
    return sweep_argv(tmp, "--force", "--scheduler", "serial", out=str(tmp / "f.zarr"))


def _sweep_out_empty(tmp, mp):
    return sweep_argv(tmp, out="")


def _sweep_out_read_only(tmp, mp):
    d = tmp / "ro"
    d.mkdir()
    read_only(mp, d)
    no_work(mp, "crescape.analysis.sweep:sweep")
    return sweep_argv(tmp, "--scheduler", "serial", out=str(d / "s.zarr"))


def _scheduler_garbage(tmp, mp):
    no_work(mp, "crescape.analysis.sweep:_connect")
    return sweep_argv(tmp, "--scheduler", "garbage")


def _scheduler_unknown_scheme(tmp, mp):
    no_work(mp, "crescape.analysis.sweep:_connect")
    return sweep_argv(tmp, "--scheduler", "foo://bar:8786")


def _scheduler_from_environment(tmp, mp):
    no_work(mp, "crescape.analysis.sweep:_connect")
    mp.setenv("DASK_SCHEDULER_ADDRESS", "foo://bar")
    return sweep_argv(tmp)


def _silent_scheduler(tmp, mp):
    """A server that accepts connections and never answers (it hung the sweep for minutes)."""
    pytest.importorskip("distributed")
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(8)
    conns = []

    def accept():
        while True:
            try:
                conns.append(srv.accept()[0])
            except OSError:
                return

    threading.Thread(target=accept, daemon=True).start()
    mp.setattr(sys.modules[__name__], "_SILENT", (srv, conns), raising=False)
    port = srv.getsockname()[1]
    return sweep_argv(tmp, "--scheduler", f"tcp://127.0.0.1:{port}", "--timeout", "1")


def _bad_timeout(tmp, mp):
    return sweep_argv(tmp, "--timeout", "0")


def _huge_axis(tmp, mp):
    text = 'product = "chain"\n[axes]\ndelta_G = { start = 1, stop = 10, num = 100000000000 }\n'
    return ["sweep", spec(tmp, text), "--out", str(tmp / "h.zarr"), "--scheduler", "serial"]


def _huge_grid(tmp, mp):
    text = (
        'product = "chain"\n[axes]\n'
        "delta_G = { start = 1, stop = 10, num = 100000 }\n"
        "T = { start = 1e5, stop = 1e7, num = 100000 }\n"
    )
    return ["sweep", spec(tmp, text), "--out", str(tmp / "h.zarr"), "--scheduler", "serial"]


def _locked_store(tmp, mp):
    from crescape.analysis.sweep import StoreLock

    lock = StoreLock(tmp / "s.zarr").acquire()
    mp.setattr(sys.modules[__name__], "_LOCK", lock, raising=False)
    return sweep_argv(tmp, "--scheduler", "serial")


def _figure1_out_empty(tmp, mp):
    no_work(mp, "crescape.analysis.figure1:figure1")
    return ["figure1", "--out", ""]


def _figure1_out_dir(tmp, mp):
    no_work(mp, "crescape.analysis.figure1:figure1")
    return ["figure1", "--out", str(tmp)]


def _figure1_out_missing_dir(tmp, mp):
    no_work(mp, "crescape.analysis.figure1:figure1")
    return ["figure1", "--out", str(tmp / "no" / "f.png")]


def _figure1_out_read_only(tmp, mp):
    d = tmp / "ro"
    d.mkdir()
    read_only(mp, d)
    no_work(mp, "crescape.analysis.figure1:figure1")
    return ["figure1", "--out", str(d / "f.png")]


def _disk_full(tmp, mp):
    import crescape.io

    def full(path, *a, **k):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))

    mp.setattr(crescape.io, "atomic_write", full)
    return ["figure1", "--no-newest", "--delta-G", "10", "--out", str(tmp / "f.png")]


def _disk_full_reproduce(tmp, mp):
    import crescape.io

    def full(path, *a, **k):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))

    mp.setattr(crescape.io, "atomic_write", full)
    return ["reproduce", "--out", str(tmp / "r"), "--only", "chain"]


def _read_only_disk(tmp, mp):
    import crescape.io

    def ro(path, *a, **k):
        raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(path))

    mp.setattr(crescape.io, "atomic_write", ro)
    return ["reproduce", "--out", str(tmp / "r"), "--only", "chain"]


def _spec_binary(tmp, mp):
    p = tmp / "spec.toml"
    p.write_bytes(b"\x80\xff" * 100)
    return ["sweep", str(p), "--out", str(tmp / "s.zarr")]


def _spec_dir(tmp, mp):
    return ["sweep", str(tmp), "--out", str(tmp / "s.zarr")]


def _config_dir(tmp, mp):
    return ["summary", "--config", str(tmp)]


def _config_binary(tmp, mp):
    p = tmp / "c.toml"
    p.write_bytes(bytes(range(256)) * 4)
    return ["summary", "--config", str(p)]


def _config_missing(tmp, mp):
    return ["summary", "--config", str(tmp / "nope.toml")]


def _config_unknown_table(tmp, mp):
    p = tmp / "c.toml"
    p.write_text("[weather]\nrain = 3\n")
    return ["summary", "--config", str(p)]


def _config_list_value(tmp, mp):
    p = tmp / "c.toml"
    p.write_text("delta_G = [1, 2]\n")
    return ["spectrum", "--config", str(p)]


def _reproduce_only_nosuch(tmp, mp):
    no_work(mp, "crescape.reproduction:steps")
    return ["reproduce", "--out", str(tmp / "r"), "--only", "nosuch"]


def _reproduce_out_file(tmp, mp):
    (tmp / "r").write_text("x")
    no_work(mp, "crescape.reproduction:steps")
    return ["reproduce", "--out", str(tmp / "r")]


def _fit_out_file(tmp, mp):
    pytest.importorskip("iminuit")
    (tmp / "r").write_text("x")
    no_work(mp, "crescape.analysis.fit:fit")
    return ["fit", "--no-mcmc", "--out", str(tmp / "r")]


def _internal_error(tmp, mp):
    import crescape.model

    def bug(*a, **k):
        raise RuntimeError("something impossible")

    mp.setattr(crescape.model.EscapeModel, "from_params", bug)
    return ["summary"]


def _network_error(tmp, mp):
    import crescape.model

    def lost(*a, **k):
        raise ConnectionResetError(errno.ECONNRESET, "Connection reset by peer")

    mp.setattr(crescape.model.EscapeModel, "from_params", lost)
    return ["summary"]


def _out_of_memory(tmp, mp):
    import crescape.model

    def oom(*a, **k):
        raise MemoryError

    mp.setattr(crescape.model.EscapeModel, "from_params", oom)
    return ["summary"]


class _ClosedPipe:
    def write(self, s):
        raise BrokenPipeError(errno.EPIPE, "Broken pipe")

    def flush(self):
        raise BrokenPipeError(errno.EPIPE, "Broken pipe")


def _broken_pipe(tmp, mp):
    mp.setattr(sys, "stdout", _ClosedPipe())
    return ["summary", "--json"]


#: (id, argv or builder(tmp_path, monkeypatch) -> argv, exit code, words in the message)
CASES = [
    # issue 10: --force / --resume only on a crescape store
    ("sweep-force-on-a-folder", _force_on_a_folder, 2, ["precious", "not a crescape sweep store"]),
    ("sweep-resume-on-a-folder", _resume_on_a_folder, 2, ["other", "not a crescape sweep store"]),
    (
        "sweep-resume-on-a-foreign-zarr",
        _resume_on_a_zarr_group_of_someone_else,
        2,
        ["foreign.zarr", "not a crescape sweep store"],
    ),
    ("sweep-resume-missing", _resume_missing, 2, ["none.zarr", "nothing to resume"]),
    ("sweep-out-is-a-file", _sweep_out_is_a_file, 2, ["--out", "f.zarr", "not a folder"]),
    ("sweep-out-empty", _sweep_out_empty, 2, ["--out ''"]),
    ("sweep-out-read-only", _sweep_out_read_only, 2, ["--out", "not writable"]),
    # issue 13: schedulers
    ("sweep-scheduler-garbage", _scheduler_garbage, 2, ["--scheduler", "'garbage'"]),
    ("sweep-scheduler-foo", _scheduler_unknown_scheme, 2, ["--scheduler", "foo://bar:8786"]),
    ("sweep-scheduler-env", _scheduler_from_environment, 2, ["DASK_SCHEDULER_ADDRESS", "foo://"]),
    ("sweep-silent-scheduler", _silent_scheduler, 2, ["scheduler", "no answer within 1 s"]),
    ("sweep-bad-timeout", _bad_timeout, 2, ["--timeout 0"]),
    ("sweep-resume-and-force", lambda t, m: sweep_argv(t, "--resume", "--force"), 2, ["--force"]),
    ("sweep-1e11-axis", _huge_axis, 2, ["delta_G", "num = 100000000000"]),
    ("sweep-1e10-grid", _huge_grid, 2, ["1e+10 points", "delta_G: 100000"]),
    ("sweep-locked-store", _locked_store, 2, ["s.zarr", "another sweep"]),
    # issue 13: outputs checked before any work, I/O errors
    ("figure1-out-empty", _figure1_out_empty, 2, ["--out ''"]),
    ("figure1-out-dir", _figure1_out_dir, 2, ["--out", "is a directory"]),
    ("figure1-out-missing-dir", _figure1_out_missing_dir, 2, ["--out", "does not exist"]),
    ("figure1-out-read-only", _figure1_out_read_only, 2, ["--out", "not writable"]),
    ("figure1-disk-full", _disk_full, 2, ["f.png", "No space left on device"]),
    ("reproduce-disk-full", _disk_full_reproduce, 2, ["IN_PROGRESS", "No space left"]),
    ("reproduce-read-only-disk", _read_only_disk, 2, ["IN_PROGRESS", "Read-only file system"]),
    ("reproduce-out-file", _reproduce_out_file, 2, ["--out", "not a folder"]),
    ("fit-out-file", _fit_out_file, 2, ["--out", "not a folder"]),
    # issue 13: configs
    ("config-directory", _config_dir, 2, ["config", "directory"]),
    ("config-binary", _config_binary, 2, ["config", "c.toml"]),
    ("config-missing", _config_missing, 2, ["config", "nope.toml", "no such file"]),
    ("config-unknown-table", _config_unknown_table, 2, ["c.toml", "weather"]),
    ("config-list-value", _config_list_value, 2, ["delta_G", "[1, 2]"]),
    ("sweep-spec-binary", _spec_binary, 2, ["spec", "spec.toml", "UTF-8"]),
    ("sweep-spec-directory", _spec_dir, 2, ["spec", "directory"]),
    # issue 13: the rest
    ("internal-error", _internal_error, 1, ["internal error", "RuntimeError", "report"]),
    ("out-of-memory", _out_of_memory, 2, ["out of memory"]),
    ("network-error", _network_error, 2, ["network error", "Connection reset"]),
    ("broken-pipe", _broken_pipe, 2, ["stdout", "broken pipe"]),
    # issue 14
    ("reproduce-only-nosuch", _reproduce_only_nosuch, 2, ["--only 'nosuch'", "chain", "figure1"]),
    ("reproduce-only-empty", ["reproduce", "--out", "x", "--only", ","], 2, ["--only"]),
    # the command line itself, and bad values (as in the per-command tables)
    ("unknown-option", ["summary", "--bogus"], 2, ["--bogus"]),
    ("bad-choice", ["fit", "--igrb-model", "Z"], 2, ["--igrb-model", "'Z'"]),
    ("bad-int", ["spectrum", "--num", "many"], 2, ["--num", "'many'"]),
    ("params-unknown-group", ["params", "--group", "weather"], 2, ["--group 'weather'"]),
    ("set-unknown-key", ["summary", "--set", "delta_X=3"], 2, ["delta_X"]),
    ("set-no-equals", ["summary", "--set", "delta_G"], 2, ["delta_G"]),
    ("set-out-of-range", ["summary", "--set", "delta_G=-3"], 2, ["delta_G"]),
    ("set-wrong-unit", ["summary", "--set", "R_d=3 erg"], 2, ["R_d"]),
    ("set-not-a-number", ["spectrum", "--set", "L_CR=lots"], 2, ["L_CR"]),
    ("figure1-bad-delta", ["figure1", "--delta-G", "10,abc"], 2, ["--delta-G"]),
    ("figure1-bad-suffix", ["figure1", "--out", "x.jpg"], 2, ["--out", "suffix"]),
    ("spectrum-bad-species", ["spectrum", "--species", "mu"], 2, ["species"]),
    ("spectrum-infinite-emax", ["spectrum", "--emax", "1e400 GeV"], 2, ["emax", "finite"]),
    # issue 13, item 2: CGM profiles in the emission model
    ("spectrum-unknown-profile", ["spectrum", "--profile", "nfw"], 2, ["profile = 'nfw'"]),
    (
        "spectrum-missing-profile-table",
        ["spectrum", "--profile", "gone.ecsv"],
        2,
        ["gone.ecsv", "ECSV"],
    ),
    (
        "spectrum-profile-bad-option",
        ["spectrum", "--profile", "beta", "--profile-set", "beta=9"],
        2,
        ["beta = 9"],
    ),
    (
        "spectrum-profile-set-alone",
        ["spectrum", "--profile-set", "r_c=1"],
        2,
        ["--profile-set needs --profile"],
    ),
    ("spectrum-bad-field", ["spectrum", "--field", "x"], 2, ["--field", "'x'"]),
    ("fit-few-steps", ["fit", "--steps", "3"], 2, ["--steps 3"]),
]


@pytest.mark.parametrize("build, code, words", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_input_and_failing_systems_give_one_line(
    build, code, words, tmp_path, monkeypatch, capsys
):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DASK_SCHEDULER_ADDRESS", raising=False)
    monkeypatch.delenv("CRESCAPE_TRACEBACK", raising=False)
    argv = build(tmp_path, monkeypatch) if callable(build) else list(build)
    try:
        got = main(argv)
    finally:
        held = getattr(sys.modules[__name__], "_LOCK", None)
        if held is not None:
            held.release()
        silent = getattr(sys.modules[__name__], "_SILENT", None)
        if silent is not None:
            silent[0].close()
            for c in silent[1]:
                c.close()
    line = one_line_error(capsys, argv[0] if argv[0] in ("sweep",) else None)
    assert got == code, line
    for w in words:
        assert w in line, (w, line)


def test_force_never_deletes_a_folder_that_is_not_a_store(tmp_path, capsys):
    argv = _force_on_a_folder(tmp_path, None)
    assert main(argv) == 2
    assert (tmp_path / "precious" / "thesis.tex").read_text() == "years of work"
    capsys.readouterr()


def test_force_overwrites_a_crescape_store(tmp_path, capsys):
    argv = sweep_argv(tmp_path, "--scheduler", "serial")
    assert main(argv) == 0
    assert main([*argv, "--force"]) == 0
    assert "2/2 points done" in capsys.readouterr().out
    assert not (tmp_path / "s.zarr.lock").exists()


def test_scheduler_without_workers_is_refused(tmp_path, capsys):
    pytest.importorskip("distributed")
    sfile = tmp_path / "scheduler.json"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "distributed.cli.dask_scheduler",
            "--host",
            "127.0.0.1",
            "--port",
            "0",
            "--no-dashboard",
            "--scheduler-file",
            str(sfile),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        t0 = time.monotonic()
        while not sfile.exists():
            assert time.monotonic() - t0 < 30, "scheduler did not start"
            time.sleep(0.1)
        address = json.loads(sfile.read_text())["address"]
        t0 = time.monotonic()
        code = main(sweep_argv(tmp_path, "--scheduler", address, "--timeout", "1"))
        assert time.monotonic() - t0 < 15
    finally:
        proc.terminate()
        proc.wait(timeout=15)
    line = one_line_error(capsys, "sweep")
    assert code == 2 and "has no workers" in line and address in line


def test_traceback_on_request_for_an_internal_error(tmp_path, monkeypatch, capsys):
    _internal_error(tmp_path, monkeypatch)
    monkeypatch.setenv("CRESCAPE_TRACEBACK", "1")
    assert main(["summary"]) == 1
    err = capsys.readouterr().err
    assert "Traceback" in err and "something impossible" in err


def test_help_and_version_return_0(capsys):
    assert main(["--version"]) == 0
    assert main(["summary", "--help"]) == 0
    assert "usage: crescape summary" in capsys.readouterr().out


def test_real_process_broken_pipe_and_bad_input_have_no_traceback(tmp_path):
    """``crescape summary --json | head -c0`` and a bad --set in a real process: one line, exit 2."""
    exe = [sys.executable, "-m", "crescape.cli"]
    proc = subprocess.Popen(
        [*exe, "summary", "--json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=tmp_path,
    )
    proc.stdout.close()  # the reader goes away before the command writes
    err = proc.stderr.read().decode()
    proc.wait(timeout=60)
    assert proc.returncode == 2, err
    assert "Traceback" not in err and "broken pipe" in err
    bad = subprocess.run(
        [*exe, "summary", "--set", "delta_G=-1"], capture_output=True, text=True, cwd=tmp_path
    )
    assert bad.returncode == 2 and "Traceback" not in bad.stderr and "delta_G" in bad.stderr
