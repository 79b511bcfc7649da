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
    "term_overlaps": {
        "zh-CN": "该学期与本校已有学期的日期重叠。",
        "en": "This term's dates overlap another term of the school.",
    },
    "calendar_busy": {
        "zh-CN": "校历正在被他人修改，请稍后重试。",
        "en": "Someone else is changing the term calendar; please try again.",
    },
    "invalid_status_transition": {
        "zh-CN": "机构状态不能这样变更（待审核 → 已批准 ↔ 已暂停）。",
        "en": "The provider's status cannot change this way (pending → approved ↔ suspended).",
    },
    "program_not_publishable": {
        "zh-CN": "课后服务方案暂不能公示，请处理标出的问题。",
        "en": "The program cannot be published yet; see the listed problems.",
    },
    # -- roster (花名册) ------------------------------------------------------------------------
    "class_exists": {"zh-CN": "本年级已有同名班级。", "en": "This grade already has a class with this name."},
    "student_number_taken": {
        "zh-CN": "本校已有使用该学号的学生。",
        "en": "Another student of the school has this student number.",
    },
    "phone_not_verified": {
        "zh-CN": "请先使用已验证的手机号登录，才能查看孩子信息。",
        "en": "Sign in with a verified phone number to see your children.",
    },
    "no_children_for_phone": {
        "zh-CN": "未找到与您手机号关联的学生，请联系班主任核对登记的手机号。",
        "en": "No student is registered with your phone number; please ask the homeroom teacher to check it.",
    },
    "roster_import_invalid": {
        "zh-CN": "花名册有误，本次未导入任何数据。请按 details 所列的行和列修改后重新导入。",
        "en": "The roster file has errors and nothing was imported; fix the rows and columns listed in details.",
    },
    "roster_import.required": {"zh-CN": "此项必填。", "en": "This cell is required."},
    "roster_import.too_long": {"zh-CN": "内容过长（最多 {max} 个字）。", "en": "Too long (at most {max} characters)."},
    "roster_import.missing_column": {
        "zh-CN": "缺少必需的列“{column}”。",
        "en": 'The required column "{column}" is missing.',
    },
    "roster_import.duplicate_column": {
        "zh-CN": "列“{column}”出现了不止一次。",
        "en": 'The column "{column}" appears more than once.',
    },
    "roster_import.invalid_student_number": {
        "zh-CN": "学号只能包含字母、数字和“-”，最多 32 位。",
        "en": "A student number has letters, digits and '-' only, at most 32.",
    },
    "roster_import.duplicate_student_number": {
        "zh-CN": "学号与第 {other_row} 行重复。",
        "en": "Same student number as row {other_row}.",
    },
    "roster_import.invalid_grade": {
        "zh-CN": "年级应为 1–9，或写作“三年级”“初一”等。",
        "en": "The grade must be 1–9 (or written as 三年级, 初一...).",
    },
    "roster_import.class_grade_mismatch": {
        "zh-CN": "班级名称中的年级与“年级”列不一致。",
        "en": "The grade in the class name differs from the grade column.",
    },
    "roster_import.homeroom_conflict": {
        "zh-CN": "同一班级的班主任与第 {other_row} 行填写的不一致。",
        "en": "This class's homeroom teacher differs from row {other_row}.",
    },
    "roster_import.invalid_relationship": {
        "zh-CN": "关系应为：父亲、母亲、祖父母、外祖父母或其他。",
        "en": "The relationship must be father, mother, grandparent, maternal grandparent or other.",
    },
    "roster_import.invalid_phone": {
        "zh-CN": "手机号无效：请填写 11 位手机号，境外号码以 + 和国家代码开头。",
        "en": "Not a valid mobile number: 11 digits, or + and a country code.",
    },
    "roster_import.invalid_id_number": {
        "zh-CN": "证件号码只能包含字母和数字（4–32 位）。",
        "en": "An identity document number has 4 to 32 letters and digits.",
    },
    "roster_import.file_not_utf8": {
        "zh-CN": "文件不是 UTF-8 编码：请在 Excel 中另存为“CSV UTF-8（逗号分隔）”，或直接上传 xlsx 文件。",
        "en": 'The file is not UTF-8: save it as "CSV UTF-8" in Excel, or upload the xlsx file.',
    },
    "roster_import.file_unreadable": {
        "zh-CN": "无法读取该文件，请确认文件格式与所选格式（CSV 或 XLSX）一致。",
        "en": "The file cannot be read; check that it matches the chosen format (CSV or XLSX).",
    },
    "roster_import.empty_file": {"zh-CN": "文件中没有学生数据。", "en": "The file has no student rows."},
    "roster_import.too_many_rows": {
        "zh-CN": "一次最多导入 {max} 行，请分批导入。",
        "en": "At most {max} rows per import; split the file.",
    },
    "roster_import.more_problems": {
        "zh-CN": "另有 {count} 处问题未列出，请先修改以上问题。",
        "en": "{count} more problems are not listed; fix these first.",
    },
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


