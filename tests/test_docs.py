"""The package's papers: one version, the citation, the changelog, the site's table of contents."""

import importlib.metadata
import importlib.util
import re
import subprocess
import tomllib
from pathlib import Path

import pytest

import crescape

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
yaml = pytest.importorskip("yaml")


def _ext():
    """The docs' docstring extension (importing it changes nothing outside it)."""
    path = DOCS / "_ext" / "docstring_fallback.py"
    spec = importlib.util.spec_from_file_location("crescape_docstring_fallback", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _latest_release() -> str:
    """The newest released version in CHANGELOG.md (the first ``## [X.Y.Z] - date`` heading)."""
    m = re.search(
        r"^## \[(\d+\.\d+\.\d+)\] - \d{4}-\d{2}-\d{2}$", (ROOT / "CHANGELOG.md").read_text(), re.M
    )
    assert m, "CHANGELOG.md has no released version"
    return m.group(1)


def test_version_comes_from_the_git_tag_once():
    """pyproject takes the version from git (hatch-vcs); crescape.__version__ reads the installed metadata."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert "version" not in project["project"]
    assert project["project"]["dynamic"] == ["version"]
    assert project["tool"]["hatch"]["version"]["source"] == "vcs"
    assert "hatch-vcs>=0.4" in project["build-system"]["requires"]
    assert crescape.__version__ == importlib.metadata.version("crescape")
    assert re.fullmatch(r"\d+\.\d+\.\d+(\.dev\d+)?(\+[0-9A-Za-z.]+)?", crescape.__version__)
    init = (ROOT / "src" / "crescape" / "__init__.py").read_text()
    assert not re.search(r"^__version__\s*=\s*\"\d", init, re.M), "a version literal in __init__"


def test_release_tag_matches_the_changelog():
    """The newest ``vX.Y.Z`` tag is the newest release of the changelog (skipped without tags)."""
    try:
        out = subprocess.run(
            ["git", "-C", str(ROOT), "tag", "--list", "v*", "--sort=-v:refname"],
            capture_output=True,
            text=True,
            check=True,
            timeout=30,
        ).stdout.split()
    except (OSError, subprocess.SubprocessError):
        pytest.skip("git is not available")
    if not out:
        pytest.skip("this clone has no release tags")
    assert out[0] == f"v{_latest_release()}"


def test_citation_names_the_package_and_the_paper():
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text())
    assert cff["cff-version"] == "1.2.0"
    assert str(cff["version"]) == _latest_release()
    assert cff["license"] == "BSD-3-Clause"
    paper = cff["preferred-citation"]
    assert paper["doi"] == "10.1103/PhysRevLett.122.051101"
    assert (paper["volume"], str(paper["start"]), paper["year"]) == (122, "051101", 2019)
    assert [a["family-names"] for a in paper["authors"]] == ["Blasi", "Amato"]


def test_license_is_bsd3():
    text = (ROOT / "LICENSE").read_text()
    assert text.startswith("BSD 3-Clause License")
    assert "crescape developers" in text
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert project["project"]["license"] == {"text": "BSD-3-Clause"}


def test_changelog_has_the_current_version():
    text = (ROOT / "CHANGELOG.md").read_text()
    assert "## [Unreleased]" in text
    release = crescape.__version__.split("+")[0]
    if ".dev" not in release:  # a released version has its own entry
        assert f"## [{release}] - " in text


def test_every_topic_note_and_notebook_is_in_the_site():
    """A page outside every toctree fails the docs build (-W), and so does a glob that
    matches nothing: index.md lists the notebooks by a glob (in the order of their
    numbers) and the topic notes by a glob after the two it puts first."""
    index = (DOCS / "index.md").read_text()
    trees = re.findall(r"```\{toctree\}\n(.*?)```", index, flags=re.S)
    entries = [line for tree in trees for line in tree.splitlines() if line and line[0] != ":"]
    assert "*" in entries and "notebooks/*" in entries
    assert all(":glob:" in tree for tree in trees if "*" in tree)
    for entry in entries:
        if "*" in entry:
            continue
        if (
            entry == "gallery/index"
        ):  # written by sphinx-gallery from examples/gallery at build time
            assert (ROOT / "examples" / "gallery" / "README.rst").exists() or list(
                (ROOT / "examples" / "gallery").glob("plot_*.py")
            ), entry
            continue
        assert (DOCS / f"{entry}.md").exists() or list(DOCS.glob(f"{entry}.*")), entry


def test_every_gallery_example_has_a_title_and_starts_clusters_under_the_guard():
    examples = sorted((ROOT / "examples" / "gallery").glob("plot_*.py"))
    assert len(examples) >= 8
    for path in examples:
        text = path.read_text()
        title = text.split('"""')[1].strip().splitlines()
        assert len(title) >= 2 and set(title[1]) == {"="}, path.name
        if "LocalCluster" in text or 'scheduler="local"' in text:
            assert 'if __name__ == "__main__":' in text, path.name


@pytest.mark.parametrize(
    "line, expected",
    [
        ("|∂P_CR/∂z| = E²φ/(3D)", r"\|∂P_CR/∂z\| = E²φ/(3D)"),
        ("``a | b`` and |x|", r"``a | b`` and \|x\|"),
        ("no bars", "no bars"),
    ],
)
def test_docs_escape_absolute_values_outside_literals(line, expected):
    assert _ext().escape_bars(line) == expected


def test_docs_fall_back_to_preformatted_text_only_for_invalid_layout():
    pytest.importorskip("docutils", reason="docutils comes with the docs extra (make docs)")
    ext = _ext()
    bad = ["The summary.", "", "A formula:", "    x = 1", "and after it."]
    assert ext.rst_problems(bad)
    good = [
        "The summary, with :func:`f`.",
        "",
        "Parameters",
        "----------",
        "x : float",
        "    An x.",
    ]
    assert ext.rst_problems(good) == []
    assert ext.preformat(bad) == [
        "The summary.",
        "",
        "::",
        "",
        "    A formula:",
        "        x = 1",
        "    and after it.",
        "",
    ]
