"""Devstack command line.

python -m devstack up [--port 8000]          start everything, seed, serve the API (make run)
python -m devstack token --role ROLE [--tenant ID] [--district ID] [--sub ID] [--phone P] [--ttl S]
python -m devstack seed-info                 the seeded districts, schools and users as JSON
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

from chalicelib.core.identity import Role

from . import issuer, processes, seed
from .paths import ROOT, state_dir
from .stack import LocalStack, Ports, port_taken


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m devstack")
    sub = parser.add_subparsers(dest="command", required=True)
    up = sub.add_parser("up", help="start the local stack and serve the API")
    up.add_argument("--port", type=int, default=8000)
    tok = sub.add_parser("token", help="print a signed JWT from the local issuer")
    tok.add_argument("--role", required=True, choices=[r.value for r in Role])
    tok.add_argument("--tenant")
    tok.add_argument("--district")
    tok.add_argument("--sub")
    tok.add_argument("--phone")
    tok.add_argument("--ttl", type=int, default=3600)
    tok.add_argument("--issuer", default=os.environ.get("KEHOU_OIDC_ISSUER", f"http://127.0.0.1:{Ports().issuer}"))
    sub.add_parser("seed-info", help="print the seeded data as JSON")
    args = parser.parse_args(argv)
    if args.command == "token":
        print(
            issuer.mint(
                args.issuer,
                sub=args.sub or f"dev-{args.role}",
                roles=[args.role],
                tenant=args.tenant,
                district=args.district,
                phone=args.phone,
                ttl=args.ttl,
            )
        )
        return 0
    if args.command == "seed-info":
        print(json.dumps(seed.plan(), ensure_ascii=False, indent=2))
        return 0
    return serve(args.port)


def serve(port: int) -> int:
    _stop_on_signals()
    stack = LocalStack(db_path=state_dir() / "dynamodb")
    busy = stack.busy_ports() + ([port] if port_taken(port) else [])
    if busy:
        print(
            f"devstack: port(s) {', '.join(map(str, busy))} already in use; stop whatever holds them "
            "(another `make run`?) and try again.",
            file=sys.stderr,
        )
        return 2
    stack.db_path.mkdir(parents=True, exist_ok=True)  # type: ignore[union-attr]
    with stack:
        os.environ.update(stack.env)
        from chalicelib.api.container import Container

        container = Container(stack.settings, drain_inline=True)
        made = seed.seed(container)
        print(
            f"devstack: DynamoDB Local {stack.settings.dynamodb_endpoint}, issuer {stack.settings.oidc_issuer}, "
            f"moto {stack.settings.events_endpoint}; seeded {made}",
            flush=True,
        )
        print(
            f"devstack: serving http://localhost:{port}/app/ (API docs: http://localhost:{port}/docs). Ctrl-C stops.",
            flush=True,
        )
        chalice = str(Path(sys.executable).parent / "chalice")
        proc = subprocess.Popen(
            [chalice, "local", "--port", str(port), "--host", "127.0.0.1", "--stage", "local", "--no-autoreload"],
            cwd=ROOT,
            env={**os.environ, **stack.env},
        )
        try:
            return proc.wait()
        except KeyboardInterrupt:
            print("devstack: stopping…", flush=True)
            return 0
        finally:
            processes.stop(proc)


def _stop_on_signals() -> None:
    """Ctrl-C and SIGTERM both end the stack cleanly (a shell may start us with SIGINT ignored)."""

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGINT, interrupt)
    signal.signal(signal.SIGTERM, interrupt)


if __name__ == "__main__":
    raise SystemExit(main())
