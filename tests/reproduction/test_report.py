"""summary.html of `crescape reproduce`: audit table, figures inline, numbers, links that resolve.

A fast pure-Python check always runs (:func:`crescape.reproduction.check_html`); the
same page is opened in headless Chromium when a ``chromium`` binary is installed.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import types
from pathlib import Path
from urllib.parse import quote

import pytest

import crescape.cli.reproduce as rep
from crescape.cli import main
from crescape.params import Parameters
from crescape.reproduction import Artifact, check_html, write_summary_html
from crescape.reproduction import chain as chain_step
from crescape.reproduction._base import save_figure


def _figure_step():
    """A step like the real ones: a PNG + PDF figure, a data file and a folder (a store)."""

    def run(out_dir, params):
        from matplotlib.figure import Figure

        fig = Figure(figsize=(3, 2))
        fig.subplots().plot([1, 2, 3], [1, 4, 9], label="x²")
        png, pdf = save_figure(fig, Path(out_dir) / "demo figure.png", params)
        (Path(out_dir) / "demo.json").write_text(json.dumps({"a": 1}))
        store = Path(out_dir) / "demo.zarr"
        store.mkdir(exist_ok=True)
        (store / ".zattrs").write_text("{}")
        return [
            Artifact("demo_figure", "a demo figure", png.name, {"pdf": pdf.name, "slope": 2.0}),
            Artifact("demo_numbers", "numbers", "demo.json", {"nested": {"x": [1.0, 2.0]}}),
            Artifact("demo_store", "a store", "demo.zarr"),
            Artifact("pure_number", "no file", None, {"value": 3.0}),
        ]

    mod = types.ModuleType("crescape.reproduction.demo")
    mod.ORDER, mod.TITLE, mod.run = 10, "A demo step & <its> figure", run
    return mod


@pytest.fixture(scope="module")
def reproduced(tmp_path_factory):
    """A reproduction folder made by the CLI with the real chain step and a figure step."""
    out = tmp_path_factory.mktemp("repro") / "out"
    mp = pytest.MonkeyPatch()
    mods = [chain_step, _figure_step()]
    mp.setattr(rep, "steps", lambda: mods)
    mp.setattr(rep, "step_names", lambda: [m.__name__.rsplit(".", 1)[-1] for m in mods])
    try:
        assert main(["reproduce", "--out", str(out)]) == 0
    finally:
        mp.undo()
    summary = json.loads((out / "summary.json").read_text())
    page = write_summary_html(out, summary)
    return out, summary, page


def test_page_has_audit_figures_numbers_and_links(reproduced):
    out, summary, page = reproduced
    assert page == out / "summary.html"
    text = page.read_text()
    # the audit table: one row per claim, with its id
    for claim in summary["audit"]:
        assert f"<code>{claim['id']}</code>" in text
    # every PNG product inline, none linked as an <img> file
    pngs = [
        a for p in summary["products"] for a in p["artifacts"] if str(a["path"]).endswith(".png")
    ]
    assert len(pngs) == 1
    assert text.count('<img src="data:image/png;base64,') == len(pngs)
    # every product file linked relative to the folder (names with spaces quoted as given)
    for p in summary["products"]:
        for a in p["artifacts"]:
            if a["path"]:
                assert f'href="{quote(a["path"])}"' in text, a["path"]
    assert 'href="demo%20figure.pdf"' in text and 'href="summary.md"' in text
    # the numbers of the products, flattened
    assert "nested.x" in text and "[1, 2]" in text
    # titles are escaped
    assert "A demo step &amp; &lt;its&gt; figure" in text


def test_pure_python_check_finds_no_broken_image_or_link(reproduced):
    out, _, page = reproduced
    assert check_html(page) == []


@pytest.mark.parametrize(
    "snippet, problem",
    [
        ('<img src="nothere.png">', "image 'nothere.png': no such file"),
        ('<img src="data:image/png;base64,AAAA">', "not a image/png image"),
        ('<img src="data:image/png;base64,@@@">', "base64 does not decode"),
        ('<img src="https://example.org/x.png">', "not embedded or relative"),
        ('<a href="missing.ecsv">x</a>', "link 'missing.ecsv': no such file"),
        ('<a href="#nowhere">x</a>', "no element with this id"),
        ('<a href="http://example.org">x</a>', "remote"),
    ],
)
def test_check_html_catches_breakage(reproduced, tmp_path, snippet, problem):
    out, _, page = reproduced
    broken = out / "broken.html"
    broken.write_text(page.read_text().replace("</body>", snippet + "</body>"))
    try:
        problems = check_html(broken)
    finally:
        broken.unlink()
    assert len(problems) == 1 and problem in problems[0], problems


def test_every_file_records_the_parameters(reproduced):
    from astropy.table import Table
    from PIL import Image

    out, _, _ = reproduced
    attrs = Parameters().as_attrs()
    meta = Table.read(out / "chain.ecsv", format="ascii.ecsv").meta
    assert {k: meta[k] for k in attrs} == attrs
    audit = json.loads((out / "audit.json").read_text())
    assert {k: audit["attrs"][k] for k in attrs} == attrs and audit["claims"]
    im = Image.open(out / "demo figure.png")
    assert min(im.info["dpi"]) >= 199.5
    assert json.loads(im.info["crescape:parameters"])["param.L_CR"] == attrs["param.L_CR"]
    back = Parameters.from_attrs(json.loads(im.info["crescape:parameters"]))
    assert back.as_attrs() == attrs


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


_PROBE = """<script>
window.addEventListener('load', () => {
  const bad = [];
  for (const im of document.images) {
    if (!(im.complete && im.naturalWidth > 0)) bad.push('image ' + im.getAttribute('src').slice(0, 60));
  }
  for (const a of document.querySelectorAll('a[href]')) {
    const h = a.getAttribute('href');
    if (h.startsWith('#')) { if (!document.getElementById(h.slice(1))) bad.push('anchor ' + h); continue; }
    try { const r = new XMLHttpRequest(); r.open('GET', a.href, false); r.send(); }
    catch (e) { bad.push('link ' + h + ': ' + e.name); }
  }
  const p = document.createElement('pre');
  p.id = 'crescape-probe';
  p.textContent = 'PROBE' + JSON.stringify({images: document.images.length, bad: bad});
  document.body.appendChild(p);
});
</script>"""


def _browser_check(chromium: str, page: Path, tmp_path: Path) -> dict:
    """Open a copy of ``page`` (same folder, a probe script added) in headless Chromium."""
    probe = page.with_name("summary-probe.html")
    probe.write_text(page.read_text().replace("</body>", _PROBE + "</body>"))
    try:
        res = subprocess.run(
            [
                chromium,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--allow-file-access-from-files",
                f"--user-data-dir={tmp_path / 'profile'}",
                "--virtual-time-budget=10000",
                "--dump-dom",
                probe.as_uri(),
            ],
            capture_output=True,
            text=True,
            timeout=120,
        )
    finally:
        probe.unlink()
    m = re.search(r'<pre id="crescape-probe">PROBE(.*?)</pre>', res.stdout, re.S)
    assert m, f"the probe did not run; chromium exit {res.returncode}: {res.stderr[-500:]}"
    import html

    return json.loads(html.unescape(m.group(1)))


@pytest.mark.skipif(_chromium() is None, reason="no chromium binary (apt-get install chromium)")
def test_headless_browser_finds_no_broken_image_or_link(reproduced, tmp_path):
    out, _, page = reproduced
    result = _browser_check(_chromium(), page, tmp_path)
    assert result["images"] >= 1
    assert result["bad"] == []
    # and the probe does see breakage: a page with a missing image and link
    broken = out / "summary-broken.html"
    broken.write_text(
        page.read_text().replace("</body>", '<img src="gone.png"><a href="gone.ecsv">g</a></body>')
    )
    try:
        bad = _browser_check(_chromium(), broken, tmp_path)["bad"]
    finally:
        broken.unlink()
    assert bad == ["image gone.png", "link gone.ecsv: NetworkError"]
