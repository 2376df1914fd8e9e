"""File output shared by every layer: atomic writes with the mode of an ordinary new file.

Everything crescape writes goes through :func:`atomic_write` (or its two
shorthands): the data go to a temporary file in the target's directory, are
flushed to disk, and the temporary file is renamed over the target with
:func:`os.replace`. A reader never sees a half-written file, and a failed write
(full disk, interrupted run) leaves the target as it was. The file gets the
mode ``0o666 & ~umask`` that :func:`open` would give it, not the ``0o600`` of
:func:`tempfile.mkstemp`.

This module sits below the physics and imports nothing of crescape.

Examples
--------
>>> import os, tempfile
>>> from pathlib import Path
>>> d = Path(tempfile.mkdtemp())
>>> p = atomic_write_text(d / "note.txt", "hello")
>>> p.read_text(), oct(p.stat().st_mode & 0o777) == oct(0o666 & ~umask())
('hello', True)
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

__all__ = ["umask", "atomic_write", "atomic_write_bytes", "atomic_write_text", "atomic_savefig"]


def umask() -> int:
    """The process umask, read without changing it where the system allows (Linux ``/proc``)."""
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)  # elsewhere: set and restore
    os.umask(mask)
    return mask


def atomic_write(
    path: str | os.PathLike,
    data: bytes | None = None,
    writer: Callable[[str], None] | None = None,
) -> Path:
    """Write ``path`` atomically: a temporary file in the same directory, then :func:`os.replace`.

    Parameters
    ----------
    path : path-like
        The file to write; its directory is created if missing.
    data : bytes, optional
        The content.
    writer : callable, optional
        ``writer(tmp_path)`` fills the temporary file (e.g. ``ds.to_netcdf``).
        Give exactly one of ``data`` and ``writer``.

    Returns
    -------
    Path
        ``path``.

    Notes
    -----
    The file gets the mode ``0o666 & ~umask`` of an ordinary new file. On any
    error the temporary file is removed and ``path`` is left as it was; the
    error (an :class:`OSError` for a full or read-only disk) propagates.
    """
    if (data is None) == (writer is None):
        raise TypeError("give exactly one of data and writer")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, 0o666 & ~umask())
        if data is not None:
            with os.fdopen(fd, "wb") as fh:
                fd = -1
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
        else:
            os.close(fd)
            fd = -1
            writer(tmp)
            fd = os.open(tmp, os.O_RDONLY)
            os.fsync(fd)
            os.close(fd)
            fd = -1
        os.replace(tmp, path)
    except BaseException:
        if fd >= 0:
            os.close(fd)
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    try:  # make the rename itself durable
        dfd = os.open(path.parent, os.O_RDONLY)
    except OSError:
        return path
    try:
        os.fsync(dfd)
    except OSError:
        pass
    finally:
        os.close(dfd)
    return path


def atomic_write_bytes(path: str | os.PathLike, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically (see :func:`atomic_write`)."""
    return atomic_write(path, data=bytes(data))


def atomic_write_text(path: str | os.PathLike, text: str) -> Path:
    """Write ``text`` (UTF-8) to ``path`` atomically (see :func:`atomic_write`)."""
    return atomic_write(path, data=text.encode("utf-8"))


def atomic_savefig(fig, path: str | os.PathLike, **kwargs) -> Path:
    """Save a matplotlib figure to ``path`` atomically (format from the suffix unless given).

    ``kwargs`` go to :meth:`matplotlib.figure.Figure.savefig`.
    """
    import io as _io

    path = Path(path)
    kwargs.setdefault("format", path.suffix.lstrip(".").lower() or "png")
    buf = _io.BytesIO()
    fig.savefig(buf, **kwargs)
    return atomic_write(path, data=buf.getvalue())
