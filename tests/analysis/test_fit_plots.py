"""Publication figures of the fit: residuals, upper limits at their C.L., annotation, resolution."""

import warnings

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from crescape.analysis import fit as F  # noqa: E402
from crescape.analysis import fit_plots as FP  # noqa: E402


@pytest.fixture(scope="module")
def result():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return F.fit(
            "icecube_2015,km3net_230213a",
            ("delta_G",),
            model="eq17",
            mcmc=False,
            profile_points=5,
            limits=["icecube_ehe_2018"],
            limit_cl=0.9,
        )


def test_residuals_are_the_signed_roots_of_the_likelihood_terms(result):
    lik = result._lik
    best = np.array([result.best_fit_variables[k] for k in result.free])
    r = FP.residuals(lik, best)
    mu = lik.icecube_bins(best[None, :])[0]
    terms = lik.icecube.chi2_terms(mu[None, :])[0]
    np.testing.assert_allclose(r**2, terms, rtol=1e-12, atol=0)
    # their squares sum to the chi2 of the bins (the limits and the IGRB come on top)
    assert np.sum(r**2) == pytest.approx(result.chi2_icecube, rel=1e-9, abs=0)
    # an upper-limit bin (best fit 0) lies below zero; a measured bin above the model above it
    d = lik.icecube
    assert np.all(r[d.is_ul & ~np.isfinite(d.n_events)] <= 0)
    above = ~d.is_ul & (d.value > mu)
    assert np.all(r[above] > 0)


def test_figure_states_limits_at_their_confidence_and_the_fit_quality(result):
    fig = FP.fit_spectrum_figure(result)
    labels = [t.get_text() for t in fig.legends[0].get_texts()]
    assert any(s.startswith("upper limits, 90% C.L.") for s in labels)  # Table 6: 90% bounds
    assert any("limit, 90% C.L. (as given)" in s for s in labels)  # the EHE limit
    assert any("Feldman-Cousins" in s for s in labels)  # the KM3NeT event
    ax, axr, axg = fig.axes[:3]
    text = " ".join(t.get_text() for t in ax.texts)
    assert f"{result.chi2_min:.1f} for {result.ndof} dof" in text and "p = " in text
    assert "read per flavour" in text
    assert "sqrt" in axr.get_ylabel() and axg.get_xscale() == "log"
    # the upper limits are drawn at the 90% bounds of Table 6 (f6, f8, f9: 3.5, 3.8, 1.5 e-8 / 3)
    ys = sorted(
        float(y)
        for line in ax.lines
        if line.get_marker() == "_"
        for y in np.atleast_1d(line.get_ydata())
    )
    np.testing.assert_allclose(ys, np.array([1.5, 3.5, 3.8]) * 1e-8 / 3, rtol=1e-9, atol=0)
    plt.close(fig)


def test_saved_at_200_dpi(result, tmp_path):
    from PIL import Image

    paths = result.save(tmp_path)
    names = {p.name for p in paths}
    assert {"fit_spectrum.png", "fit_profile_delta_G.png"} <= names
    with Image.open(tmp_path / "fit_spectrum.png") as im:
        w, h = im.size
        dpi = im.info.get("dpi", (0, 0))[0]
    assert w >= 12.5 * 200 * 0.95 and round(dpi) >= 200
