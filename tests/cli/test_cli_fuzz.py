"""Fuzzing the fast subcommands: ``--set`` values and TOML documents never give a traceback.

For ``summary``, ``spectrum`` and ``figure1`` (tiny settings), hypothesis makes
``--set`` values (numbers, non-finite numbers, units right and wrong, text) and
whole TOML documents (valid parameters, values out of range, wrong units,
booleans, lists, unknown keys and tables, random text and bytes). Each run
must exit 0 or 2, with no traceback; an input that the parameter registry
refuses must give 2 with a one-line message, and a document made only of
allowed values must give 0.
"""

from __future__ import annotations

import contextlib
import io
import math
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from crescape.cli import main
from crescape.params import SPECS, ParameterError, parse_value

NUMERIC = [s for s in SPECS.values() if not s.choices]
CHOICE = [s for s in SPECS.values() if s.choices]
UNITS = [
    "",
    "kpc",
    "pc",
    "cm",
    "erg/s",
    "erg",
    "GeV",
    "TeV",
    "K",
    "G",
    "uG",
    "s",
    "Myr",
    "kg",
    "parsnips",
]

FAST = settings(
    max_examples=40,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


def run(argv: list[str]) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    return code, err.getvalue()


def check(code: int, err: str, invalid: bool | None) -> None:
    assert "Traceback" not in err, err
    assert code in (0, 2), (code, err)
    if code == 2:
        assert len(err.strip().splitlines()) == 1 and ": error: " in err, err
    if invalid is True:
        assert code == 2, "invalid input accepted"
    if invalid is False:
        assert code == 0, err


def refused(spec, value) -> bool:
    try:
        parse_value(spec, value)
    except ParameterError:
        return True
    return False


def command(name: str, tmp: Path) -> list[str]:
    return {
        "summary": ["summary"],
        "spectrum": ["spectrum", "--num", "2", "--species", "nu_mu"],
        "figure1": ["figure1", "--no-newest", "--delta-G", "10", "--out", str(tmp / "f.png")],
    }[name]


numbers = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(10**30), max_value=10**30),
)
set_values = st.one_of(
    st.builds(lambda x, unit: f"{x!r} {unit}".strip(), numbers, st.sampled_from(UNITS)),
    st.text(max_size=12),
)


@FAST
@given(
    spec=st.sampled_from(NUMERIC + CHOICE),
    value=set_values,
    cmd=st.sampled_from(["summary", "spectrum"]),
)
def test_set_values(spec, value, cmd):
    if "\n" in value or "\r" in value:
        value = value.replace("\n", " ").replace("\r", " ")
    code, err = run([*command(cmd, Path(tempfile.gettempdir())), "--set", f"{spec.name}={value}"])
    # a value the registry refuses must be refused; an accepted one may still meet a
    # cross-parameter check (exit 2) but never a traceback
    check(code, err, True if refused(spec, value.strip()) else None)


# --------------------------------------------------------------------------- TOML documents


