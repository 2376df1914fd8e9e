"""The physics layer: pure, vectorised functions on cgs float64 arrays.

One module per topic, each function naming the equation it implements:

* :mod:`.spectrum` - the source spectrum and its normalisation Λ
* :mod:`.escape` - Eqs. (1)-(3): Galactic density, halo profile, escape flux, current
* :mod:`.instability` - Eqs. (4)-(7): instability condition, k_max, γ_max, B_th, B_*
* :mod:`.saturation` - Eqs. (8), (9), (14): saturation field, Bohm diffusion, Alfvén balance
* :mod:`.transport` - Eqs. (10)-(13), (15): diffusive and advective estimates
* :mod:`.emission` - Eqs. (16)-(17): the neutrino flux estimate
"""
