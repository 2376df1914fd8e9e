"""
Fig. 1 of the paper, with a curve of one's own
==============================================

:func:`crescape.analysis.figure1.plot_figure1` draws the paper's Fig. 1 (the Fermi-LAT
isotropic gamma-ray background, the IceCube astrophysical neutrino flux and the
Eq. (17) estimate for several overdensities δ_G) and returns ``(fig, ax)``, so that
further curves go on the same axes; :func:`~crescape.analysis.figure1.legend` then
redraws the figure's one legend with them. Here: crescape's full pp neutrino spectrum
(Kelner, Aharonian & Bugayov 2006 spectra, all flavours at Earth) for δ_G = 100, and a
curve of one's own, a flat E⁻² flux.
"""

import matplotlib.pyplot as plt
import numpy as np

from crescape.analysis.figure1 import legend, plot_figure1, plot_sed
from crescape.params import Parameters
from crescape.spectra import CGMEmission

# the all-flavour reading, to match the all-flavour KAB06 curve below (the default is per flavour)
fig, ax = plot_figure1(delta_G=[10, 100], flavour="all")

# %%
# The full spectrum of the same model at δ_G = 100
# ------------------------------------------------
model = CGMEmission(Parameters.from_flat({"delta_G": 100}))
plot_sed(model, "nu_all", ax=ax, label=r"KAB06 $\nu$ spectrum, $\delta_G$ = 100 (crescape)")

# %%
# A curve of one's own
# --------------------
# Energies in GeV, E² dN/dE in GeV cm⁻² s⁻¹ sr⁻¹, the units of the figure.
E = np.geomspace(1e4, 1e7, 20)
ax.plot(E, np.full_like(E, 3e-8), "k--", lw=2, label=r"my model: $E^{-2}$, 3e-8")
legend(ax)

plt.show()
