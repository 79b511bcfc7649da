"""Seed data with fixed, documented ids, written through the real services (idempotent).

``plan()`` is pure, so ``python -m devstack seed-info`` can print the ids without a running stack.
"""

from __future__ import annotations

import base64
from collections import deque
from typing import Any

from chalicelib.core.errors import Conflict, NotFound
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
    {"sub": "seed-s1-guardian", "role": "guardian", "tenant": S1, "name": "陈家长", "phone": "+8613800000001"},
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


TERM_S1 = "01K0SEED000000000000000T01"
TERM = {"id": TERM_S1, "school_id": S1, "name": "2026秋季学期", "starts_on": "2026-09-01", "ends_on": "2027-01-15"}
# The first school's roster, as its school admin would import it (学号, 姓名, 年级, 班级, 班主任账号, 班主任,
# 监护人1...). The seeded guardian (+8613800000001) has two children here: siblings in two classes.
ROSTER_HEADER = ",".join(
    ["学号", "姓名", "年级", "班级", "班主任账号", "班主任", "监护人1姓名", "监护人1关系", "监护人1手机"]
    + ["接送人姓名", "接送人关系", "接送人手机"]
)
ROSTER_CSV = ROSTER_HEADER + """
S1-0301,陈小明,3,三年级1班,seed-s1-teacher,李老师,陈家长,父亲,13800000001,陈奶奶,祖父母,13900000001
S1-0302,王小红,3,三年级1班,seed-s1-teacher,李老师,王家长,母亲,13800000002,,,
S1-0303,张小刚,3,三年级1班,seed-s1-teacher,李老师,张家长,父亲,13800000003,,,
S1-0501,陈小丽,5,五年级1班,,,陈家长,父亲,13800000001,,,
S1-0502,刘小华,5,五年级1班,,,刘家长,母亲,13800000005,,,
"""
PROVIDER = {
    "name": "星辰体育俱乐部",
    "licence_number": "110101-TY-2026-001",
    "contact_name": "赵教练",
    "contact_phone": "13700000000",
}


def plan() -> dict[str, Any]:
    return {
        "districts": DISTRICTS,
        "schools": SCHOOLS,
        "users": USERS,
        "terms": [TERM],
        "students": [
            {"student_number": line.split(",")[0], "school_id": S1} for line in ROSTER_CSV.strip().splitlines()[1:]
        ],
    }


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


def seed(container: Any) -> dict[str, int]:
    """Write the plan through the real services of ``container``; safe to rerun."""
    made = seed_tenants(container.tenants_service)
    made.update(seed_first_school(container))
    return made


def seed_tenants(tenants_factory: Any) -> dict[str, int]:
    """Districts, schools and staff through a TenantsService built by ``tenants_factory(ids)``."""
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


def seed_first_school(container: Any) -> dict[str, int]:
    """Roster, a term, an approved provider and a published program (公示) for the first school."""
    from chalicelib.enrollment.catalog import schemas as catalog
    from chalicelib.roster import schemas as roster
    from chalicelib.roster.calendar import schemas as calendar
    from chalicelib.roster.calendar.services import CalendarService

    admin = Principal(sub="seed-s1-principal", roles=frozenset({Role.SCHOOL_ADMIN}), tenant=S1)
    made = {"students": 0, "terms": 0, "programs": 0}
    result = container.roster.import_roster(
        admin,
        S1,
        roster.RosterImport(format="csv", content_base64=base64.b64encode(ROSTER_CSV.encode()).decode()),
        "zh-CN",
    )
    made["students"] = result["created"]
    ids = PlannedIds()
    terms = CalendarService(container.data.connection, container.clock, container._after_commit(), ids=ids)
    try:
        terms.require_term(S1, TERM_S1)
    except NotFound:
        ids.expect(TERM_S1)
        terms.create_term(
            admin,
            S1,
            calendar.TermCreate.model_validate(
                {
                    "name": TERM["name"],
                    "starts_on": TERM["starts_on"],
                    "ends_on": TERM["ends_on"],
                    "holidays": [{"starts_on": "2026-10-01", "ends_on": "2026-10-07", "name": "国庆节"}],
                    "make_up_days": [{"date": "2026-09-27", "runs_weekday": 3, "name": "国庆调休"}],
                }
            ),
        )
        made["terms"] = 1
    shop = container.catalog
    providers = shop.list_providers(admin, S1, 100).items
    provider = next((x for x in providers if x.name == PROVIDER["name"]), None)
    if provider is None:
        provider = shop.register_provider(admin, S1, catalog.ProviderCreate.model_validate(PROVIDER))
        provider = shop.change_provider_status(
            admin, S1, provider.provider_id, catalog.ProviderStatusChange(status="approved", reason="资质审核通过")
        )
    made["timetable"] = seed_timetable_inputs(container, admin, provider.provider_id)
    draft = shop.get_draft(admin, S1, TERM_S1)
    if draft["version"] == 0:
        shop.save_draft(
            admin, S1, TERM_S1, catalog.ProgramDraftWrite.model_validate(_program(provider.provider_id)), "0"
        )
        shop.publish(admin, S1, TERM_S1)
        made["programs"] = 1
    return made


