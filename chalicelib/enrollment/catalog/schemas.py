"""Request and response shapes of the catalog API: providers (第三方机构) and the program (公示).

Pydantic checks every field's form: money is a strict integer in fen (``12.5``, ``"12"`` and
``true`` are refused: no floats anywhere near money), categories come from a closed list (R8),
weekdays 1..5, periods 1..2, grades 1..9. Field errors use the ``activities.0.fee_basis`` form and
carry a ``type`` such as ``tutoring_not_allowed`` or ``fee_basis_mismatch``.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from .vocabulary import Category, FeeBasis, declared_tutoring

ULID = r"^[0-9A-HJKMNP-TV-Z]{26}$"
MAX_FEE_FEN = 10_000_000  # ¥100,000: far above any real fee, low enough to catch a slip of the keyboard
MAX_ACTIVITIES = 100  # keeps a published version well inside DynamoDB's 400 KB item limit

Fen = Annotated[int, Field(strict=True, ge=0, le=MAX_FEE_FEN, description="Integer amount in fen (分)")]
Grade = Annotated[int, Field(strict=True, ge=1, le=9, description="1..6 primary, 7..9 middle school")]
Weekday = Annotated[int, Field(strict=True, ge=1, le=5, description="1 = Monday ... 5 = Friday")]
Phone = Annotated[
    str,
    Field(
        pattern=r"^(?:1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$",
        description="Mainland mobile (11 digits) or landline with area code; personal data",
    ),
]
Text = Annotated[str, Field(max_length=300)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


def _no_tutoring(value: str) -> str:
    term = declared_tutoring(value)
    if term is not None:
        raise PydanticCustomError(
            "tutoring_not_allowed",
            "subject tutoring or teaching ahead of the curriculum is not allowed in after-school time ({term})",
            {"term": term},
        )
    return value


def _fee_basis_matches(basis: str, info: ValidationInfo) -> str:
    fee = info.data.get("fee_fen")
    if fee is not None and (basis == "free") != (fee == 0):
        raise PydanticCustomError("fee_basis_mismatch", "use fee_basis free exactly when fee_fen is 0")
    return basis


def _unique_sorted(values: list[int]) -> list[int]:
    if len(set(values)) != len(values):
        raise PydanticCustomError("duplicate", "values must be unique")
    return sorted(values)


# -- providers --------------------------------------------------------------------------------------


class ProviderCreate(Strict):
    name: str = Field(min_length=1, max_length=120, description="Registered name of the organisation")
    licence_number: str = Field(
        min_length=4, max_length=64, description="办学许可证 number or 统一社会信用代码 (营业执照)"
    )
    contact_name: str = Field(min_length=1, max_length=40)
    contact_phone: Phone


class ProviderUpdate(Strict):
    """Fields left out keep their value. A new licence number sends the provider back to review."""

    name: str | None = Field(default=None, min_length=1, max_length=120)
    licence_number: str | None = Field(default=None, min_length=4, max_length=64)
    contact_name: str | None = Field(default=None, min_length=1, max_length=40)
    contact_phone: Phone | None = None
    version: int | None = Field(default=None, ge=1, description="Alternative to the If-Match header")


class ProviderStatusChange(Strict):
    status: Literal["approved", "suspended"]
    reason: str = Field(min_length=1, max_length=500)


class StatusChange(BaseModel):
    from_status: str
    to_status: str
    reason: str
    by: str
    at: str


class Provider(BaseModel):
    id: str
    school_id: str
    name: str
    licence_number: str
    contact_name: str
    contact_phone: str = Field(
        description=(
            "Stored sealed (KMS). In full only when the school_admin reads one provider (and in the "
            "school_admin's own write responses); masked as 138****0000 in listings and for other staff"
        )
    )
    contact_phone_masked: bool = Field(description="True when contact_phone is the masked form")
    status: Literal["pending", "approved", "suspended"]
    status_reason: str | None
    history: list[StatusChange]
    version: int
    created_at: str
    updated_at: str


class ProviderPage(BaseModel):
    items: list[Provider]
    next_cursor: str | None


class PageQuery(Strict):
    limit: int = Field(default=20, ge=1, le=100, description="Page size, at most 100")
    cursor: str | None = Field(default=None, max_length=2048, description="next_cursor of the previous page")


# -- the program: services and activities ----------------------------------------------------------


class _SchoolService(Strict):
    fee_fen: Fen
    fee_basis: FeeBasis
    description: Text = ""

    @field_validator("fee_basis")
    @classmethod
    def _basis(cls, v: str, info: ValidationInfo) -> str:
        return _fee_basis_matches(v, info)

    @field_validator("description")
    @classmethod
    def _guard(cls, v: str) -> str:
        return _no_tutoring(v)


class CareService(_SchoolService):
    """看管: supervised homework time and care after the school day."""

    kind: Literal["care"]


class NapService(_SchoolService):
    kind: Literal["nap"]


class LunchService(Strict):
    """午餐: priced per day at the regulated price and collected by the school on others' behalf (代收)."""

    kind: Literal["lunch"]
    price_per_day_fen: Fen
    price_reference: str | None = Field(default=None, max_length=100, description="物价部门核定文号, if any")
    description: Text = ""

    @field_validator("description")
    @classmethod
    def _guard(cls, v: str) -> str:
        return _no_tutoring(v)


