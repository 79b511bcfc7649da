"""R4 (四(一)): who is served first when an activity's places run short (候补 priority).

The service exists for children whose guardians cannot pick them up on time, so the reason on the
application (its ``situation``, a closed list) sets the order of an activity's waiting list:

=====================================  ====  =============================================================
situation                              rank  why it ranks there
=====================================  ====  =============================================================
``no_one_available``                   1     no adult at all can collect the child before the service ends:
                                             without a place the child is alone after school
``guardians_work_late``                2     R4's own case: the guardians' working day ends after school does
``single_guardian_or_guardian_away``   3     one adult carries every pick-up (single parent, or the other
                                             guardian works away, 外出务工): often, not always, too late
``other``                              4     any other reason (the default, so older clients keep working)
=====================================  ====  =============================================================

A lower rank is served first; within one rank the earlier arrival on the list is (first come,
first served). The ranking is fixed here, not a school setting, so every school applies the same
published rule and a family can see why another child is ahead (the application and the
principal's queue show ``priority``).

Labels are zh-CN first with English available, like the catalog's vocabulary.

>>> rank("guardians_work_late"), rank(None), rank("unknown")
(2, 4, 4)
"""

from __future__ import annotations

from typing import Any, Literal

Situation = Literal["no_one_available", "guardians_work_late", "single_guardian_or_guardian_away", "other"]
DEFAULT_SITUATION = "other"

SITUATIONS: dict[str, dict[str, str]] = {
    "no_one_available": {
        "zh-CN": "服务结束前无人能接孩子",
        "en": "No adult can collect the child before the service ends",
    },
    "guardians_work_late": {
        "zh-CN": "监护人下班晚，无法按时接孩子",
        "en": "The guardians work late and cannot collect the child on time",
    },
    "single_guardian_or_guardian_away": {
        "zh-CN": "单亲家庭或一方监护人外出务工",
        "en": "Single guardian, or a guardian works away from home",
    },
    "other": {"zh-CN": "其他原因", "en": "Other reason"},
}
RANKS: dict[str, int] = {
    "no_one_available": 1,
    "guardians_work_late": 2,
    "single_guardian_or_guardian_away": 3,
    "other": 4,
}
LOWEST = max(RANKS.values())


def situation_of(care_reason: dict[str, Any] | None) -> str:
    """The stored reason's situation; applications written before it existed count as ``other``."""
    value = (care_reason or {}).get("situation")
    return value if value in RANKS else DEFAULT_SITUATION


def rank(situation: str | None) -> int:
    """1 is served first; unknown or missing situations rank last."""
    return RANKS.get(situation or DEFAULT_SITUATION, LOWEST)


def priority_json(situation: str) -> dict[str, Any]:
    """What guardians and staff see: the rank, the situation it comes from, and its labels."""
    return {"rank": rank(situation), "situation": situation, "labels": dict(SITUATIONS[situation])}
