"""Where the devstack keeps its state (gitignored), overridable for parallel runs."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def state_dir() -> Path:
    path = Path(os.environ.get("KEHOU_DEVSTACK_DIR", ROOT / ".devstack"))
    path.mkdir(parents=True, exist_ok=True)
    return path
