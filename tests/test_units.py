"""One rule for units at the public edge (docs/units.md), checked on every public function.

Each public function is called three ways: with Quantities in units other than
the documented ones, with plain numbers in the documented units (the same
result), and with a wrong dimension in each argument in turn (a ParameterError
whose message starts with the argument's name).
"""

import astropy.units as u
import numpy as np
import pytest

from crescape import CGM, Galaxy, Microphysics, ParameterError, Parameters
from crescape import formulary as f
from crescape.model import EscapeModel, neutrino_E2_flux
from crescape.params import SPECS
from crescape.units import parse_quantity, quantity_twin

#: a typical value of each formulary argument, in its documented unit
SAMPLE = {
    "E": 10.0,
    "L_CR": 1e41,
    "R_d": 10.0,
    "H": 4.0,
    "slope": 2.2,
    "E_min": 1.0,
    "E_max": 1e6,
    "E_break": 1e4,
    "slope_high": 2.6,
    "z": 2.0,
    "D": 1e28,
    "phi": 0.47,
    "E2phi": 1.2e-6,
    "E2phi_parent": 1.2e-6,
    "J": 3.6e-13,
    "B": 2e-8,
    "dB": 2e-8,
    "B0": 1e-10,
    "rho": 4e-31,
    "T": 1e6,
    "X_H": 0.76,
    "delta_G": 3.0,
    "Omega_b_h2": 0.022,
    "rho_cr_h2": 1.88e-29,
    "t": 3e15,
    "v_A": 1e7,
    "n_gas": 2.5e-7,
    "Lambda": 13.8,
    "eta": 0.05,
    "sigma_pp": 35.0,
    "nu_yield": 1.0,
    "k": 1e-15,
    "tau": 1.0,
}

TWINS = [name for name in f.__all__ if callable(getattr(f, name))]
_WRONG = 3.0 * u.kg**2  # no argument has this dimension


def _other_unit(value, unit):
    """The same quantity expressed in another unit (SI where astropy has it)."""
    q = value * u.Unit(unit)
    for conv in (lambda q: q.si, lambda q: q.cgs):
        try:
            other = conv(q)
            if other.unit != q.unit or unit == u.dimensionless_unscaled:
                return other
        except (u.UnitsError, ValueError):
            continue
    return q


def _call(fn, kind, bad=None):
    kwargs = {}
    for name, unit in fn.units.items():
        v = SAMPLE[name]
        kwargs[name] = v if kind == "plain" else _other_unit(v, unit)
    if bad is not None:
        kwargs[bad] = _WRONG
    return fn(**kwargs)


def _values(result):
    if isinstance(result, dict):
        return np.concatenate([np.atleast_1d(v.to_value(u.rad / u.s)) for v in result.values()])
    return np.atleast_1d(result.value)


@pytest.mark.parametrize("name", TWINS)
def test_formulary_quantity_and_plain_number_agree(name):
    fn = getattr(f, name)
    q, p = _call(fn, "quantity"), _call(fn, "plain")
    vq, vp = _values(q), _values(p)
    assert np.all(np.isfinite(vp))
    np.testing.assert_allclose(vq, vp, rtol=1e-10, atol=0)


@pytest.mark.parametrize(
    "name, arg", [(name, arg) for name in TWINS for arg in getattr(f, name).units]
)
def test_formulary_wrong_dimension_names_the_argument(name, arg):
    with pytest.raises(ParameterError, match=rf"^{arg} = 3.0 kg2 has the wrong unit"):
        _call(getattr(f, name), "plain", bad=arg)


# published numbers with plain numbers in the documented units (the issue's examples)
@pytest.mark.parametrize(
    "call, expected, unit",
    [
        # Eq. (3) at 1 GeV with R_d = 10 kpc: 0.471 per erg cm2 s (not 4.5e42 with R_d = 10 cm)
        (
            lambda: f.escape_flux(1, 1e41, R_d=10, slope=2, E_min=1, E_max=1e6),
            0.4713,
            "1 / (erg cm2 s)",
        ),
        # Eq. (9): D = E c/(3 e dB) = 1.48e24 cm2/s at 1 GeV in 2.25e-8 G (not 1e-3 of it: 10 erg)
        (lambda: f.bohm_diffusion(1, 2.25e-8), 1.4817e24, "cm2 / s"),
        (lambda: f.fill_time(10, 1e7), 3.0857e15, "s"),
        (lambda: f.n_halo(0, 1, 1e41, 10, 4, 3e28, 2, 1, 1e6), None, "1 / (erg cm3)"),
    ],
)
def test_issue_examples(call, expected, unit):
    q = call()
    assert q.unit == u.Unit(unit)
    if expected is not None:
        assert float(q.value) == pytest.approx(expected, rel=1e-3, abs=0)


