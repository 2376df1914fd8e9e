"""Loaders of the shipped measurements: units, row counts, meta and values against the sources.

Reference values are copied from the CSV files of the project's shared data
folder (see each test's comment); the comparison with those files themselves
runs only where the folder exists.
"""

from __future__ import annotations

import csv
from pathlib import Path

import astropy.units as u
import numpy as np
import pytest
from astropy.table import Table

from crescape import data

SHARED = Path("/work/shared/data")

META_KEYS = (
    "citation",
    "doi",
    "origin",
    "units",
    "flux_convention",
    "confidence",
    "source_comment",
)


@pytest.mark.parametrize("name", list(data.DATASETS))
def test_every_dataset_loads_with_meta(name):
    t = data.load(name)
    assert isinstance(t, Table) and len(t) > 0
    for key in META_KEYS:
        assert t.meta.get(key), f"{name}: meta[{key!r}] missing"
    conv = t.meta["flux_convention"]
    assert conv["flavour"] in ("all", "per flavour", "not applicable")
    if conv["messenger"] == "neutrinos":
        assert conv["neutrinos"] == "nu + nubar"
    for col in t.meta["flux_columns"]:
        assert t[col].unit is not None


def test_available_lists_every_dataset_with_citation():
    av = data.available()
    assert list(av["name"]) == list(data.DATASETS)
    assert all(len(c) > 20 for c in av["citation"])
    assert dict(zip(av["name"], av["rows"], strict=True))["icecube_2015_differential"] == 9


def test_unknown_dataset_names_the_choices():
    with pytest.raises(ValueError, match="dataset = 'nope'.*icecube_2015_differential"):
        data.load("nope")


def test_load_returns_an_independent_copy():
    t = data.load("icecube_2015_differential")
    t["E2Phi"][0] = -1
    t.meta["citation"] = "changed"
    t2 = data.load("icecube_2015_differential")
    assert t2["E2Phi"][0] > 0 and t2.meta["citation"] != "changed"


# ----------------------------------------------------------------------- Fermi-LAT


def test_fermi_table3_rows_units_and_values():
    t = data.load("fermi_igrb_ackermann2015")
    assert len(t) == 78
    for m in "ABC":
        sub = t[t["model"] == m]
        assert len(sub) == 26
        assert sub["E_min"][0] == 100.0 and sub["E_max"][-1] == 819200.0
        # contiguous bands of ratio sqrt(2)
        assert np.allclose(sub["E_min"][1:], sub["E_max"][:-1])
        assert np.allclose(sub["E_max"] / sub["E_min"], np.sqrt(2), rtol=2e-4)
    assert t["E_min"].unit == u.MeV
    assert t["I_IGRB"].unit.is_equivalent(u.Unit("1 / (cm2 s sr)"))
    # fermi_igrb_ackermann2015_table3.csv, first A row and last C row
    assert t["I_IGRB"][0] == 2.769e-06 and t["I_IGRB_err_up"][0] == 5.509e-07
    assert t["I_IGRB_fg_sys_lo"][0] == 9.082e-07
    assert (
        t["model"][-1] == "C" and t["I_EGB"][-1] == 9.800e-12 and t["I_src_err_lo"][-1] == 5.243e-12
    )
    assert "Astrophys. J. 799, 86" in t.meta["citation"]
    assert t.meta["doi"] == "10.1088/0004-637X/799/1/86"
    assert "band-integrated" in t.meta["flux_convention"]["kind"]
    assert "Table 3" in t.meta["origin"]


def test_fermi_fit_params():
    t = data.load("fermi_igrb_fit_ackermann2015")
    igrb = t[t["component"] == "IGRB"][0]
    assert igrb["gamma"] == 2.32 and igrb["E_cut"] == 279.0
    assert t["E_cut"].unit == u.GeV
    assert t["I_100"].unit.is_equivalent(u.Unit("1 / (MeV cm2 s sr)"))
    assert igrb["I_100"] == 0.95e-7
    assert np.isnan(t[t["component"] == "EGB"][0]["I_gt100MeV_err"])


