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


def test_no_doubled_percent_signs_in_any_help(capsys):
    """argparse %-formats help strings but not descriptions: '68%%' in a description shows as is."""
    import crescape.cli as cli

    names = [
        "summary",
        "spectrum",
        "figure1",
        "dispersion",
        "match-icecube",
        "fit",
        "sweep",
        "reproduce",
        "simulate",
        "transport",
        "params",
    ]
    for name in names:
        try:
            cli.main([name, "--help"])
        except SystemExit:
            pass
        out = capsys.readouterr().out
        assert "%%" not in out, name
