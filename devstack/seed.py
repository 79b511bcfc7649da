"""Seed data with fixed, documented ids, written through the real services (idempotent).

``plan()`` is pure, so ``python -m devstack seed-info`` can print the ids without a running stack.
"""

from __future__ import annotations

from collections import deque
from typing import Any

from chalicelib.core.errors import Conflict
from chalicelib.core.identity import Principal, Role
from chalicelib.tenants import schemas
from chalicelib.tenants.services import TenantsService

D1, D2 = "01K0SEED000000000000000D01", "01K0SEED000000000000000D02"
S1, S2, S3 = "01K0SEED000000000000000S01", "01K0SEED000000000000000S02", "01K0SEED000000000000000S03"

DISTRICTS = [
    {"id": D1, "name": "东城区教育局", "region_code": "110101"},
    {"id": D2, "name": "西城区教育局", "region_code": "110102"},
]
SCHOOLS = [
    {"id": S1, "district_id": D1, "name": "东城第一实验小学", "code": "DC-SY1", "address": "北京市东城区和平里1号"},
    {"id": S2, "district_id": D1, "name": "东城育才小学", "code": "DC-YC", "address": "北京市东城区育才路8号"},
    {"id": S3, "district_id": D2, "name": "西城实验小学", "code": "XC-SY", "address": "北京市西城区复兴门内大街2号"},
]
USERS: list[dict[str, Any]] = [
    {"sub": "seed-platform-admin", "role": "platform_admin", "name": "平台管理员"},
    {"sub": "seed-d1-admin", "role": "district_admin", "district": D1, "name": "东城区管理员"},
    {"sub": "seed-d2-admin", "role": "district_admin", "district": D2, "name": "西城区管理员"},
    {
        "sub": "seed-s1-principal",
        "role": "school_admin",
        "tenant": S1,
        "name": "王校长",
        "email": "principal@s1.example.cn",
    },
    {"sub": "seed-s1-teacher", "role": "teacher", "tenant": S1, "name": "李老师", "email": "li@s1.example.cn"},
    {
        "sub": "seed-s1-provider",
        "role": "provider_staff",
        "tenant": S1,
        "name": "赵教练",
        "email": "zhao@provider.example.cn",
    },
    {"sub": "seed-s1-guardian", "role": "guardian", "tenant": S1, "name": "陈家长"},
    {
        "sub": "seed-s2-principal",
        "role": "school_admin",
        "tenant": S2,
        "name": "刘校长",
        "email": "principal@s2.example.cn",
    },
    {"sub": "seed-s2-teacher", "role": "teacher", "tenant": S2, "name": "周老师", "email": "zhou@s2.example.cn"},
    {
        "sub": "seed-s3-principal",
        "role": "school_admin",
        "tenant": S3,
        "name": "孙校长",
        "email": "principal@s3.example.cn",
    },
    {"sub": "seed-s3-teacher", "role": "teacher", "tenant": S3, "name": "吴老师", "email": "wu@s3.example.cn"},
]
PLATFORM = Principal(sub="seed-platform-admin", roles=frozenset({Role.PLATFORM_ADMIN}))


def plan() -> dict[str, Any]:
    return {"districts": DISTRICTS, "schools": SCHOOLS, "users": USERS}


class PlannedIds:
    """An id factory that hands out the ids we decided on, so seeded objects have known ids."""

    def __init__(self) -> None:
        self._queue: deque[str] = deque()

    def expect(self, *ids: str) -> None:
        self._queue = deque(ids)

    def __call__(self) -> str:
        if self._queue:
            return self._queue.popleft()
        from chalicelib.core.ids import new_id

        return new_id()


def seed(tenants_factory: Any) -> dict[str, int]:
    """Write the plan through a TenantsService built by ``tenants_factory(ids)``; safe to rerun."""
    ids = PlannedIds()
    svc: TenantsService = tenants_factory(ids)
    made = {"districts": 0, "schools": 0, "staff": 0}
    for d in DISTRICTS:
        try:
            svc.get_district(PLATFORM, d["id"])
        except Exception:
            ids.expect(d["id"])
            svc.create_district(PLATFORM, schemas.DistrictCreate(name=d["name"], region_code=d["region_code"]))
            made["districts"] += 1
    for s in SCHOOLS:
        principal = next(u for u in USERS if u.get("tenant") == s["id"] and u["role"] == "school_admin")
        ids.expect(s["id"])
        cmd = schemas.SchoolCreate(
            name=s["name"],
            code=s["code"],
            address=s["address"],
            first_admin=schemas.Person(name=principal["name"], email=principal["email"]),
        )
        _, invitation = svc.provision_school(PLATFORM, s["district_id"], cmd, f"seed-{s['code']}")
        made["schools"] += invitation is not None
        for u in USERS:
            if u.get("tenant") == s["id"] and u["role"] in ("teacher", "provider_staff"):
                try:
                    svc.invite_staff(
                        PLATFORM, s["id"], schemas.StaffInvite(name=u["name"], email=u["email"], role=u["role"])
                    )
                    made["staff"] += 1
                except Conflict:
                    pass
    return made
