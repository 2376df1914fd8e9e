"""Sphinx extension of the crescape docs: docstrings written as plain text.

Two fixes, applied to every docstring the API reference reads:

* Many docstrings write formulas in plain text, where ``|x|`` is an absolute value; in
  reStructuredText ``|x|`` is a substitution. Bars outside inline literals are escaped.
* The one-line summaries of the API tables do not stop at "Eq." or "Fig.": the
  docstrings cite "KAB06 Eq. 58", "Bell (2004), Eq. 11".
* A docstring whose layout is not valid reStructuredText (an indented formula after a
  sentence, a short title underline) is shown as preformatted text below its first
  line, so that one such docstring does not fail the whole build (``-W``). Each one is
  named, with docutils' messages, in ``docs/_build/preformatted-docstrings.txt``;
  ``CRESCAPE_DOCS_STRICT=1`` turns the fallback off, and the build then fails on them.
"""

from __future__ import annotations

import io
import os
import re
from pathlib import Path

_LITERAL = re.compile(r"(``.*?``)")
# messages about Sphinx's own roles and directives, unknown to plain docutils
_SPHINX_ONLY = ("Unknown interpreted text role", "Unknown directive type", "No role entry")


def strict() -> bool:
    """True when CRESCAPE_DOCS_STRICT is set (to anything but 0)."""
    return os.environ.get("CRESCAPE_DOCS_STRICT", "") not in ("", "0")


def escape_bars(line: str) -> str:
    """``line`` with every ``|`` outside inline literals escaped."""
    parts = _LITERAL.split(line)
    return "".join(p if p.startswith("``") else p.replace("|", "\\|") for p in parts)


def rst_problems(lines: list[str], env=None) -> list[str]:
    """The warnings and errors of docutils on ``lines``, except those about Sphinx markup.

    ``env``: the Sphinx environment, which Sphinx's roles and directives need while a
    build reads its sources (without a build: None, and they are unknown to docutils).
    """
    from docutils import nodes
    from docutils.core import publish_doctree

    doctree = publish_doctree(
        "\n".join(lines),
        settings_overrides={
            "report_level": 5,
            "halt_level": 5,
            "warning_stream": io.StringIO(),
            "file_insertion_enabled": False,
            "raw_enabled": False,
            **({"env": env} if env is not None else {}),
        },
    )
    problems = []
    for msg in doctree.findall(nodes.system_message):
        text = msg.children[0].astext() if msg.children else msg.astext()
        if msg["level"] >= 2 and not any(k in text for k in _SPHINX_ONLY):
            problems.append(f"line {msg.get('line', '?')}: {text}")
    return problems


def preformat(lines: list[str]) -> list[str]:
    """The first line, then the rest of ``lines`` as a literal block."""
    body = lines[1:]
    while body and not body[0].strip():
        body.pop(0)
    return [lines[0], "", "::", ""] + ["    " + b for b in body] + [""]


_raw: dict[str, list[str]] = {}
preformatted: dict[str, list[str]] = {}


def _escape_docstring(app, what, name, obj, options, lines):
    lines[:] = [escape_bars(line) for line in lines]
    _raw[name] = list(lines)


def _check_docstring(app, what, name, obj, options, lines):
    """After numpydoc: fall back to preformatted text where the result is not valid."""
    if strict() or not lines:
        return
    # numpydoc's member tables (``.. autosummary::`` of a class's methods, e.g. ``__call__``)
    # are resolved by Sphinx in the page's context, not in this stand-alone parse: leave them out
    checked, skip = [], False
    for line in lines:
        if line.strip().startswith(".. autosummary::"):
            skip = True
        elif skip and line.strip() and not line.startswith((" ", "\t")):
            skip = False
        if not skip:
            checked.append(line)
    problems = rst_problems(checked, app.env)
    if problems and name in _raw:
        preformatted[name] = problems
        lines[:] = preformat(_raw[name])


def _write_report(app, exception):
    if exception is None:
        out = Path(app.builder.outdir).parent / "preformatted-docstrings.txt"
        out.write_text("".join(f"{k}: {'; '.join(v)}\n" for k, v in sorted(preformatted.items())))
        if preformatted:
            print(f"{len(preformatted)} docstrings shown preformatted: see {out}")


# abbreviations after which autosummary's first sentence goes on
ABBREVIATIONS = ("Eq.", "Eqs.", "Fig.", "Figs.", "Sec.", "Secs.", "Ref.", "ref.", "refs.", "cf.")


def setup(app):
    from sphinx.ext import autosummary

    known = tuple(autosummary.WELL_KNOWN_ABBREVIATIONS)
    autosummary.WELL_KNOWN_ABBREVIATIONS = known + tuple(a for a in ABBREVIATIONS if a not in known)
    app.connect("autodoc-process-docstring", _escape_docstring, priority=100)
    app.connect("autodoc-process-docstring", _check_docstring, priority=900)
    app.connect("build-finished", _write_report)
    return {"parallel_read_safe": False, "parallel_write_safe": True}
