"""Snapshots and the xarray Dataset of the coupled run (units and the full configuration in the attributes)."""

from __future__ import annotations

import numpy as np

from ... import constants as C

__all__ = ["snapshot", "dataset", "profile_fluxes"]


def snapshot(sim) -> dict:
    """The fields at the current time (cgs arrays), the ledger and the budgets."""
    J, N, FE = sim.currents()
    s, aux = sim.state.gas, sim.state.aux
    n = sim.grid.n
    out = {
        "t": sim.t,
        "dB": sim.dB.copy(),
        "u": s.u.copy(),
        "rho": s.rho.copy(),
        "P_gas": sim.solver.pressure(s),
        "P_CR": sim.cr_pressure(),
        "n_CR": sim.g / sim.pgrid.dE_dlnp()[None, :],
        "D": sim.D(),
        "J": J,
        "F_E": FE,
        "gamma": np.array(aux.get("gamma", np.zeros(n))),
        "cap_index": np.array(aux.get("cap_index", np.full(n, -1))),
        "field_status": np.array(aux.get("status", np.full(n, len(sim.status_names) - 2))),
        "cr_edge_loss": sim.edge_loss_rate(),
    }
    if getattr(sim, "streaming", None) is not None:
        out["streaming_heating"] = sim.streaming.heating_rate(sim.state)
    b = sim.budgets()
    out.update({f"budget_{k}": v for k, v in b.items()})
    out.update({f"total_{k}": v for k, v in sim.totals().items()})
    out.update({f"ledger_{k}": v for k, v in sim.ledger.flat().items()})
    return out


def _attr(v):
    if isinstance(v, bool | np.bool_):
        return int(v)
    if isinstance(v, int | float | str | np.integer | np.floating):
        return v
    return str(v)


def dataset(sim, snaps):
    """The snapshots as an xarray Dataset."""
    import xarray as xr

    G, P = sim.grid, sim.pgrid
    t = np.array([float(s["t"]) for s in snaps])
    stack = lambda k: np.stack([np.asarray(s[k]) for s in snaps])  # noqa: E731
    coords = {
        "t": ("t", t / C.Myr, {"units": "Myr"}),
        "z": ("z", G.centres / C.kpc, {"units": "kpc"}),
        "E": ("E", P.energy / C.GeV, {"units": "GeV"}),
        "status": ("status", sim.status_names),
    }
    meta = {
        "dB": ("G", "turbulent field δB"),
        "u": ("cm s-1", "gas velocity"),
        "rho": ("g cm-3", "gas density"),
        "P_gas": ("erg cm-3", "gas pressure"),
        "P_CR": ("erg cm-3", "CR pressure"),
        "J": ("statA cm-2", "gas-frame CR current above E_J"),
        "F_E": ("erg cm-2 s-1", "gas-frame CR energy flux above E_J"),
        "gamma": ("s-1", "growth rate"),
        "cap_index": ("", "index in sim_criteria of the smallest cap (-1: not driven)"),
        "field_status": ("", "field status in the last step: index in the status coordinate"),
        "cr_edge_loss": (
            "erg cm-3 s-1",
            "CR energy lost through the momentum-grid edges, mean since the previous snapshot",
        ),
    }
    if "streaming_heating" in snaps[0]:
        meta["streaming_heating"] = ("erg cm-3 s-1", "CR streaming heating v_A|∇P_CR| of the gas")
    data = {
        k: (("t", "z"), stack(k), {"units": un, "long_name": ln}) for k, (un, ln) in meta.items()
    }
    data["n_CR"] = (
        ("t", "z", "E"),
        stack("n_CR") * C.GeV,
        {"units": "GeV-1 cm-3", "long_name": "CR density per energy"},
    )
    data["D"] = (
        ("t", "z", "E"),
        stack("D"),
        {"units": "cm2 s-1", "long_name": "diffusion coefficient"},
    )
    keys = sorted({k for s in snaps for k in s if k.startswith(("budget_", "total_", "ledger_"))})
    for k in keys:
        data[k] = (("t",), np.array([float(s.get(k, np.nan)) for s in snaps]), {})
    h = sim.status_history()
    data["status_time"] = (
        ("status", "z"),
        sim.status_time / C.Myr,
        {"units": "Myr", "long_name": "time spent by each cell in each field status"},
    )
    data["history_inner_status"] = (
        ("step",),
        h["inner"],
        {"long_name": "field status of the first cell"},
    )
    data["history_cells"] = (
        ("step", "status"),
        h["cells"],
        {"long_name": "cells in each field status"},
    )
    data["history_t"] = (("step",), h["t"] / C.Myr, {"units": "Myr"})
    attrs = {
        "title": "crescape coupled circumgalactic run",
        "E_J_GeV": sim.E_J / C.GeV,
        "steps": sim.step_count,
        "rho0_g_cm3": sim.rho0,
        "P0_erg_cm3": sim.P0,
        "B0_G": sim.B0,
        "splitting": "lie: " + ", ".join(op.name for op in sim.ops),
    }
    attrs.update({k: _attr(v) for k, v in sim.params.as_attrs().items()})
    attrs.update({k: _attr(v) for k, v in sim.config.attrs().items()})
    for op in sim.ops:
        attrs.update({k: _attr(v) for k, v in op.attrs().items()})
    return xr.Dataset(data, coords=coords, attrs=attrs)


