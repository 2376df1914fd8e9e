"""The paper's chain over the CGM overdensity δ_G, with the paper's numbers beside it.

Run: python examples/chain_overdensity_scan.py
Prints ṽ_A, the fill time R_d/ṽ_A and the Eq. (17) neutrino flux for δ_G = 1 ... 1000,
and the δ_G at which ṽ_A drops to 10 km/s (the low end of the paper's 10-100 km/s).
"""

import astropy.units as u
import numpy as np

from crescape import CGM, EscapeModel


def main() -> dict:
    delta_G = np.logspace(0, 3, 7)
    m = EscapeModel(cgm=CGM(delta_G=delta_G))
    v_A = m["v_A_amplified"].to(u.km / u.s)
    fill = m["fill_time"].to(u.Myr)
    nu = m["neutrino_E2_flux"]
    print(f"B_sat (Eq. 8) = {m['B_sat'][0]:.3g}, independent of delta_G")
    print(
        f"{'delta_G':>8} {'v_A [km/s]':>11} {'R_d/v_A [Myr]':>14} {'E^2 F_nu [GeV/cm2/s/sr]':>24}"
    )
    for d, v, t, f in zip(delta_G, v_A.value, fill.value, nu.value, strict=True):
        print(f"{d:8.3g} {v:11.3g} {t:14.3g} {f:24.3g}")
    # ṽ_A ∝ δ_G^-1/2: solve ṽ_A = 10 km/s
    d10 = (m["v_A_amplified"][0].to_value(u.km / u.s) / 10.0) ** 2
    print(f"v_A = 10 km/s at delta_G = {d10:.1f}")
    return {"delta_G_at_10_km_s": d10, "v_A": v_A, "neutrino_E2_flux": nu}


if __name__ == "__main__":
    main()
