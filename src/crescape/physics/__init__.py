"""The physics layer: pure, vectorised functions on cgs float64 arrays.

One module per topic, each function naming the equation it implements:

* :mod:`.spectrum` - the source spectrum and its normalisation Λ
* :mod:`.escape` - Eqs. (1)-(3): Galactic density, halo profile, escape flux, current
* :mod:`.instability` - Eqs. (4)-(7): instability condition, k_max, γ_max, B_th, B_*
* :mod:`.saturation` - Eqs. (8), (9), (14): saturation field, Bohm diffusion, Alfvén balance, decay of undriven turbulence
* :mod:`.transport` - Eqs. (10)-(13), (15): diffusive and advective estimates
* :mod:`.emission` - Eqs. (16)-(17): the neutrino flux estimate
* :mod:`.dispersion` - Bell's (2004) dispersion relation with the CR response: growth, band, threshold
* :mod:`.thermal` - thermal and Hall modifications of the growth
* :mod:`.validity` - where the linear theory holds: the regime map by the actual growth
* :mod:`.pp` - pp secondaries (Kelner, Aharonian & Bugayov 2006; Kafexhiu et al. 2014 cross section)
* :mod:`.oscillation` - flavour ratios at Earth from oscillation-averaged mixing
* :mod:`.gamma_absorption` - γγ pair production on the CMB
* :mod:`.cascade` - the universal spectrum of an electromagnetic cascade (Berezinsky & Smirnov 1975)
* :mod:`.synchrotron` - steady-state secondary e± and their synchrotron emission
* :mod:`.cgm_source` - the CR and gas densities of the CGM and the line-of-sight geometry
* :mod:`.potential` - gravitational potentials of the halo (NFW, Miyamoto-Nagai, bulge)
* :mod:`.cgm_profile` - density and temperature profiles of the hot halo gas
* :mod:`.cooling` - radiative cooling of the halo gas

Quantity-checked twins of the paper's formulas are in :mod:`crescape.formulary`.
"""