def toml_value(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        if math.isnan(v):
            return "nan"
        if math.isinf(v):
            return "inf" if v > 0 else "-inf"
        return repr(v)
    if isinstance(v, int):
        return str(v)
    if isinstance(v, str):
        return '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(v, list):
        return "[" + ", ".join(toml_value(x) for x in v) + "]"
    raise TypeError(v)


#: values of the parameters whose default is None (absent): the break at 10 TeV, s2 = 2.6
_TYPICAL = {"E_break": 1e4, "slope_high": 2.6}


def in_range(spec) -> st.SearchStrategy:
    """(value, exact): an accepted value of one parameter, its default (as a number or a
    string with its unit) or the default times 0.9 or 1.1 (which may meet a cross-check)."""
    if spec.choices:
        return st.tuples(st.sampled_from(spec.choices), st.just(True))
    # an optional parameter absent by default (the spectral break): a value inside its range
    d = float(spec.default) if spec.default is not None else _TYPICAL[spec.name]
    unit = "" if spec.unit is None else spec.unit.to_string()
    exact = st.sampled_from([d, f"{d!r} {unit}".strip()]).map(lambda v: (v, True))
    near = st.sampled_from([0.9, 1.1]).map(lambda f: (d * f, False))
    return st.one_of(exact, near).filter(lambda vx: not refused(spec, vx[0]))


@st.composite
def documents(draw):
    """(TOML text, invalid) with a few parameters, flat or in their group tables.

    ``invalid`` is True if some entry is refused by the registry or misplaced,
    False if every entry is a default, None otherwise (a cross-check may refuse it, e.g.
    E_min = 2 GeV against the default energy of 1 GeV).
    """
    specs = draw(
        st.lists(st.sampled_from(NUMERIC + CHOICE), max_size=4, unique_by=lambda s: s.name)
    )
    entries: list[tuple[str | None, str, object]] = []  # (table, key, value)
    invalid, strict = False, True
    for sp in specs:
        kind = draw(st.sampled_from(["ok", "ok", "number", "unit", "bool", "list"]))
        if kind == "ok":
            v, exact = draw(in_range(sp))
            strict &= exact
        elif kind == "number":
            v = draw(numbers)
            invalid |= refused(sp, v)
            strict = False  # accepted alone, it may still meet a cross-check (energy >= E_min)
        elif kind == "unit":
            v = f"{draw(st.floats(1e-3, 1e3))!r} {draw(st.sampled_from(UNITS))}".strip()
            invalid |= refused(sp, v)
            strict = False
        elif kind == "bool":
            v, invalid = draw(st.booleans()), True
        else:
            v, invalid = [draw(in_range(sp))[0]], True
        table = draw(st.sampled_from([None, sp.group]))
        entries.append((table, sp.name, v))
    extra = draw(st.sampled_from(["none", "none", "unknown_key", "unknown_table", "wrong_group"]))
    if extra == "unknown_key":
        entries.append((None, "delta_Q", 1.0))
        invalid = True
    elif extra == "unknown_table":
        entries.append(("weather", "rain", 3))
        invalid = True
    elif extra == "wrong_group" and specs:
        sp = specs[0]
        other = next(g for g in ("galaxy", "cgm", "micro") if g != sp.group)
        value = sp.default if sp.default is not None else _TYPICAL[sp.name]
        entries = [e for e in entries if e[1] != sp.name] + [(other, sp.name, value)]
        invalid = True
    flat = [f"{k} = {toml_value(v)}" for t, k, v in entries if t is None]
    tables: dict[str, list[str]] = {}
    for t, k, v in entries:
        if t is not None:
            tables.setdefault(t, []).append(f"{k} = {toml_value(v)}")
    text = (
        "\n".join(flat)
        + "\n"
        + "".join(f"[{t}]\n" + "\n".join(b) + "\n" for t, b in tables.items())
    )
    return text, (True if invalid else (False if strict else None))


@FAST
@given(doc=documents(), cmd=st.sampled_from(["summary", "spectrum"]))
def test_toml_documents(doc, cmd):
    text, invalid = doc
    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / "c.toml"
        p.write_text(text)
        code, err = run([*command(cmd, Path(d)), "--config", str(p)])
    check(code, err, invalid)


@settings(max_examples=40, deadline=None, database=None)
@given(raw=st.one_of(st.binary(max_size=64), st.text(max_size=64).map(str.encode)))
def test_random_files_as_config(raw):
    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / "c.toml"
        p.write_bytes(raw)
        code, err = run(["summary", "--config", str(p)])
    check(code, err, None)


@settings(max_examples=4, deadline=None, database=None)
@given(doc=documents(), spec=st.sampled_from(NUMERIC), value=set_values)
def test_figure1_with_tiny_settings(doc, spec, value):
    text, invalid = doc
    assume(f"{spec.name} =" not in text)  # --set would override the document's value
    value = value.replace("\n", " ").replace("\r", " ")
    if refused(spec, value.strip()):
        invalid = True
    elif invalid is False:
        invalid = None  # an accepted --set value may still meet a cross-check
    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / "c.toml"
        p.write_text(text)
        argv = [*command("figure1", Path(d)), "--config", str(p), "--set", f"{spec.name}={value}"]
        code, err = run(argv)
        if code == 0:
            assert (Path(d) / "f.png").stat().st_size > 0
    check(code, err, invalid)


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "1e400", "1e-400 kpc", "12 parsnips", ""])
def test_non_finite_and_odd_values_are_refused(value):
    code, err = run(["summary", "--set", f"R_d={value}"])
    check(code, err, True)
    assert "R_d" in err
