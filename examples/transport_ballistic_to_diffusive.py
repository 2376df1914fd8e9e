"""Ballistic escape, then self-generated Bohm diffusion: the surface density jumps to Eq. (10).

CRs of 100 GeV leave the halo with the escaping flux of Eq. (3). Until t_grow
the field is weak and the mean free path is huge (D = 1e33 cm²/s), so the
flux-limited transport is ballistic and the density at the halo surface is
about 2φ/v: the Levermore–Pomraning limiter behaves like an outgoing
half-isotropic distribution (flux v n/2). A collimated beam would give φ/v;
the paper's estimate from D∇n = (c/3)n is 3φ/c. At t_grow the field jumps to B_sat of Eq. (8) and D becomes the Bohm
coefficient of Eq. (9): the surface density then grows as 2φ√((t − t_grow)/(πD)),
Eq. (10), and is orders of magnitude above the ballistic value.

Run: ``python examples/transport_ballistic_to_diffusive.py [--out FIG.png]``.
"""

from __future__ import annotations

import argparse
import math

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


def main(out: str | None = None, n_z: int = 400, progress: bool = False) -> dict:
    params = Parameters.from_flat({})
    c = params.cgs
    dB = float(B_sat_luminosity(c.L_CR, c.R_d, math.log(c.E_max / c.E_min)))  # Eq. (8)
    P = MomentumGrid.from_energy(100 * C.GeV, 110 * C.GeV, 1)
    phi = escape_flux_per_lnp(P, params)  # Eq. (3) per ln p
    D_bohm = float(bohm_diffusion(P.energy, dB)[0])  # Eq. (9)
    t_grow = 0.1 * C.Myr

    def D(z, p, t):
        return np.where(t < t_grow, 1e33, D_bohm) + 0 * z * p

    G = SpatialGrid.uniform(0.0, 1 * C.kpc, n_z)
    op = TransportOperator(
        G, P, D=D, inner=PrescribedFlux(phi), outer=FreeEscape(), adiabatic=False
    )
    st = Stepper(op, State(np.zeros(op.shape)), theta=0.5)
    times = np.concatenate([np.linspace(0.02, 0.1, 5), 0.1 + np.geomspace(0.05, 3.0, 12)]) * C.Myr
    ds = run(st, times, progress=progress)
    g = ds.n.values[:, :, 0]
    n0 = 1.5 * g[:, 0] - 0.5 * g[:, 1]
    t = ds.t.values
    v = P.velocity[0]
    ballistic = n0[t <= t_grow]
    after = t > t_grow
    eq10 = n_diffusive(phi[0], D_bohm, t[after] - t_grow)
    result = {
        "n0_ballistic_over_phi_v": float(ballistic[-1] / (phi[0] / v)),
        "n0_over_eq10_last": float(n0[after][-1] / eq10[-1]),
        "enhancement_over_ballistic": float(n0[-1] / ballistic[-1]),
        "D_bohm": D_bohm,
        "dB": dB,
    }
    if out:
        import matplotlib

        matplotlib.use("Agg")
        from matplotlib.figure import Figure

        fig = Figure(figsize=(6, 4))
        ax = fig.subplots()
        ax.loglog(t / C.Myr, n0 / (phi[0] / v), "o", ms=4, label="solver (flux-limited)")
        ax.loglog(t[after] / C.Myr, eq10 / (phi[0] / v), "-", label="Eq. (10) from t_grow")
        ax.axhline(1.0, color="k", ls=":", label=r"$\phi/v$ (collimated beam)")
        ax.axhline(2.0, color="k", ls="-.", lw=0.8, label=r"$2\phi/v$ (half-isotropic)")
        ax.axhline(3.0, color="gray", ls="--", label=r"$3\phi/c$ (paper, isotropic)")
        ax.axvline(t_grow / C.Myr, color="r", lw=0.8)
        ax.set(
            xlabel="t [Myr]",
            ylabel=r"$n(0,t)\,/\,(\phi/v)$",
            title="100 GeV: ballistic, then Bohm diffusion (Eqs. 3, 8-10)",
        )
        ax.legend(fontsize=8)
        fig.tight_layout()
        fig.savefig(out, dpi=120)
    return result


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=None, help="figure file (PNG)")
    args = ap.parse_args()
    for k, v in main(args.out, progress=True).items():
        print(f"{k:32s} {v:.4g}")