# -- notify ----------------------------------------------------------------------------------------
MESSAGES.update(
    {
        "sms_phone_not_verified": {
            "zh-CN": "短信通知只能发送到已验证的手机号：请使用已验证的手机号登录后再开启。",
            "en": "SMS notices go only to a verified phone number: sign in with one, then turn SMS on.",
        },
    }
)


# -- enrolment (报名, issue 3) ---------------------------------------------------------------------
MESSAGES.update(
    {
        "consent_required": {
            "zh-CN": "请先同意《儿童个人信息处理告知书》（单独同意）后再提交申请；撤回同意后无法继续申请。",
            "en": "Consent to processing the child's personal information is required before applying "
            "(it was never given or has been withdrawn).",
        },
        "invalid_transition": {
            "zh-CN": "申请当前的状态不允许此操作。",
            "en": "The application's current status does not allow this step.",
        },
        "application_exists": {
            "zh-CN": "该学生本学期已有一份进行中的申请。",
            "en": "This child already has an open application for this term.",
        },
        "agreement_outdated": {
            "zh-CN": "协议书模板已更新，请重新阅读后再签署。",
            "en": "The agreement template changed; read the current version and sign again.",
        },
        "agreement_not_signed": {"zh-CN": "协议书尚未签署。", "en": "The agreement has not been signed yet."},
        "agreement_template_missing": {
            "zh-CN": "学校尚未发布本学期的协议书模板。",
            "en": "The school has not set this term's agreement template yet.",
        },
        "activity_not_chosen": {
            "zh-CN": "该申请未选择此活动。",
            "en": "This activity is not chosen in this application.",
        },
    }
)