# ----------------------------------------------------------------------- IceCube


def test_icecube_2015_differential():
    t = data.load("icecube_2015_differential")
    assert len(t) == 9
    assert t["E2Phi"].unit == u.Unit("GeV / (cm2 s sr)")
    assert t["E_c"].unit == u.GeV
    assert t.meta["flux_convention"]["flavour"] == "all"
    assert "Astrophys. J. 809, 98" in t.meta["citation"]
    assert "Table 6" in t.meta["origin"]
    # icecube_2015_apj809_98_differential.csv: f2 = 22.6 (17.0-28.5; 90%: 13.5-32.5) x 1e-8
    f2 = t[t["bin"] == "f2"][0]
    assert f2["E2Phi"] == 22.6e-8 and f2["E2Phi_lo"] == 17.0e-8 and f2["E2Phi_hi90"] == 32.5e-8
    assert list(t["bin"][t["is_upper_limit"]]) == ["f6", "f8", "f9"]
    assert np.all(t["E2Phi"][t["is_upper_limit"]] == 0)
    # the source's per-flavour column is all-flavour / 3 (rounded)
    pf = data.all_to_per_flavour(t)
    assert pf["E2Phi"][0] == pytest.approx(3.1e-8, rel=1e-3, abs=0)


def test_icecube_bestfits_drop_recalled_rows_by_default():
    t = data.load("icecube_diffuse_bestfits")
    assert "R" not in set(t["confidence"])
    assert np.all(t["verified"])
    assert t.meta["dropped_unverified"] == ["HESE_2yr", "HESE_3yr"]
    full = data.load("icecube_diffuse_bestfits", include_unverified=True)
    assert len(full) == len(t) + 2
    rec = full[full["confidence"] == "R"]
    assert set(rec["analysis"]) == {"HESE_2yr", "HESE_3yr"}
    assert not np.any(rec["verified"])
    # the 2015 combined fit: all-flavour f = 6.7 (+1.1 -1.2), stored per flavour
    c15 = t[t["analysis"] == "Combined_2015"][0]
    assert c15["phi_100"] == pytest.approx(2.233e-18, rel=1e-6, abs=0)
    assert 3 * c15["phi_100"] == pytest.approx(6.7e-18, rel=1e-3, abs=0)
    assert 3 * c15["phi_100_err_hi"] == pytest.approx(1.1e-18, rel=1e-3, abs=0)
    assert 3 * c15["phi_100_err_lo"] == pytest.approx(1.2e-18, rel=1e-3, abs=0)
    assert c15["gamma"] == 2.50
    assert t["phi_100"].unit == u.Unit("1 / (GeV cm2 s sr)")
    assert t[t["analysis"] == "Combined_2015_cutoff"][0]["E_cut"] == 1.6
    assert t.meta["flux_convention"]["flavour"] == "per flavour"


def test_segmented_datasets():
    km = data.load("icecube_segmented_km3net")
    assert len(km) == 12
    assert list(np.unique(km["sample"])) == ["glashow", "hese", "nst"]
    assert km["errors_ambiguous"][km["sample"] == "glashow"].all()
    nst = km[km["sample"] == "nst"]
    assert nst["E2Phi"][1] == 1.21e-08 and nst["E2Phi_lo"][1] == pytest.approx(
        1.21e-8 - 3.1e-9, rel=1e-6, abs=0
    )
    ul = km[km["is_upper_limit"]]
    assert np.all(ul["E2Phi_hi"] == ul["E2Phi"]) and np.all(ul["E2Phi_lo"] == 0)

    cf = data.load("icecube_2025_combinedfit")
    assert len(cf) == 14 and cf.meta["flux_convention"]["flavour"] == "per flavour"
    row = cf[np.isclose(cf["E_min"], 1e5)][0]
    assert row["E2Phi"] == pytest.approx(1.8183859659755437e-8, rel=1e-15, abs=0)
    assert row["E2Phi_hi"] == pytest.approx(2.2056715180845003e-8, rel=1e-15, abs=0)
    # flux_lower == 0 marks upper limits
    assert np.all(cf["E2Phi_lo"][cf["is_upper_limit"]] == 0)
    assert cf["is_upper_limit"].sum() == 7

    me = data.load("icecube_2025_mese")
    assert len(me) == 13 and me["is_upper_limit"].sum() == 5


