"""The published program as the public sees it (服务内容公示, the first step of R3).

Reading it costs two calls and never a Scan: one BatchGetItem for the school (its name, and whether
it is active) and the pointer to the latest published version, then one GetItem for that version.
The view shows what families need to choose (services, activities, fees formatted from fen,
providers' names and licence numbers, the safety measures and the application procedure) and
nothing personal: no phone numbers, no staff names, no internal ids of people.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from chalicelib.core.errors import NotFound
from chalicelib.core.ids import is_id
from chalicelib.tenants.models import School

from .models import ProgramVersion, PublishedPointer
from .money import format_fee
from .vocabulary import CATEGORIES, PROCEDURE, SERVICE_KINDS, Locale, label

BATCH_ATTEMPTS = 3


@dataclass(frozen=True)
class PublicProgram:
    school_id: str
    school_name: str
    version: ProgramVersion

    def as_json(self, locale: Locale) -> dict[str, Any]:
        content = self.version.content()
        currency = content["currency"]
        providers = {p["id"]: p for p in content["providers"]}
        school = {"id": "school", "name": self.school_name}
        return {
            "school": {"id": self.school_id, "name": self.school_name},
            "term": content["term"],
            "version": int(self.version.number),
            "published_at": self.version.published_at,
            "currency": currency,
            "services": [_service(s, currency, locale) for s in content["services"]],
            "activities": [
                _activity(a, providers.get(a["provider"], school), currency, locale) for a in content["activities"]
            ],
            "providers": content["providers"],
            "safety_measures": content.get("safety_measures", ""),
            "procedure": [{"step": i, "key": key, "label": text[locale]} for i, (key, text) in enumerate(PROCEDURE, 1)],
        }


def read_public(school_id: str, term_id: str | None) -> PublicProgram:
    """The latest published version (of ``term_id``, or the school's default term), or NotFound.

    Unknown, suspended and unpublished schools all answer the same 404.
    """
    if not is_id(school_id) or (term_id is not None and not is_id(term_id)):
        raise NotFound()
    school_key = School.key(school_id)
    pointer_key = PublishedPointer.term_key(school_id, term_id) if term_id else PublishedPointer.latest_key(school_id)
    found = _read_together([school_key, pointer_key])
    if school_key not in found or pointer_key not in found:
        raise NotFound()
    school = School.from_raw_data(found[school_key])
    if school.status != "active":
        raise NotFound()
    pointer = PublishedPointer.from_raw_data(found[pointer_key])
    try:
        # Consistent: the pointer may be seen a moment before an eventually consistent read sees the version.
        version = ProgramVersion.get(
            *ProgramVersion.key(school_id, pointer.term_id, int(pointer.number)), consistent_read=True
        )
    except ProgramVersion.DoesNotExist as exc:
        raise NotFound() from exc
    return PublicProgram(school_id, school.name, version)


def _read_together(keys: list[tuple[str, str]]) -> dict[tuple[str, str], dict[str, Any]]:
    """Items of the main table by key, in one BatchGetItem (retrying keys DynamoDB left unprocessed).

    Eventually consistent: a public notice a second old is fine, and it halves the read cost.
    """
    connection = School._get_connection()  # every model here lives in the main table
    table = School.Meta.table_name
    pending: list[dict[str, Any]] = [{"pk": {"S": pk}, "sk": {"S": sk}} for pk, sk in keys]
    found: dict[tuple[str, str], dict[str, Any]] = {}
    for _ in range(BATCH_ATTEMPTS):
        # PynamoDB's own batch_get passes serialized key maps too; its annotation says str.
        data = connection.batch_get_item(pending)  # type: ignore[arg-type]
        for item in data.get("Responses", {}).get(table, []):
            found[(item["pk"]["S"], item["sk"]["S"])] = item
        pending = data.get("UnprocessedKeys", {}).get(table, {}).get("Keys") or []
        if not pending:
            return found
    raise RuntimeError("DynamoDB left keys unprocessed; the caller may retry")


def _service(s: dict[str, Any], currency: str, locale: Locale) -> dict[str, Any]:
    lunch = s["kind"] == "lunch"
    fee_fen = s["price_per_day_fen"] if lunch else s["fee_fen"]
    basis = "per_day" if lunch else s["fee_basis"]
    if lunch and fee_fen == 0:
        basis = "free"
    return {
        "kind": s["kind"],
        "label": label(SERVICE_KINDS, s["kind"], locale),
        "fee_fen": fee_fen,
        "fee_basis": basis,
        "fee": format_fee(fee_fen, basis, currency, locale),
        "collected_on_behalf": lunch,  # 代收: the school collects lunch money for the caterer (R10)
        "description": s.get("description", ""),
    }


def _activity(a: dict[str, Any], provider: dict[str, str], currency: str, locale: Locale) -> dict[str, Any]:
    return {
        "id": a["id"],
        "name": a["name"],
        "category": a["category"],
        "category_label": label(CATEGORIES, a["category"], locale),
        "provider": provider,
        "grades": a["grades"],
        "weekdays": a["weekdays"],
        "period": a["period"],
        "venue": a["venue"],
        "capacity": a["capacity"],
        "fee_fen": a["fee_fen"],
        "fee_basis": a["fee_basis"],
        "fee": format_fee(a["fee_fen"], a["fee_basis"], currency, locale),
        "description": a.get("description", ""),
    }
