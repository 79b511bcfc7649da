"""PynamoDB items of the timetable's stored inputs, all in the main table and the school's partition
(DESIGN §3).

====================  ==========  ================================  ==============================================
item                  pk          sk                                what
====================  ==========  ================================  ==============================================
TimetableSettings     T#<school>  TIMETABLE#SETTINGS                service periods, 错峰, fairness (version locked)
Venue                 T#<school>  TIMETABLE#VENUE#<venue id>        a place and how many classes it holds at once
Adult                 T#<school>  TIMETABLE#ADULT#<adult id>        who can supervise or lead, and when (R7)
VenueNameClaim        T#<school>  CLAIM#VENUENAME#<name key>        makes a venue's name unique in the school
HomeClassroomClaim    T#<school>  CLAIM#HOMECLASS#<class id>        a class has at most one classroom of its own
AdultAccountClaim     T#<school>  CLAIM#ADULTACCOUNT#<account sub>  an account is at most one adult ("my week")
====================  ==========  ================================  ==============================================

Settings, venues and adults share the ``TIMETABLE#`` prefix, so everything the assembler needs from
this context is one Query (:func:`read_inputs`); the claims sit outside it. Names of adults are
the school's staff, volunteers and providers' people: they stay in these items and never go into events.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from pynamodb.attributes import Attribute, NumberAttribute, UnicodeAttribute, VersionAttribute
from pynamodb.constants import STRING

from chalicelib.core.store import MainTableModel, table, tenant_pk

from .vocabulary import name_key

PREFIX = "TIMETABLE#"
SETTINGS_SK = PREFIX + "SETTINGS"
VENUE_PREFIX = PREFIX + "VENUE#"
ADULT_PREFIX = PREFIX + "ADULT#"
READ_PAGES = 50  # a school's inputs fit in one or two 1 MB pages; this only stops a runaway loop


class StringsAttribute(Attribute[list[str]]):
    """A short list of strings (class ids, skills) as one JSON string: nobody queries inside it, and
    unlike a string set it may be empty."""

    attr_type = STRING

    def serialize(self, value: list[str]) -> str:
        return json.dumps(list(value), ensure_ascii=False, separators=(",", ":"))

    def deserialize(self, value: str) -> list[str]:
        return [str(v) for v in json.loads(value)]


class AvailabilityAttribute(Attribute[dict[int, list[int]]]):
    """Weekday -> period numbers the adult can take, as one JSON string (nobody queries inside it)."""

    attr_type = STRING

    def serialize(self, value: dict[int, list[int]]) -> str:
        return json.dumps({str(d): sorted(p) for d, p in sorted(value.items())}, separators=(",", ":"))

    def deserialize(self, value: str) -> dict[int, list[int]]:
        return {int(d): [int(p) for p in periods] for d, periods in json.loads(value).items()}


@table("main")
class TimetableSettings(MainTableModel):
    """The school's settings document (see :mod:`.periods`); absent until first saved."""

    document = UnicodeAttribute()  # JSON of schemas.TimetableSettingsWrite without the version
    updated_at = UnicodeAttribute()
    updated_by = UnicodeAttribute()
    version = VersionAttribute()

    @staticmethod
    def key(school_id: str) -> tuple[str, str]:
        return tenant_pk(school_id), SETTINGS_SK

    def content(self) -> dict[str, Any]:
        loaded: dict[str, Any] = json.loads(self.document)
        return loaded


@table("main")
class Venue(MainTableModel):
    """A venue (场地, R6). ``home_class_ids``: the classes whose own classroom it is (classrooms only)."""

    venue_id = UnicodeAttribute()
    name = UnicodeAttribute()
    venue_type = UnicodeAttribute()  # chalicelib.timetable.vocabulary.VenueType ("kind" is the item's kind)
    capacity = NumberAttribute()
    home_class_ids = StringsAttribute(default=list)
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    version = VersionAttribute()

    @staticmethod
    def key(school_id: str, venue_id: str) -> tuple[str, str]:
        return tenant_pk(school_id), VENUE_PREFIX + venue_id

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.venue_id,
            "school_id": self.tenant_id,
            "name": self.name,
            "type": self.venue_type,
            "capacity": int(self.capacity),
            "home_class_ids": list(self.home_class_ids or []),
            "version": self.version,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
        }


@table("main")
class VenueNameClaim(MainTableModel):
    """Makes a venue's name unique in the school (compared by :func:`.vocabulary.name_key`)."""

    venue_id = UnicodeAttribute()

    @staticmethod
    def key(school_id: str, name: str) -> tuple[str, str]:
        return tenant_pk(school_id), f"CLAIM#VENUENAME#{name_key(name)}"

    @classmethod
    def of(cls, venue: Venue) -> VenueNameClaim:
        key = cls.key(venue.tenant_id, venue.name)
        return cls(*key, tenant_id=venue.tenant_id, kind="VenueNameClaim", venue_id=venue.venue_id)