# ------------------------------------------------------ against the shared source files


def _rows(name):
    lines = [ln for ln in (SHARED / name).read_text().splitlines() if ln and not ln.startswith("#")]
    return list(csv.DictReader(lines))


needs_shared = pytest.mark.skipif(not SHARED.is_dir(), reason="shared data folder not present")


@needs_shared
def test_fermi_matches_source_csv_exactly():
    t = data.load("fermi_igrb_ackermann2015")
    rows = _rows("fermi_igrb_ackermann2015_table3.csv")
    for col in ("I_IGRB", "I_IGRB_err_up", "I_IGRB_err_lo", "I_IGRB_fg_sys_up", "I_EGB", "I_src"):
        assert np.array_equal(np.asarray(t[col]), [float(r[col]) for r in rows])
    assert list(t["model"]) == [r["model"] for r in rows]


@needs_shared
@pytest.mark.parametrize(
    "name, fname, src_col, col, scale",
    [
        (
            "icecube_2015_differential",
            "icecube_2015_apj809_98_differential.csv",
            "E2Phi_allflavor",
            "E2Phi",
            1e-8,
        ),
        (
            "icecube_2015_differential",
            "icecube_2015_apj809_98_differential.csv",
            "CL90_hi",
            "E2Phi_hi90",
            1e-8,
        ),
        (
            "icecube_2025_combinedfit",
            "icecube_2025_combinedfit_segmented.csv",
            "flux_upper",
            "E2Phi_hi",
            1e-8,
        ),
        ("icecube_2025_mese", "icecube_2025_mese_segmented.csv", "flux_central", "E2Phi", 1e-8),
        (
            "icecube_segmented_km3net",
            "icecube_segmented_fits_km3net_compilation.csv",
            "E2Phi_perflavor",
            "E2Phi",
            1.0,
        ),
    ],
)
def test_icecube_matches_source_csv(name, fname, src_col, col, scale):
    t = data.load(name)
    ref = np.array([float(r[src_col]) for r in _rows(fname)]) * scale
    np.testing.assert_allclose(np.asarray(t[col]), ref, rtol=1e-14, atol=0)


@needs_shared
def test_shipped_files_are_what_the_build_makes(tmp_path, monkeypatch):
    """The ECSV files are the build's output from the shared CSVs (no hand edits)."""
    from crescape.data import _build

    monkeypatch.setattr(_build, "FILES", tmp_path)
    _build.build_all(SHARED)
    for name in data.DATASETS:
        new = Table.read(tmp_path / f"{name}.ecsv")
        old = data.load(name, include_unverified=True)
        assert new.colnames == old.colnames
        for c in new.colnames:
            assert np.array_equal(np.asarray(new[c]), np.asarray(old[c])) or (
                new[c].dtype.kind == "f"
                and np.allclose(new[c], old[c], equal_nan=True, rtol=0, atol=0)
            )


