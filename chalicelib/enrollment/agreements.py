"""协议书: the agreement between school and guardian stating rights, duties and responsibilities (R3).

The school keeps a per-term template with ``{{placeholders}}``; each save is a new immutable version.
What the guardian signs is the *rendered* text, stored once (never rewritten) with its SHA-256, the
signer, the time, IP address and user agent. A new template version never alters a signed copy.
Signing moves the application from ``approved`` to ``active`` (the enrolment starts).
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

from pynamodb.exceptions import TransactWriteError

from chalicelib.core import authz
from chalicelib.core.clock import iso
from chalicelib.core.errors import Conflict, NotFound, ValidationFailed, VersionConflict
from chalicelib.core.identity import Principal
from chalicelib.core.ids import is_id
from chalicelib.enrollment.catalog.money import format_fee
from chalicelib.roster.calendar.models import Term
from chalicelib.tenants.models import School

from . import seats, states
from .access import Access, load_class
from .flow import Flow, load_application
from .models import AgreementTemplate, Application, SignedAgreement, TemplatePointer
from .tx import Transaction

PLACEHOLDER = re.compile(r"{{\s*(\w+)\s*}}")
PLACEHOLDERS = (
    "student_name",
    "class_name",
    "guardian_name",
    "school_name",
    "term_name",
    "activities",
    "services",
    "lunch",
    "fees",
    "signed_on",
)


class Agreements:
    def __init__(self, flow: Flow, access: Access):
        self._flow = flow
        self._access = access

    # -- the template (school_admin writes, members read) -------------------------------------------

    def get_template(self, p: Principal, school_id: str, term_id: str) -> dict[str, Any]:
        authz.require_member(p, school_id)
        require_term(school_id, term_id)
        return _template_json(_current_template(school_id, term_id))

    def put_template(self, p: Principal, school_id: str, term_id: str, text: str) -> dict[str, Any]:
        authz.require_school_admin(p, school_id)
        require_term(school_id, term_id)
        unknown = sorted({m for m in PLACEHOLDER.findall(text) if m not in PLACEHOLDERS})
        if unknown:
            raise ValidationFailed([{"field": "text", "message": f"unknown placeholder {{{{{u}}}}}"} for u in unknown])
        pointer = _pointer(school_id, term_id)
        number = int(pointer.number) + 1 if pointer else 1
        if pointer is None:
            pointer = TemplatePointer(
                *TemplatePointer.key(school_id, term_id), tenant_id=school_id, kind="TemplatePointer", number=number
            )
        pointer.number = number
        template = AgreementTemplate(
            *AgreementTemplate.key(school_id, term_id, number),
            tenant_id=school_id,
            kind="AgreementTemplate",
            term_id=term_id,
            number=number,
            text=text,
            created_at=iso(self._flow.clock.now()),
            created_by=p.sub,
        )
        tx = Transaction(self._flow.conn())
        try:
            with tx:
                tx.save("pointer", pointer)
                tx.save("template", template, AgreementTemplate.pk.does_not_exist())
        except TransactWriteError as exc:
            raise VersionConflict() from exc
        return _template_json(template)

    # -- signing (the guardian) ---------------------------------------------------------------------

    def sign(
        self, p: Principal, school_id: str, application_id: str, template_version: int, ip: str, user_agent: str
    ) -> dict[str, Any]:
        app = load_application(school_id, application_id)
        student = self._access.require_guardian(p, school_id, app.student_id)
        states.next_status("sign", app.status)
        template = _current_template(school_id, app.term_id)
        if int(template.number) != template_version:
            raise Conflict({"current_template_version": int(template.number)}, code="agreement_outdated")
        text = self.render(p, app, student, template.text)
        signed = SignedAgreement(
            *SignedAgreement.key(school_id, application_id),
            tenant_id=school_id,
            kind="SignedAgreement",
            application_id=application_id,
            template_version=int(template.number),
            text=text,
            sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
            signer_sub=p.sub,
            signed_at=iso(self._flow.clock.now()),
            ip=ip or "unknown",
            user_agent=user_agent or "unknown",
        )

        def store(tx: Transaction) -> None:
            tx.save("agreement", signed, SignedAgreement.pk.does_not_exist())

        self._flow.transition(p, app, "sign", None, extra=store)
        return signed.as_json()

    def signed_copy(self, p: Principal, school_id: str, application_id: str) -> dict[str, Any]:
        app = load_application(school_id, application_id)
        self._access.require_reader(p, app)
        try:
            return SignedAgreement.get(*SignedAgreement.key(school_id, application_id), consistent_read=True).as_json()
        except SignedAgreement.DoesNotExist as exc:
            raise NotFound(code="agreement_not_signed") from exc

    def render(self, p: Principal, app: Application, student: Any, text: str) -> str:
        """Fill the placeholders from the roster, the school, the term and the published program."""
        school_id = app.tenant_id
        program = seats.load_program(school_id, app.term_id)
        index = self._access.guardian_index(p, school_id)
        guardian = next((g.name for g in student.guardians if g.phone_index == index), "")
        values = {
            "student_name": student.name,
            "class_name": _class_name(school_id, app.class_id),
            "guardian_name": guardian,
            "school_name": _school_name(school_id),
            "term_name": require_term(school_id, app.term_id).name,
            "signed_on": iso(self._flow.clock.now())[:10],
            **_choices(app, program),
        }
        return PLACEHOLDER.sub(lambda m: str(values.get(m.group(1), m.group(0))), text)


def _choices(app: Application, program: seats.Program | None) -> dict[str, str]:
    if program is None:
        return {"activities": "", "services": "", "lunch": "", "fees": ""}
    held = [
        program.activities[a["activity_id"]]
        for a in app.activities
        if a["state"] == seats.SEATED and a["activity_id"] in program.activities
    ]
    fees = [f"{a['name']}: {format_fee(a['fee_fen'], a['fee_basis'], program.currency, 'zh-CN')}" for a in held]
    for kind in app.services:
        s = program.services.get(kind)
        if s:
            fees.append(f"{kind}: {format_fee(s['fee_fen'], s['fee_basis'], program.currency, 'zh-CN')}")
    lunch = program.services.get("lunch")
    if app.lunch and lunch:
        fees.append(f"lunch: {format_fee(lunch['price_per_day_fen'], 'per_day', program.currency, 'zh-CN')}")
    return {
        "activities": "、".join(a["name"] for a in held) or "无",
        "services": "、".join(app.services) or "无",
        "lunch": "是" if app.lunch else "否",
        "fees": "；".join(fees) or "无",
    }


def require_term(school_id: str, term_id: str) -> Term:
    """The school's 学期, or 404 (also for another school's term)."""
    if not is_id(term_id):
        raise NotFound()
    try:
        return Term.get(*Term.key(school_id, term_id), consistent_read=True)
    except Term.DoesNotExist as exc:
        raise NotFound() from exc


def _class_name(school_id: str, class_id: str) -> str:
    try:
        return load_class(school_id, class_id).name
    except NotFound:
        return ""


def _school_name(school_id: str) -> str:
    try:
        return School.get(*School.key(school_id)).name
    except School.DoesNotExist:
        return ""


def _pointer(school_id: str, term_id: str) -> TemplatePointer | None:
    try:
        return TemplatePointer.get(*TemplatePointer.key(school_id, term_id), consistent_read=True)
    except TemplatePointer.DoesNotExist:
        return None


def _current_template(school_id: str, term_id: str) -> AgreementTemplate:
    pointer = _pointer(school_id, term_id)
    if pointer is None:
        raise NotFound(code="agreement_template_missing")
    return AgreementTemplate.get(*AgreementTemplate.key(school_id, term_id, int(pointer.number)), consistent_read=True)


def _template_json(t: AgreementTemplate) -> dict[str, Any]:
    found = list(dict.fromkeys(PLACEHOLDER.findall(t.text)))
    return {"term_id": t.term_id, "version": int(t.number), "text": t.text, "placeholders": found}
