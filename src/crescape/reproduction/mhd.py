"""Reproduction step: Bell's instability in 1.5D MHD against the dispersion relation, and beyond.

1. Linear check: one seeded right-hand eigenmode per box of one wavelength (64 cells,
   :func:`crescape.simulate.mhd.linear_growth_run`), its measured growth rate against
   Im ω of :func:`crescape.physics.dispersion.dispersion_modes` (Bell 2004, Eqs. 8-13):
   the cold relation (σ = 0), the CR response σ(k r_L) of the paper's E^-2 current at
   k_c r_L = 3 and 10, and the Hall term at k_c d_i = 1.
2. Nonlinear run with a fixed current (Bell 2004's set-up): random-phase seed of both
   helicities at δB/B0 = 1e-3 in a box of 8 λ_c, followed to δB ≫ B0; figures of
   ⟨δB²⟩(t), the spectrum |b_k|² at several times and u_⊥(t).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..params import Parameters
from ..physics.dispersion import dispersion_modes
from ..simulate.mhd import linear_growth_run
from ..simulate.mhd_config import MHDConfig, run_mhd
from ..simulate.observers import write_netcdf
from ._base import Artifact, parameter_attrs, save_figure

ORDER = 45
TITLE = "Bell's instability in 1.5D MHD: growth rates against the dispersion relation"

Q = np.round(np.arange(0.1, 0.91, 0.1), 2)
#: the linear cases: label -> keyword arguments of linear_growth_run
CASES = {
    "cold (σ = 0)": {},
    "σ(k r_L), k_c r_L = 10": {"kc_rL": 10.0},
    "σ(k r_L), k_c r_L = 3": {"kc_rL": 3.0, "limiter": "none"},
    "Hall, k_c d_i = 1": {"kc_di": 1.0},
}
#: the nonlinear run (tables of :mod:`crescape.simulate.mhd_config`)
NONLINEAR = {
    "plasma": {"B0": 1.0, "n": 1.0, "sound_speed": 10.0},
    "current": {"J": 1e-12},
    "grid": {"n_cells": 256, "length": 8.0},
    "init": {"seed": "noise", "amplitude": 1e-3, "random_seed": 1},
    "time": {"t_end": 12.0, "n_output": 25},
}


def _theory_curve(q, kw):
    """Im ω/(k_c v_A) on a fine grid, the same physics as linear_growth_run (k_c = 1, B0 = 1)."""
    from .. import constants as C

    J = C.c / (4.0 * np.pi)
    rho = 1.0
    E = 1.0
    if "kc_di" in kw:
        rho = (C.m_p * C.c / (C.e * kw["kc_di"])) ** 2 / (4.0 * np.pi)
    if "kc_rL" in kw:
        E = C.e * kw["kc_rL"]
    om = dispersion_modes(q, J, 1.0, rho, E, cr_response="kc_rL" in kw, hall="kc_di" in kw)["right"]
    return om.imag / (1.0 / np.sqrt(4.0 * np.pi * rho))


def linear_table():
    """{case: (measured, expected)} over :data:`Q`, in units of k_c v_A."""
    out = {}
    for label, kw in CASES.items():
        rows = [linear_growth_run(q, n_cells=64, **kw) for q in Q]
        out[label] = (
            np.array([r["measured"] for r in rows]),
            np.array([r["expected"] for r in rows]),
        )
    return out


def run(out_dir: Path, params: Parameters) -> list[Artifact]:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    out_dir = Path(out_dir)
    table = linear_table()
    errors = {}
    for label, (meas, exp) in table.items():
        grow = exp > 0.05
        errors[label] = float(np.max(np.abs(meas[grow] / exp[grow] - 1.0)))

    fig = Figure(figsize=(6.4, 4.6))
    ax = fig.subplots()
    qq = np.linspace(0.005, 0.995, 400)
    for i, (label, (meas, _exp)) in enumerate(table.items()):
        c = f"C{i}"
        ax.plot(qq, _theory_curve(qq, CASES[label]), "-", color=c, lw=1.2)
        ax.plot(Q, meas, "o", color=c, ms=5, label=f"{label}: max |err| {100 * errors[label]:.2f}%")
    ax.set(
        xlabel=r"$k/k_c$",
        ylabel=r"$\gamma/(k_c v_A)$",
        xlim=(0, 1),
        ylim=(0, 0.55),
        title="1.5D MHD (points, 64 cells/λ) vs dispersion relation (lines)",
    )
    ax.legend(fontsize=8, loc="lower center")
    fig.text(
        0.01,
        0.01,
        "Lines: Bell (2004) relation with σ of the E^-2 current and the Hall form "
        "(crescape.physics.dispersion)",
        fontsize=7,
    )
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    save_figure(fig, out_dir / "mhd_growth_rates.png", params, formats=("png",))

    # nonlinear run with a fixed current
    cfg = MHDConfig(NONLINEAR)
    ds = run_mhd(cfg, progress=False)
    ds.attrs.update({k: v for k, v in parameter_attrs(params).items() if k == "crescape_version"})
    write_netcdf(ds, out_dir / "mhd_nonlinear.nc")
    kc, vA = float(ds.attrs["k_c_cm-1"]), float(ds.attrs["v_A_cm_s"])
    tau = ds.t.values / float(ds.attrs["time_unit_s"])
    dB2 = ds.dB2.values
    # linear-phase growth of <δB²>: 2 γ_max expected (Bell 2004), fitted while 1e-4 < dB2 < 1e-2
    sel = (dB2 > 1e-4) & (dB2 < 1e-2)
    slope = float(np.polyfit(tau[sel], np.log(dB2[sel]), 1)[0]) / 2.0 if sel.sum() >= 3 else np.nan
    later = tau[dB2 > 1.0]
    t_B0 = float(later[0]) if later.size else np.nan
    kpk = ds.k_peak.values / kc
    u_perp = ds.u_perp_rms.values * 1e5 / vA

    fig = Figure(figsize=(13, 4.2))
    a1, a2, a3 = fig.subplots(1, 3)
    a1.semilogy(tau, dB2, "k-", lw=1.5, label="1.5D MHD, fixed current")
    ref = dB2[sel][0] * np.exp(2 * (tau - tau[sel][0])) if sel.any() else None
    if ref is not None:
        a1.semilogy(
            tau, ref, "C3--", lw=1, label=r"$\propto e^{2\gamma_{max}t}$, $\gamma_{max}=k_cv_A/2$"
        )
    a1.axhline(1.0, color="0.6", lw=0.8, ls=":")
    a1.set(
        xlabel=r"$t\,\gamma_{max}$",
        ylabel=r"$\langle\delta B^2\rangle/B_0^2$",
        title="Field energy",
    )
    a1.legend(fontsize=8)
    k = ds.k.values / kc
    pos = k > 0
    for j, i in enumerate(range(4, len(tau), 4)):
        a2.loglog(
            k[pos], ds.power.values[i][pos], color=f"C{j}", lw=1.2, label=f"t γ = {tau[i]:.0f}"
        )
        a2.loglog(
            -k[~pos & (k < 0)], ds.power.values[i][~pos & (k < 0)], color=f"C{j}", lw=0.8, ls=":"
        )
    a2.axvline(0.5, color="0.6", lw=0.8, ls="--")
    a2.set(
        xlabel=r"$|k|/k_c$",
        ylabel=r"$|b_k|^2/B_0^2$",
        title="Spectrum (solid: right, dotted: left helicity)",
        ylim=(1e-14, None),
    )
    a2.legend(fontsize=7, ncol=2)
    a3.semilogy(tau, u_perp, "k-", lw=1.5, label=r"rms $u_\perp$")
    a3.semilogy(tau, np.sqrt(dB2), "C0--", lw=1, label=r"$v_A\,\delta B/B_0$ (Alfvénic)")
    a3.set(xlabel=r"$t\,\gamma_{max}$", ylabel=r"$u_\perp/v_A$", title="Transverse plasma velocity")
    a3.legend(fontsize=8)
    fig.text(
        0.01,
        0.01,
        f"B0 = 1 µG, n = 1 cm^-3, J = 1e-12 statA cm^-2, 256 cells, 8 λ_c; Bell (2004) set-up; "
        f"measured γ = {slope:.3f} γ_max in the linear phase",
        fontsize=7,
    )
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    save_figure(fig, out_dir / "mhd_nonlinear.png", params, formats=("png",))

    lin_values = {f"max_rel_err[{k}]": v for k, v in errors.items()}
    nl_values = {
        "linear_phase_gamma_over_gamma_max": slope,
        "t_dB_equals_B0_growth_times": t_B0,
        "dB2_final": float(dB2[-1]),
        "k_peak_over_kc_final": float(kpk[-1]),
        "k_peak_over_kc_at_dB_B0": float(kpk[dB2 > 1.0][0]) if (dB2 > 1.0).any() else np.nan,
        "u_perp_over_vA_final": float(u_perp[-1]),
        "u_perp_over_vA_dB_final": float(u_perp[-1] / np.sqrt(dB2[-1])),
        "steps": int(ds.attrs["steps"]),
    }
    return [
        Artifact(
            "mhd_growth_rates",
            "Growth rates of seeded modes in 1.5D MHD vs the dispersion relation (cold, σ, Hall)",
            "mhd_growth_rates.png",
            lin_values,
        ),
        Artifact(
            "mhd_nonlinear_data",
            "Nonlinear 1.5D MHD run with a fixed CR current (netCDF)",
            "mhd_nonlinear.nc",
            nl_values,
        ),
        Artifact(
            "mhd_nonlinear_figure",
            "<δB²>(t), the spectrum at several times and u_⊥(t) of the fixed-current run",
            "mhd_nonlinear.png",
            {"dB2_final": float(dB2[-1])},
        ),
    ]
