"""Figure 1 of Blasi & Amato (2019), regenerated from the shipped measurements.

Two figures:

:func:`figure1`
    the paper's Fig. 1: the Fermi-LAT IGRB (Ackermann et al. 2015, foreground
    model A), the IceCube 2015 differential flux (ApJ 809, 98, Table 6; upper
    limits as arrows) with the 68% band of its combined power-law fit, and the
    Eq. (17) neutrino intensity for several overdensities δ_G;
:func:`figure_newest`
    the same model lines against the newest IceCube spectra: the 2025
    segmented fits (tracks + cascades, MESE) and the HESE 7.5 yr / northern
    tracks 9.5 yr segmented fits.

The plotted numbers are built first, as named :class:`Series` of Quantities
(:func:`figure1_series`, :func:`newest_series`), then drawn; every artist has
the series name as its ``gid``. Energies are in GeV and intensities in
GeV cm^-2 s^-1 sr^-1.

Neutrino convention. All neutrino curves of a figure share one convention,
ν+ν̄ of one flavour by default (``flavour="per flavour"``): the paper's Eq. (17)
is read as a per-flavour intensity, the reading the full KAB06 spectra support
(see :mod:`crescape.analysis.icecube_match` and docs/data.md);
``flavour="all"`` draws everything summed over the three flavours. Data are
converted with :func:`crescape.data.per_flavour_to_all` or
:func:`crescape.data.all_to_per_flavour` (flavour ratio 1:1:1). The reading is
written on the figure.

Model energy range. The source spectrum extends from E_min to E_max (1 GeV to
1 PeV in the paper), so Eq. (16) has parent protons only for
η E_min <= E_ν <= η E_max (0.05 GeV to 50 TeV): the model line is solid there.
Beyond η E_max the paper's horizontal line (no cutoff, its caveat 2) is drawn
dashed, as an extrapolation.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import astropy.units as u
import numpy as np

from .. import data
from ..model import neutrino_E2_flux
from ..params import ParameterError, Parameters
from .icecube_match import DEFAULT_FLAVOUR

__all__ = [
    "Series",
    "DEFAULT_DELTA_G",
    "figure1_series",
    "newest_series",
    "figure1",
    "figure_newest",
    "plot_figure1",
    "plot_figure_newest",
    "plot_sed",
    "legend",
    "delta_G_colour",
    "save_figure",
    "FIGURE_DPI",
    "power_law_band",
    "model_series",
]

E_UNIT = u.GeV
E2_UNIT = u.GeV / (u.cm**2 * u.s * u.sr)
DEFAULT_DELTA_G = (10.0, 30.0, 100.0, 300.0)
#: resolution of PNG figures [dots per inch]
FIGURE_DPI = 200
#: energy range of the model lines [GeV] (the plotted range of Fig. 1)
MODEL_RANGE = (5e-2, 1e7)

_FLAVOUR_TEXT = {
    "all": "neutrinos: ν+ν̄, sum of 3 flavours (1:1:1); Eq. (17) read as all-flavour (option)",
    "per flavour": "neutrinos: ν+ν̄, one flavour (1:1:1); Eq. (17) read as per flavour (default)",
}


@dataclass
class Series:
    """One plotted data set.

    Attributes
    ----------
    name : str
        Identifier, also the ``gid`` of its artists.
    kind : str
        ``"points"`` (x, y with asymmetric y intervals and x bins), ``"limits"``
        (upper limits at y), ``"band"`` (y_lo..y_hi over x), ``"line"``.
    x, y : Quantity
        Energies [GeV] and E² dN/dE [GeV cm^-2 s^-1 sr^-1].
    y_lo, y_hi : Quantity or None
        Lower and upper ends of the interval (not errors).
    x_lo, x_hi : Quantity or None
        Bin edges.
    label : str
        Legend text (with the citation).
    flavour : str
        "all", "per flavour" or "not applicable" (gamma rays).
    citation : str
    style : dict
        Matplotlib keyword arguments.
    """

    name: str
    kind: str
    x: u.Quantity
    y: u.Quantity
    label: str
    flavour: str
    citation: str = ""
    y_lo: u.Quantity | None = None
    y_hi: u.Quantity | None = None
    x_lo: u.Quantity | None = None
    x_hi: u.Quantity | None = None
    style: dict[str, Any] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)


def delta_G_colour(delta_G: float) -> str:
    """The colour of the overdensity δ_G in every crescape figure (one δ_G, one colour).

    A fixed position on matplotlib's perceptually uniform "viridis" map by
    log10 δ_G over 1..1000 (away from its dark blue end, the colour of the Fermi
    data), so that the Eq. (17) line and the full spectra of one δ_G share their
    colour and neighbouring values stay apart.
    """
    from matplotlib import colormaps
    from matplotlib.colors import to_hex

    x = np.clip(np.log10(float(delta_G)) / 3.0, 0.0, 1.0)
    return to_hex(colormaps["viridis"](0.25 + 0.65 * x))


def _check_flavour(flavour: str) -> str:
    if flavour not in _FLAVOUR_TEXT:
        raise ParameterError(
            f"flavour = {flavour!r} is not allowed: must be 'all' or 'per flavour'"
        )
    return flavour


def _check_deltas(delta_G) -> list[float]:
    vals = [float(d) for d in np.atleast_1d(delta_G)]
    for d in vals:
        if not (np.isfinite(d) and 0 < d <= 1e6):
            raise ParameterError(
                f"delta_G = {d:g} is not allowed: must be a finite value > 0 and <= 1e6"
            )
    if not vals:
        raise ParameterError("delta_G = [] is not allowed: give at least one value")
    return vals


def _to(table, flavour):
    """A neutrino table in the requested flavour convention."""
    have = table.meta["flux_convention"]["flavour"]
    if have == flavour:
        return table
    return data.per_flavour_to_all(table) if flavour == "all" else data.all_to_per_flavour(table)


def _short(flavour: str) -> str:
    return "all flavours" if flavour == "all" else "per flavour"


# --------------------------------------------------------------------------- series


def fermi_series(model: str = "A") -> list[Series]:
    """The Fermi-LAT IGRB (Table 3, one foreground model) as E² dN/dE points.

    Two series: the points with the statistical + instrumental intervals, and
    the total interval with the foreground-model systematics added in quadrature.
    """
    t = data.fermi_band_to_e2dnde(data.load("fermi_igrb_ackermann2015"), "I_IGRB", model=model)
    x = t["E_c"].quantity.to(E_UNIT)
    y = t["E2dNdE"].quantity.to(E2_UNIT)
    up = t["E2dNdE_err_up"].quantity.to(E2_UNIT)
    lo = t["E2dNdE_err_lo"].quantity.to(E2_UNIT)
    fup = t["E2dNdE_fg_sys_up"].quantity.to(E2_UNIT)
    flo = t["E2dNdE_fg_sys_lo"].quantity.to(E2_UNIT)
    cite = t.meta["citation"]
    common = dict(
        x_lo=t["E_min"].quantity.to(E_UNIT),
        x_hi=t["E_max"].quantity.to(E_UNIT),
        flavour="not applicable",
        citation=cite,
    )
    return [
        Series(
            "fermi_igrb_total",
            "points",
            x,
            y,
            f"IGRB model {model}, incl. foreground-model syst.",
            y_lo=y - np.sqrt(lo**2 + flo**2),
            y_hi=y + np.sqrt(up**2 + fup**2),
            style=dict(color="#9ecae1", fmt="none", elinewidth=4, alpha=0.8, zorder=2),
            **common,
        ),
        Series(
            "fermi_igrb",
            "points",
            x,
            y,
            f"Fermi-LAT IGRB (γ), model {model} (Ackermann+ 2015, ApJ 799, 86)",
            y_lo=y - lo,
            y_hi=y + up,
            style=dict(color="#08519c", fmt="o", ms=3.5, capsize=0, zorder=3),
            **common,
        ),
    ]


def icecube_2015_series(flavour: str = DEFAULT_FLAVOUR, ul_cl: int = 90) -> list[Series]:
    """IceCube 2015 (ApJ 809, 98, Table 6): measured bins with 68% intervals, and upper limits.

    ``ul_cl`` (68 or 90) picks the confidence level of the upper limits.
    """
    if ul_cl not in (68, 90):
        raise ParameterError(f"ul_cl = {ul_cl!r} is not allowed: must be 68 or 90")
    t = _to(data.load("icecube_2015_differential"), flavour)
    ul = np.asarray(t["is_upper_limit"], dtype=bool)
    m = t[~ul]
    lim = t[ul]
    col = "E2Phi_hi90" if ul_cl == 90 else "E2Phi_hi"
    cite = t.meta["citation"]
    return [
        Series(
            "icecube_2015",
            "points",
            m["E_c"].quantity.to(E_UNIT),
            m["E2Phi"].quantity.to(E2_UNIT),
            f"IceCube 2015, {_short(flavour)}, 68% C.L. (Aartsen+ 2015, ApJ 809, 98)",
            flavour=flavour,
            citation=cite,
            y_lo=m["E2Phi_lo"].quantity.to(E2_UNIT),
            y_hi=m["E2Phi_hi"].quantity.to(E2_UNIT),
            x_lo=m["E_min"].quantity.to(E_UNIT),
            x_hi=m["E_max"].quantity.to(E_UNIT),
            style=dict(color="#cb181d", fmt="s", ms=4, capsize=0, zorder=5),
        ),
        Series(
            "icecube_2015_ul",
            "limits",
            lim["E_c"].quantity.to(E_UNIT),
            lim[col].quantity.to(E2_UNIT),
            f"IceCube 2015, {ul_cl}% C.L. upper limits",
            flavour=flavour,
            citation=cite,
            x_lo=lim["E_min"].quantity.to(E_UNIT),
            x_hi=lim["E_max"].quantity.to(E_UNIT),
            style=dict(color="#cb181d", zorder=5),
        ),
    ]


def power_law_band(phi_100, err_lo, err_hi, gamma, gamma_lo, gamma_hi, E, E_cut=None):
    """68% band of a power-law fit E²Φ = φ_100 (E/100 TeV)^-γ E² [× exp(-E/E_cut)].

    The band is the envelope of the fits at the four corners (φ ± σ_φ, γ ± σ_γ)
    and the best fit. The φ-γ correlation is not in the data, so the band is
    conservative away from the 100 TeV pivot; at 100 TeV it is exactly the
    φ_100 interval. A NaN index error (index fixed in the fit) counts as 0.

    Returns
    -------
    (central, lower, upper) : Quantities in GeV cm^-2 s^-1 sr^-1
    """
    E_GeV = u.Quantity(E, E_UNIT).to_value(E_UNIT)
    unit = u.Quantity(phi_100).unit
    phi = u.Quantity(phi_100).value
    err_lo = u.Quantity(err_lo, unit).value
    err_hi = u.Quantity(err_hi, unit).value
    dlo = np.nan_to_num(float(gamma_lo))
    dhi = np.nan_to_num(float(gamma_hi))
    cut = (
        np.ones_like(E_GeV)
        if E_cut is None or not np.isfinite(E_cut)
        else np.exp(-E_GeV / float(E_cut))
    )

    def f(p, g):
        return p * (E_GeV / 1e5) ** (-g) * E_GeV**2 * cut

    corners = [
        f(p, g)
        for p in (phi - float(err_lo), phi + float(err_hi))
        for g in (gamma - dlo, gamma + dhi)
    ]
    central = f(phi, gamma)
    lo = np.min([central, *corners], axis=0)
    hi = np.max([central, *corners], axis=0)
    q = lambda v: (v * unit * u.GeV**2).to(E2_UNIT)  # noqa: E731
    return q(central), q(lo), q(hi)


def fit_band_series(
    analysis: str,
    flavour: str,
    name: str,
    label: str,
    style: dict,
    include_unverified: bool = False,
) -> Series:
    """The 68% band of one power-law fit of ``icecube_diffuse_bestfits`` over its energy range."""
    t = _to(data.load("icecube_diffuse_bestfits", include_unverified=include_unverified), flavour)
    rows = t[t["analysis"] == analysis]
    if len(rows) == 0:
        raise ParameterError(
            f"analysis = {analysis!r} is not in icecube_diffuse_bestfits (or not verified)"
        )
    r = rows[0]
    E = np.geomspace(r["E_min"] * 1e3, r["E_max"] * 1e3, 60) * E_UNIT
    cut = r["E_cut"] * 1e6 if np.isfinite(r["E_cut"]) else None
    unit = t["phi_100"].unit
    c, lo, hi = power_law_band(
        r["phi_100"] * unit,
        r["phi_100_err_lo"] * unit,
        r["phi_100_err_hi"] * unit,
        r["gamma"],
        r["gamma_err_lo"],
        r["gamma_err_hi"],
        E,
        cut,
    )
    return Series(
        name,
        "band",
        E,
        c,
        label,
        flavour=flavour,
        citation=t.meta["citation"],
        y_lo=lo,
        y_hi=hi,
        style=style,
        extra={"confidence": str(r["confidence"]), "gamma": float(r["gamma"])},
    )


def model_series(
    params: Parameters | None = None,
    delta_G=DEFAULT_DELTA_G,
    flavour: str = DEFAULT_FLAVOUR,
    E_range=MODEL_RANGE,
    n: int = 200,
) -> list[Series]:
    """The Eq. (17) intensity for each δ_G (:func:`crescape.model.neutrino_E2_flux`, ``convention="paper"``).

    In the per-flavour reading the same model numbers are taken as per flavour
    (no factor: the choice is which convention Eq. (17) *is*). Each series
    carries ``extra["E_nu_max"]`` = η E_max, the end of the parent spectrum;
    beyond it the curve is the paper's extrapolation.
    """
    params = params or Parameters()
    _check_flavour(flavour)
    E = np.geomspace(*E_range, n) * E_UNIT
    eta = float(params.cgs.eta)
    e_hi = eta * float(params.galaxy.E_max.to_value(E_UNIT))
    e_lo = eta * float(params.galaxy.E_min.to_value(E_UNIT))
    out = []
    for d in _check_deltas(delta_G):
        y = neutrino_E2_flux(params.replace(delta_G=d), E, convention="paper").to(E2_UNIT)
        out.append(
            Series(
                f"model_delta_G={d:g}",
                "line",
                E,
                y,
                rf"Eq. (17), $\delta_G$ = {d:g}",
                flavour=flavour,
                citation="Blasi & Amato 2019, PRL 122, 051101, Eq. (17)",
                style=dict(color=delta_G_colour(d), lw=2, zorder=4),
                extra={"delta_G": d, "E_nu_min": e_lo, "E_nu_max": e_hi},
            )
        )
    return out


def figure1_series(
    params: Parameters | None = None,
    delta_G=DEFAULT_DELTA_G,
    flavour: str = DEFAULT_FLAVOUR,
    include_unverified: bool = False,
    ul_cl: int = 90,
) -> list[Series]:
    """Every series of the paper's Fig. 1, in drawing order.

    ``include_unverified`` adds the IceCube 2013 (HESE 2 yr) E^-2 fit, whose
    value in the data file is recalled, not verified; it is labelled so.
    """
    _check_flavour(flavour)
    s = fermi_series("A") + icecube_2015_series(flavour, ul_cl)
    s.append(
        fit_band_series(
            "Combined_2015",
            flavour,
            "icecube_2015_fit",
            "IceCube 2015 power-law fit, 68% band (ApJ 809, 98)",
            dict(color="#fc9272", alpha=0.35, lw=0, zorder=1),
        )
    )
    if include_unverified:
        s.append(
            fit_band_series(
                "HESE_2yr",
                flavour,
                "icecube_2013_fit",
                "IceCube 2013 E$^{-2}$ fit (Science 342, 1242856): recalled value, NOT verified",
                dict(facecolor="none", edgecolor="#67000d", hatch="///", lw=0.5, zorder=1),
                include_unverified=True,
            )
        )
    s += model_series(params, delta_G, flavour)
    return s


def newest_series(
    params: Parameters | None = None, delta_G=DEFAULT_DELTA_G, flavour: str = DEFAULT_FLAVOUR
) -> list[Series]:
    """Series of the second figure: the newest IceCube segmented spectra with the model lines."""
    _check_flavour(flavour)
    out = [
        fit_band_series(
            "Combined_2015",
            flavour,
            "icecube_2015_fit",
            "IceCube 2015 power-law fit, 68% band (ApJ 809, 98)",
            dict(color="#fc9272", alpha=0.3, lw=0, zorder=1),
        )
    ]
    specs = [
        (
            "icecube_2025_combinedfit",
            None,
            "icecube_2025_combinedfit",
            "IceCube 2025 tracks + cascades (arXiv:2507.22233)",
            dict(color="#cb181d", fmt="o", ms=4),
        ),
        (
            "icecube_2025_mese",
            None,
            "icecube_2025_mese",
            "IceCube 2025 MESE (arXiv:2507.22234)",
            dict(color="#6a51a3", fmt="D", ms=3.5),
        ),
        (
            "icecube_segmented_km3net",
            "hese",
            "icecube_hese_7.5yr",
            "IceCube HESE 7.5 yr (PRD 104, 022002)",
            dict(color="#e6550d", fmt="^", ms=4),
        ),
        (
            "icecube_segmented_km3net",
            "nst",
            "icecube_nst_9.5yr",
            "IceCube northern tracks 9.5 yr (ApJ 928, 50)",
            dict(color="#3182bd", fmt="v", ms=4),
        ),
    ]
    for i, (ds, sample, name, label, style) in enumerate(specs):
        t = _to(data.load(ds), flavour)
        if sample is not None:
            t = t[t["sample"] == sample]
        ul = np.asarray(t["is_upper_limit"], dtype=bool)
        # a small shift in energy keeps overlapping bins apart (the bin edges are kept)
        shift = 10 ** (0.03 * (i - 1.5))
        for part, mask, kind in (("", ~ul, "points"), ("_ul", ul, "limits")):
            m = t[mask]
            if len(m) == 0:
                continue
            x = (np.sqrt(m["E_min"].quantity * m["E_max"].quantity)).to(E_UNIT) * shift
            ykey = "E2Phi" if kind == "points" else "E2Phi_hi"
            out.append(
                Series(
                    name + part,
                    kind,
                    x,
                    m[ykey].quantity.to(E2_UNIT),
                    f"{label}, {_short(flavour)}" if kind == "points" else "",
                    flavour=flavour,
                    citation=t.meta["citation"],
                    y_lo=m["E2Phi_lo"].quantity.to(E2_UNIT) if kind == "points" else None,
                    y_hi=m["E2Phi_hi"].quantity.to(E2_UNIT) if kind == "points" else None,
                    x_lo=m["E_min"].quantity.to(E_UNIT),
                    x_hi=m["E_max"].quantity.to(E_UNIT),
                    style=dict(style, zorder=5),
                )
            )
    out += model_series(params, delta_G, flavour, E_range=(1e2, 1e8))
    return out


# --------------------------------------------------------------------------- drawing


def _gid(container, name: str) -> None:
    """Tag every artist of an errorbar container with the series name."""
    data_line, caplines, barcols = container.lines
    for a in [data_line, *caplines, *barcols]:
        if a is not None:
            a.set_gid(name)


def _draw(ax, s: Series):
    x = s.x.to_value(E_UNIT)
    y = s.y.to_value(E2_UNIT)
    st = dict(s.style)
    if s.kind == "points":
        yerr = np.vstack([y - s.y_lo.to_value(E2_UNIT), s.y_hi.to_value(E2_UNIT) - y])
        yerr = np.clip(yerr, 0, None)
        xerr = None
        if s.x_lo is not None and st.get("fmt", "o") != "none":
            xerr = np.vstack([x - s.x_lo.to_value(E_UNIT), s.x_hi.to_value(E_UNIT) - x])
            xerr = np.clip(xerr, 0, None)
        c = ax.errorbar(
            x,
            y,
            yerr=yerr,
            xerr=xerr,
            label=s.label or None,
            elinewidth=st.pop("elinewidth", 1),
            **st,
        )
        _gid(c, s.name)
        return c
    if s.kind == "limits":
        colour = st.pop("color", "k")
        for k in ("fmt", "ms"):
            st.pop(k, None)
        xerr = None
        if s.x_lo is not None:
            xerr = np.clip(
                np.vstack([x - s.x_lo.to_value(E_UNIT), s.x_hi.to_value(E_UNIT) - x]), 0, None
            )
        c = ax.errorbar(
            x,
            y,
            yerr=0.45 * y,
            xerr=xerr,
            uplims=True,
            fmt="none",
            ecolor=colour,
            capsize=3,
            **st,
        )
        for cap in c.lines[1]:
            cap.set_color(colour)
            cap.set_markerfacecolor(colour)
            cap.set_markeredgecolor(colour)
        _gid(c, s.name)
        if s.label:
            # the legend shows what is drawn: a bar with a downward arrow, not an error bar
            (proxy,) = ax.plot(
                [], [], ls="none", marker=_UL_MARKER, ms=11, color=colour, label=s.label
            )
            proxy.set_gid(s.name + ":legend")
        return c
    if s.kind == "band":
        coll = ax.fill_between(
            x, s.y_lo.to_value(E2_UNIT), s.y_hi.to_value(E2_UNIT), label=s.label, **st
        )
        coll.set_gid(s.name)
        return coll
    if s.kind == "line":
        e_hi = s.extra.get("E_nu_max", np.inf)
        e_lo = s.extra.get("E_nu_min", 0.0)
        inside = (x >= e_lo) & (x <= e_hi)
        (ln,) = ax.plot(np.where(inside, x, np.nan), y, label=s.label, **st)
        ln.set_gid(s.name)
        beyond = x >= e_hi
        if beyond.any():
            (ln2,) = ax.plot(
                np.where(beyond, x, np.nan),
                y,
                ls="--",
                **{k: v for k, v in st.items() if k != "ls"},
            )
            ln2.set_gid(s.name + ":extrapolated")
        return ln
    raise ValueError(f"unknown series kind {s.kind!r}")


#: the legend symbol of an upper limit: a horizontal bar with an arrow pointing down
_UL_MARKER = "$\\overline{\\downarrow}$"


def _axes(fig, ax):
    import matplotlib.pyplot as plt

    if ax is None:
        fig, ax = plt.subplots(figsize=(8.5, 7.4), layout="constrained")
    elif fig is None:
        fig = ax.figure
    return fig, ax


def _finish(ax, flavour, series, title, xlim, ylim, line_labels=True):
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_xlabel("E  [GeV]")
    ax.set_ylabel(r"$E^2\,dN/dE$  [GeV cm$^{-2}$ s$^{-1}$ sr$^{-1}$]")
    ax.set_title(title, fontsize=10, pad=16)
    ax.grid(True, which="major", alpha=0.25)
    ax.text(
        0.5,
        1.008,
        _FLAVOUR_TEXT[flavour] + r"; model dashed above $\eta E_{\max}$ (paper: no cutoff)",
        transform=ax.transAxes,
        fontsize=7.5,
        ha="center",
        va="bottom",
        gid="convention_note",
    )
    if line_labels:
        # δ_G written above each model line at the left edge, where no data are drawn
        for s in series:
            if s.kind == "line":
                x = s.x.to_value(E_UNIT)
                y = s.y.to_value(E2_UNIT)
                x0 = xlim[0] * 1.35
                ax.annotate(
                    rf"$\delta_G$ = {s.extra['delta_G']:g}",
                    (x0, float(np.interp(np.log(x0), np.log(x), y))),
                    xytext=(0, 2),
                    textcoords="offset points",
                    fontsize=7.5,
                    ha="left",
                    va="bottom",
                    color=s.style.get("color", "g"),
                    bbox=dict(boxstyle="round,pad=0.1", fc="white", ec="none", alpha=0.8),
                    gid=f"label_delta_G={s.extra['delta_G']:g}",
                )
    legend(ax)


def legend(ax, extra_handles=(), **kwargs):
    """(Re)draw the one legend of a crescape figure, below the axes, with every labelled artist.

    Call it again after adding curves with ``label=``: the legend is replaced, not
    duplicated (matplotlib keeps one legend per Axes). ``extra_handles`` (artists
    with labels that are not drawn, e.g. line-style keys) go at the end; ``kwargs``
    go to :meth:`matplotlib.axes.Axes.legend`. Returns the Legend.
    """
    style = dict(
        fontsize=7,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.09),
        ncol=2,
        frameon=False,
    )
    style.update(kwargs)
    handles, labels = ax.get_legend_handles_labels()
    # the data first, then the model curves (crescape's and any added), each in drawing order
    order = sorted(range(len(labels)), key=lambda i: labels[i].startswith(("Eq. (17)", "KAB06")))
    handles = [handles[i] for i in order] + list(extra_handles)
    labels = [labels[i] for i in order] + [h.get_label() for h in extra_handles]
    return ax.legend(handles, labels, **style)


def figure1(
    params: Parameters | None = None,
    delta_G=DEFAULT_DELTA_G,
    *,
    flavour: str = DEFAULT_FLAVOUR,
    include_unverified: bool = False,
    ul_cl: int = 90,
    ax=None,
    line_labels: bool = True,
):
    """Draw the paper's Fig. 1 (see the module docstring).

    Parameters
    ----------
    params : Parameters
        Model parameters (δ_G is replaced by each value of ``delta_G``).
    delta_G : sequence of float
        Overdensities of the model lines (default 10, 30, 100, 300).
    flavour : {'per flavour', 'all'}
        Convention of every neutrino curve and reading of Eq. (17) (default per flavour).
    include_unverified : bool
        Also draw the IceCube 2013 fit (recalled value, labelled as such).
    ul_cl : {90, 68}
        Confidence level of the IceCube 2015 upper limits.
    ax : matplotlib Axes, optional
        Draw into these axes (default: a new figure).
    line_labels : bool
        Write δ_G beside each model line (default True).

    Returns
    -------
    (Figure, list of Series)
        :func:`plot_figure1` returns ``(Figure, Axes)`` instead.
    """
    series = figure1_series(params, delta_G, flavour, include_unverified, ul_cl)
    fig, ax = _axes(None, ax)
    for s in series:
        _draw(ax, s)
    _finish(
        ax,
        flavour,
        series,
        "Blasi & Amato 2019, Fig. 1: Fermi-LAT IGRB, IceCube, and the Eq. (17) neutrino flux",
        (5e-2, 1e7),
        (1e-11, 3e-6),
        line_labels,
    )
    return fig, series


def figure_newest(
    params: Parameters | None = None,
    delta_G=DEFAULT_DELTA_G,
    *,
    flavour: str = DEFAULT_FLAVOUR,
    ax=None,
    line_labels: bool = True,
):
    """The Eq. (17) lines against the newest IceCube segmented spectra. Returns (Figure, series)."""
    series = newest_series(params, delta_G, flavour)
    fig, ax = _axes(None, ax)
    for s in series:
        _draw(ax, s)
    _finish(
        ax,
        flavour,
        series,
        "Eq. (17) against the newest IceCube spectra (segmented fits)",
        (1e2, 1e8),
        (1e-10, 1e-6),
        line_labels,
    )
    if any(s.kind == "limits" for s in series):
        (proxy,) = ax.plot(
            [],
            [],
            ls="none",
            marker=_UL_MARKER,
            ms=11,
            color="0.35",
            label="upper limits, in the colour of their data set",
        )
        proxy.set_gid("upper_limits:legend")
        legend(ax)
    return fig, series


def plot_figure1(params: Parameters | None = None, delta_G=DEFAULT_DELTA_G, *, ax=None, **kwargs):
    """:func:`figure1`, returning ``(Figure, Axes)`` so that one adds curves to it.

    Add a curve with ``ax.plot(E_GeV, E2F, label=...)`` (GeV and
    GeV cm⁻² s⁻¹ sr⁻¹) or :func:`plot_sed`, then call :func:`legend` (or
    ``ax.legend()``): the figure keeps one legend.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from crescape.analysis.figure1 import legend, plot_figure1
    >>> fig, ax = plot_figure1(delta_G=[100])
    >>> _ = ax.plot([1e4, 1e6], [2e-8, 2e-8], label="my model")
    >>> _ = legend(ax)
    >>> len(fig.legends) + sum(a.get_legend() is not None for a in fig.axes)
    1
    """
    fig, _ = figure1(params, delta_G, ax=ax, **kwargs)
    return fig, (ax if ax is not None else fig.axes[0])


def plot_figure_newest(
    params: Parameters | None = None, delta_G=DEFAULT_DELTA_G, *, ax=None, **kwargs
):
    """:func:`figure_newest`, returning ``(Figure, Axes)`` (see :func:`plot_figure1`)."""
    fig, _ = figure_newest(params, delta_G, ax=ax, **kwargs)
    return fig, (ax if ax is not None else fig.axes[0])


def plot_sed(
    emission,
    species: str = "nu_all",
    *,
    E=None,
    ax=None,
    label: str | None = None,
    **style,
):
    """Draw E² dN/dE of a :class:`crescape.spectra.CGMEmission` in the units of Fig. 1.

    The sky-averaged intensity at Earth (:meth:`CGMEmission.sed`) in GeV cm⁻² s⁻¹ sr⁻¹
    over ``E`` (default 0.1 GeV to 10 PeV); the colour is that of the model's δ_G
    (:func:`delta_G_colour`) unless ``color`` is given. On axes that already have a
    legend the legend is redrawn with the new curve (:func:`legend`).
    Returns ``(Figure, Axes)``.
    """
    fig, ax = _axes(None, ax)
    E = np.geomspace(0.1, 1e7, 240) * E_UNIT if E is None else u.Quantity(E, E_UNIT)
    d = float(emission.params.cgs.delta_G)
    style.setdefault("color", delta_G_colour(d))
    style.setdefault("lw", 1.4)
    style.setdefault("zorder", 5)
    (ln,) = ax.plot(
        E.to_value(E_UNIT), emission.sed(E, species).to_value(E2_UNIT), label=label, **style
    )
    ln.set_gid(f"sed:{species}:delta_G={d:g}")
    if ax.get_legend() is not None and label:
        legend(ax)
    return fig, ax


def save_figure(
    fig,
    path: str | Path,
    formats=("png", "pdf"),
    dpi: int = FIGURE_DPI,
    metadata: dict[str, str] | None = None,
) -> list[Path]:
    """Save ``fig`` as ``path`` with each suffix in ``formats`` (PNG and PDF by default), atomically.

    ``dpi`` applies to the PNG (default :data:`FIGURE_DPI`); ``metadata`` (str to str)
    is written into PNG and PDF files (PDF keys: Title, Author, Subject, Keywords, ...).
    Returns the paths written.
    """
    import io

    from ..io import atomic_write_bytes

    path = Path(path)
    out = []
    for fmt in formats:
        p = path.with_suffix("." + fmt)
        meta = {"Title": f"crescape: {path.stem}", **(metadata or {})}
        if fmt == "pdf":
            meta = {k: v for k, v in meta.items() if ":" not in k}
        buf = io.BytesIO()
        fig.savefig(buf, format=fmt, dpi=dpi, metadata=meta if fmt in ("png", "pdf") else None)
        atomic_write_bytes(p, buf.getvalue())
        out.append(p)
    return out