def test_glashow_point_is_stored_as_published():
    """IceCube, Nature 591, 220 (2021): 5.43-7.37 PeV, 68% interval 0.8e-9 .. 1.13e-8
    GeV cm^-2 s^-1 sr^-1 (E^2 Phi per flavour); the compilation's error columns are these bounds
    (stored as errors they made the interval 1.1e-9 .. 1.32e-8 over 5.64-7.20 PeV)."""
    km = data.load("icecube_segmented_km3net")
    g = km[km["sample"] == "glashow"]
    assert len(g) == 1 and g["corrected"][0] and not g["is_upper_limit"][0]
    g = g[0]
    assert g["E_min"] == 5.43e6 and g["E_max"] == 7.37e6
    assert g["E2Phi_lo"] == 0.8e-9 and g["E2Phi_hi"] == 1.13e-8
    assert g["E2Phi_lo"] < g["E2Phi"] < g["E2Phi_hi"]
    assert km.meta["flux_convention"]["flavour"] == "per flavour"
    assert any("Nature 591, 220" in c for c in km.meta["corrections"])
    # every other row is as the compilation gives it
    assert not km["corrected"][km["sample"] != "glashow"].any()


@needs_shared
def test_glashow_bounds_are_the_compilation_error_columns():
    (row,) = [
        r
        for r in _rows("icecube_segmented_fits_km3net_compilation.csv")
        if r["sample"] == "glashow"
    ]
    g = data.load("icecube_segmented_km3net")
    g = g[g["sample"] == "glashow"][0]
    assert g["E2Phi_lo"] == float(row["err_minus"]) and g["E2Phi_hi"] == float(row["err_plus"])
    assert g["E2Phi"] == float(row["E2Phi_perflavor"])


def test_arcade2_radio_excess_as_published():
    """Fixsen et al. (2011), ApJ 734, 5, abstract: T = 24.1 ± 2.1 K (ν/310 MHz)^(−2.599 ± 0.036),
    22 MHz–10 GHz; ARCADE 2 alone: 54 ± 6 mK at 3.3 GHz."""
    t = data.load("arcade2_radio_excess")
    law = t[t["quantity"] == "power_law_combined"][0]
    assert (law["T_ref"], law["T_ref_err"], law["nu_ref"]) == (24.1, 2.1, 310.0)
    assert (law["index"], law["index_err"], law["nu_lo"], law["nu_hi"]) == (
        -2.599,
        0.036,
        22.0,
        1e4,
    )
    pt = t[t["quantity"] == "arcade2_excess_3.3GHz"][0]
    assert (pt["T_ref"], pt["T_ref_err"], pt["nu_ref"]) == (0.054, 0.006, 3300.0)
    assert t.meta["doi"] == "10.1088/0004-637X/734/1/5"
    assert t["T_ref"].unit == u.K and t["nu_ref"].unit == u.MHz


def test_radio_excess_intensity_power_law_and_rayleigh_jeans():
    r = data.radio_excess_intensity([310.0, 1400.0] * u.MHz)
    T = r["T"].to_value(u.K)
    assert T[0] == pytest.approx(24.1, rel=1e-12, abs=0)
    assert T[1] == pytest.approx(24.1 * (1400 / 310) ** -2.599, rel=1e-12, abs=0)
    # I = 2 k T nu^2 / c^2 at 1.4 GHz, in Jy/sr (1 Jy = 1e-23 erg s^-1 cm^-2 Hz^-1)
    k_B, c = 1.380649e-16, 2.99792458e10
    want = 2 * k_B * T[1] * 1.4e9**2 / c**2 / 1e-23
    assert r["I"].to_value(u.Jy / u.sr)[1] == pytest.approx(want, rel=1e-9, abs=0)
    # the error at nu_ref is T_ref's alone; away from it the index's adds in quadrature
    assert r["T_err"].to_value(u.K)[0] == pytest.approx(2.1, rel=1e-12, abs=0)
    rel = np.hypot(2.1 / 24.1, np.log(1400 / 310) * 0.036)
    assert r["T_err"].to_value(u.K)[1] / T[1] == pytest.approx(rel, rel=1e-12, abs=0)


def test_radio_excess_outside_its_range_is_refused():
    from crescape.errors import ParameterError

    with pytest.raises(ParameterError, match="nu = .* is not allowed"):
        data.radio_excess_intensity(20 * u.GHz)
