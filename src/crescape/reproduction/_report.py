"""``summary.html``: the reproduction as one page that a browser opens from the output folder.

The page holds what ``summary.md`` holds (the parameters, the audit of every number
the paper quotes, the products of each step) and more: every PNG figure inline
(embedded as a ``data:`` URI, so the page stays whole when copied alone), the
numbers of each product, the analytic chain, and relative links to the data
files beside it. Nothing is fetched from the network.

:func:`check_html` is the pure-Python check of the page: every ``<img>`` source
decodes to an image or names a file that exists, every relative ``<a href>``
names a file or folder that exists, every ``#anchor`` has its target.
"""

from __future__ import annotations

import base64
import html
import json
import math
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlsplit

from ..io import atomic_write_text

__all__ = ["summary_html", "write_summary_html", "write_in_progress_html", "check_html"]

HTML_NAME = "summary.html"

_CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; max-width: 74rem;
       margin: 1.5rem auto; padding: 0 1rem; color: #222; line-height: 1.45; }
h1 { font-size: 1.5rem; } h2 { margin-top: 2.2rem; border-bottom: 1px solid #ccc; }
table { border-collapse: collapse; font-size: 0.85rem; margin: 0.6rem 0; }
th, td { border: 1px solid #ccc; padding: 0.2rem 0.45rem; vertical-align: top; }
th { background: #f2f2f2; text-align: left; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.off td { background: #fff3e0; }
figure { margin: 0.8rem 0 1.4rem; } figure img { max-width: 100%; height: auto;
         border: 1px solid #ddd; } figcaption { font-size: 0.85rem; color: #444; }
details { margin: 0.3rem 0 0.8rem; } summary { cursor: pointer; color: #1f4e8c; }
code { background: #f5f5f5; padding: 0 0.2rem; } .failed { color: #b00020; }
nav ul { columns: 2; font-size: 0.9rem; }
"""

_IMAGE_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".svg": "image/svg+xml",
}
_MAGIC = {"image/png": b"\x89PNG\r\n\x1a\n", "image/jpeg": b"\xff\xd8\xff"}


def _e(text: Any) -> str:
    return html.escape(str(text), quote=True)


def _num(v: Any) -> str:
    """A number as the summary shows it (3 significant digits; ints and text as they are)."""
    if isinstance(v, bool) or v is None:
        return _e(v)
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if not math.isfinite(v):
            return _e(v)
        return f"{v:.4g}"
    return _e(v)


def _flat(values: Any, prefix: str = "") -> list[tuple[str, Any]]:
    """Nested dicts flattened to ``a.b`` keys; short lists of numbers kept as one row."""
    rows: list[tuple[str, Any]] = []
    if isinstance(values, dict):
        for k, v in values.items():
            rows += _flat(v, f"{prefix}.{k}" if prefix else str(k))
    elif isinstance(values, (list, tuple)):
        if all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in values):
            rows.append((prefix, "[" + ", ".join(_num(x) for x in values) + "]"))
        else:
            for i, v in enumerate(values):
                rows += _flat(v, f"{prefix}[{i}]")
    else:
        rows.append((prefix, _num(values)))
    return rows


def _anchor(name: str) -> str:
    return "step-" + "".join(c if c.isalnum() or c in "-_" else "-" for c in name)


def _data_uri(path: Path) -> str:
    mime = _IMAGE_TYPES[path.suffix.lower()]
    return f"data:{mime};base64," + base64.b64encode(path.read_bytes()).decode("ascii")


def _link(out: Path, rel: str | None, text: str | None = None) -> str:
    """A relative link to a product, or the bare name (marked missing) if it is not there."""
    if not rel:
        return ""
    label = _e(text or rel)
    if (out / rel).exists():
        return f'<a href="{_e(quote(rel))}"><code>{label}</code></a>'
    return f"<code>{label}</code> (not written)"


def _audit_rows(audit: list[dict]) -> list[str]:
    head = (
        "<tr><th>quantity</th><th>where</th><th>what the paper says</th><th>paper</th>"
        "<th>crescape (paper's convention)</th><th>ratio</th><th>exact</th><th>unit</th>"
        "<th>evaluated at</th><th>note</th></tr>"
    )
    rows = [head]
    for c in audit:
        ratio = c.get("ratio")
        off = isinstance(ratio, float) and math.isfinite(ratio) and abs(ratio - 1) > 0.5
        rows.append(
            f"<tr{' class=off' if off else ''}><td><code>{_e(c.get('id'))}</code></td>"
            f"<td>{_e(c.get('equation', ''))}</td><td>{_e(c.get('statement', ''))}</td>"
            f'<td class="num">{_num(c.get("paper"))}</td>'
            f'<td class="num">{_num(c.get("crescape"))}</td>'
            f'<td class="num">{_num(ratio)}</td>'
            f'<td class="num">{"" if c.get("exact") is None else _num(c.get("exact"))}</td>'
            f"<td>{_e(c.get('unit', ''))}</td><td>{_e(c.get('at', ''))}</td>"
            f"<td>{_e(c.get('note', ''))}</td></tr>"
        )
    return rows


def _artifact(out: Path, a: dict) -> list[str]:
    rel = a.get("path")
    parts = [f"<h4>{_e(a.get('name', ''))}</h4>", f"<p>{_e(a.get('description', ''))}</p>"]
    values = dict(a.get("values") or {})
    pdf = values.pop("pdf", None) if isinstance(values.get("pdf"), str) else None
    path = out / rel if rel else None
    if path is not None and path.suffix.lower() in _IMAGE_TYPES and path.is_file():
        links = [_link(out, rel, f"{rel}")]
        if pdf:
            links.append(_link(out, pdf))
        parts.append(
            f'<figure><img src="{_data_uri(path)}" alt="{_e(a.get("description", rel))}">'
            f"<figcaption>{_e(a.get('description', ''))} — {', '.join(links)}</figcaption></figure>"
        )
    elif rel:
        parts.append(f"<p>File: {_link(out, rel)}</p>")
    if values:
        rows = "".join(
            f'<tr><td><code>{_e(k)}</code></td><td class="num">{v}</td></tr>'
            for k, v in _flat(values)
        )
        parts.append(
            f"<details><summary>numbers ({len(_flat(values))})</summary>"
            f"<table><tr><th>name</th><th>value</th></tr>{rows}</table></details>"
        )
    return parts


def summary_html(summary: dict, out: Path) -> str:
    """The HTML page of a reproduction, from the dictionary written to ``summary.json``.

    ``out`` is the output folder: images are read from it and links are checked
    against it (a product that is missing is named, not linked).
    """
    out = Path(out)
    title = "crescape reproduction of " + summary.get(
        "paper", "Blasi & Amato 2019, PRL 122, 051101"
    )
    params = summary.get("parameters", {})
    units = summary.get("units", {})
    products = summary.get("products", [])
    failed = summary.get("failed_steps", [])
    audit = summary.get("audit", [])
    chain = summary.get("chain", {})
    body: list[str] = [f"<h1>{_e(title)}</h1>"]
    siblings = [n for n in ("summary.md", "summary.json") if (out / n).exists()]
    body.append(
        f"<p>crescape {_e(summary.get('crescape_version', ''))}. "
        + (f"The same in text: {', '.join(_link(out, n) for n in siblings)}. " if siblings else "")
        + "All links are relative to this folder; the figures are embedded.</p>"
    )
    toc = [
        '<li><a href="#parameters">Parameters</a></li>',
        '<li><a href="#audit">Every number the paper quotes</a></li>',
    ]
    if chain:
        toc.append('<li><a href="#chain">The analytic chain</a></li>')
    toc += [
        f'<li><a href="#{_anchor(p["step"])}">{_e(p.get("title", p["step"]))}</a></li>'
        for p in products
    ]
    if failed:
        toc.append('<li><a href="#failed" class="failed">Failed steps</a></li>')
    body.append("<nav><ul>" + "".join(toc) + "</ul></nav>")

    body.append('<h2 id="parameters">Parameters</h2>')
    body.append(
        "<table><tr><th>parameter</th><th>value</th><th>unit</th></tr>"
        + "".join(
            f'<tr><td><code>{_e(k)}</code></td><td class="num">{_num(v)}</td><td>{_e(units.get(k, ""))}</td></tr>'
            for k, v in params.items()
        )
        + "</table>"
    )
    body.append('<h2 id="audit">Every number the paper quotes</h2>')
    body.append(
        "<p>'crescape' is the value in the paper's own convention; 'exact' is crescape's exact "
        "physics where it differs; rows with a ratio off by more than 50% are shaded. Each entry "
        "is discussed in docs/paper-notes.md of the crescape source repository.</p>"
    )
    body.append("<table>" + "".join(_audit_rows(audit)) + "</table>")
    if chain:
        body.append('<h2 id="chain">The analytic chain at these parameters</h2>')
        body.append(
            "<table><tr><th>quantity</th><th>value</th><th>unit</th><th>equation</th></tr>"
            + "".join(
                f'<tr><td><code>{_e(k)}</code></td><td class="num">{_num(v.get("value"))}</td>'
                f"<td>{_e(v.get('unit', ''))}</td><td>{_e(v.get('equation', ''))}</td></tr>"
                for k, v in chain.items()
            )
            + "</table>"
        )
    body.append("<h2>Products</h2>")
    for p in products:
        body.append(
            f'<h3 id="{_anchor(p["step"])}">{_e(p.get("title", p["step"]))} '
            f"(<code>{_e(p['step'])}</code>, {_num(p.get('seconds'))} s)</h3>"
        )
        for a in p.get("artifacts", []):
            body += _artifact(out, a)
    if failed:
        body.append('<h2 id="failed" class="failed">Failed steps</h2><ul>')
        body += [f"<li><code>{_e(f['step'])}</code>: {_e(f['error'])}</li>" for f in failed]
        body.append("</ul>")
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_e(title)}</title><style>{_CSS}</style></head>\n<body>\n"
        + "\n".join(body)
        + "\n</body></html>\n"
    )


def write_summary_html(out: Path, summary: dict) -> Path:
    """Write ``summary.html`` into ``out`` (atomically) from the ``summary.json`` dictionary."""
    path = Path(out) / HTML_NAME
    atomic_write_text(path, summary_html(json.loads(json.dumps(summary, default=float)), Path(out)))
    return path


def write_in_progress_html(out: Path, started: str) -> Path:
    """Replace any old ``summary.html`` by an "in progress" page (see ``crescape reproduce``)."""
    path = Path(out) / HTML_NAME
    atomic_write_text(
        path,
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        "<title>crescape reproduction in progress</title></head><body>"
        "<h1>crescape reproduction in progress</h1>"
        f"<p>Started {_e(started)}. The files in this folder may come from this run or an earlier "
        "one; this page is replaced by the summary when the run is complete.</p></body></html>\n",
    )
    return path


class _Links(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.images: list[str] = []
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(a["id"])
        if tag == "img":
            self.images.append(a.get("src") or "")
        elif tag == "a" and a.get("href") is not None:
            self.links.append(a["href"])


def check_html(path: str | Path) -> list[str]:
    """The broken images and links of an HTML page (an empty list when there are none).

    An image is broken when its ``src`` is empty, remote, a ``data:`` URI that does not
    decode to an image of its declared type, or a relative path that is not a file. A
    link is broken when it is a relative path to nothing or an ``#anchor`` without
    target; remote links (http, https, mailto) are reported too, as the page is meant
    to stand alone.
    """
    path = Path(path)
    parser = _Links()
    parser.feed(path.read_text(encoding="utf-8"))
    base = path.parent
    problems: list[str] = []
    for src in parser.images:
        if src.startswith("data:"):
            head, _, payload = src.partition(",")
            mime = head[5:].split(";")[0]
            if not head.endswith(";base64") or mime not in _IMAGE_TYPES.values():
                problems.append(f"image {src[:40]}...: not a base64 image data URI")
                continue
            try:
                raw = base64.b64decode(payload, validate=True)
            except ValueError:
                problems.append(f"image {src[:40]}...: base64 does not decode")
                continue
            magic = _MAGIC.get(mime)
            if not raw or (magic and not raw.startswith(magic)):
                problems.append(f"image {src[:40]}...: not a {mime} image")
            continue
        parts = urlsplit(src)
        if not src or parts.scheme or parts.netloc:
            problems.append(f"image {src!r}: not embedded or relative")
        elif not (base / unquote(parts.path)).is_file():
            problems.append(f"image {src!r}: no such file")
    for href in parser.links:
        parts = urlsplit(href)
        if parts.scheme or parts.netloc:
            problems.append(f"link {href!r}: remote")
        elif not parts.path:
            if parts.fragment not in parser.ids:
                problems.append(f"link {href!r}: no element with this id")
        elif not (base / unquote(parts.path)).exists():
            problems.append(f"link {href!r}: no such file")
    return problems
