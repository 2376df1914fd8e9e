"""Regenerate the shipped ECSV files from the published-data CSV files.

The ECSV files in ``crescape/data/files/`` are made by this module from the
CSV files of the project's reference-data folder (``shared/data``), whose
comment blocks give the source, units and flux convention of every number.
Run it again only when a source file changes::

    python -m crescape.data._build /path/to/shared/data

The numbers are copied, not recomputed: the only changes are the decimal
scale factors written in the source headers (IceCube fluxes given "in units of
1e-8 GeV cm^-2 s^-1 sr^-1" are stored in GeV cm^-2 s^-1 sr^-1, with the
multiplication done on the decimal string so that no rounding enters), the
renaming of columns to one scheme, and derived interval bounds that are
marked as derived in the column description. Each file keeps its full source
comment block in ``meta["source_comment"]``.

The Fermi-LAT table is read from both the CSV copy and the CDS byte-by-byte
file; the build stops if they differ in any number.
"""

from __future__ import annotations

import csv
import re
import sys
from decimal import Decimal
from pathlib import Path

import astropy.units as u
import numpy as np
from astropy.table import Column, Table

FILES = Path(__file__).with_name("files")

INTENSITY = u.Unit("1 / (cm2 s sr)")
E2FLUX = u.Unit("GeV / (cm2 s sr)")
DIFF_FLUX = u.Unit("1 / (GeV cm2 s sr)")

ACKERMANN_CITATION = (
    "M. Ackermann et al. (Fermi-LAT Collaboration), 'The spectrum of isotropic diffuse "
    "gamma-ray emission between 100 MeV and 820 GeV', Astrophys. J. 799, 86 (2015)"
)
AARTSEN2015_CITATION = (
    "M. G. Aartsen et al. (IceCube Collaboration), 'A combined maximum-likelihood analysis "
    "of the high-energy astrophysical neutrino flux measured with IceCube', "
    "Astrophys. J. 809, 98 (2015)"
)
ICECUBE2025_CITATION = (
    "IceCube Collaboration, 'Improved measurements of the TeV-PeV extragalactic neutrino "
    "spectrum from joint analyses of IceCube tracks and cascades', arXiv:2507.22233 and "
    "arXiv:2507.22234 (2025); data release doi:10.7910/DVN/ZBO52I"
)


