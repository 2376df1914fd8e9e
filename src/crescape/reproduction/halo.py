"""Reproduction step: the CR-escape problem in the bound Milky Way halo, and its ν, γ and radio.

The escaping CRs of Eq. (3) are run with the coupled simulation
(:class:`crescape.simulate.coupled.CGMSimulation`) into MWPotential2014 (Bovy 2015, ApJS
216, 29) with the gas an isothermal atmosphere at 2e6 K through the Miller & Bregman
(2015, ApJ 800, 14) density at the halo boundary z = H, as in
``examples/simulate_milky_way_halo.toml``, to 1 Gyr on a reduced grid (:data:`HALO_RUN`;
its resolution error against 1000 cells is in docs/halo.md). The step reports:

* whether the gas is blown out or bound: the gas speed against the escape speed
  √(−2Φ), the Bernoulli parameter with the CR enthalpy
  (:func:`crescape.simulate.coupled.gravity.bernoulli`) against v_esc²/2, and the
  mass-loss rate 4πr²ρu of the spherical mapping;
* the profiles δB(r), u(r), ρ(r), P_CR(r) and n_CR(r, E);
* the all-sky ν (per flavour and all flavours), γ (CMB-absorbed) and radio intensities at
  Earth from the simulated profiles (:class:`crescape.analysis.profile_emission.ProfileEmission`,
  r = z mapping), on Fig. 1 with the data beside the paper's Eq. (17), the uniform-CGM run
  at δ_G = 100 (no gravity, the paper's picture) and the Miller & Bregman profile with the
  analytic Eq. (15) density; the γ rays against the Fermi-LAT IGRB (Ackermann et al. 2015),
  the ν against IceCube 2015 (Aartsen et al. 2015, ApJ 809, 98).
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np

from .. import constants as C
from ..params import Parameters
from ._base import Artifact, parameter_attrs, save_figure

ORDER = 55
TITLE = "The Milky Way halo: CR escape into the bound, stratified halo; its neutrinos, gamma rays and radio"

#: the reduced Milky Way run of the step (the example configuration at 500 cells)
HALO_RUN = {
    "n_cells": 500,
    "n_momenta": 48,
    "z_max": 200.0,
    "geometry": "planar_spherical",
    "t_end": 1000.0,
    "n_output": 11,
    "potential": "mw2014",
    "gas_inner": "inflow",
}
#: the gas temperature and seed field of the Milky Way case [K, G] (the example configuration)
HALO_T = 2e6
HALO_B0 = 1e-10
#: the uniform CGM run beside it: the paper's picture at the δ_G it reads as IceCube's flux
UNIFORM_DELTA_G = 100.0
UNIFORM_RUN = {"n_cells": 200, "n_momenta": 24, "z_max": 200.0, "t_end": 1000.0, "n_output": 4}
#: energies of the SEDs [GeV]
E_GAMMA_GEV = np.geomspace(0.3, 1e6, 36)
E_NU_GEV = np.geomspace(10.0, 1e6, 26)
#: radio frequencies [Hz]
NU_RADIO_HZ = np.array([4.08e8, 1.4e9, 4.8e9])
#: the radii at which the profiles are reported [kpc]
REPORT_RADII = (10.0, 20.0, 50.0)
#: the CR-filled region: P_CR above this fraction of its value in the first cell
FRONT_FRACTION = 1e-2


def halo_parameters(params: Parameters) -> Parameters:
    """``params`` with the Milky Way case: δ_G of the Miller & Bregman density at z = H, T, B0."""
    import astropy.units as u

    from ..halo import CGMProfile

    H = float(params.cgs.H)
    mb = CGMProfile(kind="miller_bregman", cgm=params.cgm)
    dG = float(mb.delta_G(H * u.cm).to_value(u.one))
    return params.replace(delta_G=dG, T=HALO_T, B0=HALO_B0)


def halo_run(params: Parameters, options: dict | None = None):
    """Run the Milky Way case (:data:`HALO_RUN` updated by ``options``); returns (sim, dataset)."""
    from ..simulate.cgm_config import SimulationConfig
    from ..simulate.coupled import CGMSimulation

    sim = CGMSimulation(
        halo_parameters(params), SimulationConfig.from_dict({**HALO_RUN, **(options or {})})
    )
    return sim, sim.run()


def uniform_run(params: Parameters, options: dict | None = None):
    """The uniform CGM run at δ_G = :data:`UNIFORM_DELTA_G`, no gravity; returns (sim, dataset)."""
    from ..simulate.cgm_config import SimulationConfig
    from ..simulate.coupled import CGMSimulation

    sim = CGMSimulation(
        params.replace(delta_G=UNIFORM_DELTA_G),
        SimulationConfig.from_dict({**UNIFORM_RUN, **(options or {})}),
    )
    return sim, sim.run()


def boundness(ds, phi_axis, gamma: float = 5.0 / 3.0) -> dict:
    """Blown out or bound: speeds, Bernoulli parameter and mass-loss rate of the last snapshot.

    Per cell: v_esc = √(−2Φ), Be = u²/2 + γP/((γ−1)ρ) + 4P_CR/ρ + Φ
    (:func:`crescape.simulate.coupled.gravity.bernoulli`), Ṁ = 4πr²ρu (the all-sky rate of
    the spherical mapping r = z). The CR-filled region is where P_CR exceeds
    :data:`FRONT_FRACTION` of the first cell's; its outer edge is the CR front.

    Verdict: "blown out" if at the CR front the gas moves out with Be > 0 and carries at
    least half the mass flux it has at 10 kpc (a wind that leaves), else "bound"
    (the gas is lifted and decelerates inside the potential).
    """
    from ..physics.potential import M_SUN
    from ..simulate.coupled.gravity import bernoulli

    z = ds["z"].values * C.kpc
    rho, u, P = (ds[k].values[-1] for k in ("rho", "u", "P_gas"))
    P_cr = ds["P_CR"].values[-1]
    phi = phi_axis(z)
    v_esc = np.sqrt(-2.0 * phi)
    be = bernoulli(rho, u, P, phi, gamma, P_cr)
    be_gas = bernoulli(rho, u, P, phi, gamma)
    mdot = 4.0 * np.pi * z**2 * rho * u / (M_SUN / C.yr)
    filled = P_cr > FRONT_FRACTION * P_cr[0]
    i_front = int(np.nonzero(filled)[0].max()) if filled.any() else 0
    i10 = int(np.argmin(np.abs(z / C.kpc - 10.0)))
    blown = bool(u[i_front] > 0 and be[i_front] > 0 and mdot[i_front] >= 0.5 * max(mdot[i10], 0.0))
    at = {}
    for rk in REPORT_RADII:
        i = int(np.argmin(np.abs(z / C.kpc - rk)))
        at[f"{rk:g}kpc"] = {
            "u_km_s": float(u[i] / 1e5),
            "v_esc_km_s": float(v_esc[i] / 1e5),
            "u_over_v_esc": float(u[i] / v_esc[i]),
            "Be_over_half_v_esc2": float(be[i] / (0.5 * v_esc[i] ** 2)),
            "Be_gas_only_over_half_v_esc2": float(be_gas[i] / (0.5 * v_esc[i] ** 2)),
            "Mdot_Msun_yr": float(mdot[i]),
            "n_cm3": float(rho[i] / C.m_p),
            "P_CR_erg_cm3": float(P_cr[i]),
            "dB_G": float(ds["dB"].values[-1][i]),
        }
    return {
        "verdict": "blown out" if blown else "bound",
        "rule": (
            "blown out if, at the CR front (P_CR = 1e-2 of the first cell's), u > 0, Be > 0 and "
            "Mdot >= 0.5 Mdot(10 kpc); bound otherwise"
        ),
        "front_kpc": float(z[i_front] / C.kpc),
        "u_front_km_s": float(u[i_front] / 1e5),
        "Be_front_over_half_v_esc2": float(be[i_front] / (0.5 * v_esc[i_front] ** 2)),
        "Mdot_front_Msun_yr": float(mdot[i_front]),
        "max_u_over_v_esc_filled": float(np.max(u[filled] / v_esc[filled]))
        if filled.any()
        else 0.0,
        "at": at,
        "_profiles": {"v_esc": v_esc, "be": be, "mdot": mdot, "phi": phi},
    }


def observables(pe, label: str) -> dict:
    """SEDs (GeV cm^-2 s^-1 sr^-1) and radio numbers of one source (a ProfileEmission)."""
    import astropy.units as u

    Eg = E_GAMMA_GEV * u.GeV
    En = E_NU_GEV * u.GeV
    out = {
        "label": label,
        "gamma": pe.sed(Eg, "gamma").value,
        "gamma_unabsorbed": pe.sed(Eg, "gamma_unabsorbed").value,
        "nu_all": pe.sed(En, "nu_all").value,
    }
    for f in ("nu_e", "nu_mu", "nu_tau"):
        out[f] = pe.sed(En, f).value
    radio = pe.radio_flux_density(NU_RADIO_HZ * u.Hz)
    out["radio_S_all_sky_Jy"] = radio["S_all_sky"].to_value(u.Jy)
    out["radio_I_mean_Jy_sr"] = radio["I_mean"].to_value(u.Jy / u.sr)
    return out


def _at(E_grid, y, E):
    return float(np.exp(np.interp(np.log(E), np.log(E_grid), np.log(np.maximum(y, 1e-300)))))


def _igrb(obs) -> dict:
    """The γ rays against the Fermi-LAT IGRB, model A: the largest ratio to the upper end of a bin."""
    from ..analysis.figure1 import fermi_series

    s = [x for x in fermi_series("A") if x.name == "fermi_igrb"][0]
    E = s.x.to_value("GeV")
    hi = s.y_hi.to_value("GeV / (cm2 s sr)")
    model = np.array([_at(E_GAMMA_GEV, obs["gamma"], e) for e in E])
    ratio = model / hi
    k = int(np.argmax(ratio))
    return {
        "max_ratio_to_igrb_upper": float(ratio[k]),
        "at_GeV": float(E[k]),
        "bins_above_igrb_upper": int(np.sum(ratio > 1.0)),
        "ratio_at_1GeV": float(_at(E, ratio, 1.0)),
        "ratio_at_100GeV": float(_at(E, ratio, 100.0)),
    }


def _icecube(obs, energies_TeV=(10.0, 30.0)) -> dict:
    """The all-flavour ν against the IceCube 2015 combined fit (all flavours), extrapolated below its range."""
    import astropy.units as u

    from ..analysis.icecube_match import measured_E2_flux
    from ..params import ValidityWarning

    out = {}
    for e in energies_TeV:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ValidityWarning)
            val = measured_E2_flux("combined_2015", e * u.TeV, "all")[0]
        m = _at(E_NU_GEV, obs["nu_all"], e * 1e3)
        out[f"{e:g}TeV"] = {
            "model": m,
            "icecube_2015_all_flavour": float(val.to_value("GeV / (cm2 s sr)")),
            "ratio": m / float(val.to_value("GeV / (cm2 s sr)")),
        }
    return out


def _figure_profiles(ds, bn, sim, params_halo, mb_profile):
    """δB, u against v_esc, ρ against Miller & Bregman, pressures, n_CR(r, E), Bernoulli and Ṁ."""
    import matplotlib
    from matplotlib.cm import ScalarMappable
    from matplotlib.colors import Normalize
    from matplotlib.figure import Figure

    from ..model import EscapeModel

    zk = ds["z"].values
    t = ds["t"].values
    fig = Figure(figsize=(14, 8.5), layout="constrained")
    axs = fig.subplots(2, 3)
    cmap = matplotlib.colormaps["viridis"]
    norm = Normalize(t[0], t[-1])
    sel = sorted({0, *range(1, len(t), 2), len(t) - 1})
    for k in sel:
        c = cmap(norm(t[k]))
        axs[0, 0].plot(zk, np.maximum(ds["dB"].values[k], 1e-13), color=c, lw=1.1)
        axs[0, 1].plot(zk, ds["u"].values[k] / 1e5, color=c, lw=1.1)
        axs[0, 2].plot(zk, ds["rho"].values[k] / C.m_p, color=c, lw=1.1)
        axs[1, 0].plot(zk, np.maximum(ds["P_CR"].values[k], 1e-20), color=c, lw=1.1)
    B_sat = float(EscapeModel.from_params(params_halo).cgs("B_sat"))
    axs[0, 0].axhline(B_sat, color="k", ls="--", lw=1, label=r"$B_{\rm sat}$, Eq. (8)")
    axs[0, 0].set(
        yscale="log", ylim=(1e-10, 3 * B_sat), xlabel="r = z [kpc]", ylabel=r"$\delta B$ [G]"
    )
    axs[0, 0].set_title(r"turbulent field $\delta B(r)$")
    v_esc = bn["_profiles"]["v_esc"] / 1e5
    axs[0, 1].plot(zk, v_esc, "k--", lw=1, label=r"$v_{\rm esc} = \sqrt{-2\Phi}$ (MWPotential2014)")
    axs[0, 1].plot(zk, 0.4 * v_esc, "k:", lw=1, label=r"$0.4\,v_{\rm esc}$")
    axs[0, 1].set(yscale="log", ylim=(1.0, 1e3), xlabel="r = z [kpc]", ylabel="u [km/s]")
    axs[0, 1].set_title("gas velocity u(r)")
    r_mb = np.geomspace(zk[0], zk[-1], 200)
    axs[0, 2].plot(
        r_mb,
        mb_profile.n_cgs(r_mb * C.kpc),
        "k--",
        lw=1,
        label="Miller & Bregman (2015) β-model",
    )
    axs[0, 2].set(
        xscale="log", yscale="log", xlabel="r = z [kpc]", ylabel=r"n = ρ/m$_p$ [cm$^{-3}$]"
    )
    axs[0, 2].set_title("gas density ρ(r)")
    axs[1, 0].plot(zk, ds["P_gas"].values[-1], "C3--", lw=1.2, label=r"$P_{\rm gas}$ (last)")
    axs[1, 0].set(
        yscale="log", ylim=(1e-17, 3e-12), xlabel="r = z [kpc]", ylabel=r"[erg cm$^{-3}$]"
    )
    axs[1, 0].set_title(r"CR pressure $P_{CR}(r)$")
    cb = fig.colorbar(
        ScalarMappable(norm=norm, cmap=cmap), ax=axs.ravel().tolist(), pad=0.01, aspect=50
    )
    cb.set_label("t [Myr] of the δB, u, ρ and P_CR profiles")
    E = ds["E"].values
    nE = ds["n_CR"].values[-1]
    for j, col in zip(
        [int(np.argmin(np.abs(np.log(E / e)))) for e in (1.0, 1e3, 1e5)],
        ("C0", "C1", "C2"),
        strict=True,
    ):
        axs[1, 1].plot(
            zk, np.maximum(E[j] ** 2 * nE[:, j], 1e-30), color=col, label=f"E = {E[j]:.3g} GeV"
        )
    axs[1, 1].set(
        yscale="log",
        ylim=(1e-16, 1e-9),
        xlabel="r = z [kpc]",
        ylabel=r"$E^2 n_{CR}$ [GeV cm$^{-3}$]",
    )
    axs[1, 1].set_title(f"CR density $n_{{CR}}(r, E)$ at {t[-1]:.0f} Myr")
    ax = axs[1, 2]
    half = 0.5 * bn["_profiles"]["v_esc"] ** 2
    ax.plot(
        zk,
        bn["_profiles"]["be"] / half,
        "C0",
        label=r"Be (gas + CR enthalpy) / ($v_{\rm esc}^2/2$)",
    )
    ax.axhline(0.0, color="0.5", lw=0.8)
    ax.axvline(
        bn["front_kpc"], color="C3", ls=":", lw=1, label=f"CR front {bn['front_kpc']:.0f} kpc"
    )
    ax.set(ylim=(-1.2, 1.5), xlabel="r = z [kpc]", ylabel=r"Be/($v_{\rm esc}^2/2$)")
    ax.set_title(f"bound or blown out at {t[-1]:.0f} Myr: {bn['verdict']}")
    ax2 = ax.twinx()
    ax2.plot(
        zk, bn["_profiles"]["mdot"], "C1--", lw=1.2, label=r"$\dot M = 4\pi r^2 \rho u$ (right)"
    )
    ax2.set_ylabel(r"$\dot M$ [M$_\odot$ yr$^{-1}$]")
    h1, l1 = ax.get_legend_handles_labels()
    h2, l2 = ax2.get_legend_handles_labels()
    ax.legend(
        h1 + h2, l1 + l2, fontsize=7.5, loc="upper center", bbox_to_anchor=(0.5, -0.13), ncol=2
    )
    for a in (axs[0, 0], axs[0, 1], axs[0, 2], axs[1, 0], axs[1, 1]):
        a.legend(fontsize=7.5, loc="best")
    for a in axs.flat:
        a.set_xscale("log")
    n = int(ds.sizes["z"])
    fig.suptitle(
        f"CR escape into the bound Milky Way halo (MWPotential2014, T = {HALO_T:.0e} K, "
        f"{n} cells × {ds.sizes['E']} momenta; Miller & Bregman density at z = H)",
        fontsize=11,
    )
    return fig


def _figure1(params, sources):
    """Fig. 1 with the data (Fermi-LAT IGRB, IceCube 2015), Eq. (17) at δ_G = 100 and the sources."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from ..analysis.figure1 import legend, plot_figure1

    fig, ax = plot_figure1(params, delta_G=(UNIFORM_DELTA_G,), flavour="all")
    ax.set_ylim(1e-13, 8e-6)
    ax.set_title(
        "Fig. 1 data (Fermi-LAT IGRB, IceCube 2015) with the Milky Way halo run, "
        "the uniform-CGM run and Eq. (17)",
        fontsize=10,
        pad=16,
    )
    for obs, col in sources:
        ax.plot(E_NU_GEV, obs["nu_all"], color=col, lw=1.8, label=f"ν all flavours: {obs['label']}")
        ax.plot(
            E_GAMMA_GEV,
            obs["gamma"],
            color=col,
            lw=1.4,
            ls="-.",
            label=f"γ (CMB-absorbed): {obs['label']}",
        )
    legend(ax)
    return fig, plt


