"""
A transport run against Eq. (10)
================================

Cosmic rays enter a half-space through z = 0 with the escaping flux of Eq. (3), one
value per momentum bin, and diffuse with the Bohm coefficient of Eq. (9) in the
saturated field of Eq. (8). The paper's Eq. (10), n(0, t) = 2φ √(t/(πD)), is the
exact surface density of this problem (Carslaw & Jaeger 1959, §2.9).

The run is assembled from the parts of :mod:`crescape.simulate`: a spatial grid, a
momentum grid, the transport operator with its boundaries, a stepper and
:func:`crescape.simulate.run`, which returns an xarray Dataset. The same run is
``crescape transport examples/transport_eq10.toml`` on the command line.
"""

import math

import matplotlib.pyplot as plt
import numpy as np

from crescape import constants as C
from crescape.params import Parameters
from crescape.physics.saturation import B_sat_luminosity, bohm_diffusion
from crescape.physics.transport import n_diffusive
from crescape.simulate import (
    FreeEscape,
    MomentumGrid,
    PrescribedFlux,
    SpatialGrid,
    State,
    Stepper,
    TransportOperator,
    escape_flux_per_lnp,
    run,
)

params = Parameters.from_flat({})  # the paper's Milky Way
c = params.cgs
dB = float(B_sat_luminosity(c.L_CR, c.R_d, math.log(c.E_max / c.E_min)))  # Eq. (8)
P = MomentumGrid.from_energy(30 * C.GeV, 3 * C.TeV, 4)
D = bohm_diffusion(P.energy, dB)  # Eq. (9), one value per momentum bin
phi = escape_flux_per_lnp(P, params)  # Eq. (3) per ln p

grid = SpatialGrid.uniform(0.0, 1 * C.kpc, 300)
op = TransportOperator(grid, P, D=D[None, :], inner=PrescribedFlux(phi), outer=FreeEscape())
stepper = Stepper(op, State(np.zeros(op.shape)), theta=0.5)
ds = run(stepper, np.linspace(0.0, 3 * C.Myr, 7))
print(ds)

# %%
# The surface density against Eq. (10)
# ------------------------------------
t = ds.t.values[1:]
n0 = (1.5 * ds.n.values[:, 0, :] - 0.5 * ds.n.values[:, 1, :])[1:]  # extrapolated to z = 0
eq10 = n_diffusive(phi[None, :], D[None, :], t[:, None])
fig, ax = plt.subplots(figsize=(6.5, 4.5), layout="constrained")
for j, E in enumerate(P.energy / C.GeV):
    ax.loglog(t / C.Myr, n0[:, j], "o", color=f"C{j}", label=f"solver, {E:.0f} GeV")
    ax.loglog(t / C.Myr, eq10[:, j], "-", color=f"C{j}", lw=1)
ax.set(
    xlabel="t [Myr]",
    ylabel=r"$n(0, t)$ per $\ln p$ [cm$^{-3}$]",
    title="Points: the solver; lines: Eq. (10)",
)
ax.legend(fontsize=8)
print(
    "largest deviation from Eq. (10) after 1 Myr:",
    np.max(np.abs(n0[t > C.Myr] / eq10[t > C.Myr] - 1)),
)

plt.show()
