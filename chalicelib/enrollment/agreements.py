"""协议书: the agreement between school and guardian stating rights, duties and responsibilities (R3).

The school keeps a per-term template with ``{{placeholders}}``; each save is a new immutable version.
What the guardian signs is the *rendered* text, stored once (never rewritten) with its SHA-256, the
signer, the time, IP address and user agent. A new template version never alters a signed copy.
Signing moves the application from ``approved`` to ``active`` (the enrolment starts).

Before signing, the guardian reads :meth:`Agreements.preview`: the same rendering, so the page shows
exactly the text that signing stores (apart from ``{{signed_on}}`` if the day changes in between).
``{{signed_on}}`` is the school-local date (the school's ``time_zone``, as for the access log's days):
a guardian signing at 00:30 in Beijing signs on that day, not on the UTC day before.
The agreement is a Chinese legal text: the placeholders are filled in zh-CN whatever the reader's
language, with the labels of the published program (公示) the family chose from.
"""

from __future__ import annotations

import datetime as dt
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
from chalicelib.enrollment.catalog.vocabulary import SERVICE_KINDS, Locale, label
from chalicelib.roster.calendar.models import Term
from chalicelib.roster.models import Student
from chalicelib.tenants.local_time import school_date
from chalicelib.tenants.models import School, load_school

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

    def preview(self, p: Principal, school_id: str, application_id: str) -> dict[str, Any]:
        """The text signing would store now, for the guardian of an approved application."""
        app, student, template = self._signable(p, school_id, application_id)
        return {"template_version": int(template.number), "text": self.render(p, app, student, template.text)}

    def sign(
        self, p: Principal, school_id: str, application_id: str, template_version: int, ip: str, user_agent: str
    ) -> dict[str, Any]:
        app, student, template = self._signable(p, school_id, application_id)
        if int(template.number) != template_version:
            raise Conflict({"current_template_version": int(template.number)}, code="agreement_outdated")
        now = self._flow.clock.now()  # one instant for {{signed_on}} and signed_at, even at midnight
        text = self.render(p, app, student, template.text, now)
        signed = SignedAgreement(
            *SignedAgreement.key(school_id, application_id),
            tenant_id=school_id,
            kind="SignedAgreement",
            application_id=application_id,
            template_version=int(template.number),
            text=text,
            sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
            signer_sub=p.sub,
            signed_at=iso(now),
            ip=ip or "unknown",
            user_agent=user_agent or "unknown",
        )

        def store(tx: Transaction) -> None:
            tx.save("agreement", signed, SignedAgreement.pk.does_not_exist())

        self._flow.transition(p, app, "sign", None, extra=store)
        return signed.as_json()

    def _signable(
        self, p: Principal, school_id: str, application_id: str
    ) -> tuple[Application, Student, AgreementTemplate]:
        """A guardian of the child (staff 403, others 404), an approved application (else 409
        invalid_transition with its status) and the term's current template (else 404)."""
        app = load_application(school_id, application_id)
        student = self._access.require_guardian(p, school_id, app.student_id)
        states.next_status("sign", app.status)
        return app, student, _current_template(school_id, app.term_id)

    def signed_copy(self, p: Principal, school_id: str, application_id: str) -> dict[str, Any]:
        app = load_application(school_id, application_id)
        self._access.require_reader(p, app)
        try:
            return SignedAgreement.get(*SignedAgreement.key(school_id, application_id), consistent_read=True).as_json()
        except SignedAgreement.DoesNotExist as exc:
            raise NotFound(code="agreement_not_signed") from exc

    def render(
        self, p: Principal, app: Application, student: Student, text: str, now: dt.datetime | None = None
    ) -> str:
        """Fill the placeholders from the roster, the school, the term and the published program;
        ``{{signed_on}}`` is the school-local date at ``now`` (default: the clock's now)."""
        school_id = app.tenant_id
        program = seats.load_program(school_id, app.term_id)
        index = self._access.guardian_index(p, school_id)
        guardian = next((g.name for g in student.guardians if g.phone_index == index), "")
        school = _school(school_id)
        values = {
            "student_name": student.name,
            "class_name": _class_name(school_id, app.class_id),
            "guardian_name": guardian,
            "school_name": school.name if school else "",
            "term_name": require_term(school_id, app.term_id).name,
            "signed_on": school_date(now or self._flow.clock.now(), school.time_zone if school else None).isoformat(),
            **choices(app, program),
        }
        return PLACEHOLDER.sub(lambda m: str(values.get(m.group(1), m.group(0))), text)


LOCALE: Locale = "zh-CN"  # the agreement's language, whatever the reader's


def choices(app: Application, program: seats.Program | None) -> dict[str, str]:
    """{{activities}}, {{services}}, {{lunch}} and {{fees}} as a parent reads them, in Chinese.

    For football (¥300 a term), care (free) and lunch (¥15 a day): activities ``足球``, services
    ``看管服务``, fees ``足球：¥300.00/学期；看管服务：免费；午餐（学校代收）：¥15.00/天`` and lunch
    ``参加午餐，餐费¥15.00/天，由学校代收代付`` (no closing 。: the template punctuates, as for every
    placeholder). Only places held count, not a waiting list.
    """
    if program is None:
        return {"activities": "", "services": "", "lunch": "", "fees": ""}
    currency = program.currency
    held = [
        program.activities[a["activity_id"]]
        for a in app.activities
        if a["state"] == seats.SEATED and a["activity_id"] in program.activities
    ]
    fees = [f"{a['name']}：{format_fee(a['fee_fen'], a['fee_basis'], currency, LOCALE)}" for a in held]
    for kind in app.services:
        s = program.services.get(kind)
        if s:
            fees.append(f"{_service(kind)}：{format_fee(s['fee_fen'], s['fee_basis'], currency, LOCALE)}")
    lunch = program.services.get("lunch")
    fen = int(lunch["price_per_day_fen"]) if lunch else None
    price = format_fee(fen, "per_day" if fen else "free", currency, LOCALE) if fen is not None else ""
    if app.lunch and fen is not None:
        fees.append(f"{_service('lunch')}：{price}")
    return {
        "activities": "、".join(a["name"] for a in held) or "无",
        "services": "、".join(_service(kind) for kind in app.services) or "无",
        "lunch": _lunch_sentence(app.lunch, fen, price),
        "fees": "；".join(fees) or "无",
    }


def _service(kind: str) -> str:
    return label(SERVICE_KINDS, kind, LOCALE)


def _lunch_sentence(chosen: bool, fen: int | None, price: str) -> str:
    """{{lunch}}: whether the child has lunch at school and, if so, what it costs and who collects it."""
    if not chosen:
        return "不参加午餐"
    if fen is None:
        return "参加午餐"  # lunch is no longer in the published program
    if fen == 0:
        return "参加午餐，免费"
    return f"参加午餐，餐费{price}，由学校代收代付"


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


def _school(school_id: str) -> School | None:
    try:
        return load_school(school_id)
    except NotFound:
        return None


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
