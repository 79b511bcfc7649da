"""Every model is bound to the configured tables, however late its module is imported."""

from __future__ import annotations

import json
import subprocess
import sys

from devstack.paths import ROOT

PROBE = """
import json
from chalicelib.api.container import Container
from chalicelib.core.config import Settings
s = Settings(main_table="m", idempotency_table="i", ledger_table="l", dynamodb_endpoint="http://127.0.0.1:1",
             events_endpoint="http://127.0.0.1:1")
Container(s)
from chalicelib.core import store
import chalicelib.core.idempotency, chalicelib.core.outbox, chalicelib.tenants.models  # noqa
print(json.dumps({m.__name__: [m.Meta.table_name, m.Meta.host] for m, _ in store._REGISTRY}))
"""


def test_models_imported_after_binding_are_bound_too() -> None:
    out = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True, check=True)
    bound = json.loads(out.stdout.strip().splitlines()[-1])
    assert bound["IdempotencyRecord"] == ["i", "http://127.0.0.1:1"]
    assert bound["School"] == ["m", "http://127.0.0.1:1"] and bound["OutboxEvent"] == ["m", "http://127.0.0.1:1"]
    assert all(host == "http://127.0.0.1:1" for _, host in bound.values())