Service = Annotated[CareService | LunchService | NapService, Field(discriminator="kind")]


class Activity(Strict):
    id: str | None = Field(default=None, pattern=ULID, description="Omit for a new activity; keep it to edit one")
    name: str = Field(min_length=1, max_length=60)
    category: Category
    provider: str = Field(
        default="school", pattern=r"^(?:school|[0-9A-HJKMNP-TV-Z]{26})$", description='"school" or a provider id'
    )
    grades: list[Grade] = Field(min_length=1, max_length=9)
    weekdays: list[Weekday] = Field(min_length=1, max_length=5)
    period: int = Field(strict=True, ge=1, le=2, description="Afternoon period 1 or 2")
    venue: str = Field(min_length=1, max_length=60, description="e.g. 操场, 图书馆, 三年级一班教室")
    capacity: int = Field(strict=True, ge=1, le=1000)
    fee_fen: Fen
    fee_basis: FeeBasis
    staff: list[Annotated[str, Field(min_length=1, max_length=20)]] = Field(default_factory=list, max_length=8)
    description: Text = ""

    @field_validator("name", "description")
    @classmethod
    def _guard(cls, v: str) -> str:
        return _no_tutoring(v)

    @field_validator("grades", "weekdays")
    @classmethod
    def _unique(cls, v: list[int]) -> list[int]:
        return _unique_sorted(v)

    @field_validator("fee_basis")
    @classmethod
    def _basis(cls, v: str, info: ValidationInfo) -> str:
        if info.data.get("category") == "homework_help" and v != "free":
            # 四(五)2: homework and counselling help is free (个性化的免费课业辅导).
            raise PydanticCustomError("homework_help_is_free", "homework help is free: fee_fen 0, fee_basis free")
        return _fee_basis_matches(v, info)


class ProgramDocument(Strict):
    """The services and activities a school offers in one term, as one document."""

    services: list[Service] = Field(default_factory=list, max_length=3, description="At most one of each kind")
    activities: list[Activity] = Field(default_factory=list, max_length=MAX_ACTIVITIES)
    safety_measures: str = Field(
        default="", max_length=1000, description="安全保障措施 told to families before they apply (四(七))"
    )

    @field_validator("services")
    @classmethod
    def _one_of_each(cls, v: list[Any]) -> list[Any]:
        kinds = [s.kind for s in v]
        if len(set(kinds)) != len(kinds):
            raise PydanticCustomError("duplicate", "at most one service of each kind")
        return v

    @field_validator("activities")
    @classmethod
    def _unique_ids(cls, v: list[Activity]) -> list[Activity]:
        ids = [a.id for a in v if a.id]
        if len(set(ids)) != len(ids):
            raise PydanticCustomError("duplicate", "an activity id appears twice")
        return v


class ProgramDraftWrite(ProgramDocument):
    version: int | None = Field(default=None, ge=0, description="Alternative to If-Match; 0 creates the draft")


class ProgramDraft(ProgramDocument):
    term_id: str
    version: int = Field(description="0 until the first save")
    currency: str
    updated_at: str | None
    latest_published_version: int | None
    unpublished_changes: bool


class TermSummary(BaseModel):
    id: str
    name: str
    starts_on: str
    ends_on: str


class ProviderSummary(BaseModel):
    id: str
    name: str
    licence_number: str


class ProgramVersion(ProgramDocument):
    term_id: str
    version: int
    published_at: str
    term: TermSummary
    currency: str
    providers: list[ProviderSummary]


class ProgramVersionSummary(BaseModel):
    version: int
    published_at: str
    published_by: str = Field(description="The publishing school_admin's account `sub`")
    activity_count: int


class ProgramVersionPage(BaseModel):
    items: list[ProgramVersionSummary] = Field(description="Newest first")
    next_cursor: str | None


class PublicQuery(BaseModel):
    # Extra parameters are ignored, not refused: links shared in messaging apps get tracking
    # parameters appended (e.g. WeChat's ``from=singlemessage``) and must still open.
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    term_id: str | None = Field(default=None, max_length=64, description="A published term; default the latest")


class PublicFee(BaseModel):
    fee_fen: int
    fee_basis: str
    fee: str = Field(description="Formatted, e.g. ¥300.00/学期 or 免费")


class PublicService(PublicFee):
    kind: str
    label: str
    collected_on_behalf: bool = Field(description="代收: lunch money collected by the school for the caterer")
    description: str


class PublicActivity(PublicFee):
    id: str
    name: str
    category: str
    category_label: str
    provider: dict[str, str]
    grades: list[int]
    weekdays: list[int]
    period: int
    venue: str
    capacity: int
    description: str


class ProcedureStep(BaseModel):
    step: int
    key: str
    label: str


class PublicProgram(BaseModel):
    school: dict[str, str]
    term: TermSummary
    version: int
    published_at: str
    currency: str
    services: list[PublicService]
    activities: list[PublicActivity]
    providers: list[ProviderSummary]
    safety_measures: str
    procedure: list[ProcedureStep]
