"""crescape.io: atomic writes with the mode of an ordinary new file, used by every writer."""

import ast
import os
import stat
from pathlib import Path

import pytest

from crescape.io import atomic_savefig, atomic_write, atomic_write_bytes, atomic_write_text

SRC = Path(__file__).resolve().parents[1] / "src" / "crescape"


@pytest.fixture(params=[0o022, 0o077, 0o002])
def umask(request):
    old = os.umask(request.param)
    try:
        yield request.param
    finally:
        os.umask(old)


def mode(path):
    return stat.S_IMODE(Path(path).stat().st_mode)


def test_modes_follow_the_umask(tmp_path, umask):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    a = atomic_write_text(tmp_path / "a.txt", "x")
    b = atomic_write_bytes(tmp_path / "sub" / "b.bin", b"\0")
    c = atomic_write(tmp_path / "c.txt", writer=lambda tmp: Path(tmp).write_text("c"))
    fig = plt.figure()
    d = atomic_savefig(fig, tmp_path / "d.png")
    plt.close(fig)
    for p in (a, b, c, d):
        assert mode(p) == 0o666 & ~umask, p
    assert d.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_reproduction_steps_write_with_the_umask(tmp_path, umask):
    """The chain step (ECSV, Markdown, JSON) and the top-level summary writers honour the umask."""
    from crescape.params import Parameters
    from crescape.reproduction import chain

    chain.run(tmp_path, Parameters())
    files = sorted(tmp_path.iterdir())
    assert [p.name for p in files] == ["audit.json", "audit.md", "chain.ecsv"]
    for p in files:
        assert mode(p) == 0o666 & ~umask, p


def test_a_failed_write_keeps_the_old_file(tmp_path, monkeypatch):
    path = atomic_write_text(tmp_path / "f.txt", "old")

    def full(*a, **k):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full)
    with pytest.raises(OSError, match="No space"):
        atomic_write_text(path, "new")
    assert path.read_text() == "old" and list(tmp_path.iterdir()) == [path]


def test_exactly_one_of_data_and_writer(tmp_path):
    with pytest.raises(TypeError):
        atomic_write(tmp_path / "x")
    with pytest.raises(TypeError):
        atomic_write(tmp_path / "x", b"", writer=print)


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            out.add("." * node.level + (node.module or ""))
        elif isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
    return out


def test_no_other_writer_uses_mkstemp_and_io_imports_nothing_of_crescape():
    """One place for atomic writes: no module but crescape.io calls tempfile.mkstemp."""
    users = [
        p.relative_to(SRC).as_posix()
        for p in SRC.rglob("*.py")
        if "mkstemp" in p.read_text() and p.name != "io.py"
    ]
    assert users == []
    assert not any(m.startswith(".") or m.startswith("crescape") for m in _imports(SRC / "io.py"))
