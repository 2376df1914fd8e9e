"""Reproduction step: the time-dependent solver against Eq. (10) with Bohm diffusion (Eq. 9).

CRs enter a half-space through z = 0 with the escaping flux of Eq. (3), per
momentum bin, and diffuse with the Bohm coefficient of Eq. (9) in the
saturated field of Eq. (8). The paper's Eq. (10), n(0, t) = 2φ √(t/(πD)),
is the exact surface density of this problem (Carslaw & Jaeger 1959, §2.9):
the solver must follow it, energy by energy, with the flux limiter on.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from scipy.special import erfc

from .. import constants as C
from ..model import DEFAULT_ENERGY
from ..params import Parameters
from ..physics.saturation import B_sat_escape, bohm_diffusion
from ..physics.transport import n_diffusive
from ..simulate import (
    FreeEscape,
    MomentumGrid,
    PrescribedFlux,
    SpatialGrid,
    State,
    Stepper,
    TransportOperator,
)
from ..simulate import (
    run as run_transport,
)
from ..simulate.boundaries import escape_flux_per_lnp
from ..simulate.observers import write_netcdf
from ._base import Artifact, parameter_attrs, save_figure

ORDER = 40
TITLE = "Time-dependent transport: Eq. (10) with Bohm diffusion (Eqs. 3, 8, 9)"

E_LO, E_HI, N_P = 30 * C.GeV, 3 * C.TeV, 8
Z_MAX, N_Z = 3 * C.kpc, 1000
T_END, N_OUT = 10 * C.Myr, 20


def simulate(params: Parameters):
    """Run the Eq. (10) problem; returns (dataset, D per bin [cm²/s], φ per ln p, δB [G])."""
    c = params.cgs
    # Eq. (8) at the model's evaluation energy: the same δB as ``EscapeModel().B_sat``
    E_ref = DEFAULT_ENERGY.to_value("erg")
    dB = float(
        B_sat_escape(
            E_ref, c.L_CR, c.R_d, c.slope, c.E_min, c.E_max, c.cutoff, c.E_break, c.slope_high
        )
    )
    P = MomentumGrid.from_energy(E_LO, E_HI, N_P)
    D = bohm_diffusion(P.energy, dB)  # Eq. (9)
    phi = escape_flux_per_lnp(P, params)  # Eq. (3) per ln p
    G = SpatialGrid.uniform(0.0, Z_MAX, N_Z)
    op = TransportOperator(G, P, D=D[None, :], inner=PrescribedFlux(phi), outer=FreeEscape())
    st = Stepper(op, State(np.zeros(op.shape)), theta=0.5)
    attrs = {"title": TITLE, "dB_G": dB, **parameter_attrs(params)}
    ds = run_transport(st, np.linspace(0.0, T_END, N_OUT + 1), progress=False, attrs=attrs)
    ds["D"] = ("p", D, {"units": "cm2 s-1", "long_name": "Bohm diffusion coefficient, Eq. (9)"})
    ds["phi"] = ("p", phi, {"units": "cm-2 s-1", "long_name": "escaping flux per ln p, Eq. (3)"})
    return ds, D, phi, dB


def surface_density(ds):
    """n(0, t) per ln p, linearly extrapolated from the first two cells."""
    n = ds.n.values
    return 1.5 * n[:, 0, :] - 0.5 * n[:, 1, :]


def run(out_dir: Path, params: Parameters) -> list[Artifact]:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    out_dir = Path(out_dir)
    ds, D, phi, dB = simulate(params)
    t = ds.t.values
    n0 = surface_density(ds)
    eq10 = n_diffusive(phi[None, :], D[None, :], t[:, None])
    late = t >= 1 * C.Myr
    dev = np.abs(n0[late] / eq10[late] - 1)
    z = ds.z.values
    x = z[:, None] / np.sqrt(4 * D[None, :] * t[-1])
    profile = 2 * phi * np.sqrt(t[-1] / D) * (np.exp(-(x**2)) / np.sqrt(np.pi) - x * erfc(x))
    prof_dev = np.max(np.abs(ds.n.values[-1] - profile) / profile[0])

    nc = out_dir / "transport_eq10.nc"
    write_netcdf(ds, nc)

    fig = Figure(figsize=(10, 4.2))
    ax1, ax2 = fig.subplots(1, 2)
    E_GeV = ds.E.values / C.GeV
    dEdlnp = (ds.n / ds.n_E).values[-1, 0]  # p v: per ln p -> per unit energy
    for j in range(0, N_P, 2):
        color = f"C{j // 2}"
        ax1.plot(
            t[1:] / C.Myr,
            n0[1:, j] / dEdlnp[j],
            "o",
            ms=3,
            color=color,
            label=f"solver, E = {E_GeV[j]:.0f} GeV",
        )
        ax1.plot(t[1:] / C.Myr, eq10[1:, j] / dEdlnp[j], "-", color=color, lw=1)
        ax2.plot(
            z / C.kpc,
            ds.n.values[-1][:, j] / profile[0, j],
            color=color,
            lw=1.5,
            label=f"{E_GeV[j]:.0f} GeV",
        )
        ax2.plot(z / C.kpc, profile[:, j] / profile[0, j], "k:", lw=1)
    ax1.set(
        xscale="log",
        yscale="log",
        xlabel="t [Myr]",
        ylabel=r"$n(0,t)$ [cm$^{-3}$ erg$^{-1}$]",
        title="Surface density: points solver, lines Eq. (10)",
    )
    ax1.legend(fontsize=7)
    ax2.set(
        xlim=(0, 1.5),
        xlabel="z [kpc]",
        ylabel=r"$n(z, t_{end}) / n_{exact}(0, t_{end})$",
        title=f"Profiles at t = {t[-1] / C.Myr:.0f} Myr (dotted: exact)",
    )
    ax2.legend(fontsize=7)
    fig.text(
        0.01,
        0.01,
        f"Blasi & Amato (2019) Eqs. (3), (8)-(10); Bohm D in dB = {dB:.2e} G; flux-limited, Crank-Nicolson",
        fontsize=7,
    )
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    save_figure(fig, out_dir / "transport_eq10.png", params, formats=("png",))

    values = {
        "max_rel_dev_n0_vs_eq10_after_1Myr": float(dev.max()),
        "max_dev_profile_over_n0": float(prof_dev),
        "dB_G": dB,
        "D_min_cm2_s": float(D.min()),
        "D_max_cm2_s": float(D.max()),
        "steps": int(ds.attrs["steps"]),
    }
    return [
        Artifact(
            "transport_eq10_data",
            "Solver output (netCDF) for the Eq. (10) half-space problem",
            "transport_eq10.nc",
            values,
        ),
        Artifact(
            "transport_eq10_figure",
            "n(0,t) of the solver vs Eq. (10), and the profiles vs the exact solution",
            "transport_eq10.png",
            {"max_rel_dev_n0_vs_eq10_after_1Myr": float(dev.max())},
        ),
    ]
