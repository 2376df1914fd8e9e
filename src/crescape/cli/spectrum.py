"""``crescape spectrum``: γ-ray, neutrino and e± spectra of the CGM (see :mod:`crescape.spectra`).

``--profile NAME|FILE.ecsv`` (with ``--profile-set KEY=VALUE`` and ``--field``) gives the
spectra of a CGM gas profile (:func:`crescape.halo.parse_profile`).
"""

from __future__ import annotations

import argparse
import csv
import sys

import astropy.units as u
import numpy as np

from .. import constants as C
from ..halo import parse_profile
from ..params import ParameterError, parse_set
from ..spectra import SPECIES_AT_EARTH, CGMEmission
from ._common import CLIError, add_param_args, params_from_args, print_json

#: species accepted on the command line: those at Earth plus 'e' (the e± production rate)
SPECIES = (*SPECIES_AT_EARTH, "e")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "spectrum",
        help="γ-ray, neutrino and e± spectra from pp collisions in the CGM",
        description="Sky-averaged E² dN/dE at Earth [GeV cm^-2 s^-1 sr^-1] for neutrinos "
        "(ν+ν̄ per flavour after oscillations, or all flavours) and γ rays (absorbed on the "
        "CMB); for 'e' the e± production rate E² q in the inner CGM [GeV cm^-3 s^-1]. "
        "KAB06 spectra above 0.1 TeV, their δ-function approximation below.",
    )
    p.add_argument(
        "--species",
        default="nu_mu,nu_all,gamma",
        help=f"comma-separated list from {', '.join(SPECIES)} (default nu_mu,nu_all,gamma)",
    )
    p.add_argument(
        "--delta-G",
        dest="delta_G",
        type=float,
        default=None,
        help="CGM overdensity δ_G (same as --set delta_G=...)",
    )
    p.add_argument("--emin", default="1 GeV", help="lowest energy (default 1 GeV)")
    p.add_argument("--emax", default="10 PeV", help="highest energy (default 10 PeV)")
    p.add_argument("--num", type=int, default=41, help="number of log-spaced energies (default 41)")
    p.add_argument(
        "--sigma",
        default="KAB06",
        choices=("KAB06", "Kafexhiu14"),
        help="inelastic pp cross section (default KAB06)",
    )
    p.add_argument(
        "--profile",
        metavar="NAME|FILE.ecsv",
        default=None,
        help="CGM gas profile: uniform, miller_bregman, beta, hydrostatic, polytropic, or an "
        "ECSV table (columns r, n, T with units); default: the uniform CGM of delta_G",
    )
    p.add_argument(
        "--profile-set",
        metavar="KEY=VALUE",
        action="append",
        default=[],
        help="an option of the profile or of its potential, e.g. --profile-set 'n_ref=1e-3' "
        "--profile-set 'r_ref=10 kpc' (repeatable; see crescape.halo.PROFILE_SPECS)",
    )
    p.add_argument(
        "--field",
        default="planar",
        choices=("planar", "local"),
        help="with --profile: the field in the Alfvén speed, the planar Eq. (8) field "
        "(the paper's convention, default) or that of the diluted local flux",
    )
    add_field_energy_arg(p)
    p.add_argument(
        "--r-out",
        dest="r_out",
        default=None,
        help="outer radius of the halo (default 10 R_d; plain numbers in kpc)",
    )
    add_param_args(p)
    p.add_argument("--csv", action="store_true", help="print CSV")
    p.set_defaults(func=run)


def add_field_energy_arg(p: argparse.ArgumentParser) -> None:
    """The ``--field-energy`` option (of ``crescape spectrum`` and ``crescape fit``)."""
    p.add_argument(
        "--field-energy",
        dest="field_energy",
        default="peak",
        metavar="peak|ENERGY",
        help="energy at which the saturated field of Eq. (8) sets the advection speed: 'peak' "
        "(default; where E^2 phi of the escaping spectrum peaks: E_min for s >= 2, E_break "
        "for s < 2 < s2) or an energy, e.g. '1 GeV' (plain numbers in GeV)",
    )


def field_energy_arg(text: str) -> str | u.Quantity:
    """``--field-energy``: 'peak' or an energy Quantity (plain numbers in GeV)."""
    if text.strip() == "peak":
        return "peak"
    try:
        q = _energy(text, "field-energy")
    except ParameterError:
        q = None
    if q is None or not (0 < q.value < np.inf):
        raise ParameterError(
            f"field-energy = {text!r} is not allowed: must be 'peak' or a finite energy > 0 "
            "(e.g. '1 GeV')"
        )
    return q


