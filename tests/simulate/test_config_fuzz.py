"""Fuzzing the simulate and transport configurations: any TOML document or ``--set`` value
either gives a configuration or one ParameterError, never another exception.

The documents mix known and unknown tables and keys of both option tables
(:data:`crescape.simulate.config.SCHEMA`, :data:`crescape.simulate.cgm_config.SCHEMA`) and of
the physical parameters with values of every TOML kind (numbers, non-finite numbers, strings
with right and wrong units, booleans, lists, tables). An option document made only of values
that the option's Spec accepts must load.
"""

from __future__ import annotations

import math
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crescape.params import SPECS, ParameterError, parse_value
from crescape.simulate import cgm_config, config

FAST = settings(
    max_examples=int(__import__("os").environ.get("CRESCAPE_FUZZ_EXAMPLES", 60)),
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)

UNITS = ["", " kpc", " GeV", " Myr", " km/s", " cm2/s", " G", " erg/s", " parsnips", " s"]
TABLES = {**config.SCHEMA, "simulation": cgm_config.SCHEMA}
KEYS = sorted({k for t in TABLES.values() for k in t} | set(SPECS) | {"n_cel", "D", "nz"})
NAMES = sorted(TABLES) + ["galaxy", "cgm", "micro", "galaxyy", "simulaton"]


def toml_value():
    num = st.one_of(
        st.integers(-(10**6), 10**6),
        st.floats(allow_nan=True, allow_infinity=True, width=64),
    )
    text = st.builds(
        lambda x, unit: f'"{x:g}{unit}"', st.floats(-1e40, 1e40), st.sampled_from(UNITS)
    )
    word = st.sampled_from(['"eq8"', '"bohm"', '"planar"', '"nope"', '"larmor,alfven"', '""'])
    return st.one_of(
        num.map(
            lambda x: (
                "nan"
                if isinstance(x, float) and math.isnan(x)
                else (
                    ("inf" if x > 0 else "-inf")
                    if isinstance(x, float) and math.isinf(x)
                    else repr(x)
                )
            )
        ),
        text,
        word,
        st.sampled_from(["true", "false", "[1, 2]", '["larmor", "bohm"]', "{a = 1}"]),
    )


def document():
    line = st.tuples(st.sampled_from(KEYS), toml_value()).map(lambda kv: f"{kv[0]} = {kv[1]}")
    table = st.tuples(
        st.sampled_from(NAMES), st.lists(line, max_size=4, unique_by=lambda s: s.split("=")[0])
    )
    return st.lists(table, max_size=4, unique_by=lambda t: t[0]).map(
        lambda ts: "\n".join(f"[{name}]\n" + "\n".join(lines) for name, lines in ts)
    )


def _load(loader, text):
    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / "c.toml"
        p.write_text(text)
        try:
            loader(p)
        except ParameterError as exc:
            assert "\n" not in str(exc).strip(), str(exc)
            return False
    return True


@FAST
@given(document())
def test_any_document_loads_or_gives_one_parameter_error(text):
    _load(config.load_config, text)
    _load(cgm_config.load_config, text)


@FAST
@given(st.sampled_from(sorted(cgm_config.SCHEMA)), toml_value())
def test_any_simulation_option_value_loads_or_gives_one_parameter_error(key, value):
    try:
        cgm_config.load_config(None, {key: value.strip('"')})
    except ParameterError as exc:
        assert key in str(exc) and "\n" not in str(exc)


def test_a_document_of_accepted_values_loads():
    """Every option at its default, written out, loads (both configurations)."""
    lines = {"simulation": []}
    for k, s in cgm_config.SCHEMA.items():
        if s.default is None:
            continue
        v = s.default
        if isinstance(v, bool):
            lines["simulation"].append(f"{k} = {str(v).lower()}")
        elif isinstance(v, str):
            lines["simulation"].append(f'{k} = "{v}"')
        else:
            lines["simulation"].append(f"{k} = {v!r}")
            parse_value(s, v)
    text = "[simulation]\n" + "\n".join(lines["simulation"])
    assert _load(cgm_config.load_config, text)


def test_a_list_for_a_number_is_one_parameter_error():
    """Found by the fuzz: D_max = [1, 2] ended in a TypeError."""
    import pytest

    with pytest.raises(ParameterError, match="simulation.D_max = .* must be one value"):
        cgm_config.load_config(None, {"D_max": "[1, 2]"})
