"""Child processes of the devstack (DynamoDB Local, chalice local)."""

from __future__ import annotations

import subprocess
from typing import Any


def stop(proc: subprocess.Popen[Any] | None, grace: float = 10.0) -> None:
    """Ask politely (SIGTERM), then insist (SIGKILL) after ``grace`` seconds; always reap."""
    if proc is None or proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(grace)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