def test_n_halo_at_the_disk_is_n_gal():
    a = f.n_halo(0, 1, 1e41, 10, 4, 3e28, 2, 1, 1e6)
    b = f.n_gal(1, 1e41, 10, 4, 3e28, 2, 1, 1e6)
    assert float(a.value) == pytest.approx(float(b.value), rel=1e-12, abs=0)


def test_temperature_accepts_energy():
    kT = 1 * u.keV
    a = f.B_thermal(1e-28, kT, 0.76)
    b = f.B_thermal(1e-28, kT.to(u.K, equivalencies=u.temperature_energy()), 0.76)
    assert float(a.value) == pytest.approx(float(b.value), rel=1e-12, abs=0)
    assert CGM(T=kT).cgs.T == pytest.approx(1.160451812e7, rel=1e-9, abs=0)


def test_infinite_upper_energy_where_the_lite_default_is_infinite():
    k = 1e-15 / u.cm
    a = f.dispersion_modes(k, SAMPLE["J"], 1e-10, 4e-31, 1, E_max=np.inf * u.GeV)
    b = f.dispersion_modes(k, SAMPLE["J"], 1e-10, 4e-31, 1)
    np.testing.assert_allclose(_values(a), _values(b), rtol=1e-12, atol=0)
    with pytest.raises(ParameterError, match="^E = inf GeV is not allowed"):
        f.larmor_radius(np.inf, 1e-8)


# --- the parameter groups --------------------------------------------------------------------

_NUMERIC = [s for s in SPECS.values() if not s.choices]
_CLASS = {"galaxy": Galaxy, "cgm": CGM, "micro": Microphysics}


@pytest.mark.parametrize("spec", _NUMERIC, ids=lambda s: s.name)
def test_parameters_quantity_and_plain_number_agree(spec):
    cls = _CLASS[spec.group]
    v = spec.default if spec.default is not None else SAMPLE[spec.name]  # no default: a sample
    a = getattr(cls(**{spec.name: v}).cgs, spec.name)
    b = getattr(cls(**{spec.name: _other_unit(v, spec.unit)}).cgs, spec.name)
    c = getattr(cls(**{spec.name: f"{v!r} {spec.unit.to_string()}"}).cgs, spec.name)
    assert a == pytest.approx(b, rel=1e-12, abs=0)
    assert a == pytest.approx(c, rel=1e-12, abs=0)


@pytest.mark.parametrize("spec", _NUMERIC, ids=lambda s: s.name)
@pytest.mark.parametrize("bad", [_WRONG, True, "twelve", u.Quantity(2.0)], ids=str)
def test_parameters_bad_value_names_the_parameter(spec, bad):
    if isinstance(bad, u.Quantity) and bad.unit == u.dimensionless_unscaled:
        if spec.unit == u.dimensionless_unscaled:
            pytest.skip("a dimensionless Quantity is right for a dimensionless parameter")
    with pytest.raises(ParameterError, match=rf"^{spec.name} = "):
        _CLASS[spec.group](**{spec.name: bad})


def test_boolean_is_not_one_erg_per_second():
    with pytest.raises(ParameterError, match="L_CR = True .*not a boolean"):
        Galaxy(L_CR=True)
    with pytest.raises(ParameterError, match="delta_G = .*boolean"):
        CGM(delta_G=np.array([True, False]))


# --- the model and its energies ----------------------------------------------------------------


@pytest.mark.parametrize(
    "call",
    [
        lambda E: EscapeModel(energy=E)["B_sat"],
        lambda E: neutrino_E2_flux(E_nu=E),
    ],
)
def test_model_energies(call):
    a, b = call(1e4), call(10 * u.TeV)
    assert float(a.value) == pytest.approx(float(b.value), rel=1e-12, abs=0)
    with pytest.raises(ParameterError, match=r"^(energy|E_nu) = 3.0 kg2 has the wrong unit"):
        call(_WRONG)