def _read_csv(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    """Comment block (lines starting with '#', without the '# ') and the rows."""
    comment, body = [], []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            comment.append(line[1:].strip())
        elif line.strip():
            body.append(line)
    rows = list(csv.DictReader(body))
    return comment, rows


def _scaled(text: str, exponent: int) -> float:
    """float(text) * 10**exponent without binary rounding of the product."""
    return float(Decimal(text).scaleb(exponent))


def _num(text: str) -> float:
    return float(text) if text.strip() != "" else np.nan


def _meta(**kw) -> dict:
    return dict(kw)


def _write(table: Table, name: str) -> Path:
    FILES.mkdir(exist_ok=True)
    path = FILES / f"{name}.ecsv"
    table.write(path, format="ascii.ecsv", overwrite=True)
    return path


# --------------------------------------------------------------------------- ARCADE 2

#: The radio excess above the CMB as the abstract of Fixsen et al. (2011, ApJ 734, 5) states it:
#: the power law T = 24.1 +- 2.1 K (nu / 310 MHz)^(-2.599 +- 0.036) from 22 MHz to 10 GHz (ARCADE 2
#: with data from the literature) and 54 +- 6 mK at 3.3 GHz (ARCADE 2 alone).
ARCADE2_FIXSEN2011 = [
    # quantity, T_ref [K], err [K], nu_ref [MHz], index, err, nu_lo, nu_hi [MHz], data
    (
        "power_law_combined",
        24.1,
        2.1,
        310.0,
        -2.599,
        0.036,
        22.0,
        10000.0,
        "ARCADE 2 with data from the literature",
    ),
    (
        "arcade2_excess_3.3GHz",
        0.054,
        0.006,
        3300.0,
        np.nan,
        np.nan,
        3300.0,
        3300.0,
        "ARCADE 2 alone",
    ),
]


def build_arcade2() -> Table:
    """The ARCADE 2 radio excess (:data:`ARCADE2_FIXSEN2011`)."""
    cols = list(zip(*ARCADE2_FIXSEN2011, strict=True))
    t = Table()
    desc = {
        "quantity": "the statement: a power law over nu_lo..nu_hi, or one measured point",
        "T_ref": "excess brightness temperature above the CMB at nu_ref",
        "T_ref_err": "uncertainty of T_ref as stated (1 sigma)",
        "nu_ref": "reference frequency",
        "index": "slope of T in nu: T = T_ref (nu/nu_ref)^index (NaN: a single point)",
        "index_err": "uncertainty of index as stated",
        "nu_lo": "lowest frequency of the statement",
        "nu_hi": "highest frequency of the statement",
        "data": "which data the statement rests on",
    }
    units = {"T_ref": u.K, "T_ref_err": u.K, "nu_ref": u.MHz, "nu_lo": u.MHz, "nu_hi": u.MHz}
    for name, values in zip(desc, cols, strict=True):
        t[name] = list(values) * units[name] if name in units else list(values)
        t[name].description = desc[name]
    t.meta.update(META_ARCADE2)
    return t


META_ARCADE2 = {
    "name": "arcade2_radio_excess",
    "source_comment": [
        "Fixsen et al. 2011, ApJ 734, 5 (arXiv:0901.0555), abstract of the published version:",
        "ARCADE 2 alone: an excess of 54 +- 6 mK at 3.3 GHz above a CMB of 2.731 +- 0.004 K;",
        "with data from the literature: T = 24.1 +- 2.1 K (nu/nu0)^(-2.599 +- 0.036), 22 MHz - 10 GHz,",
        "nu0 = 310 MHz, above a CMB of 2.725 +- 0.001 K. No figure was digitised.",
    ],
    "flux_columns": [],
    "title": "The extragalactic radio background excess above the CMB (ARCADE 2)",
    "citation": "D. J. Fixsen, A. Kogut, S. Levin, M. Limon, P. Lubin, P. Mirel, M. Seiffert, J. "
    "Singal, E. Wollack, T. Villela & C. A. Wuensche, 'ARCADE 2 measurement of the "
    "absolute sky brightness at 3-90 GHz', Astrophys. J. 734, 5 (2011)",
    "doi": "10.1088/0004-637X/734/1/5",
    "arxiv": "0901.0555",
    "origin": "abstract of the published paper (the power law and the 3.3 GHz excess); no figure "
    "digitised",
    "units": "T_ref in K (brightness temperature above the CMB; the radio excess is far in the "
    "Rayleigh-Jeans regime, I_nu = 2 k_B T nu^2 / c^2); nu_ref, nu_lo, nu_hi in MHz",
    "flux_convention": {
        "flavour": "not applicable",
        "kind": "brightness temperature above the CMB",
        "messenger": "radio",
    },
    "confidence": "high: the numbers of the published abstract. The preprint (arXiv:0901.0555v1, "
    "titled '... Extra-Galactic Sky Temperature ...') stated T = 1.26 +- 0.09 K (nu "
    "/ 1 GHz)^(-2.60 +- 0.04) and 50 +- 7 mK at 3.3 GHz; the published law gives "
    "1.15 K at 1 GHz",
    "what_it_constrains": "the sky-averaged synchrotron intensity of the CGM's secondary e+-: an "
    "isotropic excess of unknown origin, so it bounds (does not measure) "
    "any diffuse radio component",
}


# --------------------------------------------------------------------------- Fermi-LAT


_CDS_COLUMNS = [  # (label in the CDS ReadMe, first byte, last byte) -> our column
    ("model", 1, 1),
    ("E_min", 3, 10),
    ("E_max", 12, 19),
    ("I_IGRB", 21, 29),
    ("I_IGRB_err_up", 31, 39),
    ("I_IGRB_err_lo", 41, 49),
    ("I_IGRB_fg_sys_up", 51, 59),
    ("I_IGRB_fg_sys_lo", 61, 69),
    ("I_EGB", 71, 79),
    ("I_EGB_err_up", 81, 89),
    ("I_EGB_err_lo", 91, 99),
    ("I_EGB_fg_sys_up", 101, 109),
    ("I_EGB_fg_sys_lo", 111, 119),
    ("I_src", 121, 129),
    ("I_src_err_up", 131, 139),
    ("I_src_err_lo", 141, 149),
]


def _read_cds(path: Path) -> list[dict[str, str]]:
    rows = []
    for line in path.read_text().splitlines():
        if not line.strip():
            continue
        rows.append({name: line[a - 1 : b].strip() for name, a, b in _CDS_COLUMNS})
    return rows


def build_fermi_table3(src: Path) -> Table:
    comment, rows = _read_csv(src / "fermi_igrb_ackermann2015_table3.csv")
    cds = _read_cds(src / "raw" / "ackermann2015_table3.dat")
    if len(cds) != len(rows):
        raise RuntimeError("Fermi CSV and CDS file have different row counts")
    rename = {"E_min_MeV": "E_min", "E_max_MeV": "E_max"}
    for r_csv, r_cds in zip(rows, cds, strict=True):
        for k, v in r_csv.items():
            k2 = rename.get(k, k)
            if k2 == "model":
                ok = v == r_cds[k2]
            else:
                ok = float(v) == float(r_cds[k2])
            if not ok:
                raise RuntimeError(f"Fermi CSV and CDS differ in {k2}: {v} vs {r_cds[k2]}")
    t = Table()
    t["model"] = Column(
        [r["model"] for r in cds], description="Galactic foreground model (A, B, C)"
    )
    t["E_min"] = Column([float(r["E_min"]) for r in cds], unit=u.MeV, description="lower band edge")
    t["E_max"] = Column([float(r["E_max"]) for r in cds], unit=u.MeV, description="upper band edge")
    desc = {
        "I_IGRB": "IGRB photon intensity integrated over the band",
        "I_EGB": "total extragalactic background (IGRB + resolved sources, |b|>20 deg), band-integrated",
        "I_src": "integrated intensity of resolved sources, band-integrated",
    }
    for base in ("I_IGRB", "I_EGB", "I_src"):
        t[base] = Column([float(r[base]) for r in cds], unit=INTENSITY, description=desc[base])
        for side, word in (("up", "upper"), ("lo", "lower")):
            t[f"{base}_err_{side}"] = Column(
                [float(r[f"{base}_err_{side}"]) for r in cds],
                unit=INTENSITY,
                description=f"{word} uncertainty, statistical + instrument systematics",
            )
        if base != "I_src":
            for side, word in (("up", "upper"), ("lo", "lower")):
                t[f"{base}_fg_sys_{side}"] = Column(
                    [float(r[f"{base}_fg_sys_{side}"]) for r in cds],
                    unit=INTENSITY,
                    description=f"{word} systematic uncertainty from Galactic foreground modelling",
                )
    t.meta.update(
        _meta(
            name="fermi_igrb_ackermann2015",
            title="Fermi-LAT isotropic gamma-ray background (IGRB) and total EGB, 0.1-820 GeV",
            citation=ACKERMANN_CITATION,
            doi="10.1088/0004-637X/799/1/86",
            arxiv="1410.3696",
            ads="2015ApJ...799...86A",
            origin="Table 3 (machine-readable table; CDS J/ApJ/799/86 table3.dat)",
            units="E_min, E_max in MeV; intensities in photons cm^-2 s^-1 sr^-1 integrated over each band",
            flux_convention={
                "messenger": "gamma rays",
                "kind": "band-integrated photon intensity (NOT differential); "
                "see crescape.data.fermi_band_to_e2dnde",
                "flavour": "not applicable",
            },
            confidence="high: official machine-readable table; the CSV copy and the CDS file "
            "were checked number by number at build time",
            notes=[
                "26 energy bands per Galactic foreground model; model A is the baseline.",
                "*_err_up/_err_lo: statistical + instrument-related systematics (CDS note 2).",
                "*_fg_sys_up/_fg_sys_lo: additional uncertainty from Galactic foreground modelling.",
                "The last IGRB band of model A (579-819 GeV) is consistent with zero.",
            ],
            source_comment=comment,
            flux_columns=[],
        )
    )
    return t


def build_fermi_fit(src: Path) -> Table:
    comment, rows = _read_csv(src / "fermi_igrb_ackermann2015_fit_params.csv")
    t = Table()
    t["component"] = Column([r["component"] for r in rows], description="IGRB or EGB")
    t["model"] = Column([r["model"] for r in rows], description="Galactic foreground model")
    t["I_100"] = Column(
        [float(r["I_100"]) for r in rows],
        unit=u.Unit("1 / (MeV cm2 s sr)"),
        description="dN/dE at 100 MeV",
    )
    t["gamma"] = Column([float(r["gamma"]) for r in rows], description="photon index")
    t["E_cut"] = Column(
        [float(r["E_cut_GeV"]) for r in rows], unit=u.GeV, description="cutoff energy"
    )
    t["I_gt100MeV"] = Column(
        [_num(r["I_gt100MeV"]) for r in rows], unit=INTENSITY, description="intensity above 100 MeV"
    )
    t["I_gt100MeV_err"] = Column(
        [_num(r["I_gt100MeV_err"]) for r in rows],
        unit=INTENSITY,
        description="uncertainty of I_gt100MeV (NaN: not published in the source)",
    )
    t["confidence"] = Column([r["confidence"] for r in rows], description="provenance of the row")
    t.meta.update(
        _meta(
            name="fermi_igrb_fit_ackermann2015",
            title="Cutoff power-law fits to the Fermi-LAT IGRB and EGB (foreground model A)",
            citation=ACKERMANN_CITATION,
            doi="10.1088/0004-637X/799/1/86",
            arxiv="1410.3696",
            origin="abstract (IGRB index, cutoff, integral); Table 4 via a secondary source (I_100, EGB)",
            model="dN/dE = I_100 (E / 100 MeV)^(-gamma) exp(-E / E_cut)",
            units="I_100 in MeV^-1 cm^-2 s^-1 sr^-1; E_cut in GeV; I_gt100MeV in cm^-2 s^-1 sr^-1",
            flux_convention={
                "messenger": "gamma rays",
                "kind": "differential photon intensity dN/dE",
                "flavour": "not applicable",
            },
            uncertainties={"IGRB": {"gamma": 0.02, "E_cut_GeV": 52.0}},
            confidence="medium-high: IGRB index, cutoff and integral verified (abstract); "
            "I_100 and the EGB row from a secondary source, numerically consistent with Table 3",
            source_comment=comment,
            flux_columns=[],
        )
    )
    return t


#: Ackermann et al. (2016), PRL 116, 151105 (arXiv:1511.00693), abstract: "Integration of
#: dN/dS shows that point sources account for at least 86 (+16 -14)% of the total
#: extragalactic gamma-ray background" above 50 GeV (the 2FHL energy range).
ACKERMANN2016_CITATION = (
    "M. Ackermann et al. (Fermi-LAT Collaboration), 'Resolving the Extragalactic gamma-Ray "
    "Background above 50 GeV with the Fermi Large Area Telescope', Phys. Rev. Lett. 116, "
    "151105 (2016)"
)
EGB_POINT_SOURCE_FRACTION = {"E_min_GeV": 50.0, "fraction": 0.86, "err_lo": 0.14, "err_hi": 0.16}


def build_egb_resolved_fraction() -> Table:
    """The point-source (mostly blazar) fraction of the total EGB above 50 GeV (Ackermann 2016).

    One row, the numbers of the abstract; no source CSV (the abstract is the source).
    """
    d = EGB_POINT_SOURCE_FRACTION
    t = Table()
    t["E_min"] = Column([d["E_min_GeV"]], unit=u.GeV, description="energy threshold of the EGB")
    t["fraction"] = Column(
        [d["fraction"]],
        description="fraction of the total EGB above E_min from point sources (mostly blazars)",
    )
    t["fraction_err_lo"] = Column([d["err_lo"]], description="lower uncertainty of fraction")
    t["fraction_err_hi"] = Column([d["err_hi"]], description="upper uncertainty of fraction")
    t.meta.update(
        _meta(
            name="fermi_egb_resolved_ackermann2016",
            title="Point-source (blazar) fraction of the total extragalactic gamma-ray background "
            "above 50 GeV",
            citation=ACKERMANN2016_CITATION,
            doi="10.1103/PhysRevLett.116.151105",
            arxiv="1511.00693",
            origin="abstract: 'point sources account for at least 86 (+16 -14)% of the total "
            "extragalactic gamma-ray background' (E > 50 GeV, the 2FHL sources; 'consistent "
            "with a single population (i.e., blazars)')",
            quantity="a fraction of the total EGB (IGRB + resolved sources), not of the IGRB; "
            "a lower bound on the point-source share ('at least'), so 1 - fraction bounds the "
            "room left for diffuse (non-point-source) emission from above",
            confidence_level="not stated in the abstract; read as the 68% (1 sigma) interval",
            units="E_min in GeV; fraction dimensionless",
            flux_convention={
                "messenger": "gamma rays",
                "kind": "fraction of the band-integrated photon intensity above E_min",
                "flavour": "not applicable",
            },
            confidence="high for the numbers, the threshold and the quantity (abstract, checked "
            "against two copies of it); medium for the confidence level (not stated there)",
            notes=[
                "The EGB intensity itself is not part of this file: crescape's fit takes it "
                "from Ackermann et al. (2015), Table 3 (fermi_igrb_ackermann2015, I_EGB), "
                "summed over the bands above 50 GeV (51.2-819.2 GeV).",
            ],
            source_comment=[
                "Abstract of Ackermann et al. (2016), PRL 116, 151105 (arXiv:1511.00693): "
                "'Integration of dN/dS shows that point sources account for at least "
                "86 (+16 -14)% of the total extragalactic gamma-ray background. The simple "
                "form of the derived source count distribution is consistent with a single "
                "population (i.e., blazars) dominating the source counts to the minimum flux "
                "explored by this analysis.' (sources detected above 50 GeV, 2FHL)",
            ],
            flux_columns=[],
        )
    )
    return t


# --------------------------------------------------------------------------- Galactic plane

#: The model-independent Galactic-plane measurement of IceCube (10 years of cascades), as the
#: abstract of the IceCube contribution states it: per region, the per-flavour E^2 Phi of
#: nu + nubar at 5 TeV "in units of 10^-11 TeV m^-2 s^-1 sr^-1" (as printed; see
#: GALACTIC_PLANE_UNIT_NOTE), with its interval, and the spectral index.
#: (region, |l| min, |l| max [deg], |b| max [deg], value, err_lo, err_hi, gamma, err_lo, err_hi)
ICECUBE_GALACTIC_PLANE_REGIONS = [
    ("inner", 0.0, 30.0, 8.0, "21.4", "5.2", "6.3", 2.76, 0.15, 0.17),
    ("outer", 60.0, 180.0, 8.0, "4.3", "2.4", "2.6", 3.10, 0.39, 0.40),
]
GALACTIC_PLANE_SOURCE = (
    "IceCube Collaboration (L. Neste, M. Huennefeld, C. Finley et al.), contribution 438, "
    "abstract, https://indico-icehap.phys.s.chiba-u.ac.jp/event/3/contributions/438/ : "
    "'For the inner Galactic region |l|<30deg, |b|<8deg, the average per-flavor neutrino flux "
    "E_nu^2 Phi_{nu+nubar} at E_nu=5 TeV in units of 10^-11 TeV m^-2 s^-1 sr^-1 is measured to "
    "be 21.4 (+6.3 -5.2) while for the outer Galactic Plane |l|>60deg, |b|<8deg it is measured "
    "to be 4.3 (+2.6 -2.4). The spectral index fit in the inner and outer region is gamma = "
    "2.76 (+0.17 -0.15) and gamma = 3.10 (+0.40 -0.39), respectively.' (10 years of IceCube "
    "cascades; the same analysis as 'Measuring the Neutrino Flux in Segments along the "
    "Galactic Plane with IceCube', ICRC2025, arXiv:2507.08097)"
)
GALACTIC_PLANE_UNIT_NOTE = (
    "The abstract prints the unit as 10^-11 TeV m^-2 s^-1 sr^-1. Read literally (1 TeV m^-2 = "
    "0.1 GeV cm^-2) the inner-region flux would be 2.14e-11 GeV cm^-2 s^-1 sr^-1, 7e-4 of the "
    "isotropic astrophysical flux IceCube measures at 5 TeV (3.1e-8 per flavour in the "
    "4.6-10 TeV bin of icecube_2025_combinedfit); a flux that small could not be measured to "
    "25% in a region of 0.29 sr, nor the plane be detected at all, with the O(1e3) "
    "astrophysical events of such samples. Read as 10^-11 TeV cm^-2 s^-1 sr^-1 it is 2.14e-7 "
    "GeV cm^-2 s^-1 sr^-1, and the plane averaged over the sky is 1.0e-8 per flavour at 5 TeV "
    "(crescape.galactic_plane, gap = 'lower'), 32% of the isotropic flux of that bin. This "
    "file stores the cm^-2 reading, 1e4 times the literal unit; the printed numbers are kept "
    "in the column E2Phi_as_printed"
)


def build_galactic_plane_regions() -> Table:
    """The IceCube Galactic-plane region fluxes (:data:`ICECUBE_GALACTIC_PLANE_REGIONS`).

    No source CSV: the abstract is the source. E²Φ is stored in GeV cm⁻² s⁻¹ sr⁻¹ from the
    printed value × 10⁻¹¹ TeV cm⁻² s⁻¹ sr⁻¹ (:data:`GALACTIC_PLANE_UNIT_NOTE`), the
    multiplication done on the decimal string.
    """
    rows = ICECUBE_GALACTIC_PLANE_REGIONS
    t = Table()
    t["region"] = Column([r[0] for r in rows], description="region of the Galactic plane")
    t["l_abs_min"] = Column([r[1] for r in rows], unit=u.deg, description="lowest |l|")
    t["l_abs_max"] = Column([r[2] for r in rows], unit=u.deg, description="highest |l|")
    t["b_abs_max"] = Column([r[3] for r in rows], unit=u.deg, description="highest |b|")
    t["E_ref"] = Column([5.0] * len(rows), unit=u.TeV, description="reference energy of E2Phi")
    scale = Decimal("1e-11") * Decimal(1000)  # 1e-11 TeV -> GeV (per cm^2: see the unit note)
    for col, i, what in (
        ("E2Phi", 4, "region-averaged E^2 Phi per flavour (nu + nubar) at E_ref"),
        ("E2Phi_err_lo", 5, "lower uncertainty of E2Phi as quoted (C.L. not stated)"),
        ("E2Phi_err_hi", 6, "upper uncertainty of E2Phi as quoted (C.L. not stated)"),
    ):
        t[col] = Column([float(Decimal(r[i]) * scale) for r in rows], unit=E2FLUX, description=what)
    t["E2Phi_as_printed"] = Column(
        [float(r[4]) for r in rows],
        description="the number of the abstract, in its printed unit 1e-11 TeV m^-2 s^-1 sr^-1",
    )
    for col, i, what in (
        ("gamma", 7, "spectral index of the region's power law dN/dE ~ E^-gamma"),
        ("gamma_err_lo", 8, "lower uncertainty of gamma"),
        ("gamma_err_hi", 9, "upper uncertainty of gamma"),
    ):
        t[col] = Column([r[i] for r in rows], description=what)
    t.meta.update(
        _meta(
            name="icecube_galactic_plane_regions",
            title="IceCube Galactic-plane neutrino flux in the inner and outer plane "
            "(model-independent, 10 years of cascades)",
            citation="IceCube Collaboration, 'Measuring the Neutrino Flux in Segments along "
            "the Galactic Plane with IceCube', ICRC2025, arXiv:2507.08097 (L. Neste, M. "
            "Huennefeld, C. Finley); numbers from the abstract of the IceCube contribution "
            "438 at indico-icehap.phys.s.chiba-u.ac.jp/event/3",
            doi="arXiv:2507.08097",
            arxiv="2507.08097",
            origin="abstract of the conference contribution (the proceedings' tables were not "
            "available); the values as quoted, no figure digitised",
            units="E2Phi in GeV cm^-2 s^-1 sr^-1 (per flavour, nu + nubar; unit reading in "
            "meta['unit_note']); l, b in deg; E_ref in TeV",
            unit_note=GALACTIC_PLANE_UNIT_NOTE,
            confidence_level="not stated in the abstract; read as the 68% interval",
            flux_convention={
                "messenger": "neutrinos",
                "neutrinos": "nu + nubar",
                "flavour": "per flavour",
                "kind": "differential, averaged over the region's solid angle",
            },
            confidence="medium: a collaboration's conference abstract (numbers as quoted); "
            "the flux unit is read as TeV cm^-2 (not the printed TeV m^-2), see unit_note; "
            "the energy range over which the power laws hold is not stated ('at TeV energies')",
            what_it_constrains="the Galactic-plane neutrinos inside the all-sky (isotropic) "
            "IceCube spectra: a Galactic component beside the CGM "
            "(crescape.galactic_plane.GalacticPlaneNeutrinos)",
            notes=[
                "Regions: inner |l| < 30 deg, outer |l| > 60 deg, both |b| < 8 deg; the band "
                "30 < |l| < 60 deg and |b| > 8 deg are not measured here.",
            ],
            source_comment=[GALACTIC_PLANE_SOURCE],
            flux_columns=["E2Phi", "E2Phi_err_lo", "E2Phi_err_hi"],
        )
    )
    return t


# --------------------------------------------------------------------------- IceCube


def build_icecube_2015(src: Path) -> Table:
    comment, rows = _read_csv(src / "icecube_2015_apj809_98_differential.csv")
    t = Table()
    t["bin"] = Column([r["bin"] for r in rows], description="basis-function label f1..f9")
    for col, key, d in (
        ("E_min", "E_min_GeV", "lower bin edge"),
        ("E_max", "E_max_GeV", "upper bin edge"),
        ("E_c", "E_c_GeV", "bin centre sqrt(E_min E_max)"),
    ):
        t[col] = Column([float(r[key]) for r in rows], unit=u.GeV, description=d)
    for col, key, d in (
        ("E2Phi", "E2Phi_allflavor", "best-fit E^2 Phi, all flavours (nu+nubar)"),
        ("E2Phi_lo", "CL68_lo", "lower bound of the 68% C.L. interval"),
        ("E2Phi_hi", "CL68_hi", "upper bound of the 68% C.L. interval"),
        ("E2Phi_lo90", "CL90_lo", "lower bound of the 90% C.L. interval"),
        ("E2Phi_hi90", "CL90_hi", "upper bound of the 90% C.L. interval"),
    ):
        t[col] = Column([_scaled(r[key], -8) for r in rows], unit=E2FLUX, description=d)
    t["is_upper_limit"] = Column(
        [r["is_upper_limit"].strip() == "1" for r in rows],
        description="best fit 0: plot as an upper limit at E2Phi_hi (68%) or E2Phi_hi90 (90%)",
    )
    t.meta.update(
        _meta(
            name="icecube_2015_differential",
            title="IceCube 2015 combined-likelihood differential astrophysical neutrino flux",
            citation=AARTSEN2015_CITATION,
            doi="10.1088/0004-637X/809/1/98",
            arxiv="1507.03991",
            origin="Table 6 (differential model; shown in Fig. 6)",
            units="energies in GeV; E^2 Phi in GeV cm^-2 s^-1 sr^-1 (source: units of 1e-8)",
            flux_convention={
                "messenger": "neutrinos",
                "neutrinos": "nu + nubar",
                "flavour": "all",
                "flavour_ratio": "1:1:1 at Earth",
                "kind": "differential E^2 dN/dE; each bin is an E^-2 segment",
            },
            confidence="high: published text (Table 6), agrees with an independent "
            "digitisation of Fig. 6 to ~3%",
            notes=[
                "Nine E^-2 basis functions, log-spaced from 10 TeV to 10 PeV (3 per decade).",
                "Bins f6, f8, f9 have best fit 0 and are upper limits.",
                "Per flavour = all flavours / 3 (crescape.data.all_to_per_flavour).",
            ],
            source_comment=comment,
            flux_columns=["E2Phi", "E2Phi_lo", "E2Phi_hi", "E2Phi_lo90", "E2Phi_hi90"],
        )
    )
    return t


_ECUT = re.compile(r"Ecut\s*=\s*([0-9.]+)\s*PeV")


def build_icecube_bestfits(src: Path) -> Table:
    comment, rows = _read_csv(src / "icecube_diffuse_bestfits.csv")
    refs = {}
    for line in comment:
        m = re.match(r"\[(\w+)\]\s+(.*)", line)
        if m:
            refs[m.group(1)] = m.group(2)
    for r in rows:  # the file's own consistency: all-flavour = 3 x per-flavour
        if abs(3 * float(r["phi_100_perflavor"]) - float(r["phi_100_allflavor"])) > 0.01:
            raise RuntimeError(f"inconsistent flavour columns in row {r['analysis']}")
    t = Table()
    t["analysis"] = Column([r["analysis"] for r in rows], description="data sample")
    t["reference"] = Column(
        [r["reference"] for r in rows], description="key into meta['references']"
    )
    t["model"] = Column([r["model"] for r in rows], description="spectral model fitted")
    for col, key, d in (
        ("phi_100", "phi_100_perflavor", "per-flavour (nu+nubar) dN/dE at 100 TeV"),
        ("phi_100_err_lo", "phi_100_perflavor_err_lo", "lower 68% uncertainty of phi_100"),
        ("phi_100_err_hi", "phi_100_perflavor_err_hi", "upper 68% uncertainty of phi_100"),
    ):
        t[col] = Column([_scaled(r[key], -18) for r in rows], unit=DIFF_FLUX, description=d)
    t["gamma"] = Column([_num(r["gamma"]) for r in rows], description="spectral index")
    t["gamma_err_lo"] = Column(
        [_num(r["gamma_err_lo"]) for r in rows], description="NaN: index fixed"
    )
    t["gamma_err_hi"] = Column(
        [_num(r["gamma_err_hi"]) for r in rows], description="NaN: index fixed"
    )
    ecut = []
    for r in rows:
        m = _ECUT.search(r["model"])
        ecut.append(float(m.group(1)) if m else np.nan)
    t["E_cut"] = Column(ecut, unit=u.PeV, description="exponential cutoff energy (NaN: none)")
    t["E_min"] = Column(
        [_num(r["E_min_TeV"]) for r in rows], unit=u.TeV, description="energy range (lower)"
    )
    t["E_max"] = Column(
        [_num(r["E_max_TeV"]) for r in rows], unit=u.TeV, description="energy range (upper)"
    )
    t["confidence"] = Column(
        [r["confidence"] for r in rows],
        description="V verified; M central value verified, errors recalled; R recalled, NOT verified",
    )
    t["verified"] = Column(
        [r["confidence"] in ("V", "M") for r in rows],
        description="central value verified in a primary or machine-readable source (V or M)",
    )
    t["notes"] = Column([r["notes"] for r in rows], description="notes from the source file")
    t.meta.update(
        _meta(
            name="icecube_diffuse_bestfits",
            title="IceCube astrophysical neutrino flux: single-power-law and related fits",
            citation="IceCube Collaboration, several analyses (see 'references'); "
            "the 2015 combined fit is " + AARTSEN2015_CITATION,
            doi="10.1088/0004-637X/809/1/98",
            origin="per row, see 'references' (2015 combined fit: ApJ 809, 98, Table 5 and Sec. 4.1)",
            model="Phi(E) = phi_100 (E / 100 TeV)^(-gamma) [x exp(-E/E_cut)]; "
            "E^2 Phi at 100 TeV = phi_100 x (100 TeV)^2",
            units="phi_100 in GeV^-1 cm^-2 s^-1 sr^-1 (source: units of 1e-18); "
            "E_min/E_max in TeV; E_cut in PeV",
            flux_convention={
                "messenger": "neutrinos",
                "neutrinos": "nu + nubar",
                "flavour": "per flavour",
                "flavour_ratio": "1:1:1 at Earth (all flavours = 3 x per flavour)",
                "kind": "differential dN/dE at 100 TeV (normalisation of a power law)",
            },
            references=refs,
            confidence="per row, column 'confidence'. Rows with confidence R were recalled, not "
            "verified: crescape.data.load drops them unless include_unverified=True",
            notes=[
                "The 2015 combined fit: all-flavour f = 6.7 (+1.1 -1.2) at 100 TeV, "
                "stored per flavour as f/3.",
                "Rows marked M have verified central values but recalled uncertainties.",
            ],
            source_comment=comment,
            flux_columns=["phi_100", "phi_100_err_lo", "phi_100_err_hi"],
        )
    )
    return t


#: The Glashow-resonance point as IceCube published it (Nature 591, 220, 2021): the energy range and
#: the 68% interval of E^2 Phi per flavour. The KM3NeT compilation stores the same two flux numbers
#: as errors (ErrorMinus, ErrorPlus) around 1.9e-9 over 5.64-7.20 PeV; they are the interval's
#: bounds. The best-fit value 1.9e-9 is the compilation's.
GLASHOW_NATURE2021 = {
    "E_min": 5.43e6,
    "E_max": 7.37e6,
    "E2Phi_lo": 0.8e-9,
    "E2Phi_hi": 1.13e-8,
    "citation": "IceCube Collaboration, 'Detection of a particle shower at the Glashow resonance "
    "with IceCube', Nature 591, 220 (2021), doi:10.1038/s41586-021-03256-1",
}


def build_km3net_compilation(src: Path) -> Table:
    comment, rows = _read_csv(src / "icecube_segmented_fits_km3net_compilation.csv")
    t = Table()
    t["sample"] = Column([r["sample"] for r in rows], description="hese, nst or glashow")
    gl = np.array([r["sample"] == "glashow" for r in rows])
    emin = np.array([float(r["E_min_GeV"]) for r in rows])
    emax = np.array([float(r["E_max_GeV"]) for r in rows])
    emin[gl], emax[gl] = GLASHOW_NATURE2021["E_min"], GLASHOW_NATURE2021["E_max"]
    t["E_min"] = Column(
        emin, unit=u.GeV, description="lower bin edge (Glashow row: Nature 591, 220)"
    )
    t["E_max"] = Column(
        emax, unit=u.GeV, description="upper bin edge (Glashow row: Nature 591, 220)"
    )
    t["E_c"] = Column(np.sqrt(emin * emax), unit=u.GeV, description="derived: sqrt(E_min E_max)")
    val = np.array([float(r["E2Phi_perflavor"]) for r in rows])
    em = np.array([float(r["err_minus"]) for r in rows])
    ep = np.array([float(r["err_plus"]) for r in rows])
    ul = np.array([r["is_upper_limit"].strip() == "1" for r in rows])
    t["E2Phi"] = Column(
        val,
        unit=E2FLUX,
        description="E^2 Phi per flavour (nu+nubar); upper limit value if is_upper_limit",
    )
    t["err_minus"] = Column(
        em,
        unit=E2FLUX,
        description="as in the source (arrow length for upper limits; the lower 68% bound itself "
        "for the Glashow row)",
    )
    t["err_plus"] = Column(
        ep,
        unit=E2FLUX,
        description="as in the source (0 for upper limits; the upper 68% bound itself for the "
        "Glashow row)",
    )
    lo = np.where(ul, 0.0, val - em)
    hi = np.where(ul, val, val + ep)
    lo[gl], hi[gl] = GLASHOW_NATURE2021["E2Phi_lo"], GLASHOW_NATURE2021["E2Phi_hi"]
    t["E2Phi_lo"] = Column(
        lo,
        unit=E2FLUX,
        description="lower bound of the 68% interval: derived, E2Phi - err_minus (0 for upper "
        "limits); Glashow row: the published bound",
    )
    t["E2Phi_hi"] = Column(
        hi,
        unit=E2FLUX,
        description="upper bound of the 68% interval: derived, E2Phi + err_plus (the limit for "
        "upper limits); Glashow row: the published bound",
    )
    t["is_upper_limit"] = Column(ul, description="upper limit at E2Phi")
    t["errors_ambiguous"] = Column(
        gl, description="the source warns that the error columns of this row are ambiguous"
    )
    t["corrected"] = Column(
        gl,
        description="row corrected against the original publication (meta['corrections'])",
    )
    t.meta.update(
        _meta(
            name="icecube_segmented_km3net",
            title="IceCube segmented (piecewise E^-2) spectra: HESE 7.5 yr, northern tracks 9.5 yr, Glashow event",
            citation="IceCube Collaboration: HESE 7.5 yr, Phys. Rev. D 104, 022002 (2021); northern tracks "
            "9.5 yr, Astrophys. J. 928, 50 (2022); Glashow resonance event, Nature 591, 220 (2021); "
            "compiled by the KM3NeT Collaboration (KM3-230213A data release)",
            doi={
                "hese": "10.1103/PhysRevD.104.022002",
                "nst": "10.3847/1538-4357/ac4d29",
                "glashow": "10.1038/s41586-021-03256-1",
            },
            origin="KM3NeT/KM3-230213A-data, data/external/flux_constraints/icecube_segmentedfit_"
            "{hese,nst,glashow}.json (commit 0284aa570785e6b72c814011c15be864bcfdd5bb)",
            units="energies in GeV; E^2 Phi in GeV cm^-2 s^-1 sr^-1",
            flux_convention={
                "messenger": "neutrinos",
                "neutrinos": "nu + nubar",
                "flavour": "per flavour",
                "flavour_ratio": "1:1:1 at Earth",
                "kind": "differential E^2 dN/dE; each bin is an E^-2 segment",
                "caveat": "per-flavour convention inferred by the compiler from consistency "
                "with the per-flavour power-law fits",
            },
            confidence="medium-high: official compilation of a collaboration's data release; "
            "Glashow row corrected against Nature 591, 220 (corrected)",
            corrections=[
                "Glashow row: energy range 5.43-7.37 PeV and 68% interval 0.8e-9 .. 1.13e-8 "
                "GeV cm^-2 s^-1 sr^-1 (E^2 Phi per flavour) as published in "
                + GLASHOW_NATURE2021["citation"]
                + "; the compilation gives 5.64-7.20 PeV and stores the two bounds as errors "
                "around 1.9e-9 (which would make the interval 1.1e-9 .. 1.32e-8). The best-fit "
                "1.9e-9 is the compilation's.",
                "Not included: the upper limits the Glashow publication gives in the "
                "neighbouring energy bins (no machine-readable copy of them is available here).",
            ],
            source_comment=comment,
            flux_columns=["E2Phi", "err_minus", "err_plus", "E2Phi_lo", "E2Phi_hi"],
        )
    )
    return t


def _build_2025(src: Path, fname: str, name: str, title: str, sample: str) -> Table:
    comment, rows = _read_csv(src / fname)
    t = Table()
    t["E_min"] = Column(
        [float(r["energy_lower_GeV"]) for r in rows], unit=u.GeV, description="lower bin edge"
    )
    t["E_max"] = Column(
        [float(r["energy_upper_GeV"]) for r in rows], unit=u.GeV, description="upper bin edge"
    )
    t["E_c"] = Column(
        [float(r["energy_central_GeV"]) for r in rows], unit=u.GeV, description="bin centre"
    )
    for col, key, d in (
        ("E2Phi", "flux_central", "best-fit E^2 Phi per flavour (nu+nubar)"),
        ("E2Phi_lo", "flux_lower", "lower bound of the interval (0 for upper limits)"),
        ("E2Phi_hi", "flux_upper", "upper bound of the interval (the limit for upper limits)"),
    ):
        t[col] = Column([_scaled(r[key], -8) for r in rows], unit=E2FLUX, description=d)
    t["is_upper_limit"] = Column(
        [float(r["flux_lower"]) == 0.0 for r in rows],
        description="flux_lower == 0 in the source: upper limit at E2Phi_hi",
    )
    t.meta.update(
        _meta(
            name=name,
            title=title,
            citation=ICECUBE2025_CITATION,
            doi="10.7910/DVN/ZBO52I",
            arxiv="2507.22233, 2507.22234",
            origin=f"{sample}; third-party copy carmeloevoli/The_CR_Spectrum data/source "
            "(commit f7fba9c808c7ebe2a93a3587cff03a25eef75afe), numbers verbatim",
            units="energies in GeV; E^2 Phi in GeV cm^-2 s^-1 sr^-1 (source: units of 1e-8)",
            flux_convention={
                "messenger": "neutrinos",
                "neutrinos": "nu + nubar",
                "flavour": "per flavour",
                "flavour_ratio": "1:1:1 at Earth",
                "kind": "differential E^2 dN/dE; each bin is an E^-2 segment",
                "caveat": "units and per-flavour convention from the copying repository's "
                "converter comment, not checked against the data release README",
            },
            confidence="medium: units and convention come from a third-party copy",
            notes=["E2Phi_lo/E2Phi_hi are interval bounds, not errors."],
            source_comment=comment,
            flux_columns=["E2Phi", "E2Phi_lo", "E2Phi_hi"],
        )
    )
    return t


# --------------------------------------------------------------------------- KM3NeT release

#: Verbatim copies of the KM3NeT/KM3-230213A-data files (see SOURCE.txt there). Not tied to
#: FILES, so that a rebuild into another folder still reads them.
KM3NET_RELEASE = Path(__file__).with_name("files") / "km3net_release"
KM3NET_COMMIT = "0284aa570785e6b72c814011c15be864bcfdd5bb"
KM3NET_REPO = "KM3NeT/KM3-230213A-data"
KM3NET_NATURE_CITATION = (
    "KM3NeT Collaboration, 'Observation of an ultra-high-energy cosmic neutrino with KM3NeT', "
    "Nature 638, 376 (2025)"
)
KM3NET_NATURE_DOI = "10.1038/s41586-024-08543-1"

#: The three upper-limit curves of the release: dataset name -> (file, citation, doi, notes).
UHE_LIMITS = {
    "icecube_ehe_limit_2018": (
        "limits_differential_icecube-ehe.json",
        "M. G. Aartsen et al. (IceCube Collaboration), 'Differential limit on the extremely-high-"
        "energy cosmic neutrino flux in the presence of astrophysical background from nine years "
        "of IceCube data', Phys. Rev. D 98, 062003 (2018)",
        "10.1103/PhysRevD.98.062003",
        [
            "Quasi-differential upper limit above 5e6 GeV (the publication's abstract).",
            "Consistency of the per-flavour reading: 3 x the stored value near 1e9 GeV is 2.2e-8, "
            "the three-flavour E^2 phi ~ 2e-8 GeV cm^-2 s^-1 sr^-1 of the models the abstract "
            "says the limit constrains at 1e9 GeV.",
            "The 2025 update (IceCube, arXiv:2502.01963) is not included: no machine-readable "
            "copy of its differential limit was available.",
        ],
    ),
    "auger_limit_icrc2023": (
        "limits_differential_auger.json",
        "Pierre Auger Collaboration, limits on the diffuse flux of ultra-high-energy neutrinos, "
        "Proc. 38th International Cosmic Ray Conference (ICRC2023), PoS(ICRC2023), "
        "doi:10.22323/1.444.1513 as given by the compilation",
        "10.22323/1.444.1513",
        [
            "The compilation's README gives doi:10.22323/1.444.1513; its notebook links "
            "pos.sissa.it/444/1488 and labels the curve 'Auger (2022)'. The contribution number "
            "was not checked against the proceedings.",
        ],
    ),
    "antares_limit_2024": (
        "limits_differential_antares.json",
        "ANTARES Collaboration, limits on the diffuse neutrino flux, "
        "J. Cosmol. Astropart. Phys. 08 (2024) 038",
        "10.1088/1475-7516/2024/08/038",
        [
            "Covers 1e3-1e7 GeV, below the UHE range: a limit on the TeV-PeV diffuse flux.",
        ],
    ),
}


def _read_pandas_json(path: Path) -> dict:
    """A pandas 'columns'-oriented JSON file: {column: {"0": v0, "1": v1, ...}} -> lists in order."""
    import json

    raw = json.loads(path.read_text(encoding="utf-8"))
    out = {}
    for key, val in raw.items():
        if isinstance(val, dict):
            out[key] = [val[k] for k in sorted(val, key=int)]
        else:
            out[key] = val
    return out


def build_uhe_limit(name: str, release: Path = KM3NET_RELEASE) -> Table:
    fname, citation, doi, notes = UHE_LIMITS[name]
    d = _read_pandas_json(Path(release) / fname)
    e = np.asarray(d["Energy [GeV]"], dtype=float)
    f = np.asarray(d["E^2 F(E) [GeV.cm^-2.s^-1.sr^-1]"], dtype=float)
    if not np.all(np.diff(e) > 0):
        raise RuntimeError(f"{fname}: energies are not increasing")
    t = Table()
    t["E"] = Column(e, unit=u.GeV, description="neutrino energy of the sampled point of the curve")
    t["E2Phi_UL"] = Column(
        f,
        unit=E2FLUX,
        description="upper limit on E^2 Phi per flavour (nu+nubar) at E, as in the source file",
    )
    t["is_upper_limit"] = Column(np.ones(len(e), dtype=bool), description="every row is a limit")
    t.meta.update(
        _meta(
            name=name,
            title=d.get("Description", name),
            citation=citation,
            doi=doi,
            origin=f"{KM3NET_REPO}, data/external/flux_constraints/{fname} (commit "
            f"{KM3NET_COMMIT}), compiled by the KM3NeT Collaboration for the flux comparison of "
            f"{KM3NET_NATURE_CITATION}; numbers verbatim",
            source_url=d.get("Source", ""),
            units="E in GeV; E^2 Phi in GeV cm^-2 s^-1 sr^-1",
            flux_convention={
                "messenger": "neutrinos",
                "neutrinos": "nu + nubar",
                "flavour": "per flavour",
                "flavour_ratio": "1:1:1 at Earth",
                "kind": "differential (quasi-differential) upper limit, E^2 dN/dE, sampled "
                "along the published curve (points, not bins)",
                "caveat": "the per-flavour convention is the compilation's: its notebook "
                "'Astrophysical flux comparisons' plots every curve as E^2 Phi^1f_(nu+nubar); "
                "the JSON file itself states no convention",
            },
            confidence_level="not stated in the machine-readable file; see the original "
            "publication (crescape does not assume one)",
            energy_binning="not stated in the file: the width of the energy intervals over "
            "which each differential limit was computed (e.g. per decade) is that of the "
            "original publication",
            confidence="medium-high: an official compilation by a collaboration, numbers "
            "verbatim; convention from the compiler's plotting code",
            notes=notes,
            source_comment=[
                f"Source: {d.get('Source', '')}",
                f"Description: {d.get('Description', '')}",
            ],
            flux_columns=["E2Phi_UL"],
        )
    )
    return t


#: Feldman-Cousins intervals for one observed event and no background, as hard-coded in the
#: release's notebook 'Astrophysical flux comparisons' (ROOT TFeldmanCousins).
KM3_FC_INTERVALS = {
    "1sigma": (0.3679, 2.7506),
    "2sigma": (0.0466, 5.1433),
    "3sigma": (0.0028, 8.3077),
}
#: The event's neutrino-energy 5%, 50% and 95% quantiles in GeV and ARCA's livetime, as in the
#: same notebook; the Nature paper quotes 220 PeV with a 90% range 72 PeV - 2.6 EeV.
KM3_ENERGY_QUANTILES = (7.24e7, 2.18e8, 2.57e9)
KM3_LIVETIME_DAYS = 335


def km3_flux_from_effective_area(release: Path = KM3NET_RELEASE) -> float:
    """E^2 Phi per flavour (GeV cm^-2 s^-1 sr^-1) giving one expected event, as the release does.

    E^-2 spectrum between the 5% and 95% energy quantiles, sky-averaged all-flavour effective
    area, 335 days: Phi(1 GeV) = 1 / (4 pi T ∫ A_eff E^-2 dE), which for E^-2 is E^2 Phi.
    """
    from scipy.integrate import trapezoid

    d = _read_pandas_json(
        Path(release) / "effective_area_brighttrackselection_allflavour_skyavg.json"
    )
    e_tab = np.asarray(d["Energy [GeV]"], dtype=float)
    a_tab = np.asarray(d["Aeff [cm^2]"], dtype=float)
    lo, _, hi = KM3_ENERGY_QUANTILES
    x = np.logspace(np.log10(lo), np.log10(hi), 200)
    aeff = np.interp(x, e_tab, a_tab, left=0.0, right=0.0)
    acceptance = trapezoid(x**-2 * aeff, x)
    return float(1.0 / (4 * np.pi * KM3_LIVETIME_DAYS * 86400 * acceptance))


def build_km3net_event(release: Path = KM3NET_RELEASE) -> Table:
    rows = [
        # (fit, E2Phi, lo68, hi68, reference)
        ("KM3NeT_alone", "5.8", "2.1", "15.9", "nature2025"),
        ("joint_fit_KM3NeT_IceCubeEHE_Auger", "0.075", "", "", "arxiv2502.08173"),
    ]
    lo_e, med_e, hi_e = KM3_ENERGY_QUANTILES
    t = Table()
    t["fit"] = Column([r[0] for r in rows], description="which data the flux is inferred from")
    t["reference"] = Column([r[4] for r in rows], description="key into meta['references']")
    t["E_min"] = Column([lo_e] * 2, unit=u.GeV, description="5% quantile of the event's energy")
    t["E_c"] = Column([med_e] * 2, unit=u.GeV, description="median neutrino energy of the event")
    t["E_max"] = Column([hi_e] * 2, unit=u.GeV, description="95% quantile of the event's energy")
    t["E2Phi"] = Column(
        [_scaled(r[1], -8) for r in rows],
        unit=E2FLUX,
        description="E^2 Phi per flavour (nu+nubar) of an isotropic E^-2 flux over E_min-E_max",
    )
    t["E2Phi_lo"] = Column(
        [_scaled(r[2], -8) if r[2] else np.nan for r in rows],
        unit=E2FLUX,
        description="lower bound of the 68% (1 sigma) interval; NaN: not available here",
    )
    t["E2Phi_hi"] = Column(
        [_scaled(r[3], -8) if r[3] else np.nan for r in rows],
        unit=E2FLUX,
        description="upper bound of the 68% (1 sigma) interval; NaN: not available here",
    )
    t["is_upper_limit"] = Column([False, False], description="both rows are measurements")
    t.meta.update(
        _meta(
            name="km3net_km3_230213a",
            title="KM3-230213A: the flux implied by the KM3NeT event, alone and in the joint fit",
            citation=KM3NET_NATURE_CITATION + "; KM3NeT Collaboration, 'The ultra-high-energy "
            "event KM3-230213A within the global neutrino landscape', arXiv:2502.08173 (2025)",
            doi={"nature2025": KM3NET_NATURE_DOI, "arxiv2502.08173": "arXiv:2502.08173"},
            references={
                "nature2025": KM3NET_NATURE_CITATION + ", doi:" + KM3NET_NATURE_DOI,
                "arxiv2502.08173": "KM3NeT Collaboration, arXiv:2502.08173 (2025), abstract: "
                "joint fit of KM3NeT, IceCube and Pierre Auger under an isotropic E^-2 flux",
            },
            origin="KM3NeT_alone: Nature 638, 376 (E^2 Phi = 5.8 (+10.1 -3.7) x 1e-8 per "
            "flavour, 220 PeV, 90% range 72 PeV - 2.6 EeV), reproduced by "
            "crescape.data._build.km3_flux_from_effective_area from the release's effective "
            f"area ({KM3NET_REPO}, commit {KM3NET_COMMIT}); joint fit: abstract of "
            "arXiv:2502.08173 (best fit 7.5e-10 only)",
            units="energies in GeV; E^2 Phi in GeV cm^-2 s^-1 sr^-1",
            flux_convention={
                "messenger": "neutrinos",
                "neutrinos": "nu + nubar",
                "flavour": "per flavour",
                "flavour_ratio": "1:1:1 at Earth",
                "kind": "normalisation of an isotropic E^-2 flux, E^2 dN/dE, over the event's "
                "90% energy range (E_min-E_max)",
            },
            feldman_cousins_factors={k: list(v) for k, v in KM3_FC_INTERVALS.items()},
            confidence="high for KM3NeT_alone (published value, reproduced from the release's "
            "effective area to 0.1%); joint fit: best fit from the abstract, its uncertainty "
            "not available here",
            notes=[
                "KM3NeT_alone: one event, no background; the 68% interval is the Feldman-"
                "Cousins interval [0.3679, 2.7506] x the one-event flux (2 sigma: "
                "[0.0466, 5.1433], 3 sigma: [0.0028, 8.3077]; meta['feldman_cousins_factors']).",
                "The joint fit is ~80 times below the KM3NeT-alone flux: the null observations "
                "of IceCube-EHE and Auger dominate it; the paper quotes a 2.5-3 sigma tension.",
            ],
            source_comment=[
                "KM3NeT_alone: Nature 638, 376 (2025); energy quantiles, livetime and FC factors "
                "from the release notebook 'Astrophysical flux comparisons.ipynb'.",
                "joint fit: arXiv:2502.08173 abstract.",
            ],
            flux_columns=["E2Phi", "E2Phi_lo", "E2Phi_hi"],
        )
    )
    return t


#: The (phi, gamma) contours of the release: sample -> (file, citation, doi).
SPL_CONTOURS = {
    "hese": (
        "icecube_spl_hese_contour1sigma.json",
        "IceCube Collaboration, HESE 7.5 yr, Phys. Rev. D 104, 022002 (2021)",
        "10.1103/PhysRevD.104.022002",
    ),
    "nst": (
        "icecube_spl_nst_contour1sigma.json",
        "IceCube Collaboration, northern tracks 9.5 yr, Astrophys. J. 928, 50 (2022)",
        "10.3847/1538-4357/ac4d29",
    ),
}


def build_spl_contours(release: Path = KM3NET_RELEASE) -> Table:
    release = Path(release)
    import json

    best = json.loads((release / "icecube_spl_bestfit.json").read_text(encoding="utf-8"))
    samples, gammas, norms, comments = [], [], [], []
    for sample, (fname, _, _) in SPL_CONTOURS.items():
        d = _read_pandas_json(release / fname)
        g, n = d["SpectralIndex"], d["FluxNorm [GeV.cm^-2.s.sr]"]
        if len(g) != len(n):
            raise RuntimeError(f"{fname}: columns of different lengths")
        samples += [sample] * len(g)
        gammas += [float(x) for x in g]
        norms += [float(x) for x in n]
        comments += [f"{fname}: Source: {d.get('Source', '')}; {d.get('Description', '')}"]
    t = Table()
    t["sample"] = Column(samples, description="hese or nst")
    t["gamma"] = Column(gammas, description="spectral index on the 68% contour")
    t["phi_100"] = Column(
        norms,
        unit=DIFF_FLUX,
        description="per-flavour (nu+nubar) dN/dE at 100 TeV on the 68% contour",
    )
    best_fits = {
        k.lower(): {
            "phi_100": float(v["norm"]),
            "gamma": float(v["gamma"]),
            "E0_GeV": float(v["e0"]),
            "energy_range_GeV": [float(x) for x in v["range"]],
        }
        for k, v in best.items()
        if isinstance(v, dict)
    }
    t.meta.update(
        _meta(
            name="icecube_spl_contours_km3net",
            title="IceCube single-power-law fits: 68% contours in (phi_100, gamma), HESE 7.5 yr "
            "and northern tracks 9.5 yr",
            citation="; ".join(c for _, c, _ in SPL_CONTOURS.values())
            + "; compiled by the KM3NeT Collaboration (KM3-230213A data release)",
            doi={k: v[2] for k, v in SPL_CONTOURS.items()},
            origin=f"{KM3NET_REPO}, data/external/flux_constraints/icecube_spl_"
            f"{{hese,nst}}_contour1sigma.json and icecube_spl_bestfit.json (commit "
            f"{KM3NET_COMMIT}); numbers verbatim",
            model="Phi(E) = phi_100 (E / 100 TeV)^(-gamma), per flavour",
            units="phi_100 in GeV^-1 cm^-2 s^-1 sr^-1 (the source's column label "
            "'GeV.cm^-2.s.sr' is the inverse, as its use in the release's fluxmethods.E2Phi "
            "shows); gamma dimensionless",
            flux_convention={
                "messenger": "neutrinos",
                "neutrinos": "nu + nubar",
                "flavour": "per flavour",
                "flavour_ratio": "1:1:1 at Earth",
                "kind": "normalisation at 100 TeV of a power law (contour points)",
            },
            confidence_level="68% contour in the (phi_100, gamma) plane, as the source file "
            "names it ('contour1sigma'); per sample an ordered polygon whose last point joins "
            "its first",
            best_fits=best_fits,
            confidence="medium-high: an official compilation; the best fits agree with the "
            "publications (HESE phi = 2.12, gamma = 2.87; NST phi = 1.44, gamma = 2.37)",
            notes=[
                "The contours carry the normalisation-index correlation that the "
                "single-power-law rows of icecube_diffuse_bestfits lack.",
                "meta['best_fits'] also holds the release's ESTES (starting tracks) best fit "
                "(no contour shipped for it).",
            ],
            source_comment=comments,
            flux_columns=["phi_100"],
        )
    )
    return t


def build_all(src: Path) -> list[Path]:
    src = Path(src)
    tables = [
        build_fermi_table3(src),
        build_fermi_fit(src),
        build_icecube_2015(src),
        build_icecube_bestfits(src),
        build_km3net_compilation(src),
        _build_2025(
            src,
            "icecube_2025_combinedfit_segmented.csv",
            "icecube_2025_combinedfit",
            "IceCube 2025 segmented flux, combined fit of tracks and cascades",
            "combined fit (tracks + cascades), IceCube2026_combinedfit.csv",
        ),
        _build_2025(
            src,
            "icecube_2025_mese_segmented.csv",
            "icecube_2025_mese",
            "IceCube 2025 segmented flux, medium-energy starting events (MESE)",
            "MESE (all-flavour event sample; flux per flavour), IceCube2026_mese.csv",
        ),
    ]
    tables += [build_uhe_limit(name) for name in UHE_LIMITS]
    tables.append(build_egb_resolved_fraction())
    tables.append(build_galactic_plane_regions())
    tables.append(build_km3net_event())
    tables.append(build_spl_contours())
    tables.append(build_arcade2())
    return [_write(t, t.meta["name"]) for t in tables]


if __name__ == "__main__":  # pragma: no cover
    for p in build_all(Path(sys.argv[1] if len(sys.argv) > 1 else "/work/shared/data")):
        print(p)
