"""The tutorial notebooks run top to bottom, in a fresh kernel, without an error."""

import os
import time
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "docs" / "notebooks").glob("*.ipynb"))


def execute(path: Path, timeout: int = 120):
    """Run every cell of ``path`` in its own folder; return the executed notebook and the seconds."""
    nb = nbformat.read(path, as_version=4)
    env_backend = os.environ.get("MPLBACKEND")
    os.environ["MPLBACKEND"] = "Agg"
    try:
        client = nbclient.NotebookClient(
            nb,
            timeout=timeout,
            kernel_name="python3",
            resources={"metadata": {"path": path.parent}},
        )
        start = time.perf_counter()
        client.execute()
    finally:
        if env_backend is None:
            os.environ.pop("MPLBACKEND", None)
        else:
            os.environ["MPLBACKEND"] = env_backend
    return nb, time.perf_counter() - start


def test_there_are_tutorials():
    names = [p.stem for p in NOTEBOOKS]
    assert names[:3] == ["01_paper_chain", "02_galaxy_emission", "03_coupled_run"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs(path):
    stored = nbformat.read(path, as_version=4)
    # stored without outputs: the repository holds what a newcomer runs, not a stale result
    assert all(not c.get("outputs") for c in stored.cells if c.cell_type == "code"), path.name
    nb, seconds = execute(path)
    errors = [
        o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"
    ]
    assert not errors
    # every code cell ran, in order
    counts = [c.execution_count for c in nb.cells if c.cell_type == "code"]
    assert counts == list(range(1, len(counts) + 1))
    assert seconds < 60, f"{path.name} took {seconds:.0f} s"
