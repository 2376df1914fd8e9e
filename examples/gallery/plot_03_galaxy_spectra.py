"""
The emission of a galaxy of one's choice
========================================

:class:`crescape.spectra.CGMEmission` computes the neutrinos, gamma rays and
secondary electrons made by pp collisions of the escaped cosmic rays in the
circumgalactic gas, with the full spectra of Kelner, Aharonian & Bugayov (2006).
The intensities are sky averages seen from inside the halo, at the distance of the
Sun from the centre (``R_sun``).

Here the galaxy is chosen freely: three times the Milky Way's cosmic-ray
luminosity, a 15 kpc disc, a steeper injection spectrum and a denser
circumgalactic medium. Any parameter is a Quantity, a string with a unit or a plain
number in its documented unit (``crescape params`` lists them).
"""

import astropy.units as u
import matplotlib.pyplot as plt
import numpy as np

from crescape.params import Parameters
from crescape.spectra import CGMEmission

galaxy = Parameters.from_flat(
    {"L_CR": 3e41 * u.erg / u.s, "R_d": "15 kpc", "slope": 2.2, "delta_G": 300, "E_max": "3 PeV"}
)
model = CGMEmission(galaxy, R_sun="8 kpc")
print(f"amplified field dB = {model.delta_B:.3g} G, advection speed = {model.v_A / 1e5:.3g} km/s")

# %%
# Spectral energy distributions at the observer
# ---------------------------------------------
E = np.logspace(0, 7, 71) * u.GeV
fig, ax = plt.subplots(figsize=(6.5, 4.5), layout="constrained")
for species, label, style in [
    ("nu_all", r"$\nu+\bar\nu$, all flavours", "C0-"),
    ("nu_mu", r"$\nu_\mu+\bar\nu_\mu$", "C0--"),
    ("gamma_unabsorbed", r"$\gamma$, unabsorbed", "C3:"),
    ("gamma", r"$\gamma$, absorbed on the CMB", "C3-"),
]:
    ax.loglog(E.value, model.sed(E, species).value, style, label=label)
ax.set(
    xlabel="E [GeV]",
    ylabel=r"$E^2\,dN/dE$ [GeV cm$^{-2}$ s$^{-1}$ sr$^{-1}$]",
    ylim=(1e-12, 1e-6),
    title="pp secondaries of the circumgalactic medium (KAB06 spectra)",
)
ax.legend(fontsize=8)

# %%
# The cosmic-ray protons and the secondary electrons in the inner region
# ----------------------------------------------------------------------
print("protons   n(10 GeV) =", model.proton_density(10 * u.GeV))
print("electrons n(10 GeV) =", model.electron_density(10 * u.GeV))

plt.show()
