"""Progress of long jobs on stderr: a live bar on a terminal, plain periodic lines in a log.

On a terminal (``stream.isatty()``) :class:`Progress` draws a tqdm bar that
redraws itself in place. Anywhere else (a log file, a pipe, a batch system)
it writes one ordinary line when the job starts, then at most one every
``every`` seconds of wall time, and one when it ends, never a carriage
return. Both show the amount done in the job's own unit (simulated time in
Myr or yr, sweep points), the wall time elapsed and the estimated time left.

Examples
--------
>>> import io
>>> log = io.StringIO()
>>> p = Progress(10.0, desc="run", unit="Myr", stream=log, every=0.0, fmt="{:.3g}")
>>> p.update(4.0); p.update(6.0); p.close()
>>> for line in log.getvalue().splitlines():
...     print(line.split(", elapsed")[0])
run: 0/10 Myr (0%)
run: 4/10 Myr (40%)
run: 10/10 Myr (100%)
"""

from __future__ import annotations

import math
import sys
import time
from typing import Any, TextIO

__all__ = ["Progress", "time_unit", "format_duration"]


def format_duration(seconds: float) -> str:
    """Wall time as ``H:MM:SS`` (``?`` when unknown)."""
    if not math.isfinite(seconds) or seconds < 0:
        return "?"
    s = int(round(seconds))
    return f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}"


def time_unit(t_end_s: float) -> tuple[str, float]:
    """The unit in which to show a simulated time span: ``("Myr", s per Myr)`` from 0.1 Myr up,
    kyr from 0.1 kyr, yr below."""
    from .constants import Myr, yr

    span = abs(float(t_end_s))
    for name, size in (("Myr", Myr), ("kyr", 1e3 * yr)):
        if span >= 0.1 * size:
            return name, size
    return "yr", yr


class Progress:
    """A progress report over ``total`` units of work.

    Parameters
    ----------
    total : float
        The amount of work (in the display unit).
    desc : str
        Label at the start of each line.
    unit : str
        Display unit ('Myr', 'pt', ...).
    initial : float
        Amount already done (a resumed job); the time left is estimated from
        the rate of this run only.
    enabled : bool
        ``False``: report nothing.
    stream : file, optional
        Default ``sys.stderr``.
    every : float
        Seconds of wall time between two plain lines (not on a terminal).
    fmt : str
        Format of the amounts, e.g. ``"{:.4g}"`` (default) or ``"{:.0f}"``.
    tty : bool, optional
        Force the terminal (True) or the plain-line (False) form.
    """

    def __init__(
        self,
        total: float,
        desc: str = "",
        unit: str = "",
        initial: float = 0.0,
        enabled: bool = True,
        stream: TextIO | None = None,
        every: float = 30.0,
        fmt: str = "{:.4g}",
        tty: bool | None = None,
    ):
        self.total = float(total)
        self.desc, self.unit, self.fmt = desc, unit, fmt
        self.n = self.n0 = float(initial)
        self.enabled = bool(enabled)
        self.stream = stream if stream is not None else sys.stderr
        self.every = float(every)
        self.postfix: dict[str, Any] = {}
        self._t0 = self._last = time.monotonic()
        self._bar = None
        self._closed = False
        self._printed: float | None = None
        if not self.enabled:
            return
        if tty is None:
            try:
                tty = bool(self.stream.isatty())
            except (AttributeError, ValueError):
                tty = False
        self.tty = tty
        if tty:
            from tqdm.auto import tqdm

            amount = fmt.replace("{:", "{n:"), fmt.replace("{:", "{total:")
            self._bar = tqdm(
                total=self.total,
                initial=self.n,
                desc=desc,
                file=self.stream,
                leave=True,
                bar_format="{l_bar}{bar}| "
                + f"{amount[0]}/{amount[1]} {unit}"
                + " [{elapsed}<{remaining}{postfix}]",
            )
        else:
            self._line()

    # ------------------------------------------------------------------ reporting
    def eta(self) -> float:
        """Estimated seconds of wall time left (inf before any progress)."""
        done = self.n - self.n0
        if done <= 0:
            return math.inf
        return (time.monotonic() - self._t0) * max(self.total - self.n, 0.0) / done

    def line(self) -> str:
        """The plain progress line."""
        pct = 100.0 * self.n / self.total if self.total > 0 else 100.0
        parts = [
            f"{self.desc}: {self.fmt.format(self.n)}/{self.fmt.format(self.total)} {self.unit} "
            f"({pct:.0f}%)".replace("  ", " ")
        ]
        parts += [f"{k} {v}" for k, v in self.postfix.items()]
        parts.append(f"elapsed {format_duration(time.monotonic() - self._t0)}")
        parts.append(f"ETA {format_duration(self.eta())}" if self.n < self.total else "done")
        return ", ".join(parts)

    def _line(self) -> None:
        try:
            print(self.line(), file=self.stream, flush=True)
        except (OSError, ValueError):
            self.enabled = False
        self._last = time.monotonic()
        self._printed = self.n

    def update_to(self, n: float, **postfix: Any) -> None:
        """Set the amount done to ``n`` (and the extra fields shown, e.g. ``step=``)."""
        if not self.enabled or self._closed:
            return
        n = min(float(n), self.total) if math.isfinite(n) else self.n
        self.postfix.update(postfix)
        if self._bar is not None:
            self._bar.update(n - self.n)
            if postfix:
                self._bar.set_postfix(self.postfix, refresh=False)
            self.n = n
            return
        self.n = n
        if time.monotonic() - self._last >= self.every:
            self._line()

    def update(self, dn: float, **postfix: Any) -> None:
        """Add ``dn`` to the amount done."""
        self.update_to(self.n + float(dn), **postfix)

    def close(self) -> None:
        """End the report (a last plain line off a terminal)."""
        if self._closed:
            return
        self._closed = True
        if not self.enabled:
            return
        if self._bar is not None:
            self._bar.close()
            self._bar = None
        elif self._printed != self.n:
            self._line()

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