# -- term calendar (校历): one message per rule of roster/calendar/rules.py, keyed calendar.<code>;
# {placeholders} are the detail's params --------------------------------------------------------------
MESSAGES.update(
    {
        "calendar.term_ends_before_start": {
            "zh-CN": "学期的结束日期不能早于开始日期。",
            "en": "The term must end on or after its first day.",
        },
        "calendar.term_too_long": {"zh-CN": "一个学期最长一年。", "en": "A term lasts at most one year."},
        "calendar.holiday_ends_before_start": {
            "zh-CN": "节假日“{name}”的结束日期不能早于开始日期。",
            "en": 'The holiday "{name}" must end on or after its first day.',
        },
        "calendar.holiday_outside_term": {
            "zh-CN": "节假日“{name}”须在学期日期（{term_starts_on} 至 {term_ends_on}）之内。",
            "en": 'The holiday "{name}" must lie within the term ({term_starts_on} to {term_ends_on}).',
        },
        "calendar.holidays_overlap": {
            "zh-CN": "节假日“{name}”与“{other_name}”的日期重叠。",
            "en": 'The holiday "{name}" overlaps "{other_name}".',
        },
        "calendar.make_up_day_duplicate": {
            "zh-CN": "调休日 {date} 与“{other_name}”是同一天。",
            "en": 'The make-up day {date} is the same date as "{other_name}".',
        },
        "calendar.make_up_day_weekday": {
            "zh-CN": "调休日须按周一至周五中某一天的课表上课（1 = 周一 … 5 = 周五）。",
            "en": "A make-up day runs the timetable of a weekday: 1 (Monday) to 5 (Friday).",
        },
        "calendar.make_up_day_not_weekend": {
            "zh-CN": "调休上课日须是周六或周日，{date} 不是。",
            "en": "A make-up day (调休) must be a Saturday or Sunday; {date} is not.",
        },
        "calendar.make_up_day_outside_term": {
            "zh-CN": "调休日 {date} 须在学期日期（{term_starts_on} 至 {term_ends_on}）之内。",
            "en": "The make-up day {date} must lie within the term ({term_starts_on} to {term_ends_on}).",
        },
        "calendar.make_up_day_in_holiday": {
            "zh-CN": "调休日 {date} 落在节假日“{holiday}”之内。",
            "en": 'The make-up day {date} falls inside the holiday "{holiday}".',
        },
        "calendar.range_reversed": {
            "zh-CN": "结束日期（to）不能早于开始日期（from）。",
            "en": "The last date (to) must be on or after the first (from).",
        },
        "calendar.range_too_long": {
            "zh-CN": "每次最多查询 {max_days} 天。",
            "en": "At most {max_days} days per request.",
        },
        "calendar.term_overlaps": {
            "zh-CN": "与学期“{name}”（{starts_on} 至 {ends_on}）的日期重叠。",
            "en": 'Overlaps the term "{name}" ({starts_on} to {ends_on}).',
        },
    }
)


# -- timetable (课表, issue 4) ----------------------------------------------------------------------
MESSAGES.update(
    {
        "service_times_invalid": {
            "zh-CN": "课后服务时间不符合规定（周一至周五，每天至少 2 个课时，结束不早于下班后半小时），"
            "请按 details 修改。",
            "en": "The service times break the rules (Monday to Friday, at least 2 periods a day, ending 30 "
            "minutes after the working day at the earliest); see details.",
        },
        "venue_name_taken": {"zh-CN": "本校已有同名场地。", "en": "The school already has a venue with this name."},
        "class_has_classroom": {
            "zh-CN": "该班级已有本班教室（每个班只有一个本班教室）。",
            "en": "The class already has its own classroom (a class has one).",
        },
        "inputs_not_ready": {
            "zh-CN": "排课条件不完整，无法生成课表；请先处理 details 中的问题。",
            "en": "The timetable's inputs are not ready; fix the problems in details first.",
        },
        "generation_running": {
            "zh-CN": "本学期已有一个排课任务在进行，请等待其完成。",
            "en": "A generation for this term is already running; wait for it to finish.",
        },
        "timetable_rule_broken": {
            "zh-CN": "此修改违反排课规则：{rule}",
            "en": "This change breaks a timetable rule: {rule}",
        },
        "timetable_invalid": {
            "zh-CN": "草稿违反排课规则，不能发布；请先处理 details 中的冲突。",
            "en": "The draft breaks timetable rules and cannot be published; resolve the conflicts in details.",
        },
        "nothing_to_publish": {
            "zh-CN": "草稿与当前已发布的版本相同，无需发布。",
            "en": "The draft is the same as the published version; there is nothing to publish.",
        },
        "no_draft": {
            "zh-CN": "本学期还没有课表草稿，请先生成。",
            "en": "This term has no draft yet; generate one first.",
        },
        "not_published": {"zh-CN": "本学期的课表尚未发布。", "en": "This term's timetable has not been published yet."},
        "not_on_timetable": {
            "zh-CN": "您的账号未关联课表中的任何人员，请联系学校教务。",
            "en": "Your account is not linked to anyone on the timetable; ask the school office.",
        },
        "account_linked": {
            "zh-CN": "该账号已关联到本校的另一位成人（一个账号只能对应一位成人）。",
            "en": "This account is already linked to another adult of the school (one adult per account).",
        },
        "cell_not_found": {
            "zh-CN": "课表中没有这个班级的这一课时。",
            "en": "The timetable has no such period for this class.",
        },
    }
)


