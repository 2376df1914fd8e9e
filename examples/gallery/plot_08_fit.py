"""
A fit to IceCube with the Fermi-LAT background as an upper limit
=================================================================

:func:`crescape.fit` fits the neutrino flux of the circumgalactic cosmic rays to the
IceCube 2015 astrophysical spectrum (Aartsen et al. 2015, ApJ 809, 98), with the
gamma rays of the same pp collisions held below the Fermi-LAT isotropic background
(Ackermann et al. 2015, ApJ 799, 86); ``docs/sweeps.md`` states the likelihood.
Here δ_G and the injection slope are free, with MINOS intervals and a profile of
δ_G; ``mcmc=True`` adds an emcee posterior.
"""

import matplotlib.pyplot as plt

import crescape

result = crescape.fit(free=("delta_G", "slope"), mcmc=False, profile_points=21)
print(result.summary())

# %%
# The profile likelihood of δ_G
# -----------------------------
prof = result.profile
fig, ax = plt.subplots(figsize=(6.5, 4.5), layout="constrained")
ax.semilogx(prof["delta_G"], prof["dchi2_icecube"], "o-", label="IceCube alone")
ax.semilogx(prof["delta_G"], prof["dchi2_combined"], "s-", label="IceCube and the Fermi IGRB limit")
ax.axhline(1.0, color="k", lw=0.8, ls=":")
ax.axhline(4.0, color="k", lw=0.8, ls="--")
ax.set(
    xlabel=r"overdensity $\delta_G$",
    ylabel=r"$\Delta\chi^2$ (slope profiled)",
    ylim=(0, 30),
    title="Profile of the Eq. (17) model's overdensity",
)
ax.legend(fontsize=8)

plt.show()