# --- the reader and the decorator themselves ---------------------------------------------------


@pytest.mark.parametrize(
    "value, unit, expected",
    [
        (12, "kpc", 12 * u.kpc),
        ("12", "kpc", 12 * u.kpc),
        ("3.0856775814913673e22 cm", "kpc", 10.0 * u.kpc),
        ([1, 2], "GeV", [1, 2] * u.GeV),
        ([1 * u.GeV, 1 * u.TeV], "GeV", [1, 1000] * u.GeV),
        (21.106114 * u.cm, "MHz", 1420.405 * u.MHz),
        (1 * u.eV, "K", 11604.518 * u.K),
        # Gaussian current densities accept SI ones: 1 A = c/10 statA (c in cm/s)
        (1 * u.A / u.m**2, "statA / cm2", 2.99792458e5 * u.statA / u.cm**2),
        (1 * u.mA / u.cm**2, "statA / cm2", 2.99792458e6 * u.statA / u.cm**2),
        (1 * u.A, "statA", 2.99792458e9 * u.statA),
    ],
)
def test_parse_quantity(value, unit, expected):
    q = parse_quantity(value, unit, "x")
    assert q.unit == u.Unit(unit)
    np.testing.assert_allclose(q.value, expected.to_value(unit), rtol=1e-6, atol=0)


@pytest.mark.parametrize(
    "value, words",
    [
        (True, "x = True is not allowed: must be a number"),
        (np.bool_(False), "not a boolean"),
        ("1 furlong/fortnight x", "cannot be read as a number"),
        (u.Quantity(1.0), "dimensionless Quantity"),
        (1 * u.s, r"x = 1.0 s has the wrong unit \(s\); expected a quantity convertible to kpc"),
        (object(), "is not a number"),
    ],
)
def test_parse_quantity_rejects(value, words):
    with pytest.raises(ParameterError, match=words):
        parse_quantity(value, "kpc", "x")


def test_current_density_rejects_a_current():
    with pytest.raises(ParameterError, match=r"J = 1.0 A has the wrong unit"):
        parse_quantity(1 * u.A, "statA / cm2", "J")


def test_decorator_documents_units_and_checks_before_calling():
    calls = []

    @quantity_twin({"L": (u.kpc, u.cm)}, u.cm)
    def double(L, n=2):
        calls.append(L)
        return n * L

    assert double(1).to_value(u.kpc) == pytest.approx(2.0, rel=1e-12, abs=0)
    assert "L [kpc]" in double.__doc__
    with pytest.raises(ParameterError, match="^L = nan kpc is not allowed"):
        double(np.nan)
    assert len(calls) == 1  # the bad call never reached the lite function
    with pytest.raises(TypeError, match="no argument"):
        quantity_twin({"M": u.g}, u.g)(double.lite)


def test_parameters_from_strings_and_arrays():
    p = Parameters.from_flat({"R_d": "12 kpc", "delta_G": [1, 10]})
    assert p.cgs.R_d == pytest.approx(12 * 3.0856775814913673e21, rel=1e-12, abs=0)
    assert p.cgm.delta_G.shape == (2,)


def test_docs_list_every_documented_unit():
    """docs/units.md names every formulary argument and every parameter with its unit."""
    import re
    from pathlib import Path

    text = (Path(__file__).parents[1] / "docs" / "units.md").read_text()
    rows = [line for line in text.splitlines() if line.startswith("|")]
    for name, (doc, _cgs) in f.ARGUMENT_UNITS.items():
        unit = doc.to_string() or "(dimensionless)"
        row = [r for r in rows if f"`{name}`" in r]
        if not row and name in SPECS:
            continue  # listed under the model parameters
        assert row, name
        cells = [c.strip() for c in row[0].split("|")]
        i = next(i for i, c in enumerate(cells) if f"`{name}`" in c)
        cell = re.sub(r"\s*\(or [^)]*\)$", "", cells[i + 1])
        if cell == "as above":
            continue
        listed = u.dimensionless_unscaled if cell == "(dimensionless)" else u.Unit(cell)
        assert listed == doc, (name, unit, cells)
    for spec in SPECS.values():
        if not spec.choices:
            assert f"`{spec.name}`" in text, spec.name
