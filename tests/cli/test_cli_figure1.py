"""`crescape figure1`, `crescape match-icecube` and the figure1 reproduction step."""

from __future__ import annotations

import json

import matplotlib

matplotlib.use("Agg")

import pytest  # noqa: E402

from crescape.cli import main  # noqa: E402
from crescape.params import Parameters  # noqa: E402


def test_figure1_writes_png_and_pdf(tmp_path, capsys):
    out = tmp_path / "f1.png"
    assert main(["figure1", "--out", str(out), "--delta-G", "30,100", "--no-newest"]) == 0
    assert out.read_bytes()[:4] == b"\x89PNG"
    assert (tmp_path / "f1.pdf").read_bytes()[:5] == b"%PDF-"
    assert not (tmp_path / "f1_newest.png").exists()
    assert str(out) in capsys.readouterr().out


def test_figure1_json_and_newest(tmp_path, capsys):
    assert (
        main(["figure1", "--out", str(tmp_path / "g.pdf"), "--flavour", "per-flavour", "--json"])
        == 0
    )
    res = json.loads(capsys.readouterr().out)
    assert res["flavour"] == "per flavour" and res["delta_G"] == [10, 30, 100, 300]
    assert "one flavour" in res["flavour_reading"]
    assert sorted(p.rsplit("/", 1)[1] for p in res["written"]) == [
        "g.pdf",
        "g.png",
        "g_newest.pdf",
        "g_newest.png",
    ]


@pytest.mark.parametrize(
    "argv, msg",
    [
        (["figure1", "--delta-G", "10,abc"], "--delta-G '10,abc'"),
        (["figure1", "--delta-G", "0"], "delta_G = 0"),
        (["figure1", "--out", "x.jpg"], "suffix must be .png or .pdf"),
        (["figure1", "--set", "eta=2"], "eta = 2"),
        (["match-icecube", "--dataset", "nope"], "dataset = 'nope'"),
        (["match-icecube", "--energy", "5 kg"], "energy"),
    ],
)
def test_bad_input_exits_2_with_one_line(argv, msg, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert msg in err and "\n" not in err


def test_match_icecube_text_and_json(capsys):
    assert main(["match-icecube", "--flavour", "all"]) == 0
    out = capsys.readouterr().out
    assert "combined_2015" in out and "delta_G = 574" in out
    assert main(["match-icecube"]) == 0  # the per-flavour reading is the default
    assert "delta_G = 276" in capsys.readouterr().out
    assert main(["match-icecube", "--json", "--flavour", "per-flavour"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["flavour"] == "per flavour" and d["delta_G"] == pytest.approx(276, abs=1)
    assert d["energy"] == pytest.approx(1e5, rel=1e-6, abs=0)


def test_match_icecube_all_and_set(capsys):
    assert main(["match-icecube", "--dataset", "all", "--json", "--set", "L_CR=8e41"]) == 0
    d = json.loads(capsys.readouterr().out)
    names = [m["dataset"] for m in d["matches"]]
    assert "combinedfit_2025" in names and "mese_2025" in names
    c15 = next(m for m in d["matches"] if m["dataset"] == "combined_2015")
    # δ_G ∝ L_CR^-1/3: 8x the luminosity halves δ_G
    assert c15["delta_G"] == pytest.approx(275.98 / 2, rel=1e-3, abs=0)  # per flavour


def test_reproduction_step(tmp_path):
    from crescape.reproduction import figure1 as step

    assert step.ORDER == 20
    arts = step.run(tmp_path, Parameters())
    names = {a.name: a for a in arts}
    assert set(names) == {"figure1", "figure1_newest", "delta_G_match"}
    for f in (
        "figure1.png",
        "figure1.pdf",
        "figure1_newest.png",
        "figure1_newest.pdf",
        "delta_G_match.json",
        "delta_G_match.md",
    ):
        assert (tmp_path / f).stat().st_size > 0
    assert names["figure1"].path == "figure1.png"
    v = names["delta_G_match"].values["combined_2015_all_flavour"]
    assert v[1] < v[0] < v[2] and v[0] == pytest.approx(574, abs=1)
    v = names["delta_G_match"].values["combined_2015_per_flavour"]
    assert v[1] < v[0] < v[2] and v[0] == pytest.approx(276, abs=1)
    assert names["delta_G_match"].values["flavour"] == "per flavour"
    payload = json.loads((tmp_path / "delta_G_match.json").read_text())
    assert len(payload["all_flavour"]) == len(payload["per_flavour"]) >= 10
    assert payload["flavour"] == "per flavour" and "one flavour" in payload["flavour_reading"]
    assert "δ_G ~ 100" in (tmp_path / "delta_G_match.md").read_text()
