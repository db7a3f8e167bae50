"""`make bench`: every benchmark, each printing ratios measured side by side in one run."""

from __future__ import annotations

import importlib
import sys
import time

BENCHES = ("triage_bench", "tracker_bench", "wechat_bench")


def main() -> int:
    failed = []
    for name in BENCHES:
        print(f"\n==== bench.{name} ====", flush=True)
        started = time.perf_counter()
        try:
            module = importlib.import_module(f"bench.{name}")
        except ModuleNotFoundError as exc:
            print(f"skipped: {exc}")
            continue
        try:
            module.main()
        except SystemExit as exc:
            if exc.code not in (0, None):
                failed.append(name)
        except Exception as exc:  # report and go on with the other benchmarks
            print(f"FAILED: {type(exc).__name__}: {exc}")
            failed.append(name)
        print(f"({name}: {time.perf_counter() - started:.1f} s)")
    if failed:
        print(f"\nfailed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