def _figure_radio(sources):
    from matplotlib.figure import Figure

    fig = Figure(figsize=(6.4, 4.4), layout="constrained")
    ax = fig.subplots()
    for obs, col in sources:
        ax.loglog(NU_RADIO_HZ / 1e9, obs["radio_I_mean_Jy_sr"], "o-", color=col, label=obs["label"])
    arc = _arcade2(NU_RADIO_HZ)
    ax.fill_between(
        NU_RADIO_HZ / 1e9,
        arc["I"] - arc["I_err"],
        arc["I"] + arc["I_err"],
        color="0.6",
        alpha=0.5,
        label="radio excess above the CMB, ARCADE 2 (Fixsen et al. 2011), 1σ",
    )
    ax.set(
        xlabel="ν [GHz]",
        ylabel=r"sky-averaged $I_\nu$ [Jy sr$^{-1}$]",
        title="synchrotron of the secondary e± (steady state, CMB + synchrotron losses)",
    )
    ax.title.set_fontsize(9)
    ax.legend(fontsize=7.5)
    return fig


def _arcade2(nu_hz) -> dict:
    """The ARCADE 2 excess at ``nu_hz`` [Jy/sr] (:func:`crescape.data.radio_excess_intensity`)."""
    import astropy.units as u

    from ..data import radio_excess_intensity

    r = radio_excess_intensity(np.asarray(nu_hz, dtype=float) * u.Hz)
    return {k: r[k].to_value(u.Jy / u.sr) for k in ("I", "I_err")}