def profile_fluxes(ds, mass: float = C.m_p):
    """Mass, momentum and energy fluxes on the faces between cells, from the saved profiles only.

    A check of a (statistically) steady planar run that does not use the scheme's own
    face fluxes: the fluxes of the two-fluid (gas + CRs) equations with the transverse
    field (McKenzie & Völk 1982, A&A 116, 191; Ipavich 1975, ApJ 196, 107, for the CR
    energy flux),

        mass      ρu,
        momentum  ρu² + P + P_CR + δB²/8π,
        energy    ρu(u²/2 + γP/((γ−1)ρ)) + 2u δB²/8π + u(E_CR + P_CR) − Σ_E E D ∂n/∂z,

    with E_CR, P_CR and the diffusive flux summed over the energy bins of ``n_CR``, face
    values the mean of the two cells and ∂n/∂z the centred difference. In a steady planar
    flow all three are constant along z (gas + CR + field energy: the CR work on the gas and
    the field growth are exchanges inside a cell), the energy flux once the energy of the
    CRs that leave the momentum grid (adiabatic losses through its edges, ``cr_edge_loss``)
    is added back: ``energy`` includes ∫ cr_edge_loss dz from the first cell's centre
    (planar geometry).

    Parameters
    ----------
    ds : xarray.Dataset
        Output of the coupled run (:meth:`CGMSimulation.run`).
    mass : float
        CR particle mass [g] (protons).

    Returns
    -------
    dict
        ``z_face`` [kpc] (n_z − 1,) and ``mass`` [g cm^-2 s^-1], ``momentum``
        [dyn cm^-2], ``energy`` [erg cm^-2 s^-1], each (n_t, n_z − 1).
    """
    if int(ds.attrs.get("sim_isothermal", 0)):
        raise ValueError(
            "profile_fluxes: the energy flux needs an adiabatic run (sim_isothermal = 0)"
        )
    gam = float(ds.attrs["config.simulation.gamma"])
    z = ds["z"].values * C.kpc
    E = ds["E"].values * C.GeV
    dlnp = float(np.diff(np.log(np.sqrt(E**2 - (mass * C.c**2) ** 2)))[0]) if E.size > 1 else 1.0
    pv = (E**2 - (mass * C.c**2) ** 2) / E  # p v = p²c²/E
    face = lambda x: 0.5 * (x[:, 1:] + x[:, :-1])  # noqa: E731
    rho, u, P = ds["rho"].values, ds["u"].values, ds["P_gas"].values
    W = ds["dB"].values ** 2 / (8.0 * np.pi)
    g = ds["n_CR"].values / C.GeV * pv  # number per ln p and cm^3
    E_cr = g @ (E * dlnp)
    P_cr = g @ (pv / 3.0 * dlnp)
    D = ds["D"].values
    grad = np.diff(g, axis=1) / np.diff(z)[None, :, None]
    F_diff = -(0.5 * (D[:, 1:] + D[:, :-1]) * grad) @ (E * dlnp)
    if "cr_edge_loss" in ds:  # the edge loss of each cell, cumulated up to the face
        zf = np.concatenate([[z[0]], 0.5 * (z[1:] + z[:-1]), [z[-1]]])
        lost = np.cumsum(ds["cr_edge_loss"].values * np.diff(zf)[None, :], axis=1)[:, :-1]
    else:
        lost = 0.0
    return {
        "z_face": 0.5 * (z[1:] + z[:-1]) / C.kpc,
        "mass": face(rho * u),
        "momentum": face(rho * u**2 + P + P_cr + W),
        "energy": face(
            rho * u**3 / 2.0 + gam / (gam - 1.0) * P * u + 2.0 * u * W + u * (E_cr + P_cr)
        )
        + F_diff
        + lost,
    }
