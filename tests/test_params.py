"""Parameters: defaults, unit handling, TOML, and a table of bad inputs with their errors."""

import math

import astropy.units as u
import numpy as np
import pytest

from crescape import constants as C
from crescape.params import (
    CGM,
    DEFAULT_TEXT,
    SPECS,
    Galaxy,
    Microphysics,
    ParameterError,
    Parameters,
    describe,
    from_toml,
    load_toml,
    parse_set,
)


def test_defaults_are_the_papers_values_in_cgs():
    p = Parameters().cgs
    assert p.L_CR == 1e41
    assert p.R_d == pytest.approx(10 * C.kpc, rel=1e-12, abs=0)
    assert p.E_min == pytest.approx(C.GeV, rel=1e-6, abs=0) and p.E_max == pytest.approx(
        1e6 * C.GeV, rel=1e-6, abs=0
    )
    assert p.slope == 2.0 and p.cutoff == "sharp"
    assert p.Omega_b_h2 == 0.022 and p.rho_cr_h2 == 1.88e-29
    assert p.eta == 0.05
    assert p.sigma_pp == pytest.approx(35e-27, rel=1e-6, abs=0)


@pytest.mark.parametrize(
    "kwargs, attr, expected_cgs",
    [
        ({"R_d": 12}, "R_d", 12 * C.kpc),  # plain number in the documented unit (kpc)
        ({"R_d": 12 * u.kpc}, "R_d", 12 * C.kpc),
        ({"R_d": 3.0856775814913673e22 * u.cm}, "R_d", 10 * C.kpc),
        ({"R_d": "12 kpc"}, "R_d", 12 * C.kpc),
        ({"E_max": 1 * u.EeV}, "E_max", 1e9 * C.GeV),
        ({"L_CR": 1e34 * u.W}, "L_CR", 1e41),
    ],
)
def test_units_are_converted_once(kwargs, attr, expected_cgs):
    g = Galaxy(**kwargs)
    assert getattr(g.cgs, attr) == pytest.approx(expected_cgs, rel=1e-12, abs=0)


def test_field_in_tesla_and_cross_section_in_cm2():
    assert CGM(B0=1e-12 * u.T).cgs.B0 == pytest.approx(1e-8, rel=1e-6, abs=0)
    assert Microphysics(sigma_pp=3e-26 * u.cm**2).cgs.sigma_pp == pytest.approx(
        3e-26, rel=1e-6, abs=0
    )


def test_array_parameters_broadcast():
    c = CGM(delta_G=np.array([1.0, 10.0, 100.0]))
    assert c.cgs.delta_G.shape == (3,)


BAD = [
    # (group, kwargs, words the message must contain)
    (Galaxy, {"L_CR": -1e41}, ["L_CR", "-1e+41", "> 0"]),
    (Galaxy, {"L_CR": 0.0}, ["L_CR", "0", "> 0"]),
    (Galaxy, {"L_CR": float("nan")}, ["L_CR", "nan", "finite"]),
    (Galaxy, {"R_d": float("inf")}, ["R_d", "inf", "finite"]),
    (Galaxy, {"R_d": 3 * u.G}, ["R_d", "wrong unit", "kpc"]),
    (CGM, {"B0": 3 * u.kpc}, ["B0", "wrong unit", "G"]),
    (CGM, {"B0": "1 kpc"}, ["B0", "wrong unit"]),
    (CGM, {"T": "hot"}, ["T", "'hot'", "cannot be read"]),
    (CGM, {"delta_G": -3}, ["delta_G", "-3", "> 0"]),
    (CGM, {"delta_G": np.array([1.0, -1.0])}, ["delta_G", "-1", "> 0"]),
    (Galaxy, {"E_min": 1 * u.PeV, "E_max": 1 * u.TeV}, ["E_min", "E_max", "below"]),
    (Galaxy, {"E_min": 1 * u.TeV, "E_max": 1 * u.TeV}, ["E_min", "E_max", "below"]),
    (Galaxy, {"slope": 0.5}, ["slope", "0.5", "> 1"]),
    (Galaxy, {"cutoff": "soft"}, ["cutoff", "'soft'", "'sharp'", "'exponential'"]),
    (Microphysics, {"eta": 2.0}, ["eta", "2", "<= 1"]),
    (Microphysics, {"sigma_pp": -30}, ["sigma_pp", "-30", "> 0"]),
    (Galaxy, {"L_CR": [1, "x"]}, ["L_CR", "not a number"]),
]