def seed_timetable_inputs(container: Any, admin: Principal, provider_id: str) -> int:
    """Venues and adults for the first school, so its timetable readiness check passes (once)."""
    from chalicelib.timetable import schemas as tt

    service = container.timetable
    if service.list_venues(admin, S1, 1, None).items:
        return 0
    classes = {c.name: c.class_id for c in container.roster.list_classes(admin, S1, 100, None).items}
    venues: list[dict[str, Any]] = [
        {"name": f"{name}教室", "type": "classroom", "capacity": 1, "home_class_ids": [class_id]}
        for name, class_id in sorted(classes.items())
    ]
    venues += [
        {"name": "操场", "type": "playground", "capacity": 4},
        {"name": "图书馆", "type": "library", "capacity": 2},
    ]
    for v in venues:
        service.create_venue(admin, S1, tt.VenueCreate.model_validate(v))
    adults: list[dict[str, Any]] = [
        {"name": "李老师", "kind": "teacher", "account_sub": "seed-s1-teacher", "skills": ["homework", "reading"]},
        {"name": "周老师", "kind": "teacher", "skills": ["homework", "reading"]},
        {"name": "孙老师", "kind": "teacher", "skills": ["homework", "arts"]},
        {"name": "王校长", "kind": "cadre", "account_sub": "seed-s1-principal", "skills": ["homework", "sports"]},
        {"name": "赵教练", "kind": "provider_staff", "provider_id": provider_id, "skills": ["sports"]},
    ]
    for a in adults:
        service.create_adult(admin, S1, tt.AdultCreate.model_validate(a))
    return len(venues) + len(adults)


def _program(provider_id: str) -> dict[str, Any]:
    return {
        "services": [
            {"kind": "care", "fee_fen": 0, "fee_basis": "free", "description": "放学后在本班教室看管，自主作业"},
            {"kind": "lunch", "price_per_day_fen": 1500, "description": "学校食堂午餐，代收代付"},
        ],
        "activities": [
            {
                "name": "作业辅导",
                "category": "homework_help",
                "provider": "school",
                "grades": [3, 4, 5, 6],
                "weekdays": [1, 2, 3, 4, 5],
                "period": 1,
                "venue": "本班教室",
                "capacity": 40,
                "fee_fen": 0,
                "fee_basis": "free",
                "staff": ["李老师"],
                "description": "教师看管下独立完成作业，个别答疑",
            },
            {
                "name": "经典诵读",
                "category": "reading",
                "provider": "school",
                "grades": [3, 4, 5],
                "weekdays": [2, 3, 4, 5],
                "period": 2,
                "venue": "图书馆",
                "capacity": 30,
                "fee_fen": 0,
                "fee_basis": "free",
                "staff": ["周老师", "李老师"],
                "description": "书香校园，海量阅读",
            },
            {
                "name": "少儿篮球",
                "category": "sports",
                "provider": provider_id,
                "grades": [3, 4, 5, 6],
                "weekdays": [3, 5],
                "period": 2,
                "venue": "操场",
                "capacity": 2,
                "fee_fen": 30000,
                "fee_basis": "per_term",
                "staff": ["赵教练"],
                "description": "基本功与团队配合",
            },
        ],
        "safety_measures": "班主任清点人数后方可离校；接送人须为登记的家长或授权接送人。",
    }
