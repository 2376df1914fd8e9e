"""Warnings of every command are one line, ``crescape COMMAND: warning: ...``, printed once by the
CLI entry point (not Python's two-line ``file:line: Category: message`` + source format)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import crescape.cli
from crescape.cli import main
from crescape.errors import ValidityWarning


def _commands() -> list[str]:
    return sorted(crescape.cli.build_parser()._subparsers._group_actions[0].choices)


#: argv that the parser accepts, for the commands with required arguments
ARGV = {
    "reproduce": ["reproduce", "--out", "out"],
    "sweep": ["sweep", "spec.toml", "--out", "store.zarr"],
    "simulate": ["simulate", "--out", "run.nc"],
    "transport": ["transport", "--out", "run.nc"],
    "mhd": ["mhd", "--out", "run.nc"],
}


def _warning_lines(err: str, command: str) -> list[str]:
    lines = err.strip().splitlines()
    for line in lines:
        assert line.startswith(f"crescape {command}: warning: "), line
    return lines


def test_the_table_covers_every_command():
    assert len(_commands()) >= 11 and {"summary", "sweep", "simulate"} <= set(_commands())


@pytest.mark.parametrize("command", _commands())
def test_every_command_prints_warnings_in_one_line(monkeypatch, capsys, command):
    """Whatever issues the warning (crescape, numpy, a library), it is printed once, in one line."""
    real = crescape.cli.build_parser

    def run(args):
        for _ in range(2):  # the same message twice: printed once
            warnings.warn("outside the data\n  at 1 GeV", ValidityWarning, stacklevel=1)
        warnings.warn_explicit("from a library", DeprecationWarning, "lib.py", 7, module="lib")
        with np.errstate(over="warn"):
            np.float64(1e300) * np.float64(1e300)
        return 0

    def build_parser():  # the command's run replaced by the one above, after parsing
        parser = real()
        parse = parser.parse_args

        def parse_args(argv=None):
            ns = parse(argv)
            ns.func = run
            return ns

        parser.parse_args = parse_args
        return parser

    monkeypatch.setattr(crescape.cli, "build_parser", build_parser)
    assert main(ARGV.get(command, [command])) == 0
    lines = _warning_lines(capsys.readouterr().err, command)
    assert lines == [
        f"crescape {command}: warning: outside the data; at 1 GeV",
        f"crescape {command}: warning: from a library",
        f"crescape {command}: warning: overflow encountered in scalar multiply",
    ]


def test_summary_model_warnings_are_one_line(capsys):
    """An unphysical parameter set: the model's ValidityWarnings, as the user sees them."""
    assert main(["summary", "--set", "L_CR=1e300"]) == 0
    err = capsys.readouterr().err
    lines = _warning_lines(err, "summary")
    assert len(lines) == 2
    assert "exceeds the speed of light" in lines[0] and "L_CR = 1e+300 erg / s" in lines[0]
    assert "ValidityWarning" not in err and ".py:" not in err
    # in the same process again: printed again (not swallowed by a warnings registry)
    assert main(["summary", "--set", "L_CR=1e300"]) == 0
    assert len(_warning_lines(capsys.readouterr().err, "summary")) == 2


def test_dispersion_and_match_icecube_use_the_same_printer(capsys):
    assert main(["dispersion", "--set", "slope=1.5"]) == 0
    (line,) = _warning_lines(capsys.readouterr().err, "dispersion")
    assert "depend on E_max" in line
    assert main(["match-icecube", "--energy", "1 GeV", "--set", "delta_G=3"]) == 0
    lines = _warning_lines(capsys.readouterr().err, "match-icecube")
    assert lines[0] == (
        "crescape match-icecube: warning: delta_G = 3 is ignored: it is what match-icecube "
        "solves for"
    )
    assert "is outside the energy range" in lines[1]


def test_warnings_outside_the_cli_are_untouched():
    """The entry point restores Python's warning machinery when it returns."""
    before = warnings.showwarning
    assert main(["params"]) == 0
    assert warnings.showwarning is before
    with pytest.warns(ValidityWarning):
        warnings.warn("still a warning", ValidityWarning, stacklevel=1)
