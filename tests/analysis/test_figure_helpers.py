"""Plotting helpers: (fig, ax) returned, an ax accepted, one legend when a user adds a curve."""

import matplotlib

matplotlib.use("Agg")

import astropy.units as u
import matplotlib.pyplot as plt
import numpy as np
import pytest

from crescape.analysis import figure1 as f1
from crescape.params import Parameters
from crescape.spectra import CGMEmission


def _legends(fig):
    return list(fig.legends) + [a.get_legend() for a in fig.axes if a.get_legend() is not None]


def test_plot_figure1_returns_fig_and_ax_and_keeps_one_legend():
    fig, ax = f1.plot_figure1(delta_G=[100])
    assert ax in fig.axes and len(_legends(fig)) == 1
    ax.plot([1e4, 1e6], [2e-8, 2e-8], label="my model")
    f1.legend(ax)
    legends = _legends(fig)
    assert len(legends) == 1
    labels = [t.get_text() for t in legends[0].get_texts()]
    assert "my model" in labels and any("IceCube 2015" in t for t in labels)
    # a plain ax.legend() also replaces it: still one legend
    ax.legend()
    assert len(_legends(fig)) == 1
    plt.close(fig)


def test_given_axes_are_used_and_figure1_still_returns_series():
    fig, ax = plt.subplots()
    fig2, series = f1.figure1(delta_G=[30], ax=ax)
    assert fig2 is fig and isinstance(series, list) and series[0].name == "fermi_igrb_total"
    fig3, ax3 = f1.plot_figure_newest(delta_G=[30], ax=ax)
    assert fig3 is fig and ax3 is ax
    plt.close(fig)


def test_plot_sed_adds_to_the_legend_in_the_colour_of_its_delta_G():
    fig, ax = f1.plot_figure1(delta_G=[100])
    m = CGMEmission(Parameters.from_flat({"delta_G": 100}))
    fig2, ax2 = f1.plot_sed(m, "nu_all", ax=ax, label="KAB06 ν, δ_G = 100")
    assert (fig2, ax2) == (fig, ax) and len(_legends(fig)) == 1
    assert "KAB06 ν, δ_G = 100" in [t.get_text() for t in ax.get_legend().get_texts()]
    lines = {ln.get_gid(): ln for ln in ax.get_lines()}
    sed = lines["sed:nu_all:delta_G=100"]
    assert sed.get_color() == lines["model_delta_G=100"].get_color() == f1.delta_G_colour(100)
    E = sed.get_xdata() * u.GeV
    np.testing.assert_allclose(
        sed.get_ydata(), m.sed(E, "nu_all").to_value("GeV / (cm2 s sr)"), rtol=1e-12, atol=0
    )
    plt.close(fig)


def test_delta_G_colours_are_distinct_and_fixed():
    cols = [f1.delta_G_colour(d) for d in (1, 10, 30, 100, 300, 1000)]
    assert len(set(cols)) == len(cols)
    assert f1.delta_G_colour(100) == f1.delta_G_colour(100.0)


def test_upper_limit_legend_symbol_is_an_arrow_and_labels_stay_off_the_data():
    fig, ax = f1.plot_figure1()
    proxy = [ln for ln in ax.get_lines() if ln.get_gid() == "icecube_2015_ul:legend"]
    assert len(proxy) == 1 and "downarrow" in str(proxy[0].get_marker())
    handles, labels = ax.get_legend_handles_labels()
    assert "IceCube 2015, 90% C.L. upper limits" in labels
    # δ_G labels sit left of every data point (the Fermi data start at 0.1 GeV and lie above)
    fig.canvas.draw()
    texts = [t for t in ax.texts if (t.get_gid() or "").startswith("label_delta_G")]
    assert len(texts) == 4
    fermi = f1.fermi_series("A")[1]
    first = fermi.x.to_value(u.GeV) < 0.3
    fermi_lo = fermi.y_lo.to_value(f1.E2_UNIT)[first].min()
    for t in texts:
        x, y = t.xy
        assert x < fermi.x_lo.to_value(u.GeV).min() or y < 0.1 * fermi_lo
    plt.close(fig)


def test_save_figure_at_200_dpi(tmp_path):
    from PIL import Image

    fig, _ = f1.plot_figure1(delta_G=[100])
    png, pdf = f1.save_figure(fig, tmp_path / "f.png")
    plt.close(fig)
    assert min(Image.open(png).info["dpi"]) >= 199.5 and f1.FIGURE_DPI >= 200
    assert pdf.read_bytes()[:5] == b"%PDF-"


@pytest.mark.parametrize("present", [{3, 5}, {0, 3, 4, 5}])
def test_regime_map_legend_only_for_drawn_regimes_and_no_white_lines(present):
    from crescape.physics import validity as V
    from crescape.reproduction import dispersion as D

    n = 21
    dG = np.logspace(0, np.log10(300), n)
    B0 = np.logspace(-12, -7, n)
    codes = sorted(present)
    regime = np.array([[codes[(i * len(codes)) // n] for _ in range(n)] for i in range(n)])
    ratio = np.tile(np.linspace(0.0, 1.0, n)[:, None], (1, n))
    m = {
        "delta_G": dG,
        "B0": B0,
        "regime": regime,
        "growth_over_cold": ratio,
        "B_star_paper": 1e-10 * dG**0.2,
        "B_star": 0.8e-10 * dG**0.2,
        "B_hall": 1e-12 * dG**-0.5,
        "B_sat_linear": 1.4e-8,
        "B_sat_eq8": 2.2e-8,
    }
    fig = D._figure_map([(1e4, 1.0, m)] * 4)
    (leg,) = fig.legends
    labels = [t.get_text() for t in leg.get_texts()]
    regimes = {V.REGIMES[i].split(":")[0] for i in range(6)}
    assert {t for t in labels if t in regimes} == {V.REGIMES[i].split(":")[0] for i in present}
    assert any("upper end of the paper's range" in t for t in labels)
    from matplotlib.colors import to_rgb

    for h in leg.legend_handles:  # no legend sample drawn in white (invisible on the legend)
        if hasattr(h, "get_color") and not hasattr(h, "get_facecolor"):
            assert to_rgb(h.get_color()) != (1.0, 1.0, 1.0)
    for ax in fig.axes:  # contour labels inside the panels
        for t in ax.texts:
            x, y = t.get_position()
            assert dG[0] <= x <= dG[-1] and B0[0] <= y <= B0[-1]
        assert len(ax.texts) == 2


def test_spectra_figure_one_colour_per_delta_G(tmp_path, monkeypatch):
    from matplotlib.figure import Figure

    from crescape.reproduction import spectra as S

    made = []
    monkeypatch.setattr(Figure, "savefig", lambda self, *a, **k: made.append(self))
    S.figure(Parameters(), tmp_path)
    (fig,) = {id(f): f for f in made}.values()
    (ax,) = fig.axes
    colours = {}
    for ln in ax.get_lines():
        gid = ln.get_gid() or ""
        if "delta_G=" in gid and not gid.endswith(":extrapolated"):
            d = float(gid.rsplit("delta_G=", 1)[1])
            colours.setdefault(d, set()).add(ln.get_color())
    assert sorted(colours) == sorted(S.FIG_DELTA_G)
    for d, cs in colours.items():  # Eq. (17), KAB06 ν and γ of one δ_G: one colour
        assert cs == {f1.delta_G_colour(d)}
    assert len(_legends(fig)) == 1
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert sum("delta_G" in t for t in labels) == len(S.FIG_DELTA_G)
