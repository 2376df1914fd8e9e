"""Run every benchmark script ``benchmarks/bench_*.py`` (``make bench``).

Each script defines ``main()``, which prints its timings beside a baseline run
on the same machine and the ratio between them.
"""

from __future__ import annotations

import importlib.util
import os
import sys
import time
from pathlib import Path

# quiet Dask before any benchmark imports it: only errors from schedulers and workers
os.environ.setdefault("DASK_LOGGING__DISTRIBUTED", "error")


def main() -> int:
    here = Path(__file__).parent
    failed = 0
    for path in sorted(here.glob("bench_*.py")):
        print(f"=== {path.stem} ===", flush=True)
        spec = importlib.util.spec_from_file_location(path.stem, path)
        mod = importlib.util.module_from_spec(spec)
        t0 = time.perf_counter()
        try:
            spec.loader.exec_module(mod)
            mod.main()
        except Exception as exc:  # report and go on with the other benchmarks
            failed += 1
            print(f"FAILED: {type(exc).__name__}: {exc}")
        print(f"({path.stem} took {time.perf_counter() - t0:.1f} s)\n", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
