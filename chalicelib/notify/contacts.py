"""Guardians' contact preferences: the e-mail they give and the phone they signed in with, both sealed."""

from __future__ import annotations

from typing import Any

from chalicelib.core import phone
from chalicelib.core.clock import Clock, iso
from chalicelib.core.errors import Forbidden
from chalicelib.core.identity import Principal
from chalicelib.core.vault import PersonalDataVault

from .models import Contact
from .schemas import ContactUpdate


class PhoneNotVerified(Forbidden):
    """SMS goes only to the number the issuer verified for this guardian, never to one typed in."""

    code = "sms_phone_not_verified"


class ContactBook:
    def __init__(self, clock: Clock, vault: PersonalDataVault):
        self._clock = clock
        self._vault = vault

    def find(self, school_id: str, sub: str) -> Contact | None:
        try:
            return Contact.get(*Contact.key(school_id, sub), consistent_read=True)
        except Contact.DoesNotExist:
            return None

    def put(self, p: Principal, school_id: str, cmd: ContactUpdate) -> Contact:
        """Replace the caller's contact. The SMS number is the token's verified phone, sealed."""
        if cmd.sms and not p.phone:
            raise PhoneNotVerified()
        contact = Contact(
            *Contact.key(school_id, p.sub),
            tenant_id=school_id,
            kind="Contact",
            guardian_sub=p.sub,
            email_sealed=self._vault.seal(school_id, cmd.email) if cmd.email else None,
            email_enabled=cmd.email_enabled,
            sms=cmd.sms,
            phone_sealed=self._vault.seal(school_id, p.phone) if cmd.sms and p.phone else None,
            locale=cmd.locale,
            updated_at=iso(self._clock.now()),
        )
        contact.save()
        return contact

    def view(self, school_id: str, contact: Contact | None) -> dict[str, Any]:
        """What the guardian sees: their e-mail, and the SMS number masked (never in clear)."""
        if contact is None:
            return {
                "registered": False,
                "email": None,
                "email_enabled": False,
                "sms": False,
                "sms_number": None,
                "locale": "zh-CN",
                "updated_at": None,
            }
        email = self._vault.open(school_id, contact.email_sealed) if contact.email_sealed else None
        number = phone.mask(self._vault.open(school_id, contact.phone_sealed)) if contact.phone_sealed else None
        return {
            "registered": True,
            "email": email,
            "email_enabled": contact.email_enabled,
            "sms": contact.sms,
            "sms_number": number,
            "locale": contact.locale,
            "updated_at": contact.updated_at,
        }
