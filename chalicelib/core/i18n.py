"""User-facing messages, zh-CN first with English available.

Clients choose with ``Accept-Language``; anything that is not English gets Chinese.
"""

from __future__ import annotations

DEFAULT_LOCALE = "zh-CN"
SUPPORTED = ("zh-CN", "en")

MESSAGES: dict[str, dict[str, str]] = {
    "bad_request": {"zh-CN": "请求无效。", "en": "The request is not valid."},
    "validation_error": {
        "zh-CN": "提交的数据有误，请检查标出的字段。",
        "en": "Some fields are not valid; see details.",
    },
    "invalid_json": {"zh-CN": "请求体不是有效的 JSON。", "en": "The request body is not valid JSON."},
    "invalid_cursor": {"zh-CN": "分页游标无效。", "en": "The pagination cursor is not valid."},
    "unauthorized": {
        "zh-CN": "请先登录（令牌缺失、无效或已过期）。",
        "en": "Sign-in required: the token is missing, invalid or expired.",
    },
    "forbidden": {"zh-CN": "您没有执行此操作的权限。", "en": "You are not allowed to do this."},
    "tenant_suspended": {
        "zh-CN": "该学校已被暂停使用，请联系教育局。",
        "en": "This school is suspended; contact the district.",
    },
    "not_found": {"zh-CN": "未找到该资源。", "en": "Not found."},
    "conflict": {"zh-CN": "操作与当前状态冲突。", "en": "The request conflicts with the current state."},
    "version_conflict": {
        "zh-CN": "数据已被他人修改，请刷新后重试。",
        "en": "Someone else changed this; reload and try again.",
    },
    "school_code_taken": {
        "zh-CN": "本区已有使用该代码的学校。",
        "en": "A school in this district already uses this code.",
    },
    "staff_exists": {
        "zh-CN": "该邮箱已在本校教职工名单中。",
        "en": "This e-mail address is already on the school's staff list.",
    },
    "already_suspended": {"zh-CN": "该学校已处于暂停状态。", "en": "The school is already suspended."},
    "not_suspended": {"zh-CN": "该学校未被暂停。", "en": "The school is not suspended."},
    "idempotency_key_reused": {
        "zh-CN": "该幂等键已用于另一请求内容。",
        "en": "This Idempotency-Key was already used with a different request body.",
    },
    "idempotency_key_required": {
        "zh-CN": "缺少 Idempotency-Key 请求头。",
        "en": "The Idempotency-Key header is required.",
    },
    "precondition_required": {
        "zh-CN": "请在 If-Match 请求头或 version 字段中提供版本号。",
        "en": "Send the version in If-Match or in the body's version field.",
    },
    "method_not_allowed": {"zh-CN": "不支持该请求方法。", "en": "Method not allowed."},
    "internal_error": {"zh-CN": "服务器内部错误，请稍后重试。", "en": "Internal error; please retry later."},
}


def negotiate(accept_language: str | None) -> str:
    """Pick zh-CN or en from an Accept-Language header (quality values honoured)."""
    if not accept_language:
        return DEFAULT_LOCALE
    ranked: list[tuple[float, str]] = []
    for part in accept_language.split(","):
        piece = part.strip()
        if not piece:
            continue
        lang, _, q = piece.partition(";q=")
        try:
            quality = float(q) if q else 1.0
        except ValueError:
            quality = 0.0
        if quality > 0:  # q=0 means "not acceptable"
            ranked.append((quality, lang.strip().lower()))
    for _, lang in sorted(ranked, key=lambda r: -r[0]):
        if lang.startswith("en"):
            return "en"
        if lang.startswith("zh"):
            return "zh-CN"
    return DEFAULT_LOCALE


def message(code: str, locale: str) -> str:
    entry = MESSAGES.get(code) or MESSAGES["bad_request"]
    return entry.get(locale) or entry[DEFAULT_LOCALE]