def run(out_dir: Path, params: Parameters) -> list[Artifact]:
    """Write halo_run.nc, halo_profiles.png, halo_figure1.{png,pdf}, halo_radio.png, halo_observables.json."""
    import matplotlib

    matplotlib.use("Agg")
    import time

    from ..analysis.profile_emission import ProfileEmission
    from ..halo import CGMProfile
    from ..model import neutrino_E2_flux
    from ..simulate.observers import write_netcdf

    out_dir = Path(out_dir)
    t0 = time.time()
    sim, ds = halo_run(params)
    wall_halo = time.time() - t0
    p_halo = sim.params
    write_netcdf(ds, out_dir / "halo_run.nc")
    bn = boundness(ds, sim.potential.phi_axis, float(ds.attrs["config.simulation.gamma"]))
    t0 = time.time()
    usim, uds = uniform_run(params)
    wall_uniform = time.time() - t0

    mb = CGMProfile(kind="miller_bregman", cgm=p_halo.cgm)
    src_halo = observables(ProfileEmission.from_dataset(ds), "bound halo run (r = z)")
    src_uni = observables(
        ProfileEmission.from_dataset(uds), f"uniform-CGM run, δ_G = {UNIFORM_DELTA_G:g}"
    )
    src_mb = observables(
        ProfileEmission.from_profile(mb, params), "Miller & Bregman profile, Eq. (15) scaled"
    )
    sources = [(src_halo, "C3"), (src_uni, "C0"), (src_mb, "C4")]
    import astropy.units as u

    eq17 = float(
        neutrino_E2_flux(params.replace(delta_G=UNIFORM_DELTA_G), 10 * u.TeV).to_value(
            "GeV / (cm2 s sr)"
        )
    )

    fig = _figure_profiles(ds, bn, sim, p_halo, mb)
    save_figure(fig, out_dir / "halo_profiles.png", p_halo, formats=("png",))
    fig, plt = _figure1(params, sources)
    paths = save_figure(fig, out_dir / "halo_figure1.png", p_halo)
    plt.close(fig)
    fig = _figure_radio(sources)
    save_figure(fig, out_dir / "halo_radio.png", p_halo, formats=("png",))

    numbers = {}
    for key, obs in (("halo", src_halo), ("uniform_run", src_uni), ("miller_bregman_eq15", src_mb)):
        numbers[key] = {
            "nu_all_10TeV": _at(E_NU_GEV, obs["nu_all"], 1e4),
            "nu_all_10TeV_over_eq17_dG100": _at(E_NU_GEV, obs["nu_all"], 1e4) / eq17,
            "nu_mu_over_nu_all_10TeV": _at(E_NU_GEV, obs["nu_mu"], 1e4)
            / _at(E_NU_GEV, obs["nu_all"], 1e4),
            "gamma_1GeV": _at(E_GAMMA_GEV, obs["gamma"], 1.0),
            "gamma_100GeV": _at(E_GAMMA_GEV, obs["gamma"], 100.0),
            "gamma_absorbed_fraction_100TeV": 1.0
            - _at(E_GAMMA_GEV, obs["gamma"], 1e5) / _at(E_GAMMA_GEV, obs["gamma_unabsorbed"], 1e5),
            "igrb": _igrb(obs),
            "icecube": _icecube(obs),
            "radio_S_all_sky_1.4GHz_Jy": float(obs["radio_S_all_sky_Jy"][1]),
            "radio_I_mean_1.4GHz_Jy_sr": float(obs["radio_I_mean_Jy_sr"][1]),
            "radio_over_arcade2_1.4GHz": float(obs["radio_I_mean_Jy_sr"][1])
            / float(_arcade2(NU_RADIO_HZ[1])["I"]),
        }
    bound = {k: v for k, v in bn.items() if not k.startswith("_")}
    run_info = {
        "delta_G_at_H": float(p_halo.cgs.delta_G),
        "cells": int(ds.sizes["z"]),
        "momenta": int(ds.sizes["E"]),
        "t_end_Myr": float(ds["t"].values[-1]),
        "steps": int(sim.step_count),
        "wall_s": round(wall_halo, 1),
        "uniform_wall_s": round(wall_uniform, 1),
        "run_valid": int(ds.attrs.get("valid", 1)),
        "budgets": {k: float(v) for k, v in sim.budgets().items()},
    }
    payload = {
        "run": run_info,
        "boundness": bound,
        "eq17_dG100_10TeV": eq17,
        "numbers": numbers,
        "sed": {
            "E_gamma_GeV": E_GAMMA_GEV.tolist(),
            "E_nu_GeV": E_NU_GEV.tolist(),
            "nu_radio_Hz": NU_RADIO_HZ.tolist(),
            **{
                key: {
                    k: (np.asarray(v).tolist() if not isinstance(v, str) else v)
                    for k, v in obs.items()
                }
                for key, (obs, _) in zip(
                    ("halo", "uniform_run", "miller_bregman_eq15"), sources, strict=True
                )
            },
        },
        "attrs": parameter_attrs(p_halo),
    }
    from ..io import atomic_write_text

    atomic_write_text(
        out_dir / "halo_observables.json", json.dumps(payload, indent=2, default=float)
    )
    h = numbers["halo"]
    return [
        Artifact(
            "halo_run",
            f"the Milky Way halo run ({run_info['cells']} cells × {run_info['momenta']} momenta to "
            f"{run_info['t_end_Myr']:.0f} Myr, δ_G = {run_info['delta_G_at_H']:.0f} at z = H, "
            f"MWPotential2014, T = {HALO_T:.0e} K): the gas is {bound['verdict']} "
            f"(u = {bound['at']['10kpc']['u_km_s']:.0f} km/s at 10 kpc, "
            f"{bound['max_u_over_v_esc_filled']:.2f} v_esc at most; CR front {bound['front_kpc']:.0f} kpc)",
            "halo_run.nc",
            {**run_info, **bound},
        ),
        Artifact(
            "halo_profiles",
            "δB(r), u(r) against v_esc, ρ(r) against Miller & Bregman, P_CR(r), n_CR(r, E), "
            "Bernoulli parameter and mass-loss rate",
            "halo_profiles.png",
            {},
        ),
        Artifact(
            "halo_figure1",
            f"Fig. 1 with the halo run's ν and γ: E²I_ν (all flavours) = {h['nu_all_10TeV']:.2g} "
            f"GeV cm⁻² s⁻¹ sr⁻¹ at 10 TeV ({h['nu_all_10TeV_over_eq17_dG100']:.2g} × Eq. (17) at "
            f"δ_G = 100, {h['icecube']['10TeV']['ratio']:.2g} × IceCube 2015); γ up to "
            f"{h['igrb']['max_ratio_to_igrb_upper']:.2g} × the IGRB's upper end (at "
            f"{h['igrb']['at_GeV']:.3g} GeV); PDF alongside",
            paths[0].name,
            {"pdf": paths[1].name, "eq17_dG100_10TeV": eq17, **numbers},
        ),
        Artifact(
            "halo_radio",
            f"radio: the halo run's secondaries give {h['radio_I_mean_1.4GHz_Jy_sr']:.2g} Jy/sr at "
            f"1.4 GHz averaged over the sky, {h['radio_over_arcade2_1.4GHz']:.2g} of the ARCADE 2 "
            "radio excess (Fixsen et al. 2011)",
            "halo_radio.png",
            {k: numbers[k]["radio_I_mean_1.4GHz_Jy_sr"] for k in numbers},
        ),
        Artifact(
            "halo_observables",
            "every number and SED of the step (JSON)",
            "halo_observables.json",
            {},
        ),
    ]
