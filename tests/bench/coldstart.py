"""Cold-start proxy: how long a fresh interpreter takes to ``import app``, and what makes it slow."""

from __future__ import annotations

import re
import resource
import statistics
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
APP_IMPORT = "import app"
BASELINE_IMPORT = "import boto3, pynamodb.models, chalice"
# Honest companion figure: the app defers pydantic, JWT and its services to the first request, so
# also time import + one request invoked the way Lambda invokes the handler (API Gateway proxy
# event) plus everything an authenticated request loads: what a real cold start pays before answering.
FIRST_REQUEST = (
    "import app; "
    "ctx = {'resourcePath': '/health', 'httpMethod': 'GET', 'requestId': 'bench', "
    "'path': '/api/health', 'stage': 'api'}; "
    "event = {'resource': '/health', 'path': '/health', 'httpMethod': 'GET', 'headers': {}, 'multiValueHeaders': {}, "
    "'queryStringParameters': None, 'multiValueQueryStringParameters': None, 'pathParameters': None, "
    "'stageVariables': None, 'requestContext': ctx, 'body': None, 'isBase64Encoded': False}; "
    "assert app.app(event, None)['statusCode'] == 200; "
    # what an authenticated request adds: the JWT verifier, the services and their pydantic schemas
    "from chalicelib.api import container; c = container.get(); c.auth; c.tenants; "
    "from chalicelib.api.routing import OPERATIONS; [o.body.model for o in OPERATIONS if o.body]"
)
OUR_PACKAGES = ("app", "chalicelib")
GOAL_RATIO = 1.3

_LINE = re.compile(r"^import time:\s+(\d+)\s+\|\s+(\d+)\s+\|( +)(\S+)\s*$")


@dataclass
class ImportNode:
    name: str
    self_us: int
    cumulative_us: int
    level: int
    children: list[ImportNode] = field(default_factory=list)


@dataclass
class HeavyImport:
    module: str
    kind: str  # "ours" or "third-party"
    cumulative_ms: float
    self_ms: float
    beyond_baseline_ms: float  # cumulative minus the modules the baseline imports anyway


@dataclass
class ColdStart:
    repeats: int
    bare_interpreter_ms: float
    bare_interpreter_cpu_ms: float
    app_ms: float
    baseline_ms: float
    app_samples_ms: list[float]
    baseline_samples_ms: list[float]
    ratio: float
    goal_ratio: float
    app_cpu_ms: float
    baseline_cpu_ms: float
    cpu_ratio: float
    first_request_ms: float
    first_request_cpu_ms: float
    first_request_ratio: float
    top_imports: list[HeavyImport]

    @property
    def meets_goal(self) -> bool:
        return self.ratio <= self.goal_ratio

    def as_json(self) -> dict[str, Any]:
        return {**asdict(self), "meets_goal": self.meets_goal}


def _run(code: str, *flags: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *flags, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True, timeout=120
    )


def _time_once(code: str) -> tuple[float, float]:
    """Wall-clock and CPU (user + system) milliseconds of one fresh interpreter running ``code``.

    CPU time is the steadier figure on a busy machine: it does not count time spent waiting for a core.
    """
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    _run(code)
    wall = (time.perf_counter() - started) * 1000
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime) * 1000
    return wall, cpu


def parse_importtime(stderr: str) -> list[ImportNode]:
    """The ``-X importtime`` report as a forest (the report is post-order: children come first)."""
    pending: dict[int, list[ImportNode]] = {}
    for line in stderr.splitlines():
        m = _LINE.match(line)
        if not m:
            continue
        level = (len(m.group(3)) - 1) // 2
        node = ImportNode(m.group(4), int(m.group(1)), int(m.group(2)), level)
        node.children = pending.pop(level + 1, [])
        pending.setdefault(level, []).append(node)
    return pending.get(0, [])


def _walk(nodes: list[ImportNode]) -> list[ImportNode]:
    out: list[ImportNode] = []
    for n in nodes:
        out.append(n)
        out.extend(_walk(n.children))
    return out


def _is_ours(name: str) -> bool:
    return name.split(".")[0] in OUR_PACKAGES


