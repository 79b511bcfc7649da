"""名额: how many places each activity of a term has, how many are taken, how many children wait.

For the school's people (staff and guardians): the apply form says "余 3 个名额" or "候补 2 人" before
a family chooses, and the principal sees taken/capacity while deciding. Capacity comes from the
term's latest published program (公示); taken and waiting from the seat counters, all of a term in
one Query (:func:`chalicelib.enrollment.seats.places`). No child is named.
"""

from __future__ import annotations

from typing import Any

from chalicelib.core import authz
from chalicelib.core.errors import NotFound
from chalicelib.core.identity import Principal
from chalicelib.core.ids import is_id

from . import seats


class Places:
    def places(self, p: Principal, school_id: str, term_id: str) -> list[dict[str, Any]]:
        """Per activity of the published program; a term with no published program answers 404."""
        authz.require_member(p, school_id)
        if not is_id(term_id):
            raise NotFound()
        program = seats.load_program(school_id, term_id)
        if program is None:
            raise NotFound()
        return seats.places(school_id, term_id, program)
