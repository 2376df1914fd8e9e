"""
A dispersion curve of the nonresonant instability
=================================================

The growth rate of Bell's nonresonant mode as a function of the wavenumber, with
the response of the cosmic rays that carry the current (Bell 2004, Eq. 11, with his
σ averaged over a power-law current spectrum; ``docs/dispersion.md``).
:func:`crescape.physics.dispersion.growth_curve` gives Im ω/(k_c v_A) against
q = k/k_c for ζ = k_c r_L, the distance above threshold. Without the cosmic-ray
response (ζ → ∞) the curve is √(q(1 − q)), maximal at q = 1/2: the γ_max of the
paper's Eq. (7) up to the factor 1/2.
"""

import matplotlib.pyplot as plt
import numpy as np

from crescape.physics.dispersion import critical_kc_rL, fastest_mode, growth_curve

q = np.logspace(-4, 0.2, 400)
fig, ax = plt.subplots(figsize=(6.5, 4.5), layout="constrained")
ax.plot(q, np.sqrt(np.clip(q * (1 - q), 0, None)), "k:", label=r"no CR response, $\sqrt{q(1-q)}$")
for zeta in (1e4, 1e2, 10.0, 3.0):
    ax.plot(q, growth_curve(q, zeta, slope=2.0), label=rf"$\zeta = k_c r_L$ = {zeta:g}")
ax.set(
    xscale="log",
    xlabel=r"$q = k/k_c$",
    ylabel=r"$\mathrm{Im}\,\omega / (k_c v_A)$",
    ylim=(0, 0.55),
    title=r"Nonresonant growth, $dJ/dE \propto E^{-2}$ (Bell 2004, Eq. 11)",
)
ax.legend(fontsize=8)

# %%
# The fastest mode and the threshold
# ----------------------------------
# The instability needs ζ above a critical value (for s = 2 it replaces the
# condition k_max r_L > 1 of the paper's Eq. 4).
for zeta in (1e4, 1e2, 10.0, 3.0):
    q_max, g_max = fastest_mode(zeta, slope=2.0)
    print(
        f"zeta = {zeta:6g}: fastest growth at k/k_c = {float(q_max):.3f}, gamma/(k_c v_A) = {float(g_max):.3f}"
    )
print(f"critical zeta for s = 2: {critical_kc_rL(2.0):.3f}")

plt.show()
