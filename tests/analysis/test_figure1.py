"""Figure 1: the arrays behind each artist (values, units, labels), not pixels."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import astropy.units as u  # noqa: E402
import matplotlib.lines as mlines  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from crescape.analysis import figure1 as f1  # noqa: E402
from crescape.model import neutrino_E2_flux  # noqa: E402
from crescape.params import ParameterError, Parameters  # noqa: E402

E2 = u.Unit("GeV / (cm2 s sr)")


@pytest.fixture(scope="module")
def fig1():
    fig, series = f1.figure1(flavour="all")
    yield fig, fig.axes[0], {s.name: s for s in series}
    plt.close(fig)


def _container(ax, gid):
    for c in ax.containers:
        if c.lines[0] is not None and c.lines[0].get_gid() == gid:
            return c
        if any(a.get_gid() == gid for a in c.lines[2]):
            return c
    raise KeyError(gid)


def _line(ax, gid):
    return next(ln for ln in ax.lines if ln.get_gid() == gid)


def test_axes_are_log_in_GeV(fig1):
    fig, ax, _ = fig1
    assert ax.get_xscale() == ax.get_yscale() == "log"
    assert "GeV" in ax.get_xlabel()
    assert "GeV cm$^{-2}$ s$^{-1}$ sr$^{-1}$" in ax.get_ylabel()
    note = next(t for t in ax.texts if t.get_gid() == "convention_note").get_text()
    assert "sum of 3 flavours" in note and "all-flavour" in note


def test_fermi_points_are_the_converted_table3_model_A(fig1):
    _, ax, series = fig1
    c = _container(ax, "fermi_igrb")
    x, y = c.lines[0].get_xdata(), c.lines[0].get_ydata()
    assert len(x) == 26
    # first band 100-141.4 MeV, I = 2.769e-6 (Table 3): E_c^2 I / (E_max - E_min) in GeV
    e1, e2 = 0.1, 0.1414
    assert x[0] == pytest.approx(np.sqrt(e1 * e2), rel=1e-6, abs=0)
    assert y[0] == pytest.approx(e1 * e2 * 2.769e-6 / (e2 - e1), rel=1e-9, abs=0)
    s = series["fermi_igrb"]
    assert s.y.unit == E2 and s.x.unit == u.GeV
    np.testing.assert_allclose(y, s.y.to_value(E2))
    # the error bar segments span y_lo..y_hi (stat + instrumental) of each band
    segs = c.lines[2][-1].get_segments()
    np.testing.assert_allclose([sg[0][1] for sg in segs], np.clip(s.y_lo.to_value(E2), None, None))
    np.testing.assert_allclose([sg[1][1] for sg in segs], s.y_hi.to_value(E2))
    assert "ApJ 799, 86" in c.get_label() and "model A" in c.get_label()
    # the total interval adds the foreground systematics: wider everywhere
    tot = series["fermi_igrb_total"]
    assert np.all(tot.y_hi >= s.y_hi) and np.all(tot.y_lo <= s.y_lo)


def test_icecube_2015_points_and_upper_limits(fig1):
    _, ax, series = fig1
    c = _container(ax, "icecube_2015")
    # ApJ 809, 98, Table 6, all flavours, 1e-8 GeV cm^-2 s^-1 sr^-1, bins f1-f5, f7
    np.testing.assert_allclose(
        c.lines[0].get_ydata(), np.array([9.3, 22.6, 5.6, 3.2, 4.3, 6.9]) * 1e-8
    )
    np.testing.assert_allclose(
        c.lines[0].get_xdata(), [14678, 31622.8, 68129.2, 146780, 316228, 1.4678e6]
    )
    assert "all flavours" in c.get_label() and "ApJ 809, 98" in c.get_label()
    ul = _container(ax, "icecube_2015_ul")
    # bins f6, f8, f9: 90% C.L. upper bounds 3.5, 3.8, 1.5
    caps = ul.lines[1]
    arrow = [cp for cp in caps if cp.get_marker() == mlines.CARETDOWNBASE]
    assert arrow, "upper limits must be drawn as arrows"
    np.testing.assert_allclose(arrow[0].get_ydata(), np.array([3.5, 3.8, 1.5]) * 1e-8 * 0.55)
    bars = [cp for cp in caps if cp.get_marker() == "_"]
    np.testing.assert_allclose(bars[0].get_ydata(), np.array([3.5, 3.8, 1.5]) * 1e-8)
    assert series["icecube_2015_ul"].flavour == "all"


def test_combined_fit_band(fig1):
    _, ax, series = fig1
    s = series["icecube_2015_fit"]
    coll = next(c for c in ax.collections if c.get_gid() == "icecube_2015_fit")
    E = s.x.to_value(u.GeV)
    assert E[0] == pytest.approx(25e3, rel=1e-6, abs=0) and E[-1] == pytest.approx(
        2.8e6, rel=1e-6, abs=0
    )
    i = np.argmin(np.abs(np.log(E / 1e5)))
    # at the 100 TeV pivot the band is the normalisation interval f = 6.7 (+1.1 -1.2), times E^2 (E/100 TeV)^-γ
    k = (E[i] / 1e5) ** (2 - 2.5)
    gam = np.array([2.41, 2.59])
    vals = np.array([5.5, 7.8])[:, None] * (E[i] / 1e5) ** (2 - gam)[None, :] * 1e-8
    assert s.y_lo.to_value(E2)[i] == pytest.approx(min(vals.min(), 6.7e-8 * k), rel=1e-3, abs=0)
    assert s.y_hi.to_value(E2)[i] == pytest.approx(max(vals.max(), 6.7e-8 * k), rel=1e-3, abs=0)
    ys = coll.get_paths()[0].vertices[:, 1]
    assert ys.max() == pytest.approx(s.y_hi.to_value(E2).max(), rel=1e-6, abs=0)
    assert ys.min() == pytest.approx(s.y_lo.to_value(E2).min(), rel=1e-6, abs=0)


def test_model_lines_are_eq17(fig1):
    _, ax, series = fig1
    for d in (10, 30, 100, 300):
        ln = _line(ax, f"model_delta_G={d:g}")
        x, y = np.asarray(ln.get_xdata(), float), np.asarray(ln.get_ydata(), float)
        solid = np.isfinite(x)
        x, y = x[solid], y[solid]
        ref = neutrino_E2_flux(Parameters.from_flat({"delta_G": d}), x * u.GeV).to_value(E2)
        np.testing.assert_allclose(y, ref, rtol=1e-12)
        # flat (s = 2), scaling as δ_G^1.5 from ≈ 4.9e-12 at δ_G = 1
        assert np.ptp(y) == pytest.approx(0, abs=1e-20)
        assert y[0] / d**1.5 == pytest.approx(4.87e-12, rel=0.01, abs=0)
        # solid only where parent protons exist: E_ν <= η E_max = 50 TeV; dashed beyond
        assert np.nanmax(x) <= 5e4 * (1 + 1e-9) and solid.sum() > 100
        dashed = _line(ax, f"model_delta_G={d:g}:extrapolated")
        assert (
            dashed.get_linestyle() == "--"
            and np.nanmin(np.asarray(dashed.get_xdata(), float)) >= 5e4
        )
        assert f"= {d:g}" in ln.get_label()


def test_per_flavour_figure_divides_data_by_three():
    fig, series = f1.figure1(flavour="per flavour", delta_G=[100])
    s = {x.name: x for x in series}
    np.testing.assert_allclose(s["icecube_2015"].y.to_value(E2)[1], 22.6e-8 / 3)
    assert s["icecube_2015"].flavour == "per flavour"
    note = next(t for t in fig.axes[0].texts if t.get_gid() == "convention_note").get_text()
    assert "one flavour" in note
    # the model numbers do not change: the choice is which convention Eq. (17) is
    assert s["model_delta_G=100"].y.to_value(E2)[0] == pytest.approx(4.87e-9, rel=0.01, abs=0)
    plt.close(fig)


def test_default_reading_is_per_flavour_and_written_on_the_figure():
    for make in (f1.figure1, f1.figure_newest):
        fig, series = make(delta_G=[100])
        assert {s.flavour for s in series if s.flavour != "not applicable"} == {"per flavour"}
        note = next(t for t in fig.axes[0].texts if t.get_gid() == "convention_note").get_text()
        assert "one flavour" in note and "per flavour (default)" in note
        plt.close(fig)


def test_unverified_2013_fit_only_on_request():
    fig, series = f1.figure1(delta_G=[100])
    assert "icecube_2013_fit" not in {s.name for s in series}
    plt.close(fig)
    fig, series = f1.figure1(delta_G=[100], include_unverified=True, flavour="all")
    s = {x.name: x for x in series}["icecube_2013_fit"]
    assert "NOT verified" in s.label and s.extra["confidence"] == "R"
    # HESE 2 yr: 1.2e-8 per flavour, E^-2 -> 3.6e-8 all flavours, flat
    np.testing.assert_allclose(s.y.to_value(E2), 3.6e-8, rtol=1e-12)
    plt.close(fig)


def test_newest_figure_series():
    fig, series = f1.figure_newest(delta_G=[100, 300], flavour="all")
    s = {x.name: x for x in series}
    cf = s["icecube_2025_combinedfit"]
    assert cf.flavour == "all"
    # 100-215 TeV bin: 1.8184e-8 per flavour -> x3
    i = np.argmin(np.abs(cf.x_lo.to_value(u.GeV) - 1e5))
    assert cf.y.to_value(E2)[i] == pytest.approx(3 * 1.8183859659755437e-8, rel=1e-6, abs=0)
    assert "icecube_2025_mese" in s and "icecube_hese_7.5yr" in s and "icecube_nst_9.5yr" in s
    assert "icecube_2025_combinedfit_ul" in s and s["icecube_2025_combinedfit_ul"].kind == "limits"
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert any("arXiv:2507.22233" in t for t in labels)
    plt.close(fig)


def test_save_writes_png_and_pdf(tmp_path):
    fig, _ = f1.figure1(delta_G=[100])
    paths = f1.save_figure(fig, tmp_path / "fig.png")
    plt.close(fig)
    assert [p.suffix for p in paths] == [".png", ".pdf"]
    assert paths[0].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert paths[1].read_bytes()[:5] == b"%PDF-"


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"delta_G": [-1]}, "delta_G = -1"),
        ({"delta_G": [1e7]}, "delta_G = 1e\\+07"),
        ({"delta_G": []}, "at least one"),
        ({"flavour": "tau"}, "flavour = 'tau'"),
        ({"ul_cl": 95}, "ul_cl = 95"),
    ],
)
def test_bad_inputs(kwargs, match):
    with pytest.raises(ParameterError, match=match):
        f1.figure1_series(**kwargs)
