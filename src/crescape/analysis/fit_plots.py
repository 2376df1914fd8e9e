"""Publication figures of a fit: the spectrum over the data with a residual panel, and the profile.

:func:`plot_fit_spectrum` draws, for a :class:`~crescape.analysis.fit.FitResult`,

* left: the neutrino data with their bin widths (horizontal bars) and 68% intervals;
  upper-limit bins as arrows at their stated confidence level (the 90% bound where the
  data give it, as IceCube 2015 Table 6 does, else the upper end of the 68% interval,
  labelled so); one-event bins (KM3-230213A) with their 68% Feldman-Cousins interval;
  the differential limits that entered the fit as lines at their given C.L.; the best
  fit and, with a chain, the posterior 68% and 95% bands. An Eq. (17) model beyond
  η E_max (the end of the parent spectrum) is drawn dashed: there it is the paper's
  extrapolation, not the model;
* below it: the residual of every bin, sign(x − μ) √χ²_i, the square root of its term
  in the likelihood (a pull in σ for Gaussian bins; for upper-limit and one-event bins
  the same signed √χ²);
* right: the γ-ray counterpart against the Fermi IGRB, which enters as an upper limit;
* the χ², ndof and p-value, and the flavour reading, on the figure.

PNG at :data:`~crescape.analysis.figure1.FIGURE_DPI` (200 dpi).
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from ..io import atomic_savefig
from .figure1 import FIGURE_DPI

__all__ = ["fit_spectrum_figure", "plot_fit_spectrum", "plot_fit_profile", "residuals"]

_UL_MARKER = "$\\overline{\\downarrow}$"


def residuals(lik, theta: np.ndarray) -> np.ndarray:
    """sign(x − μ) √χ²_i of every neutrino bin at the fit vector ``theta`` (k,).

    For an upper-limit bin x is 0 (its best fit), so the residual is −√χ²_i.
    """
    mu = lik.icecube_bins(np.atleast_2d(theta))[0]
    d = lik.icecube
    chi = np.sqrt(np.maximum(d.chi2_terms(mu[None, :])[0], 0.0))
    x = np.where(d.is_ul, 0.0, d.value)
    return np.sign(x - mu) * chi


def _model_curve(ax, lik, theta, E, **style):
    """The model over E; for Eq. (17), dashed beyond η E_max (the paper's extrapolation)."""
    f = lik.nu_sed(np.atleast_2d(theta), E)[0]
    cm = lik.model
    if cm.model == "eq17" and cm.convention == "paper":
        e_hi = float(cm.base.cgs.eta) * float(cm.base.galaxy.E_max.to_value("GeV"))
        inside = E <= e_hi
        (ln,) = ax.plot(np.where(inside, E, np.nan), f, **style)
        style = {k: v for k, v in style.items() if k != "label"}
        ax.plot(np.where(E >= e_hi, E, np.nan), f, ls="--", **style)
        return ln
    (ln,) = ax.plot(E, f, **style)
    return ln


def plot_fit_spectrum(result, path: str | Path, draws: np.ndarray | None = None) -> Path:
    """Write the spectrum figure of ``result`` (:func:`fit_spectrum_figure`) to ``path`` (PNG)."""
    import matplotlib.pyplot as plt

    fig = fit_spectrum_figure(result, draws)
    path = Path(path)
    atomic_savefig(fig, path, dpi=FIGURE_DPI)
    plt.close(fig)
    return path


def fit_spectrum_figure(result, draws: np.ndarray | None = None):
    """The spectrum figure of ``result`` (see the module docstring): a matplotlib Figure whose
    axes are (spectrum, residuals, γ rays); ``draws`` are posterior samples of the fit
    variables for the bands."""
    import matplotlib.pyplot as plt

    lik = result._lik
    d = lik.icecube
    flav = "per flavour" if lik.model.flavour == "per flavour" else "all flavours"
    best = np.array([result.best_fit_variables[k] for k in result.free])
    fig = plt.figure(figsize=(12.5, 7.6), layout="constrained")
    gs = fig.add_gridspec(2, 2, height_ratios=(3.2, 1.2), width_ratios=(1.25, 1.0))
    ax = fig.add_subplot(gs[0, 0])
    axr = fig.add_subplot(gs[1, 0], sharex=ax)
    axg = fig.add_subplot(gs[:, 1])
    e_lo = min(d.E_min.min(), *(lim.E.min() for lim in lik.limits)) if lik.limits else d.E_min.min()
    e_hi = max(d.E_max.max(), *(lim.E.max() for lim in lik.limits)) if lik.limits else d.E_max.max()
    E = np.geomspace(max(e_lo / 1.5, 100.0), min(e_hi * 1.5, 1e12), 240)
    if draws is not None and len(draws) > 1:
        f = lik.nu_sed(draws, E)
        ax.fill_between(
            E,
            *np.percentile(f, [2.5, 97.5], axis=0),
            color="C2",
            alpha=0.18,
            lw=0,
            label="posterior 95%",
        )
        ax.fill_between(
            E,
            *np.percentile(f, [16, 84], axis=0),
            color="C2",
            alpha=0.35,
            lw=0,
            label="posterior 68%",
        )
    _model_curve(
        ax,
        lik,
        best,
        E,
        color="C2",
        lw=2,
        label=f"best fit ({result.model['model']})"
        + (", CGM + Galactic plane" if lik.galactic_plane is not None else ""),
    )
    if lik.galactic_plane is not None:
        ax.plot(
            E,
            lik.galactic_nu_sed(E),
            color="C4",
            ls=":",
            lw=1.6,
            label=f"Galactic plane (IceCube regions, gap {lik.galactic_plane.gap!r})",
        )
    ev = np.isfinite(d.n_events)
    meas = ~d.is_ul & ~ev
    Ec = d.E_c
    xerr = np.vstack([Ec - d.E_min, d.E_max - Ec])
    ax.errorbar(
        Ec[meas],
        d.value[meas],
        yerr=[d.value[meas] - d.lo[meas], d.hi[meas] - d.value[meas]],
        xerr=xerr[:, meas],
        fmt="ko",
        ms=4,
        capsize=0,
        label=f"{d.label}: 68% C.L.",
    )
    ul = d.is_ul & ~ev
    if ul.any():
        has90 = np.isfinite(d.hi90[ul])
        y = np.where(np.isfinite(d.hi90), d.hi90, d.hi)[ul]
        c = ax.errorbar(
            Ec[ul],
            y,
            yerr=0.4 * y,
            xerr=xerr[:, ul],
            uplims=True,
            fmt="none",
            ecolor="k",
            capsize=3,
        )
        for cap in c.lines[1]:
            cap.set_color("k")
        what = (
            "90% C.L."
            if has90.all()
            else "upper end of the 68% interval (C.L. not stated)"
            if not has90.any()
            else "90% C.L. where given, else the 68% upper end"
        )
        ax.plot(
            [], [], ls="none", marker=_UL_MARKER, ms=11, color="k", label=f"upper limits, {what}"
        )
    if ev.any():
        ax.errorbar(
            Ec[ev],
            d.value[ev],
            yerr=[d.value[ev] - d.lo[ev], d.hi[ev] - d.value[ev]],
            xerr=xerr[:, ev],
            fmt="D",
            color="C4",
            ms=5,
            capsize=0,
            label="one event: flux of one expected event, 68% Feldman-Cousins",
        )
    for i, lim in enumerate(lik.limits):
        ax.plot(
            lim.E,
            lim.ul,
            color=f"C{5 + i}",
            lw=1.4,
            ls="-.",
            label=f"{lim.label.split(' (')[0]}: limit, {100 * lim.cl:g}% C.L. (as given)",
        )
    ax.set(
        xscale="log",
        yscale="log",
        ylabel=r"$E_\nu^2 F_\nu$ (" + flav + r") [GeV cm$^{-2}$ s$^{-1}$ sr$^{-1}$]",
    )
    ys = np.concatenate([d.hi[np.isfinite(d.hi)], d.value[d.value > 0]])
    ax.set_ylim(max(ys.min() / 30, 1e-12), ys.max() * 5)
    ax.set_xlim(E[0], E[-1])
    ax.grid(True, which="major", alpha=0.25)
    ax.tick_params(labelbottom=False)
    g = result.gof
    ax.text(
        0.02,
        0.03,
        f"$\\chi^2$ = {result.chi2_min:.1f} for {result.ndof} dof, p = {g.get('p_value', math.nan):.2g}"
        + (" (bad fit)" if g.get("bad") else "")
        + f"\n(neutrino bins {result.chi2_icecube:.1f}, IGRB {result.chi2_igrb:.1f}"
        + (f", limits {result.chi2_limits:.1f}" if lik.limits else "")
        + ")"
        + "\n"
        + (
            (
                "Eq. (17) read per flavour"
                if flav == "per flavour"
                else "Eq. (17) read as all flavours"
            )
            if lik.model.model == "eq17"
            else f"full KAB06 spectra, shown {flav} (1:1:1)"
        ),
        transform=ax.transAxes,
        fontsize=8,
        va="bottom",
        ha="left",
        bbox=dict(boxstyle="round,pad=0.3", fc="white", ec="0.7", alpha=0.9),
    )
    handles, labels = ax.get_legend_handles_labels()
    r = residuals(lik, best)
    colours = np.where(ev, "C4", np.where(d.is_ul, "0.5", "k"))
    axr.axhline(0.0, color="0.5", lw=0.8)
    for lvl in (-2, -1, 1, 2):
        axr.axhline(lvl, color="0.85", lw=0.6, zorder=0)
    axr.errorbar(Ec, r, xerr=xerr, fmt="none", ecolor="0.6", elinewidth=0.8)
    axr.scatter(Ec, r, c=list(colours), s=14, zorder=3)
    axr.set(xscale="log", xlabel=r"$E_\nu$ [GeV]", ylabel=r"sign $\sqrt{\chi^2_i}$")
    lim_r = max(3.0, float(np.nanmax(np.abs(r))) * 1.15) if r.size else 3.0
    axr.set_ylim(-lim_r, lim_r)
    axr.grid(True, which="major", alpha=0.25)
    if lik.igrb is not None:
        ig = lik.igrb
        Eg = np.geomspace(0.1, 1000, 120)
        if draws is not None and len(draws) > 1:
            fg = lik.model.gamma_sed(draws, Eg)
            axg.fill_between(
                Eg,
                *np.percentile(fg, [16, 84], axis=0),
                color="C1",
                alpha=0.35,
                lw=0,
                label="CGM γ, posterior 68%",
            )
        axg.plot(
            Eg, lik.model.gamma_sed(best[None, :], Eg)[0], "C1-", lw=2, label="CGM γ, best fit"
        )
        Ecg = np.sqrt(ig.E_min * ig.E_max)
        conv = Ecg**2 / (ig.E_max - ig.E_min)  # E² dN/dE at the centre for an E^-2 band
        axg.errorbar(
            Ecg,
            ig.intensity * conv,
            yerr=ig.sigma * conv,
            xerr=[Ecg - ig.E_min, ig.E_max - Ecg],
            fmt="ks",
            ms=3,
            capsize=0,
            label=ig.label + " (upper limit on the CGM)",
        )
        axg.set(
            xscale="log",
            yscale="log",
            xlabel=r"$E_\gamma$ [GeV]",
            ylabel=r"$E_\gamma^2 F_\gamma$ [GeV cm$^{-2}$ s$^{-1}$ sr$^{-1}$]",
        )
        h2, l2 = axg.get_legend_handles_labels()
        handles, labels = handles + h2, labels + l2
        axg.grid(True, which="major", alpha=0.25)
        axg.set_title(f"γ rays: IGRB χ² = {result.chi2_igrb:.1f}", fontsize=9)
    else:
        axg.axis("off")
    ax.set_title("CGM neutrinos: " + ", ".join(result.free) + " free", fontsize=9)
    fig.legend(handles, labels, loc="outside lower center", ncol=2, fontsize=7, frameon=False)
    return fig


def plot_fit_profile(result, path: str | Path) -> Path:
    """The Δχ² profile of δ_G (neutrino data alone, with the IGRB, and the IGRB along the first)."""
    import matplotlib.pyplot as plt

    from .fit import D68, D95

    p = result.profile
    fig, ax = plt.subplots(figsize=(6, 4.3), layout="constrained")
    x = np.asarray(p["delta_G"])
    ax.plot(x, p["dchi2_icecube"], "C0-", label=result.data["icecube"].split(",")[0] + " (alone)")
    ax.plot(x, p["dchi2_combined"], "C3--", label="with the Fermi IGRB limit")
    ax.plot(x, p["chi2_igrb_on_icecube_profile"], "C1:", label="IGRB χ² along the first profile")
    for lvl, txt in ((D68, "68%"), (D95, "95%")):
        ax.axhline(lvl, color="0.6", lw=0.8)
        ax.text(x[0], lvl, f" {txt}", fontsize=7, va="bottom", color="0.4")
    ax.set(xscale="log", xlabel=r"$\delta_G$", ylabel=r"$\Delta\chi^2$ (profile)", ylim=(0, 12))
    ax.legend(fontsize=7, frameon=False)
    ax.set_title(f"flavour reading: {result.model.get('flavour', '')}", fontsize=8)
    atomic_savefig(fig, path, dpi=FIGURE_DPI)
    plt.close(fig)
    return Path(path)
