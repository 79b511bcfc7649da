"""``python -m tests.bench``: print the report, write test-results/bench.json, fail on Scan / multi-Query pages.

Sections: 1. cold start, 2. tenants routes, 3. enrolment requests and the 3,000-row roster import, 4. checks,
5. timetable generation (pure CP-SAT, no stack; also ``python -m tests.bench.timetable``), 6. timetable
routes (their own local stack; also ``python -m tests.bench.timetable_routes``).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

# The app logs one INFO line per request; keep the report readable. Set before the app is imported.
os.environ.setdefault("KEHOU_LOG_LEVEL", "WARNING")

from . import coldstart, report, routes, timetable, timetable_routes

OUTPUT = coldstart.ROOT / "test-results" / "bench.json"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.bench", description=__doc__)
    parser.add_argument("--repeats", type=int, default=7, help="fresh interpreters per import measurement")
    parser.add_argument("--iterations", type=int, default=20, help="calls per route for the latency median")
    parser.add_argument(
        "--enrolment-iterations", type=int, default=5, help="calls per enrolment row (each on new objects)"
    )
    parser.add_argument("--skip-coldstart", action="store_true")
    parser.add_argument("--skip-enrolment", action="store_true", help="leave out section 3")
    parser.add_argument("--skip-timetable", action="store_true", help="leave out the timetable section")
    parser.add_argument("--timetable-repeats", type=int, default=5, help="generations (seeds) per school, median")
    parser.add_argument("--skip-timetable-routes", action="store_true", help="leave out the timetable routes section")
    parser.add_argument(
        "--timetable-routes-iterations", type=int, default=5, help="calls per repeatable timetable route row"
    )
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)

    started = time.perf_counter()
    out: dict[str, Any] = {
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "machine": {"platform": platform.platform(), "cpus": os.cpu_count()},
    }
    print("Kehou bench\n===========\n", flush=True)

    if not args.skip_coldstart:
        cold = coldstart.measure(repeats=args.repeats)
        out["coldstart"] = cold.as_json()
        print(report.coldstart_section(cold), end="\n\n", flush=True)

    try:
        rep = routes.measure(
            iterations=args.iterations, enrolment_iterations=None if args.skip_enrolment else args.enrolment_iterations
        )
    except routes.BenchError as exc:
        print(f"bench could not run: {exc}", file=sys.stderr)
        return 2
    out["dynamodb"] = rep.as_json()
    print(report.routes_section(rep), end="\n\n")
    if rep.enrolment:
        out["enrolment"] = rep.enrolment.as_json()
        print(report.enrolment_section(rep.enrolment), end="\n\n")
    print(report.checks_section(rep))
    if not args.skip_timetable:
        tt = timetable.measure(repeats=args.timetable_repeats)
        out["timetable"] = tt.as_json()
        print("\n" + report.timetable_section(tt, number=5 if rep.enrolment else 4))
    failures = list(rep.problems)
    if not args.skip_timetable_routes:
        number = 4 + bool(rep.enrolment) + (not args.skip_timetable)
        try:
            ttr = timetable_routes.measure(iterations=args.timetable_routes_iterations)
        except routes.BenchError as exc:
            print(f"bench could not run the timetable routes: {exc}", file=sys.stderr)
            return 2
        out["timetable_routes"] = ttr.as_json()
        failures += ttr.problems
        print("\n" + timetable_routes.section(ttr, number=number))

    out["failures"] = failures
    out["seconds"] = round(time.perf_counter() - started, 1)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(out, indent=2, ensure_ascii=False) + "\n")
    print(f"\nwrote {args.output} in {out['seconds']}s")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
