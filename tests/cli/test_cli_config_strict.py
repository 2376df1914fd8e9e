"""A parameter file with a misspelt table, an unknown key, a key given twice or a boolean is refused (exit 2)."""

import pytest

from crescape.cli import main


@pytest.mark.parametrize(
    "text, words",
    [
        ("[galaxyy]\nL_CR = 2e41\n", "unknown table [galaxyy] (did you mean [galaxy]?)"),
        ("L_CR = true\n", "L_CR = True is not allowed"),
        ("L_CR = 1e41\n[galaxy]\nL_CR = 2e41\n", "L_CR is given twice"),
        ("[galaxy]\nR_dd = 3\n", "unknown key 'R_dd' in [galaxy]"),
    ],
)
@pytest.mark.parametrize("command", ["summary", "match-icecube"])
def test_bad_parameter_file_exits_2_naming_file_and_key(tmp_path, capsys, text, words, command):
    f = tmp_path / "p.toml"
    f.write_text(text)
    assert main([command, "--config", str(f)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert str(f) in err and words in err