# -- field-level validation details (pydantic error types; api/routing.py fills {placeholders}) ----
MESSAGES.update(
    {
        "validation.missing": {"zh-CN": "此项必填。", "en": "This field is required."},
        "validation.string_empty": {"zh-CN": "此项不能为空。", "en": "This field must not be empty."},
        "validation.string_too_short": {
            "zh-CN": "至少 {min_length} 个字符。",
            "en": "At least {min_length} characters.",
        },
        "validation.string_too_long": {
            "zh-CN": "内容过长（最多 {max_length} 个字符）。",
            "en": "Too long (at most {max_length} characters).",
        },
        "validation.string_pattern_mismatch": {"zh-CN": "格式不正确。", "en": "Not in the expected format."},
        "validation.string_type": {"zh-CN": "请填写文本。", "en": "Must be text."},
        "validation.literal_error": {
            "zh-CN": "取值无效，可选：{expected}。",
            "en": "Not a valid choice; use one of: {expected}.",
        },
        "validation.enum": {
            "zh-CN": "取值无效，可选：{expected}。",
            "en": "Not a valid choice; use one of: {expected}.",
        },
        "validation.int_parsing": {"zh-CN": "请填写整数。", "en": "Must be a whole number."},
        "validation.int_type": {"zh-CN": "请填写整数。", "en": "Must be a whole number."},
        "validation.int_from_float": {"zh-CN": "请填写整数。", "en": "Must be a whole number."},
        "validation.bool_type": {"zh-CN": "请填写 true 或 false。", "en": "Must be true or false."},
        "validation.bool_parsing": {"zh-CN": "请填写 true 或 false。", "en": "Must be true or false."},
        "validation.greater_than_equal": {"zh-CN": "不能小于 {ge}。", "en": "Must be at least {ge}."},
        "validation.less_than_equal": {"zh-CN": "不能大于 {le}。", "en": "Must be at most {le}."},
        "validation.greater_than": {"zh-CN": "必须大于 {gt}。", "en": "Must be greater than {gt}."},
        "validation.less_than": {"zh-CN": "必须小于 {lt}。", "en": "Must be less than {lt}."},
        "validation.too_long": {"zh-CN": "最多 {max_length} 项。", "en": "At most {max_length} items."},
        "validation.too_short": {"zh-CN": "至少 {min_length} 项。", "en": "At least {min_length} items."},
        "validation.list_type": {"zh-CN": "应为列表。", "en": "Must be a list."},
        "validation.model_type": {"zh-CN": "应为对象。", "en": "Must be an object."},
        "validation.dict_type": {"zh-CN": "应为对象。", "en": "Must be an object."},
        "validation.extra_forbidden": {"zh-CN": "不支持该字段。", "en": "This field is not allowed."},
        "validation.date_parsing": {
            "zh-CN": "请按 YYYY-MM-DD 填写有效日期，如 2026-09-01。",
            "en": "Enter a valid date as YYYY-MM-DD, e.g. 2026-09-01.",
        },
        "validation.date_from_datetime_parsing": {
            "zh-CN": "请按 YYYY-MM-DD 填写有效日期，如 2026-09-01。",
            "en": "Enter a valid date as YYYY-MM-DD, e.g. 2026-09-01.",
        },
        "validation.date_type": {
            "zh-CN": "请按 YYYY-MM-DD 填写有效日期，如 2026-09-01。",
            "en": "Enter a valid date as YYYY-MM-DD, e.g. 2026-09-01.",
        },
        "validation.union_tag_invalid": {
            "zh-CN": "{discriminator} 取值无效，可选：{expected_tags}。",
            "en": "Not a valid {discriminator}; use one of: {expected_tags}.",
        },
        "validation.union_tag_not_found": {"zh-CN": "缺少 {discriminator} 字段。", "en": "{discriminator} is missing."},
    }
)
