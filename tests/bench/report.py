"""Plain-text tables for the bench report."""

from __future__ import annotations

from collections.abc import Sequence

from . import coldstart
from .coldstart import ColdStart
from .dynamo import Usage
from .enrolment import API_GATEWAY_LIMIT_SECONDS, EnrolmentReport
from .routes import RouteResult, RoutesReport
from .timetable import GOAL_SECONDS, TimetableReport

SHORT = {
    "TransactWriteItems": "TransactWrite",
    "TransactGetItems": "TransactGet",
    "BatchGetItem": "BatchGet",
    "BatchWriteItem": "BatchWrite",
}


def table(headers: Sequence[str], rows: Sequence[Sequence[object]], right: Sequence[int] = ()) -> str:
    cells = [[str(c) for c in headers]] + [[str(c) for c in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]

    def fmt(row: list[str]) -> str:
        return "  ".join(
            c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(row, widths, strict=True))
        ).rstrip()

    return "\n".join([fmt(cells[0]), "  ".join("-" * w for w in widths), *(fmt(r) for r in cells[1:])])


def ops(u: Usage) -> str:
    parts = []
    for op, n in u.by_operation.items():
        items = u.multi_items.get(op)
        parts.append(f"{SHORT.get(op, op)}×{n}" + (f"[{items} items]" if items is not None else ""))
    return " ".join(parts) or "-"


def cu(x: float) -> str:
    return f"{x:g}"


def coldstart_section(c: ColdStart) -> str:
    verdict = "meets the goal" if c.meets_goal else "ABOVE the goal"
    timings = table(
        ["fresh interpreter", "wall ms", "CPU ms"],
        [
            ("python -c 'pass'", f"{c.bare_interpreter_ms:.1f}", f"{c.bare_interpreter_cpu_ms:.1f}"),
            (
                f"python -c '{coldstart.BASELINE_IMPORT}'  (baseline)",
                f"{c.baseline_ms:.1f}",
                f"{c.baseline_cpu_ms:.1f}",
            ),
            (f"python -c '{coldstart.APP_IMPORT}'", f"{c.app_ms:.1f}", f"{c.app_cpu_ms:.1f}"),
            ("ratio app / baseline", f"{c.ratio:.2f}", f"{c.cpu_ratio:.2f}"),
            (
                "import app + first request + auth/services/schemas",
                f"{c.first_request_ms:.1f}",
                f"{c.first_request_cpu_ms:.1f}",
            ),
            ("ratio first request / baseline", f"{c.first_request_ratio:.2f}", ""),
        ],
        right=(1, 2),
    )
    lines = [
        f"1. Cold-start proxy (cwd = repository root, median of {c.repeats} runs each, interleaved)",
        "",
        _indent(timings),
        "",
        f"   ratio app / baseline (wall) = {c.ratio:.2f}: goal <= {c.goal_ratio} {verdict}"
        f" (CPU-time ratio {c.cpu_ratio:.2f}, steadier on a busy machine)",
        f"   import app beyond the baseline: {c.app_ms - c.baseline_ms:.1f} ms wall, "
        f"{c.app_cpu_ms - c.baseline_cpu_ms:.1f} ms CPU",
        "",
        "   Top 10 imports by cumulative time (python -X importtime -c 'import app'; ours, and each third-party",
        "   package the baseline does not load; 'beyond baseline' leaves out modules the baseline imports anyway):",
        "",
        "",
    ]
    rows = [
        (h.module, h.kind, f"{h.cumulative_ms:.1f}", f"{h.self_ms:.1f}", f"{h.beyond_baseline_ms:.1f}")
        for h in c.top_imports
    ]
    body = table(["module", "kind", "cumulative ms", "self ms", "beyond baseline ms"], rows, right=(2, 3, 4))
    return "\n".join(lines) + "\n".join("   " + line for line in body.splitlines())


def _label(r: RouteResult) -> str:
    return f"{r.route} ({r.variant})" if r.variant else r.route


