"""
The paper's chain, Eqs. (1)-(17)
================================

:class:`crescape.model.EscapeModel` evaluates every step of Blasi & Amato (2019) for
one parameter set: the escaping flux and current (Eqs. 1-3), the growth of the
nonresonant instability (Eqs. 4-7), the saturated field (Eq. 8), Bohm diffusion and
the advection at the Alfvén speed (Eqs. 9-15) and the neutrino flux (Eqs. 16-17).
:func:`crescape.paper.audit` sets each number the paper prints beside crescape's.
"""

import matplotlib.pyplot as plt
import numpy as np

from crescape import CGM, EscapeModel
from crescape.paper import audit

m = EscapeModel()  # the paper's Milky Way: L_CR = 1e41 erg/s, R_d = 10 kpc, delta_G = 1
print("B_sat (Eq. 8)          =", m["B_sat"])
print("advection speed        =", m["v_A_amplified"].to("km/s"))
print("E^2 F_nu (Eq. 17)      =", m["neutrino_E2_flux"])

# %%
# The paper's numbers, crescape's and their ratio
# -----------------------------------------------
claims = audit()
print(f"{'equation':14s} {'quantity':18s} {'paper':>10s} {'crescape':>10s} {'ratio':>6s}  unit")
for c in claims:
    print(
        f"{c.equation:14s} {c.id:18s} {c.paper:10.3g} {c.crescape:10.3g} {c.ratio:6.3f}  {c.unit}"
    )

# %%
# The chain over the overdensity of the circumgalactic gas
# --------------------------------------------------------
# Every parameter may be an array; the chain broadcasts.
delta_G = np.logspace(0, 3, 61)
scan = EscapeModel(cgm=CGM(delta_G=delta_G))
fig, ax = plt.subplots(figsize=(6, 4))
ax.loglog(delta_G, scan["neutrino_E2_flux"].value, label=r"$E^2F_\nu$, Eq. (17)")
ax.set(
    xlabel=r"overdensity $\delta_G$",
    ylabel=r"$E^2F_\nu$ [GeV cm$^{-2}$ s$^{-1}$ sr$^{-1}$]",
    title="Eq. (17) grows as $\\delta_G^{3/2}$",
)
ax.legend()
fig.tight_layout()

plt.show()
