"""Turning a child's personal data into what is stored: sealed text plus a blind index (PIPL).

A phone number of a 监护人 or 接送人, or an identity document number, never reaches DynamoDB in
clear: :class:`Sealer` seals it under the school's KMS key (one cached data key for a whole import)
and computes the school's blind index, which is what lookups and comparisons use.
"""

from __future__ import annotations

from dataclasses import dataclass

from chalicelib.core.vault import PersonalDataVault

from .models import StoredContact


@dataclass(frozen=True)
class Sealer:
    vault: PersonalDataVault
    school_id: str

    def index(self, value: str) -> str:
        return self.vault.blind_index(self.school_id, value)

    def contact(self, name: str, relationship: str, e164: str) -> StoredContact:
        return StoredContact(name, relationship, self.vault.seal(self.school_id, e164), self.index(e164))

    def id_number(self, value: str | None) -> tuple[str | None, str | None]:
        """(sealed, blind index) of an identity document number, or (None, None)."""
        if not value:
            return None, None
        return self.vault.seal(self.school_id, value), self.index(value)

    def open(self, sealed: str) -> str:
        return self.vault.open(self.school_id, sealed)