def _cost_table(results: Sequence[RouteResult]) -> str:
    rows = []
    for r in results:
        note = "" if r.stable else f"varies {r.calls_range[0]}-{r.calls_range[1]}"
        if r.usage.repeated_reads:
            note = (note + " " if note else "") + f"same item GetItem ×{max(r.usage.repeated_reads.values())}"
        rows.append(
            (_label(r), r.role, r.status, ops(r.usage), r.usage.calls, cu(r.usage.read_cu), cu(r.usage.write_cu), note)
        )
    return table(
        ["route", "as", "HTTP", "DynamoDB calls by operation", "calls", "RCU", "WCU", "note"], rows, right=(2, 4, 5, 6)
    )


def _drain_table(results: Sequence[RouteResult]) -> str:
    drains = [
        (_label(r), ops(r.drain), r.drain.calls, cu(r.drain.read_cu), cu(r.drain.write_cu), f"{r.drain_ms_p50:.1f}")
        for r in results
        if r.drain.calls
    ]
    return table(
        ["route", "drain calls by operation", "calls", "RCU", "WCU", "drain p50 ms"], drains, right=(2, 3, 4, 5)
    )


def _latency_table(results: Sequence[RouteResult]) -> str:
    return table(
        ["route", "as", "p50 ms", "calls/iteration"],
        [(_label(r), r.role, f"{r.route_ms_p50:.1f}", f"{r.calls_range[0]}-{r.calls_range[1]}") for r in results],
        right=(2,),
    )


def routes_section(rep: RoutesReport) -> str:
    main, drain, lat = _cost_table(rep.results), _drain_table(rep.results), _latency_table(rep.results)
    iters = rep.results[0].iterations if rep.results else 0
    return "\n".join(
        [
            "2. DynamoDB per call, request path only (what the Lambda does in AWS); first measured call of each row",
            "   (CU: ReturnConsumedCapacity=TOTAL as DynamoDB Local reports it, GSI writes included; RCU for reads,",
            "   WCU for writes. DynamoDB Local's transaction figures are approximate: AWS bills a transactional write",
            "   2 WCU per item-KB plus its GSI writes, so read the [n items] of each TransactWrite too)",
            "",
            _indent(main),
            "",
            "   Inline outbox drain after each write (local/tests only; in AWS the stream dispatcher does this,",
            "   with one UpdateItem per event and no Query):",
            "",
            _indent(drain),
            "",
            f"   Median latency over {iters} calls, in-process through chalice.test.Client, excluding the inline drain",
            "   (informative only, not asserted):",
            "",
            _indent(lat),
            "",
            f"   DynamoDB calls recorded in total: {rep.all_calls}; stack start {rep.stack_start_seconds}s, "
            f"setup {rep.setup_seconds}s, measuring {rep.measure_seconds}s",
        ]
    )


def enrolment_section(rep: EnrolmentReport) -> str:
    iters = rep.results[0].iterations if rep.results else 0
    imports = table(
        [
            "roster import, 3,000 rows",
            "HTTP",
            "DynamoDB calls by operation",
            "calls",
            "RCU",
            "WCU",
            "seconds",
            "of 29 s",
        ],
        [
            (
                i.variant,
                i.status,
                ops(i.usage),
                i.usage.calls,
                cu(i.usage.read_cu),
                cu(i.usage.write_cu),
                f"{i.seconds:.1f}",
                f"{i.fraction_of_limit:.0%}",
            )
            for i in rep.imports
        ],
        right=(1, 3, 4, 5, 6, 7),
    )
    results = {i.variant: i.counts for i in rep.imports}
    return "\n".join(
        [
            "3. Enrolment and the roster import: DynamoDB per call, request path only, first measured call of each row",
            "   (same conventions as section 2; every call on new objects: a new child, consent and application made",
            "   beforehand and not counted; a batch is 10 applications approved by one request)",
            "",
            _indent(_cost_table(rep.results)),
            "",
            "   Inline outbox drain after each write (local only; in AWS the stream dispatcher publishes, and the",
            "   notifier Lambda writes the guardian's notice):",
            "",
            _indent(_drain_table(rep.results)),
            "",
            f"   Median latency over {iters} calls, in-process, excluding the inline drain (informative only):",
            "",
            _indent(_latency_table(rep.results)),
            "",
            "   Roster import (POST /schools/{id}/roster/import, CSV, as school_admin), wall time of the request",
            f"   without the inline drain, against API Gateway's {API_GATEWAY_LIMIT_SECONDS:g} s integration timeout:",
            "",
            _indent(imports),
            "",
            f"   new file: {_counts(results.get('new file', {}))}",
            f"   same file again: {_counts(results.get('same file again', {}))}",
            "",
            f"   DynamoDB calls recorded in this section: {rep.calls}; setup and warm-up {rep.setup_seconds}s, "
            f"measuring {rep.measure_seconds}s",
        ]
    )


