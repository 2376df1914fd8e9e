"""
A small coupled run: cosmic rays, field and gas
===============================================

:class:`crescape.simulate.coupled.CGMSimulation` evolves together the cosmic rays
escaping from the halo (Eq. 3 at the inner boundary), the field they amplify
(the nonresonant growth, saturated by the criteria of Eqs. 8 and 14) and the gas
they push (Euler equations with the cosmic-ray force); ``docs/simulation.md``
describes the scheme. This run is coarse (40 cells, 8 momenta, 20 Myr) so that it
takes seconds; ``examples/simulate_fiducial.toml`` is the full one.
"""

import matplotlib.pyplot as plt

from crescape.params import Parameters
from crescape.simulate.cgm_config import SimulationConfig
from crescape.simulate.coupled import CGMSimulation

config = SimulationConfig.from_dict(
    {"n_cells": 40, "n_momenta": 8, "z_max": "40 kpc", "E_grid_max": "1e4 GeV",
     "t_end": "20 Myr", "n_output": 4}
)  # fmt: skip
sim = CGMSimulation(Parameters.from_flat({}), config)
ds = sim.run()

# %%
# Profiles at the output times
# ----------------------------
z = ds.z.values  # the Dataset gives z in kpc and t in Myr (see each variable's attrs)
fig, axes = plt.subplots(2, 2, figsize=(8, 6), sharex=True, layout="constrained")
panels = [
    ("dB", "amplified field δB [G]", 1.0, "log"),
    ("u", "gas velocity u [km/s]", 1e-5, "linear"),
    ("rho", r"gas density $\rho$ [g cm$^{-3}$]", 1.0, "log"),
    ("P_CR", r"CR pressure [erg cm$^{-3}$]", 1.0, "log"),
]
for ax, (name, label, scale, yscale) in zip(axes.flat, panels, strict=True):
    for i, t in enumerate(ds.t.values[1:], start=1):
        ax.plot(z, ds[name].values[i] * scale, color=f"C{i - 1}", label=f"{t:.0f} Myr")
    ax.set(ylabel=label, yscale=yscale)
for ax in axes[1]:
    ax.set_xlabel("distance from the disc z [kpc]")
axes[0, 0].legend(fontsize=8)

# %%
# The budgets
# -----------
# Every transfer of energy is taken from the component that pays for it; the
# ledger closes mass, momentum, energy and the number of cosmic rays to round-off.
for key, value in sim.budgets().items():
    print(f"{key:22s} {value: .2e}")

plt.show()
