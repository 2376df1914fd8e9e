"""
Fig. 1 of the paper, with a curve of one's own
==============================================

:func:`crescape.analysis.figure1.figure1` draws the paper's Fig. 1 (the Fermi-LAT
isotropic gamma-ray background, the IceCube astrophysical neutrino flux and the
Eq. (17) estimate for several overdensities δ_G) on an Axes it is given, so that
further curves go on the same axes. Here: crescape's full pp neutrino spectrum
(Kelner, Aharonian & Bugayov 2006 spectra, all flavours at Earth) for δ_G = 100.
"""

import astropy.units as u
import matplotlib.pyplot as plt
import numpy as np

from crescape.analysis.figure1 import figure1
from crescape.params import Parameters
from crescape.spectra import CGMEmission

fig, ax = plt.subplots(figsize=(8, 7), layout="constrained")
figure1(delta_G=[10, 100], ax=ax)

# %%
# The full spectrum of the same model at δ_G = 100
# ------------------------------------------------
E = np.logspace(2, 6.5, 46) * u.GeV
model = CGMEmission(Parameters.from_flat({"delta_G": 100}))
sed = model.sed(E, "nu_all")
(own,) = ax.loglog(E.value, sed.to_value("GeV cm-2 s-1 sr-1"), "k-", lw=2.5)
ax.legend([own], [r"full pp spectrum, $\delta_G$ = 100 (crescape)"], loc="upper right", fontsize=8)
