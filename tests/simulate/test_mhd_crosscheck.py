"""Optional cross-check with an independent MHD code: the ``mhd2d`` package (2.5D pseudo-spectral).

Install with ``pip install crescape[crosscheck]``; skipped when ``mhd2d`` cannot be
imported. ``mhd2d`` has no CR current: the force F = −(J/c) x̂ × δB of Bell (2004) is
added by hand to its right-hand side in Fourier space (code units B0 = ρ = v_A = 1,
Heaviside–Lorentz, so F_y = k_c B_z, F_z = −k_c B_y). Its work u·F is second order in
the amplitude and left out: the linear growth does not depend on it. The same set-up —
one right-hand eigenmode at the fastest wavenumber k = k_c/2 in a box of one wavelength,
sound speed v_A — is run with :class:`crescape.simulate.mhd.BellMHD`; both growth rates
must agree with each other and with k_c v_A/2 within 5%.
"""

from __future__ import annotations

import numpy as np
import pytest

mhd2d = pytest.importorskip(
    "mhd2d", reason="the optional cross-check needs mhd2d (pip install crescape[crosscheck])"
)

KC, K = 1.0, 0.5
GAMMA_AD = 5.0 / 3.0
NX, NY, AMP = 32, 2, 1e-6

INPUT = """&genr
   tmax = 6.0
   dtout = 0.5
   dtrms = 0.5
/
&numerical
   cfl = 0.4
   dealias_option = 1
/
&grid
   nx = {nx}
   ny = {ny}
   Lx = {lx!r}
   Ly = 1.0
/
&field
   ifield = 0
   rho0 = 1.0
   Bx0 = 1.0
   By0 = 0.0
   Bz0 = 0.0
   press0 = {p0!r}
/
&pert
   ipert = 0
/
&phys
   adiabatic_index = {gamma!r}
   if_resis = F
   if_visc = F
/
&AEB
   if_AEB = F
   radius0 = 30.0
   Ur0 = 0.0
/
&Hall
   if_Hall = F
   ion_inertial_length = 0.0
/
&output
   out_dir = out
/
"""


def _eigenmode(x):
    """(u_y + iu_z, B_y + iB_z) of the cold eigenmode, ρωu = −(B0 k − k_c) b (code units)."""
    om = 1j * np.sqrt(K * (KC - K))
    b = AMP * np.exp(1j * K * x)
    return -(K - KC) * b / om, b


def _mhd2d_growth_rate(tmp_path, monkeypatch):
    import mhd2d.mhd as solver

    monkeypatch.chdir(tmp_path)
    lx = 2.0 * np.pi / K
    (tmp_path / "bell.input").write_text(
        INPUT.format(nx=NX, ny=NY, lx=lx, p0=1.0 / GAMMA_AD, gamma=GAMMA_AD)
    )

    def init(W, params, grid):
        x = np.asarray(grid["x"])[:, None] * np.ones((1, NY))
        uc, b = _eigenmode(x)
        W[0], W[1], W[2], W[3] = 1.0, 0.0, uc.real, uc.imag
        W[4], W[5], W[6], W[7] = 1.0, b.real, b.imag, 1.0 / GAMMA_AD
        return W

    original = solver.calc_rhs

    def rhs_with_cr_force(*args, **kwargs):
        fnl = original(*args, **kwargs)
        uu_fourier = args[12]
        fnl[2] += KC * uu_fourier[6]  # F_y = k_c B_z
        fnl[3] -= KC * uu_fourier[5]  # F_z = −k_c B_y
        return fnl

    monkeypatch.setattr(solver, "calc_rhs", rhs_with_cr_force)
    mhd2d.run(input_file="bell.input", initial_condition_initializer=init)
    ts, amps = [], []
    for f in sorted((tmp_path / "out").glob("out*.dat")):
        d = np.fromfile(f, dtype=np.float64)
        uu = d[1:].reshape(8, NX, NY)
        b = (uu[5] + 1j * uu[6]).mean(axis=1)
        ts.append(d[0])
        amps.append(abs(np.fft.fft(b)[1]) / NX)
    ts, amps = np.array(ts), np.array(amps)
    assert ts.size >= 8 and ts[-1] >= 5.0
    sel = ts >= 2.0
    return float(np.polyfit(ts[sel], np.log(amps[sel]), 1)[0])


def test_growth_rate_agrees_with_mhd2d(tmp_path, monkeypatch):
    from crescape.simulate.mhd import linear_growth_run

    g_ext = _mhd2d_growth_rate(tmp_path, monkeypatch)  # units of k_c v_A (= 1 here)
    g_ours = linear_growth_run(K / KC, n_cells=64)["measured"]
    assert abs(g_ext / 0.5 - 1.0) < 0.05
    assert abs(g_ours / g_ext - 1.0) < 0.05
