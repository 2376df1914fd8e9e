"""Which CGM models survive which spectra: verdicts from p-values."""

import pytest

from crescape.analysis import fit_survey as S


@pytest.mark.parametrize(
    "p, word",
    [
        (0.5, "survives"),
        (0.05, "survives"),
        (0.01, "disfavoured"),
        (1e-3, "disfavoured"),
        (9.9e-4, "rejected"),
    ],
)
def test_verdict_thresholds(p, word):
    assert S.verdict(p) == word


def test_survey_rows_and_table():
    """The paper's flat E^-2 (Eq. 17, s = 2) is rejected by the 2025 combined spectrum (p < 1e-3),
    with and without the IGRB; the row records the reading and the fit."""
    rows = S.survey(["icecube_2025_combined"], [S.DEFAULT_MODELS[0]])
    (r,) = rows
    assert r["model_kind"] == "eq17" and r["free"] == ["delta_G"] and r["flavour"] == "per flavour"
    assert r["verdict"] == "rejected" and r["icecube_only"]["verdict"] == "rejected"
    assert r["ndof"] == 13 and r["p_value"] < 1e-3
    assert r["galactic_plane"] == "not included"
    md = S.markdown(rows)
    assert md.count("\n") == 2 and "**rejected**" in md