def _beyond(node: ImportNode, baseline: set[str]) -> int:
    own = 0 if node.name in baseline else node.self_us
    return own + sum(_beyond(c, baseline) for c in node.children)


def heavy_imports(forest: list[ImportNode], baseline: set[str], top: int = 10) -> list[HeavyImport]:
    """Our modules, and the first import of each third-party package the baseline does not load."""
    candidates: list[HeavyImport] = []
    seen_roots: set[str] = set()
    # Pre-order walk: the first node met for a package root is the one that imported it.
    for node in _walk(forest):
        root = node.name.split(".")[0]
        if _is_ours(node.name):
            kind = "ours"
        elif node.name in baseline or root in seen_roots or node.name.startswith("_"):
            continue
        else:
            seen_roots.add(root)
            kind = "third-party"
        candidates.append(
            HeavyImport(
                node.name,
                kind,
                round(node.cumulative_us / 1000, 1),
                round(node.self_us / 1000, 1),
                round(_beyond(node, baseline) / 1000, 1),
            )
        )
    candidates.sort(key=lambda h: h.cumulative_ms, reverse=True)
    return candidates[:top]


def _baseline_modules() -> set[str]:
    proc = _run(f"{BASELINE_IMPORT}; import sys; print('\\n'.join(sys.modules))")
    return set(proc.stdout.split())


def _median_importtime(runs: int, baseline: set[str]) -> list[HeavyImport]:
    per_run = [
        heavy_imports(parse_importtime(_run(APP_IMPORT, "-X", "importtime").stderr), baseline, top=40)
        for _ in range(runs)
    ]
    merged: dict[str, list[HeavyImport]] = {}
    for run in per_run:
        for h in run:
            merged.setdefault(h.module, []).append(h)
    rows = [
        HeavyImport(
            name,
            hs[0].kind,
            round(statistics.median(h.cumulative_ms for h in hs), 1),
            round(statistics.median(h.self_ms for h in hs), 1),
            round(statistics.median(h.beyond_baseline_ms for h in hs), 1),
        )
        for name, hs in merged.items()
    ]
    rows.sort(key=lambda h: h.cumulative_ms, reverse=True)
    return rows[:10]


def measure(repeats: int = 7, importtime_runs: int = 3) -> ColdStart:
    # Warm-up: compile .pyc files and warm the OS file cache so every sample sees the same state.
    for code in ("pass", APP_IMPORT, BASELINE_IMPORT, FIRST_REQUEST):
        _run(code)
    bare, app, base, first = [], [], [], []
    for _ in range(repeats):  # interleaved, so drift in machine load hits both sides alike
        bare.append(_time_once("pass"))
        app.append(_time_once(APP_IMPORT))
        base.append(_time_once(BASELINE_IMPORT))
        first.append(_time_once(FIRST_REQUEST))
    first_ms, first_cpu = statistics.median(w for w, _ in first), statistics.median(c for _, c in first)
    app_ms, base_ms = statistics.median(w for w, _ in app), statistics.median(w for w, _ in base)
    app_cpu, base_cpu = statistics.median(c for _, c in app), statistics.median(c for _, c in base)
    return ColdStart(
        repeats=repeats,
        bare_interpreter_ms=round(statistics.median(w for w, _ in bare), 1),
        bare_interpreter_cpu_ms=round(statistics.median(c for _, c in bare), 1),
        app_ms=round(app_ms, 1),
        baseline_ms=round(base_ms, 1),
        app_samples_ms=[round(w, 1) for w, _ in app],
        baseline_samples_ms=[round(w, 1) for w, _ in base],
        ratio=round(app_ms / base_ms, 2),
        goal_ratio=GOAL_RATIO,
        app_cpu_ms=round(app_cpu, 1),
        baseline_cpu_ms=round(base_cpu, 1),
        cpu_ratio=round(app_cpu / base_cpu, 2),
        first_request_ms=round(first_ms, 1),
        first_request_cpu_ms=round(first_cpu, 1),
        first_request_ratio=round(first_ms / base_ms, 2),
        top_imports=_median_importtime(importtime_runs, _baseline_modules()),
    )