@table("main")
class HomeClassroomClaim(MainTableModel):
    """A class's own classroom is one venue: the class id is claimed by the classroom naming it."""

    venue_id = UnicodeAttribute()

    @staticmethod
    def key(school_id: str, class_id: str) -> tuple[str, str]:
        return tenant_pk(school_id), f"CLAIM#HOMECLASS#{class_id}"

    @classmethod
    def of(cls, venue: Venue, class_id: str) -> HomeClassroomClaim:
        return cls(
            *cls.key(venue.tenant_id, class_id),
            tenant_id=venue.tenant_id,
            kind="HomeClassroomClaim",
            venue_id=venue.venue_id,
        )


@table("main")
class AdultAccountClaim(MainTableModel):
    """An account (``sub``) links to at most one adult of the school; "my week" finds the caller's adult
    with one GetItem instead of reading every adult."""

    adult_id = UnicodeAttribute()

    @staticmethod
    def key(school_id: str, account_sub: str) -> tuple[str, str]:
        return tenant_pk(school_id), f"CLAIM#ADULTACCOUNT#{account_sub}"

    @classmethod
    def of(cls, school_id: str, account_sub: str, adult_id: str) -> AdultAccountClaim:
        key = cls.key(school_id, account_sub)
        return cls(*key, tenant_id=school_id, kind="AdultAccountClaim", adult_id=adult_id)


def adult_of_account(school_id: str, account_sub: str) -> str | None:
    """The id of the adult linked to the account, if any (one consistent GetItem)."""
    try:
        return str(AdultAccountClaim.get(*AdultAccountClaim.key(school_id, account_sub), consistent_read=True).adult_id)
    except AdultAccountClaim.DoesNotExist:
        return None


@table("main")
class Adult(MainTableModel):
    """A teacher, cadre (干部), volunteer, specialist or provider's staff member (R7).

    ``availability`` maps weekday to the period numbers the adult can take; absent means every period.
    ``account_sub`` links the adult to a staff account (for "my week" later), ``provider_id`` to a
    third-party provider (第三方机构) of the school.
    """

    adult_id = UnicodeAttribute()
    name = UnicodeAttribute()
    adult_kind = UnicodeAttribute()  # chalicelib.timetable.vocabulary.AdultKind
    account_sub = UnicodeAttribute(null=True)
    provider_id = UnicodeAttribute(null=True)
    skills = StringsAttribute(default=list)
    availability = AvailabilityAttribute(null=True)
    max_periods_per_week = NumberAttribute(null=True)
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    version = VersionAttribute()

    @staticmethod
    def key(school_id: str, adult_id: str) -> tuple[str, str]:
        return tenant_pk(school_id), ADULT_PREFIX + adult_id

    def availability_json(self) -> list[dict[str, Any]] | None:
        if self.availability is None:
            return None
        return [{"weekday": d, "periods": sorted(p)} for d, p in sorted(self.availability.items())]

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.adult_id,
            "school_id": self.tenant_id,
            "name": self.name,
            "kind": self.adult_kind,
            "account_sub": self.account_sub,
            "provider_id": self.provider_id,
            "skills": list(self.skills or []),
            "availability": self.availability_json(),
            "max_periods_per_week": int(self.max_periods_per_week) if self.max_periods_per_week is not None else None,
            "version": self.version,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
        }


@dataclass
class StoredInputs:
    """Everything this context stores for one school's timetable, as read in one pass."""

    settings: TimetableSettings | None = None
    venues: list[Venue] = field(default_factory=list)
    adults: list[Adult] = field(default_factory=list)


_KINDS: dict[str, type[MainTableModel]] = {"TimetableSettings": TimetableSettings, "Venue": Venue, "Adult": Adult}


def read_inputs(school_id: str) -> StoredInputs:
    """Settings, venues and adults of the school: one Query on the ``TIMETABLE#`` prefix (more pages
    only past 1 MB), each item loaded by its ``kind``."""
    connection = TimetableSettings._get_connection()
    condition = TimetableSettings.sk.startswith(PREFIX)
    out = StoredInputs()
    start: dict[str, Any] | None = None
    for _ in range(READ_PAGES):
        data = connection.query(
            tenant_pk(school_id), range_key_condition=condition, consistent_read=True, exclusive_start_key=start
        )
        for raw in data.get("Items", []):
            model = _KINDS.get(raw.get("kind", {}).get("S", ""))
            if model is TimetableSettings:
                out.settings = TimetableSettings.from_raw_data(raw)
            elif model is Venue:
                out.venues.append(Venue.from_raw_data(raw))
            elif model is Adult:
                out.adults.append(Adult.from_raw_data(raw))
        start = data.get("LastEvaluatedKey")
        if not start:
            return out
    raise RuntimeError("timetable inputs span more pages than expected")
