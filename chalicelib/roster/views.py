"""What a caller sees of a child's record: phones and identity numbers opened, or masked, per viewer.

Sealed values are opened here only to be shown (in full or masked); masking happens after opening
because the mask keeps the first three and last four digits (``138****0000``), which a blind index
cannot give.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from chalicelib.core import phone

from .models import SchoolClass, StoredContact, Student
from .vocabulary import mask_id_number

Opener = Callable[[str], str]  # sealed text -> clear text (the tenant's vault)


@dataclass(frozen=True)
class Viewer:
    """How much of a child's personal data one caller may see."""

    full_phones: bool
    full_id_number: bool
    own_phone_index: str | None = None  # a guardian always sees their own number


def contact_json(c: StoredContact, viewer: Viewer, open_: Opener) -> dict[str, Any]:
    number = open_(c.phone_sealed)
    full = viewer.full_phones or (viewer.own_phone_index is not None and c.phone_index == viewer.own_phone_index)
    return {
        "name": c.name,
        "relationship": c.relationship,
        "phone": number if full else phone.mask(number),
        "phone_masked": not full,
    }


def student_json(s: Student, klass: SchoolClass | None, viewer: Viewer, open_: Opener) -> dict[str, Any]:
    id_number = None
    if s.id_number_sealed:
        clear = open_(s.id_number_sealed)
        id_number = clear if viewer.full_id_number else mask_id_number(clear)
    return {
        "id": s.student_id,
        "school_id": s.tenant_id,
        "student_number": s.student_number,
        "name": s.name,
        "grade": int(s.grade),
        "class_id": s.class_id,
        "class_name": klass.name if klass else None,
        "guardians": [contact_json(g, viewer, open_) for g in s.guardians],
        "pickup_adults": [contact_json(a, viewer, open_) for a in s.pickup_adults],
        "id_number": id_number,
        "version": s.version,
        "created_at": s.created_at,
        "updated_at": s.updated_at,
    }
