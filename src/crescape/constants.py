"""Physical constants and unit conversions in cgs, written once.

Every module of crescape imports its constants from here, so that one fact
lives in one place. Values come from :mod:`astropy.constants` (CODATA 2018,
IAU 2015) converted to Gaussian cgs; the few numbers that are conventions of
Blasi & Amato (2019) are marked as such.
"""

from __future__ import annotations

import astropy.constants as _c
import astropy.units as _u

#: speed of light [cm s^-1]
c = _c.c.cgs.value
#: elementary charge [statC] (Gaussian)
e = _c.e.gauss.value
#: proton mass [g]
m_p = _c.m_p.cgs.value
#: proton rest energy [erg]
m_p_c2 = (_c.m_p * _c.c**2).to_value(_u.erg)
#: electron mass [g]
m_e = _c.m_e.cgs.value
#: electron rest energy [erg]
m_e_c2 = (_c.m_e * _c.c**2).to_value(_u.erg)
#: Boltzmann constant [erg K^-1]
k_B = _c.k_B.cgs.value
#: Thomson cross section [cm^2]
sigma_T = _c.sigma_T.cgs.value
#: Planck constant [erg s]
h_planck = _c.h.cgs.value
#: reduced Planck constant [erg s]
hbar = _c.hbar.cgs.value
#: fine-structure constant
alpha_fs = _c.alpha.value
#: classical electron radius [cm]
r_e = (_c.e.gauss**2 / (_c.m_e * _c.c**2)).to_value(_u.cm)

# unit conversions to cgs
GeV = (1 * _u.GeV).to_value(_u.erg)
TeV = (1 * _u.TeV).to_value(_u.erg)
PeV = (1 * _u.PeV).to_value(_u.erg)
eV = (1 * _u.eV).to_value(_u.erg)
kpc = (1 * _u.kpc).to_value(_u.cm)
pc = (1 * _u.pc).to_value(_u.cm)
Mpc = (1 * _u.Mpc).to_value(_u.cm)
yr = (1 * _u.yr).to_value(_u.s)
Myr = 1e6 * yr
Gyr = 1e9 * yr
km_s = 1e5
mb = 1e-27  # millibarn [cm^2]
Jy = 1e-23  # erg s^-1 cm^-2 Hz^-1

#: CMB temperature today [K] (Fixsen 2009, ApJ 707, 916)
T_cmb = 2.7255
#: radiation constant a = 4 sigma_SB / c [erg cm^-3 K^-4]
a_rad = (4 * _c.sigma_sb / _c.c).cgs.value
#: CMB energy density [erg cm^-3]
u_cmb = a_rad * T_cmb**4

__all__ = [name for name in dir() if not name.startswith("_")]