def _energy(text: str, name: str) -> u.Quantity:
    try:
        q = u.Quantity(text)
        return q.to(u.GeV) if q.unit != u.dimensionless_unscaled else q.value * u.GeV
    except (TypeError, ValueError, u.UnitConversionError):
        raise ParameterError(f"{name} = {text!r} is not an energy (e.g. '1 TeV')") from None


def run(args: argparse.Namespace) -> int:
    params, _ = params_from_args(args)
    if args.delta_G is not None:
        params = params.replace(delta_G=args.delta_G)
    species = [s.strip() for s in args.species.split(",") if s.strip()]
    bad = [s for s in species if s not in SPECIES]
    if bad or not species:
        raise ParameterError(
            f"species = {','.join(bad) or args.species!r} is not allowed: "
            f"must be a comma-separated list from {', '.join(SPECIES)}"
        )
    if not 2 <= args.num <= 10000:
        raise ParameterError(f"num = {args.num} is not allowed: must be between 2 and 10000")
    e_lo, e_hi = _energy(args.emin, "emin"), _energy(args.emax, "emax")
    if not (0 < e_lo.value < e_hi.value < np.inf):
        raise ParameterError(
            f"emin = {args.emin} and emax = {args.emax} are not allowed: need 0 < emin < emax, "
            "both finite"
        )
    if args.json and args.csv:
        raise CLIError("--json and --csv are exclusive")
    profile = None
    if args.profile is not None:
        profile = parse_profile(args.profile, parse_set(args.profile_set), params.cgm)
        if "e" in species:
            raise ParameterError(
                "species = 'e' is not allowed with --profile: the e± production rate varies "
                "with r (use the sky-averaged species)"
            )
    elif args.profile_set:
        raise CLIError("--profile-set needs --profile")
    elif args.field != "planar":
        raise CLIError(f"--field {args.field} needs --profile (e.g. --profile uniform)")
    model = CGMEmission(
        params,
        sigma_model=args.sigma,
        R_out=args.r_out,
        profile=profile,
        field=args.field,
        E_ref=field_energy_arg(args.field_energy),
    )
    E = np.geomspace(e_lo.value, e_hi.value, args.num) * u.GeV
    cols = {}
    units = {}
    for s in species:
        if s == "e":
            q = (E**2 * model.emissivity(E, "e")).to("GeV / (cm3 s)")
        else:
            q = model.sed(E, s)
        cols[s] = q.value
        units[s] = q.unit.to_string()
    if args.json:
        print_json(
            {
                "energy_GeV": E.value,
                "E2_dN_dE": cols,
                "units": units,
                "convention": "nu_e/nu_mu/nu_tau: nu+nubar of one flavour at Earth; nu_all: all flavours; "
                "gamma: absorbed on the CMB; e: e+ + e- production rate in the inner CGM",
                "parameters": params.as_dict(),
                "sigma_model": args.sigma,
                "v_A_km_s": model.v_A / 1e5,
                "delta_B_G": model.delta_B,
                "field_energy": model.field_energy,
                "field_energy_GeV": model.E_ref / C.GeV,
                "profile": None if profile is None else profile.as_dict(),
                "field": args.field if profile is not None else None,
                "R_out_kpc": model.geometry.R_out / C.kpc,
                "equivalent_delta_G": model.equivalent_delta_G,
            }
        )
        return 0
    if args.csv:
        w = csv.writer(sys.stdout)
        w.writerow(["E_GeV", *[f"{s} [{units[s]}]" for s in species]])
        for i, e in enumerate(E.value):
            w.writerow([f"{e:.6g}", *[f"{cols[s][i]:.6g}" for s in species]])
        return 0
    p = params.as_dict()
    gas = (
        f"delta_G = {p['delta_G']:g}"
        if profile is None
        else f"profile = {args.profile} ({args.field} field)"
    )
    print(
        f"crescape spectrum: {gas}, slope = {p['slope']:g}, "
        f"E_max = {p['E_max']:g} GeV ({p['cutoff']}), sigma = {args.sigma}; field of Eq. (8) "
        f"at {model.E_ref / C.GeV:g} GeV ({model.field_energy}); E² dN/dE"
    )
    print(f"{'E [GeV]':>12} " + " ".join(f"{s:>12}" for s in species))
    for i, e in enumerate(E.value):
        print(f"{e:12.4g} " + " ".join(f"{cols[s][i]:12.4g}" for s in species))
    print("units: " + "; ".join(f"{s}: {units[s]}" for s in species))
    return 0