def _counts(counts: dict[str, object]) -> str:
    return ", ".join(f"{k} {v}" for k, v in counts.items() if k != "ignored_columns") or "-"


def checks_section(rep: RoutesReport) -> str:
    listings = [r for r in rep.results if r.listing]
    lines = ["4. Checks" if rep.enrolment else "3. Checks"]
    for r in listings:
        ok = not r.problems
        lines.append(
            f"   [{'ok' if ok else 'FAIL'}] {_label(r)}: Query×{r.usage.count('Query')} Scan×{r.usage.count('Scan')} "
            f"per page, over {r.iterations} calls"
        )
    if rep.enrolment:
        e = rep.enrolment
        ok = not e.problems  # a Scan in any measured call of a row, or in an import, is one
        lines.append(
            f"   [{'ok' if ok else 'FAIL'}] no Scan in the enrolment requests ({len(e.results)} rows × "
            f"{e.results[0].iterations if e.results else 0} calls) and the {len(e.imports)} roster imports"
        )
    lines.append(f"   [{'ok' if not rep.scans else 'FAIL'}] no Scan anywhere ({len(rep.scans)} seen)")
    for p in rep.problems:
        lines.append(f"   FAIL {p}")
    return "\n".join(lines)


def _indent(text: str) -> str:
    return "\n".join("   " + line for line in text.splitlines())


def timetable_section(rep: TimetableReport, number: int) -> str:
    rows = [
        (
            r.school,
            "grade (staggered)" if r.staggered else "class",
            r.adults,
            r.variables,
            r.constraints,
            f"{r.wall:.2f}",
            f"{r.cpu:.2f}",
            "optimal" if r.optimal else r.status,
            f"{r.figures['sports_spread']}/{r.figures['reading_spread']}",
            r.figures["busiest_adult_periods"],
            r.figures["venue_moves"],
        )
        for r in rep.runs
    ]
    runs = table(
        [
            "school",
            "model per",
            "adults",
            "vars",
            "constraints",
            "wall s",
            "CPU s",
            "result",
            "spread",
            "busiest",
            "moves",
        ],
        rows,
        right=(2, 3, 4, 5, 6, 9, 10),
    )
    lines = [
        f"{number}. Timetable generation (OR-Tools CP-SAT, one worker; median of {rep.repeats} runs in-process,",
        f"   seeds 0..{rep.repeats - 1}; generate() = counting pre-checks + model + solve + validation; 10 shared",
        "   venues plus one classroom per class; spread = sports/reading periods a week, most minus fewest class;",
        "   busiest = the busiest adult's periods a week; moves = class-days away from the classroom)",
        "",
        _indent(runs),
        "",
        f"   OR-Tools import in a fresh interpreter (paid by the generation job's cold start): {rep.import_s:.2f} s",
    ]
    for g in rep.growth:
        verdict = "no worse than linear" if g.no_worse_than_linear else "WORSE than linear"
        lines.append(
            f"   36 -> 60 classes (x{g.class_ratio:.2f}), model per {'grade' if g.staggered else 'class'}: "
            f"wall x{g.wall_ratio:.2f}, CPU x{g.cpu_ratio:.2f} ({verdict} growth, judged on CPU)"
        )
    small = rep.run(36, True)
    verdict = "meets" if rep.meets_goal else "MISSES"
    lines.append(
        f"   Goal (default model, staggered by grade): 36 classes in {small.wall:.2f} s < {GOAL_SECONDS:g} s and growth"
        f" no worse than linear: {verdict} it"
    )
    return "\n".join(lines)
