"""Help texts: defaults shown, steps listed, no pointer to files that an installed wheel lacks."""

import pytest

from crescape.cli import main

MINE = ["summary", "spectrum", "figure1", "fit", "reproduce", "sweep", "params", "dispersion"]


def help_text(capsys, *argv):
    assert main([*argv, "--help"]) == 0
    return " ".join(capsys.readouterr().out.split())


@pytest.mark.parametrize("command", MINE)
def test_help_points_only_to_what_is_installed(command, capsys):
    text = help_text(capsys, command)
    assert "docs/" not in text and "examples/" not in text


def test_fit_help_shows_the_defaults(capsys):
    text = help_text(capsys, "fit")
    assert "seed of the emcee walkers' start (default 0)" in text
    assert "A (default), B or C" in text


def test_sweep_help_shows_the_spec_format_and_timeout(capsys):
    text = help_text(capsys, "sweep")
    assert 'product = "chain"' in text and "[axes]" in text and "--timeout" in text


def test_top_level_help_points_to_params(capsys):
    assert "crescape params" in help_text(capsys)
