"""Snapshots and the xarray Dataset of the coupled run (units and the full configuration in the attributes)."""

from __future__ import annotations

import numpy as np

from ... import constants as C

__all__ = ["snapshot", "dataset"]


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
    }
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
    }
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
    attrs.update({f"param_{k}": _attr(v) for k, v in vars(sim.params.cgs).items()})
    attrs.update({k: _attr(v) for k, v in sim.config.attrs().items()})
    for op in sim.ops:
        attrs.update({k: _attr(v) for k, v in op.attrs().items()})
    return xr.Dataset(data, coords=coords, attrs=attrs)
