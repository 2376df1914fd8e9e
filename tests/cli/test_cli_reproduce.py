"""`crescape reproduce`: --only, the in-progress marker, summaries written last, relative links."""

from __future__ import annotations

import json
import types
from pathlib import Path

import pytest

import crescape.cli.reproduce as rep
from crescape.cli import main
from crescape.io import atomic_write_text
from crescape.reproduction import Artifact, step_names


def fake_step(name: str, order: int, fail: bool = False, kill: bool = False):
    """A step that writes <name>.txt and reports its path as the step gave it (out_dir / name)."""

    def run(out_dir, params):
        if kill:
            raise KeyboardInterrupt
        if fail:
            raise RuntimeError("step broke")
        p = Path(out_dir) / f"{name}.txt"
        atomic_write_text(p, name)
        return [Artifact(name, f"the {name} file", str(p))]

    mod = types.ModuleType(f"crescape.reproduction.{name}")
    mod.ORDER, mod.TITLE, mod.run = order, f"step {name}", run
    return mod


@pytest.fixture
def fake_steps(monkeypatch):
    def install(*mods):
        monkeypatch.setattr(rep, "steps", lambda: list(mods))
        monkeypatch.setattr(
            rep, "step_names", lambda: [m.__name__.rsplit(".", 1)[-1] for m in mods]
        )

    return install


def test_links_are_relative_to_the_summary_for_a_relative_out(tmp_path, monkeypatch, fake_steps):
    fake_steps(fake_step("alpha", 0), fake_step("beta", 1))
    monkeypatch.chdir(tmp_path)
    assert main(["reproduce", "--out", "reproduce-output"]) == 0
    out = tmp_path / "reproduce-output"
    md = (out / "summary.md").read_text()
    assert "[`alpha.txt`](alpha.txt)" in md and "reproduce-output/" not in md
    summary = json.loads((out / "summary.json").read_text())
    paths = [a["path"] for p in summary["products"] for a in p["artifacts"]]
    assert paths == ["alpha.txt", "beta.txt"]
    for p in paths:  # every link resolves from the summary's folder
        assert (out / p).is_file()
    assert not (out / rep.MARKER).exists()


def test_absolute_out_gives_the_same_links(tmp_path, fake_steps):
    fake_steps(fake_step("alpha", 0))
    assert main(["reproduce", "--out", str(tmp_path / "o")]) == 0
    assert "[`alpha.txt`](alpha.txt)" in (tmp_path / "o" / "summary.md").read_text()


def test_a_killed_run_leaves_no_old_summary_beside_new_files(tmp_path, fake_steps, capsys):
    out = tmp_path / "o"
    fake_steps(fake_step("alpha", 0))
    assert main(["reproduce", "--out", str(out)]) == 0
    assert "alpha.txt" in (out / "summary.md").read_text()
    fake_steps(fake_step("alpha", 0), fake_step("beta", 1, kill=True))
    assert main(["reproduce", "--out", str(out)]) == 130
    assert (out / rep.MARKER).exists()
    assert "in progress" in (out / "summary.md").read_text()
    assert "alpha.txt" not in (out / "summary.md").read_text()
    assert not (out / "summary.json").exists()
    fake_steps(fake_step("alpha", 0), fake_step("beta", 1))
    assert main(["reproduce", "--out", str(out)]) == 0
    assert not (out / rep.MARKER).exists() and "beta.txt" in (out / "summary.md").read_text()
    capsys.readouterr()


def test_a_failed_step_is_listed_and_gives_exit_1(tmp_path, fake_steps, capsys):
    fake_steps(fake_step("alpha", 0), fake_step("beta", 1, fail=True))
    assert main(["reproduce", "--out", str(tmp_path)]) == 1
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert [f["step"] for f in summary["failed_steps"]] == ["beta"]
    assert not (tmp_path / rep.MARKER).exists()
    assert "FAILED" in capsys.readouterr().out


def test_only_accepts_lists_and_runs_only_those(tmp_path, fake_steps, capsys):
    fake_steps(fake_step("alpha", 0), fake_step("beta", 1), fake_step("gamma", 2))
    assert main(["reproduce", "--out", str(tmp_path), "--only", "gamma,alpha"]) == 0
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert [p["step"] for p in summary["products"]] == ["alpha", "gamma"]
    capsys.readouterr()


def test_help_lists_the_steps(capsys):
    assert main(["reproduce", "--help"]) == 0
    text = " ".join(capsys.readouterr().out.split())
    for name in step_names():
        assert name in text
    assert {"chain", "figure1", "spectra"} <= set(step_names())


def test_reproduce_writes_a_checked_html_summary_last(tmp_path, fake_steps, capsys):
    """summary.html beside summary.md: every link and image resolves; a killed run leaves the
    in-progress page, not an old report."""
    from crescape.reproduction import check_html

    fake_steps(fake_step("alpha", 0), fake_step("beta", 1))
    out = tmp_path / "o"
    assert main(["reproduce", "--out", str(out)]) == 0
    html = out / "summary.html"
    assert html.is_file() and check_html(html) == []
    text = html.read_text()
    assert "alpha.txt" in text and "beta.txt" in text
    fake_steps(fake_step("alpha", 0, kill=True))
    main(["reproduce", "--out", str(out)])
    capsys.readouterr()
    assert "in progress" in html.read_text() and "beta.txt" not in html.read_text()