@pytest.mark.parametrize("cls, kwargs, words", BAD)
def test_bad_input_raises_a_clear_error(cls, kwargs, words):
    with pytest.raises(ParameterError) as info:
        cls(**kwargs)
    msg = str(info.value)
    for w in words:
        assert w in msg, (w, msg)


def test_unknown_key_in_flat_mapping():
    with pytest.raises(ParameterError, match="unknown parameter 'L_cr'"):
        Parameters.from_flat({"L_cr": 1e41})
    with pytest.raises(ParameterError, match="unknown parameter 'cgm.L_CR'"):
        Parameters.from_flat({"cgm.L_CR": 1e41})


def test_parse_set_and_group_prefix():
    p = Parameters.from_flat(parse_set(["galaxy.R_d=12 kpc", "delta_G=100"]))
    assert p.cgs.R_d == pytest.approx(12 * C.kpc, rel=1e-6, abs=0)
    assert p.cgs.delta_G == 100
    with pytest.raises(ParameterError, match="key=value"):
        parse_set(["delta_G"])


def test_toml_flat_and_grouped(tmp_path):
    f = tmp_path / "p.toml"
    f.write_text('delta_G = 30\n[galaxy]\nL_CR = "2e41 erg/s"\nR_d = 8\n[micro]\neta = 0.04\n')
    p = Parameters.from_flat(from_toml(f))
    assert p.cgs.delta_G == 30 and p.cgs.L_CR == 2e41 and p.cgs.eta == 0.04
    assert p.cgs.R_d == pytest.approx(8 * C.kpc, rel=1e-6, abs=0)
    with pytest.raises(ParameterError, match="no such file"):
        from_toml(tmp_path / "missing.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("delta_G = = 3")
    with pytest.raises(ParameterError, match="not valid TOML"):
        from_toml(bad)


def test_every_spec_has_a_default_inside_its_range_and_a_doc():
    for spec in SPECS.values():
        assert spec.doc
        if spec.choices:
            assert spec.default in spec.choices
            continue
        if spec.default is None:  # an optional parameter, absent by default (its meaning stated)
            assert spec.name in DEFAULT_TEXT
            continue
        assert math.isfinite(spec.default)
        assert spec.low <= spec.default <= spec.high


def test_replace_revalidates():
    p = Parameters()
    q = p.replace(delta_G=100)
    assert q.cgs.delta_G == 100 and p.cgs.delta_G == 1
    with pytest.raises(ParameterError):
        p.replace(delta_G=-1)


# --- the strict TOML loader -----------------------------------------------------------------

#: (file text, words of the error); every message names the file and the key
BAD_TOML = [
    ("[galaxyy]\nL_CR = 1e41\n", ["unknown table [galaxyy]", "did you mean [galaxy]"]),
    ("[galaxy]\nL_CRR = 1e41\n", ["unknown key 'L_CRR' in [galaxy]", "did you mean 'L_CR'"]),
    ("L_cr = 1e41\n", ["unknown key 'L_cr' at the top level"]),
    ("L_CR = true\n", ["L_CR = True is not allowed", "not a boolean"]),
    ("[cgm]\ndelta_G = false\n", ["delta_G = False", "not a boolean"]),
    ("L_CR = 1e41\n[galaxy]\nL_CR = 2e41\n", ["L_CR is given twice", "[galaxy]"]),
    ("[cgm]\nL_CR = 1e41\n", ["'L_CR' in [cgm] is not allowed", "belongs in [galaxy]"]),
    ("[galaxy]\nR_d = -3\n", ["R_d = -3 kpc is not allowed"]),
    ('[galaxy]\nR_d = "3 s"\n', ["R_d = 3 s has the wrong unit"]),
    ("[simulation]\nn_cells = 3\n", ["unknown table [simulation]"]),
]


@pytest.mark.parametrize("text, words", BAD_TOML)
def test_load_toml_is_strict(tmp_path, text, words):
    f = tmp_path / "run.toml"
    f.write_text(text)
    with pytest.raises(ParameterError) as err:
        load_toml(f)
    msg = str(err.value)
    assert msg.startswith(str(f) + ": "), msg
    assert "\n" not in msg
    for w in words:
        assert w in msg, (w, msg)


@pytest.mark.parametrize("text, words", BAD_TOML[:-1])
def test_from_toml_checks_parameters_as_strictly(tmp_path, text, words):
    f = tmp_path / "run.toml"
    f.write_text(text)
    with pytest.raises(ParameterError) as err:
        from_toml(f)
    for w in words:
        assert w in str(err.value)


def test_from_toml_passes_other_tables_through(tmp_path):
    f = tmp_path / "run.toml"
    f.write_text("[galaxy]\nR_d = 12\n[simulation]\nn_cells = 3\n[microphysics]\neta = 0.1\n")
    flat = from_toml(f)
    assert flat["_simulation"] == {"n_cells": 3}
    assert flat["R_d"] == 12 and flat["eta"] == 0.1


def test_load_toml_groups_and_tables(tmp_path):
    f = tmp_path / "run.toml"
    f.write_text('delta_G = [1, 10]\n[galaxy]\nR_d = "12 kpc"\n[out]\nE = 3\n[notes]\nx = "y"\n')
    spec = SPECS["E_min"]
    d = load_toml(f, tables={"out": {"E": spec}, "notes": None})
    assert d["R_d"] == "12 kpc"  # checked, returned as written
    assert d["delta_G"] == [1, 10]
    assert d["out"]["E"] == 3
    assert d["notes"] == {"x": "y"}
    p = Parameters.from_flat({k: v for k, v in d.items() if k in SPECS})
    assert p.cgs.R_d == pytest.approx(12 * C.kpc, rel=1e-12, abs=0)
    with pytest.raises(ParameterError, match="unknown key 'y' in \\[out\\]"):
        f.write_text("[out]\ny = 3\n")
        load_toml(f, tables={"out": {"E": spec}})
    f.write_text("[cgm]\ndelta_G = 3\n")
    with pytest.raises(ParameterError, match="unknown table \\[cgm\\]"):
        load_toml(f, groups=["galaxy"])
    assert Parameters.from_toml(f).cgs.delta_G == 3.0


def test_load_toml_file_errors(tmp_path):
    with pytest.raises(ParameterError, match="no such file"):
        load_toml(tmp_path / "missing.toml")
    with pytest.raises(ParameterError, match="is a directory"):
        load_toml(tmp_path)


# --- the registry -----------------------------------------------------------------------------


def test_describe_lists_every_spec_once():
    rows = describe()
    names = [r.name for r in rows]
    assert names[: len(SPECS)] == list(SPECS)
    assert "energy" in names and len(set(names)) == len(names)
    R_d = next(r for r in rows if r.name == "R_d")
    assert (R_d.group, R_d.unit, R_d.default, R_d.range) == (
        "galaxy",
        "kpc",
        10.0,
        "a finite value > 0 kpc",
    )
    cutoff = next(r for r in rows if r.name == "cutoff")
    assert cutoff.unit == "" and "'exponential'" in cutoff.range
    assert {r.group for r in describe(["cgm"])} == {"cgm"}
    assert all(r.doc for r in rows)


# --- the output attributes --------------------------------------------------------------------


def test_as_attrs_is_flat_netcdf_safe_and_round_trips(tmp_path):
    xr = pytest.importorskip("xarray")
    p = Parameters.from_flat(
        {"R_d": 12, "delta_G": np.array([1.0, 30.0]), "cutoff": "exponential", "T": 2 * u.keV}
    )
    attrs = p.as_attrs()
    # the optional parameters absent by default (no spectral break) are not written
    absent = {n for n, s in SPECS.items() if s.default is None}
    assert absent == {"E_break", "slope_high"}
    assert set(k.split(".")[1] for k in attrs) == set(SPECS) - absent
    assert attrs["param.R_d"] == 12.0 and attrs["param.R_d.units"] == "kpc"
    assert attrs["param.delta_G"] == [1.0, 30.0] and "param.delta_G.units" not in attrs
    assert attrs["param.sigma_pp.units"] == "mbarn"
    for v in attrs.values():
        assert isinstance(v, float | str | list)
    path = tmp_path / "p.nc"
    xr.Dataset(attrs=attrs).to_netcdf(path, engine="h5netcdf")
    with xr.open_dataset(path, engine="h5netcdf") as ds:
        back = Parameters.from_attrs(ds.attrs)
    for name in SPECS:
        a, b = getattr(p.cgs, name), getattr(back.cgs, name)
        if isinstance(a, str):
            assert a == b
        else:
            np.testing.assert_allclose(b, a, rtol=1e-12, atol=0)


def test_as_attrs_of_a_two_dimensional_parameter():
    d = np.array([[1.0, 2.0], [3.0, 4.0]])
    attrs = Parameters.from_flat({"delta_G": d}).as_attrs()
    assert attrs["param.delta_G.shape"] == [2, 2]
    back = Parameters.from_attrs(attrs)
    np.testing.assert_array_equal(back.cgs.delta_G, d)


def test_as_attrs_leaves_out_the_varied_parameters():
    """A sweep's axes or a fit's free parameters are the file's coordinates or columns."""
    p = Parameters.from_flat({"R_d": 12})
    attrs = p.as_attrs(varied=["delta_G", "R_d", "delta_G"])
    assert attrs["param.varied"] == "delta_G, R_d"
    assert not any(k.startswith(("param.delta_G", "param.R_d")) for k in attrs)
    assert attrs["param.L_CR"] == 1e41
    back = Parameters.from_attrs(attrs)  # the fixed ones read back; the varied take defaults
    assert back.cgm.delta_G.value == 1.0 and back.galaxy.R_d.value == 10.0
    with pytest.raises(ParameterError, match=r"varied = \['delta_X'\] is not allowed"):
        p.as_attrs(varied=["delta_X"])


def test_integer_and_boolean_specs_for_other_modules(tmp_path):
    from crescape.params import Spec, parse_value

    n = Spec("n_cells", "grid", None, None, 100, 1, 1e6, doc="cells", kind="integer")
    flag = Spec("hall", "physics", None, None, False, doc="Hall term", kind="boolean")
    assert parse_value(n, 200) == 200 and parse_value(n, "300") == 300 and parse_value(n, 4.0) == 4
    assert parse_value(flag, True) is True and parse_value(flag, "false") is False
    for bad in (True, 2.5, "many", 0):
        with pytest.raises(ParameterError, match="n_cells = .* must be an integer >= 1 and <= 1e"):
            parse_value(n, bad)
    for bad in (1, "yes", 0.0):
        with pytest.raises(ParameterError, match="hall = .* must be true or false"):
            parse_value(flag, bad)
    f = tmp_path / "run.toml"
    f.write_text("[grid]\nn_cells = true\n")
    with pytest.raises(ParameterError, match=r"run.toml: grid.n_cells = True is not allowed"):
        load_toml(f, tables={"grid": {"n_cells": n}})
    f.write_text("[grid]\nn_cells = 50\n")
    assert load_toml(f, tables={"grid": {"n_cells": n}}) == {"grid": {"n_cells": 50}}


# --- the optional break of the source spectrum -------------------------------------------------


def test_no_break_by_default_and_slope_high_follows_slope():
    g = Galaxy()
    assert g.E_break is None and g.slope_high is None
    assert g.cgs.E_break == math.inf and g.cgs.slope_high == g.cgs.slope == 2.0
    assert Galaxy(slope=2.3).cgs.slope_high == 2.3
    assert Parameters().changes() == {}
    assert Parameters().as_dict()["E_break"] is None


def test_break_round_trips_through_attrs_and_changes():
    p = Parameters.from_flat({"E_break": "100 TeV", "slope_high": 2.6})
    assert p.cgs.E_break == pytest.approx(1e5 * C.GeV, rel=1e-15, abs=0)
    a = p.as_attrs()
    assert a["param.E_break"] == pytest.approx(1e5, rel=1e-15, abs=0)
    assert a["param.E_break.units"] == "GeV" and a["param.slope_high"] == 2.6
    back = Parameters.from_attrs(a)
    assert back.cgs.E_break == p.cgs.E_break and back.cgs.slope_high == 2.6
    assert set(p.changes()) == {"E_break", "slope_high"}


@pytest.mark.parametrize(
    "kw, words",
    [
        ({"E_break": 0.5}, "E_break = 0.5 GeV is not allowed: must be > E_min = 1 GeV and < E_max"),
        ({"E_break": 1e6}, "E_break = 1e+06 GeV is not allowed: must be > E_min"),
        ({"E_break": "2 PeV"}, "E_break = 2e+06 GeV is not allowed"),
        ({"E_break": -1}, "E_break = -1 GeV is not allowed: must be a finite value > 0"),
        ({"E_break": math.inf}, "E_break = inf GeV is not allowed"),
        ({"slope_high": 1.0}, "slope_high = 1 is not allowed: must be a finite value > 1 and <= 4"),
        ({"slope_high": 4.5}, "slope_high = 4.5 is not allowed"),
    ],
)
def test_bad_break_is_one_line_parameter_error(kw, words):
    with pytest.raises(ParameterError) as exc:
        Galaxy(**kw)
    assert words in str(exc.value) and "\n" not in str(exc.value)
