// The school admin's pages: roster import (花名册), providers (服务机构), the program editor with terms
// (课后服务方案, 公示) and the agreement template (协议书模板). Visible to school admins of a school only.
//
// Every page keeps its state in a module-level object and re-renders the whole page after a change
// (app.js owns the renderer). Money is integer fen in the API; the forms take yuan text and convert it
// exactly (no floating point): "12.5" is 1250 fen, three decimals are refused.

import {
  BASE,
  Idempotency,
  addMessages,
  api,
  confirmForm,
  definePage,
  detailList,
  enc,
  errorBox,
  fenToYuan,
  fetchAll,
  field,
  focusId,
  formatDate,
  formatFen,
  formatTime,
  gradeLabel,
  h,
  listSep,
  loadInto,
  localError,
  muted,
  notice,
  periodLabel,
  rerender,
  schoolPath,
  select,
  session,
  statusBadge,
  t,
  tOr,
  textArea,
  textInput,
  toAscii,
  today,
  upsert,
  weekdayLabel,
  yuanToFen,
} from "./kit.js";

addMessages({
  "zh-CN": {
    "admin.nav.roster": "学生名册",
    "admin.nav.providers": "服务机构",
    "admin.nav.program": "课后服务方案",
    "admin.nav.template": "协议书模板",
    "admin.retry": "重试",
    "admin.none": "—",
    "admin.field.tooLong": "内容过长（最多 {max} 个字）。",
    "admin.field.date": "请按 YYYY-MM-DD 填写有效日期，如 2026-09-01。",
    "admin.field.dateOrder": "结束日期不能早于开始日期。",
    "admin.field.phone": "请填写 11 位手机号或带区号的座机号，如 13800000000 或 010-12345678。",
    "admin.field.licence": "至少 4 个字符。",
    "admin.field.capacity": "请填写 1–1000 的整数。",
    "admin.field.pickOne": "请至少选择一项。",
    "admin.field.staff": "最多 8 人，每人姓名不超过 20 个字。",
    "admin.field.feeBasis": "收费为 0 时请选择“免费”；选择“免费”时收费须为 0。",
    "admin.noTerms": "还没有学期。请先在上方新建一个学期。",
    "admin.fileError": "无法读取该文件，请重新选择。",

    "admin.rel.father": "父亲",
    "admin.rel.mother": "母亲",
    "admin.rel.grandparent": "祖父母",
    "admin.rel.maternal_grandparent": "外祖父母",
    "admin.rel.other": "其他",

    // roster
    "admin.roster.title": "学生名册",
    "admin.roster.intro": "上传全校花名册（CSV 或 Excel .xlsx）。系统先逐行检查，只要有一处错误就不写入任何数据；无误时按学号新增或更新学生，不会删除任何人。",
    "admin.roster.voluntary": "导入名册不会替任何学生报名课后服务：报名只能由家长自愿申请。",
    "admin.roster.file": "花名册文件",
    "admin.roster.fileHint": "支持 .csv（UTF-8）和 .xlsx（第一个工作表），最大 4 MB。",
    "admin.roster.choose": "选择文件…",
    "admin.roster.noneChosen": "未选择文件",
    "admin.roster.template": "下载 CSV 模板",
    "admin.roster.templateFile": "花名册模板.csv",
    "admin.roster.columns": "必填列：学号、姓名、年级、班级、监护人1姓名、监护人1关系、监护人1手机。可选列：班主任账号、班主任、监护人2、接送人（姓名、关系、手机三项齐全或都空着）、身份证号。年级可写 3 或 三年级；关系可写 父亲、母亲、祖父母、外祖父母、其他。",
    "admin.roster.submit": "导入花名册",
    "admin.roster.busy": "正在导入…",
    "admin.roster.busyNote": "正在检查并写入名册，3000 人约需 10 秒，请勿关闭页面。",
    "admin.roster.elapsed": "已用 {s} 秒",
    "admin.roster.noFile": "请先选择一个花名册文件。",
    "admin.roster.badType": "只支持 .csv 和 .xlsx 文件。",
    "admin.roster.empty": "文件是空的。",
    "admin.roster.tooBig": "文件过大（最大 4 MB）。",
    "admin.roster.done": "导入完成：{file}",
    "admin.roster.time": "用时 {s} 秒",
    "admin.roster.count.rows": "数据行",
    "admin.roster.count.created": "新增学生",
    "admin.roster.count.updated": "更新学生",
    "admin.roster.count.unchanged": "未变化",
    "admin.roster.count.moved": "调班（含在更新中）",
    "admin.roster.count.classes_created": "新建班级",
    "admin.roster.count.classes_updated": "更换班主任的班级",
    "admin.roster.ignored": "以下列未被识别，已忽略：{cols}",
    "admin.roster.nothingWritten": "本次没有写入任何数据。请按下表修改文件后重新导入。共 {n} 处问题。",
    "admin.roster.errorsCaption": "花名册错误报告",
    "admin.roster.col.row": "行号",
    "admin.roster.col.column": "列",
    "admin.roster.col.reason": "问题",
    "admin.roster.fileLevel": "整个文件",
    "admin.roster.classes": "班级",
    "admin.roster.classesEmpty": "还没有班级。导入花名册后会自动建立班级。",
    "admin.roster.classCount": "共 {n} 个班级",
    "admin.roster.col.class": "班级",
    "admin.roster.col.grade": "年级",
    "admin.roster.col.teacher": "班主任",
    "admin.roster.col.students": "学生",
    "admin.roster.noTeacher": "未设置",
    "admin.roster.showStudents": "查看学生",
    "admin.roster.hideStudents": "收起学生",
    "admin.roster.showStudentsLabel": "查看{name}的学生",
    "admin.roster.studentCount": "{n} 名学生",
    "admin.roster.uncounted": "人数待统计",
    "admin.roster.uncountedHint": "该班在人数统计功能上线前建立，下次导入名册时会统计。",
    "admin.roster.classCountStudents": "共 {n} 个班级、{s} 名学生",
    "admin.roster.accessNote": "查看学生名单会记入本校的访问日志。",
    "admin.roster.noStudents": "该班还没有学生。",
    "admin.roster.studentsCaption": "{name}的学生",
    "admin.roster.col.number": "学号",
    "admin.roster.col.name": "姓名",
    "admin.roster.col.guardians": "监护人",
    "admin.roster.col.pickup": "接送人",

    // providers
    "admin.providers.title": "服务机构",
    "admin.providers.intro": "第三方服务机构由学校登记并审核；只有已批准机构的活动才能公示。",
    "admin.providers.empty": "还没有登记服务机构。",
    "admin.providers.count": "共 {n} 家",
    "admin.providers.caption": "本校的第三方服务机构",
    "admin.providers.col.name": "机构名称",
    "admin.providers.col.licence": "许可证 / 信用代码",
    "admin.providers.col.contact": "联系人",
    "admin.providers.col.status": "状态",
    "admin.providers.col.actions": "操作",
    "admin.providers.status.pending": "待审核",
    "admin.providers.status.approved": "已批准",
    "admin.providers.status.suspended": "已暂停",
    "admin.providers.reason": "原因：{reason}",
    "admin.providers.masked": "（已脱敏）",
    "admin.providers.approve": "批准",
    "admin.providers.approveLabel": "批准 {name}",
    "admin.providers.suspend": "暂停",
    "admin.providers.suspendLabel": "暂停 {name}",
    "admin.providers.reactivate": "恢复",
    "admin.providers.reactivateLabel": "恢复 {name}",
    "admin.providers.approveReason": "学校审核通过",
    "admin.providers.reactivateReason": "学校恢复合作",
    "admin.providers.suspendTitle": "暂停 {name}",
    "admin.providers.suspendReason": "暂停原因",
    "admin.providers.suspendHint": "暂停后该机构的活动不能再公示；已有记录不会删除。",
    "admin.providers.suspendConfirm": "确认暂停",
    "admin.providers.approved": "已批准“{name}”。",
    "admin.providers.suspended": "已暂停“{name}”。",
    "admin.providers.reactivated": "已恢复“{name}”。",
    "admin.providers.registered": "已登记“{name}”，等待审核。",
    "admin.providers.form": "登记服务机构",
    "admin.providers.name": "机构名称",
    "admin.providers.licence": "办学许可证号或统一社会信用代码",
    "admin.providers.contactName": "联系人",
    "admin.providers.contactPhone": "联系电话",
    "admin.providers.phoneHint": "手机号或带区号的座机号",
    "admin.providers.create": "登记机构",
    "admin.providers.creating": "正在登记…",
    "admin.providers.open": "查看与编辑",
    "admin.providers.openLabel": "查看与编辑 {name}",
    "admin.providers.close": "收起",
    "admin.providers.detailTitle": "{name}",
    "admin.providers.detailLoading": "正在加载机构详情…",
    "admin.providers.fullPhone": "联系电话（完整）",
    "admin.providers.fullPhoneNote": "完整号码仅在此处向学校管理员显示，列表中一律脱敏。",
    "admin.providers.history": "状态记录",
    "admin.providers.historyNone": "还没有状态变更。",
    "admin.providers.historyRow": "{at}：{from} → {to}（{reason}）",
    "admin.providers.editTitle": "修改机构信息",
    "admin.providers.editHint": "修改许可证号或联系人后，请核对资质。",
    "admin.providers.save": "保存修改",
    "admin.providers.saving": "正在保存…",
    "admin.providers.saved": "已保存“{name}”的修改。",
    "admin.providers.unchanged": "没有修改。",
    "admin.providers.reload": "重新加载",

    // terms and the program
    "admin.program.title": "课后服务方案",
    "admin.program.intro": "为每个学期编辑服务与活动，保存草稿后公示。公示后家长即可查看并申请。",
    "admin.terms.title": "学期",
    "admin.terms.select": "学期",
    "admin.terms.dates": "{from} 至 {to}",
    "admin.terms.new": "新建学期",
    "admin.terms.name": "学期名称",
    "admin.terms.namePlaceholder": "如 2026秋季学期",
    "admin.terms.start": "开始日期",
    "admin.terms.end": "结束日期",
    "admin.terms.dateHint": "YYYY-MM-DD",
    "admin.terms.note": "周一至周五为服务日；节假日停课，调休日（周六或周日）按所注明的周几课表上课。",
    "admin.terms.editTitle": "编辑学期：{name}",
    "admin.terms.edit": "编辑学期",
    "admin.terms.editLabel": "编辑学期 {name}",
    "admin.terms.save": "保存学期",
    "admin.terms.saving": "正在保存…",
    "admin.terms.saved": "已保存学期“{name}”。",
    "admin.terms.unchanged": "学期没有修改。",
    "admin.terms.reload": "重新加载学期",
    "admin.terms.holidays": "节假日（停课）",
    "admin.terms.holidaysNone": "没有节假日。",
    "admin.terms.holidayAdd": "添加节假日",
    "admin.terms.holidayName": "名称",
    "admin.terms.holidayNamePlaceholder": "如 国庆节",
    "admin.terms.holidayStart": "开始",
    "admin.terms.holidayEnd": "结束（含）",
    "admin.terms.holidayRemove": "删除",
    "admin.terms.holidayRemoveLabel": "删除节假日 {name}",
    "admin.terms.holidayLegend": "节假日 {n}",
    "admin.terms.makeUps": "调休上课日",
    "admin.terms.makeUpsNone": "没有调休上课日。",
    "admin.terms.makeUpAdd": "添加调休日",
    "admin.terms.makeUpDate": "日期（周六或周日）",
    "admin.terms.makeUpWeekday": "按哪天课表",
    "admin.terms.makeUpName": "名称",
    "admin.terms.makeUpNamePlaceholder": "如 国庆调休",
    "admin.terms.makeUpRemove": "删除",
    "admin.terms.makeUpRemoveLabel": "删除调休日 {name}",
    "admin.terms.makeUpLegend": "调休日 {n}",
    "admin.terms.runs": "按{weekday}课表",
    "admin.terms.summary": "本学期校历",
    "admin.terms.serviceDays": "服务日共 {n} 天",
    "admin.terms.closedDays": "停课的工作日",
    "admin.terms.closedNone": "没有停课的工作日。",
    "admin.terms.closedRow": "{name}：{from} 至 {to}（{n} 天）",
    "admin.terms.closedRowOne": "{name}：{from}（1 天）",
    "admin.terms.makeUpRow": "{name}：{date}（{day}）{runs}",
    "admin.terms.calendarLoading": "正在加载校历…",
    "admin.terms.day.0": "周日",
    "admin.terms.day.6": "周六",
    "admin.termProblem.term_ends_before_start": "结束日期不能早于开始日期。",
    "admin.termProblem.term_too_long": "一个学期最长一年。",
    "admin.termProblem.holiday_ends_before_start": "节假日的结束日期不能早于开始日期。",
    "admin.termProblem.holiday_outside_term": "节假日须在学期日期之内。",
    "admin.termProblem.holidays_overlap": "与另一个节假日的日期重叠。",
    "admin.termProblem.make_up_day_duplicate": "与另一个调休日是同一天。",
    "admin.termProblem.make_up_day_weekday": "请选择周一至周五中的一天。",
    "admin.termProblem.make_up_day_not_weekend": "调休上课日须是周六或周日。",
    "admin.termProblem.make_up_day_outside_term": "调休日须在学期日期之内。",
    "admin.termProblem.make_up_day_in_holiday": "调休日不能落在节假日之内。",
    "admin.termProblem.overlaps": "与学期“{name}”（{from} 至 {to}）的日期重叠。",
    "admin.terms.create": "新建学期",
    "admin.terms.creating": "正在新建…",
    "admin.terms.created": "已新建学期“{name}”。",
    "admin.program.loading": "正在加载方案草稿…",
    "admin.program.draftVersion": "草稿第 {n} 版",
    "admin.program.draftNew": "尚未保存草稿",
    "admin.program.published": "已公示第 {n} 版",
    "admin.program.notPublished": "尚未公示",
    "admin.program.unpublished": "草稿有未公示的修改",
    "admin.program.dirty": "有未保存的修改",
    "admin.program.discard": "课后服务方案有未保存的修改，切换学期将丢弃这些修改。确定吗？",
    "admin.services.title": "服务项目",
    "admin.services.intro": "至少提供一项服务才能公示。",
    "admin.services.care": "看管服务",
    "admin.services.lunch": "午餐（学校代收）",
    "admin.services.nap": "午休",
    "admin.services.offer": "提供此项服务",
    "admin.services.fee": "收费（元）",
    "admin.services.basis": "计费方式",
    "admin.services.price": "每天价格（元）",
    "admin.services.priceHint": "按物价部门核定价格，由学校代收",
    "admin.services.reference": "价格核定文号（可选）",
    "admin.services.description": "说明（可选）",
    "admin.safety": "安全保障措施（申请前告知家长）",
    "admin.activities.title": "活动",
    "admin.activities.count": "共 {n} 项",
    "admin.activities.empty": "还没有活动。",
    "admin.activities.add": "添加活动",
    "admin.activities.edit": "编辑",
    "admin.activities.editLabel": "编辑 {name}",
    "admin.activities.remove": "移除",
    "admin.activities.removeLabel": "移除 {name}",
    "admin.activities.removed": "已从草稿移除“{name}”（保存后生效）。",
    "admin.activities.capacity": "限 {n} 人",
    "admin.activities.staff": "教师：{names}",
    "admin.activities.newBadge": "未保存",
    "admin.activity.addTitle": "添加活动",
    "admin.activity.editTitle": "编辑活动",
    "admin.activity.name": "活动名称",
    "admin.activity.category": "类别",
    "admin.activity.categoryHint": "学科类补习、超前教学不属于课后服务内容。",
    "admin.activity.provider": "开设方",
    "admin.activity.school": "学校",
    "admin.activity.providerStatus": "{name}（{status}）",
    "admin.activity.grades": "适用年级",
    "admin.activity.weekdays": "上课日",
    "admin.activity.period": "课时",
    "admin.activity.venue": "场地",
    "admin.activity.venuePlaceholder": "如 操场、图书馆",
    "admin.activity.capacity": "人数上限",
    "admin.activity.fee": "收费（元）",
    "admin.activity.feeHint": "如 12.5；免费填 0",
    "admin.activity.basis": "计费方式",
    "admin.activity.staff": "任课人员",
    "admin.activity.staffHint": "多人用逗号分隔",
    "admin.activity.description": "简介",
    "admin.activity.save": "放入草稿",
    "admin.activity.saved": "已放入草稿，记得保存方案。",
    "admin.category.homework_help": "作业辅导",
    "admin.category.reading": "阅读",
    "admin.category.sports": "体育",
    "admin.category.arts": "艺术",
    "admin.category.science_technology": "科技",
    "admin.category.traditional_culture": "传统文化",
    "admin.category.other_enrichment": "其他拓展",
    "admin.basis.per_term": "按学期",
    "admin.basis.per_month": "按月",
    "admin.basis.per_session": "按次",
    "admin.basis.free": "免费",
    "admin.unit.per_term": "学期",
    "admin.unit.per_month": "月",
    "admin.unit.per_session": "次",
    "admin.unit.per_day": "天",
    "admin.program.save": "保存方案",
    "admin.program.saving": "正在保存…",
    "admin.program.saved": "方案已保存（草稿第 {n} 版）。",
    "admin.program.publish": "公示方案",
    "admin.program.publishing": "正在公示…",
    "admin.program.publishHint": "请先保存修改再公示。",
    "admin.program.publishedNow": "已公示第 {n} 版（{at}）。",
    "admin.program.publishedSame": "方案没有变化，当前公示仍是第 {n} 版。",
    "admin.program.publicLink": "查看公示页面",
    "admin.program.reload": "重新加载草稿",
    "admin.program.actions": "保存与公示",
    "admin.program.versions": "已公示的版本",
    "admin.program.versionRow": "第 {n} 版",
    "admin.program.view": "查看",
    "admin.program.hide": "收起",
    "admin.program.viewLabel": "查看第 {n} 版",
    "admin.program.versionAt": "公示时间：{at}",
    "admin.program.versionActivities": "活动：{names}",
    "admin.program.versionServices": "服务：{names}",
    "admin.program.versionFacts": "{at} · {n} 项活动",
    "admin.program.versionBy": "公示人：{who}",
    "admin.program.versionByMe": "本人",
    "admin.program.versionsLoading": "正在加载已公示的版本…",
    "admin.problem.tutoring_not_allowed": "课后服务不得开设学科类补习或超前教学（{term}）。",
    "admin.problem.provider_not_approved": "该服务机构尚未获批准，不能公示。",
    "admin.problem.unknown_provider": "本校没有该服务机构。",
    "admin.problem.unknown_activity": "草稿中没有该活动，请重新加载。",
    "admin.problem.fee_basis_mismatch": "收费为 0 时请选择“免费”；选择“免费”时收费须为 0。",
    "admin.problem.homework_help_is_free": "作业辅导须免费（收费 0，计费方式选“免费”）。",
    "admin.problem.no_services": "请至少提供一项服务（看管、午餐或午休）。",
    "admin.problem.activity": "活动“{name}”：{message}",
    "admin.problem.list": "请处理以下问题：",

    // agreement template
    "admin.template.title": "协议书模板",
    "admin.template.intro": "家长签署的是按本模板填好的协议书。每次保存都是一个新版本，已签署的协议书不会改变。",
    "admin.template.text": "协议书正文",
    "admin.template.textHint": "点击下方占位符可插入到光标位置，签署时自动替换为实际内容。",
    "admin.template.placeholders": "可用占位符",
    "admin.template.insert": "插入 {label}",
    "admin.template.version": "当前版本：第 {n} 版",
    "admin.template.none": "本学期还没有协议书模板，下面是一份可修改的示例。",
    "admin.template.save": "保存为新版本",
    "admin.template.saving": "正在保存…",
    "admin.template.saved": "已保存为第 {n} 版。",
    "admin.template.unknown": "未知占位符：{names}（保存会被拒绝）。",
    "admin.template.preview": "预览（示例数据）",
    "admin.template.ph.student_name": "学生姓名",
    "admin.template.ph.class_name": "班级",
    "admin.template.ph.guardian_name": "监护人姓名",
    "admin.template.ph.school_name": "学校名称",
    "admin.template.ph.term_name": "学期",
    "admin.template.ph.activities": "所选活动",
    "admin.template.ph.services": "所选服务",
    "admin.template.ph.lunch": "午餐",
    "admin.template.ph.fees": "费用",
    "admin.template.ph.signed_on": "签署日期",
    "admin.template.sample.student_name": "王小明",
    "admin.template.sample.class_name": "三年级2班",
    "admin.template.sample.guardian_name": "王强",
    "admin.template.sample.school_name": "示例小学",
    "admin.template.sample.term_name": "2026秋季学期",
    "admin.template.sample.activities": "校园足球、书法",
    "admin.template.sample.services": "care",
    "admin.template.sample.lunch": "是",
    "admin.template.sample.fees": "校园足球: 免费；书法: ¥300.00/学期；lunch: ¥15.00/天",
    "admin.template.starter":
      "课后服务协议书\n\n甲方（学校）：{{school_name}}\n乙方（监护人）：{{guardian_name}}\n\n乙方自愿为{{student_name}}（{{class_name}}）申请参加{{term_name}}课后服务，经班级审核、校长审定，双方约定如下：\n\n一、服务内容：{{services}}；所选活动：{{activities}}；午餐：{{lunch}}。\n二、费用：{{fees}}。午餐费由学校代收，第三方机构服务费专账管理。\n三、学校按公示的方案组织实施，安排专人看管，落实安全管理与应急处置。\n四、乙方按时接送孩子，请假提前告知；乙方可随时申请退出。\n\n签署日期：{{signed_on}}",
  },
  en: {
    "admin.nav.roster": "Roster",
    "admin.nav.providers": "Providers",
    "admin.nav.program": "Program",
    "admin.nav.template": "Agreement",
    "admin.retry": "Retry",
    "admin.none": "—",
    "admin.field.tooLong": "Too long (at most {max} characters).",
    "admin.field.date": "Enter a valid date as YYYY-MM-DD, e.g. 2026-09-01.",
    "admin.field.dateOrder": "The end date cannot be before the start date.",
    "admin.field.phone": "Enter an 11-digit mobile number or a landline with area code, e.g. 13800000000 or 010-12345678.",
    "admin.field.licence": "At least 4 characters.",
    "admin.field.capacity": "Enter a whole number from 1 to 1000.",
    "admin.field.pickOne": "Choose at least one.",
    "admin.field.staff": "At most 8 people, each name at most 20 characters.",
    "admin.field.feeBasis": "A fee of 0 must use “Free”, and “Free” must have a fee of 0.",
    "admin.noTerms": "There is no term yet. Create one above first.",
    "admin.fileError": "The file could not be read; choose it again.",

    "admin.rel.father": "Father",
    "admin.rel.mother": "Mother",
    "admin.rel.grandparent": "Grandparent",
    "admin.rel.maternal_grandparent": "Maternal grandparent",
    "admin.rel.other": "Other",

    "admin.roster.title": "Student roster",
    "admin.roster.intro": "Upload the whole school's roster (CSV or Excel .xlsx). Every row is checked first: if anything is wrong, nothing is written; a clean file adds or updates students by student number and never deletes anyone.",
    "admin.roster.voluntary": "Importing the roster enrols nobody in the after-school service: only a guardian's own application does.",
    "admin.roster.file": "Roster file",
    "admin.roster.fileHint": ".csv (UTF-8) or .xlsx (first worksheet), at most 4 MB.",
    "admin.roster.choose": "Choose file…",
    "admin.roster.noneChosen": "No file chosen",
    "admin.roster.template": "Download the CSV template",
    "admin.roster.templateFile": "roster-template.csv",
    "admin.roster.columns": "Required columns: 学号, 姓名, 年级, 班级, 监护人1姓名, 监护人1关系, 监护人1手机. Optional: 班主任账号, 班主任, 监护人2, 接送人 (name, relationship and phone all filled or all empty), 身份证号. Grade may be 3 or 三年级; relationship 父亲, 母亲, 祖父母, 外祖父母 or 其他.",
    "admin.roster.submit": "Import roster",
    "admin.roster.busy": "Importing…",
    "admin.roster.busyNote": "Checking and writing the roster; 3,000 students take about 10 seconds. Keep this page open.",
    "admin.roster.elapsed": "{s} s so far",
    "admin.roster.noFile": "Choose a roster file first.",
    "admin.roster.badType": "Only .csv and .xlsx files are supported.",
    "admin.roster.empty": "The file is empty.",
    "admin.roster.tooBig": "The file is too large (at most 4 MB).",
    "admin.roster.done": "Imported: {file}",
    "admin.roster.time": "Took {s} s",
    "admin.roster.count.rows": "Rows",
    "admin.roster.count.created": "Students added",
    "admin.roster.count.updated": "Students updated",
    "admin.roster.count.unchanged": "Unchanged",
    "admin.roster.count.moved": "Moved class (part of updated)",
    "admin.roster.count.classes_created": "Classes created",
    "admin.roster.count.classes_updated": "Classes with a new homeroom teacher",
    "admin.roster.ignored": "These columns were not recognised and were ignored: {cols}",
    "admin.roster.nothingWritten": "Nothing was written. Fix the file as listed below and import it again. {n} problem(s).",
    "admin.roster.errorsCaption": "Roster error report",
    "admin.roster.col.row": "Row",
    "admin.roster.col.column": "Column",
    "admin.roster.col.reason": "Problem",
    "admin.roster.fileLevel": "Whole file",
    "admin.roster.classes": "Classes",
    "admin.roster.classesEmpty": "No classes yet. Importing the roster creates them.",
    "admin.roster.classCount": "{n} classes",
    "admin.roster.col.class": "Class",
    "admin.roster.col.grade": "Grade",
    "admin.roster.col.teacher": "Homeroom teacher",
    "admin.roster.col.students": "Students",
    "admin.roster.noTeacher": "Not set",
    "admin.roster.showStudents": "Show students",
    "admin.roster.hideStudents": "Hide students",
    "admin.roster.showStudentsLabel": "Show the students of {name}",
    "admin.roster.studentCount": "{n} students",
    "admin.roster.uncounted": "Not counted yet",
    "admin.roster.uncountedHint": "This class was created before classes were counted; the next roster import counts it.",
    "admin.roster.classCountStudents": "{n} classes, {s} students",
    "admin.roster.accessNote": "Listing students is written to the school's access log.",
    "admin.roster.noStudents": "This class has no students yet.",
    "admin.roster.studentsCaption": "Students of {name}",
    "admin.roster.col.number": "Student no.",
    "admin.roster.col.name": "Name",
    "admin.roster.col.guardians": "Guardians",
    "admin.roster.col.pickup": "Pickup",

    "admin.providers.title": "Providers",
    "admin.providers.intro": "Third-party providers are registered and approved by the school; only approved providers' activities can be published.",
    "admin.providers.empty": "No providers are registered yet.",
    "admin.providers.count": "{n} in total",
    "admin.providers.caption": "The school's third-party providers",
    "admin.providers.col.name": "Name",
    "admin.providers.col.licence": "Licence / credit code",
    "admin.providers.col.contact": "Contact",
    "admin.providers.col.status": "Status",
    "admin.providers.col.actions": "Actions",
    "admin.providers.status.pending": "Pending",
    "admin.providers.status.approved": "Approved",
    "admin.providers.status.suspended": "Suspended",
    "admin.providers.reason": "Reason: {reason}",
    "admin.providers.masked": " (masked)",
    "admin.providers.approve": "Approve",
    "admin.providers.approveLabel": "Approve {name}",
    "admin.providers.suspend": "Suspend",
    "admin.providers.suspendLabel": "Suspend {name}",
    "admin.providers.reactivate": "Reactivate",
    "admin.providers.reactivateLabel": "Reactivate {name}",
    "admin.providers.approveReason": "Approved by the school",
    "admin.providers.reactivateReason": "Reactivated by the school",
    "admin.providers.suspendTitle": "Suspend {name}",
    "admin.providers.suspendReason": "Reason for suspending",
    "admin.providers.suspendHint": "A suspended provider's activities cannot be published; nothing is deleted.",
    "admin.providers.suspendConfirm": "Suspend",
    "admin.providers.approved": "{name} is approved.",
    "admin.providers.suspended": "{name} is suspended.",
    "admin.providers.reactivated": "{name} is reactivated.",
    "admin.providers.registered": "{name} is registered and waits for approval.",
    "admin.providers.form": "Register a provider",
    "admin.providers.name": "Name",
    "admin.providers.licence": "Licence number or unified social credit code",
    "admin.providers.contactName": "Contact person",
    "admin.providers.contactPhone": "Contact phone",
    "admin.providers.phoneHint": "Mobile, or landline with area code",
    "admin.providers.create": "Register provider",
    "admin.providers.creating": "Registering…",
    "admin.providers.open": "View and edit",
    "admin.providers.openLabel": "View and edit {name}",
    "admin.providers.close": "Close",
    "admin.providers.detailTitle": "{name}",
    "admin.providers.detailLoading": "Loading the provider…",
    "admin.providers.fullPhone": "Contact phone (in full)",
    "admin.providers.fullPhoneNote": "The full number is shown to the school admin only here; lists always mask it.",
    "admin.providers.history": "Status history",
    "admin.providers.historyNone": "No status changes yet.",
    "admin.providers.historyRow": "{at}: {from} → {to} ({reason})",
    "admin.providers.editTitle": "Change the provider's details",
    "admin.providers.editHint": "After changing the licence number or the contact, check the credentials again.",
    "admin.providers.save": "Save changes",
    "admin.providers.saving": "Saving…",
    "admin.providers.saved": "Changes to {name} saved.",
    "admin.providers.unchanged": "Nothing changed.",
    "admin.providers.reload": "Reload",

    "admin.program.title": "After-school program",
    "admin.program.intro": "Edit each term's services and activities, save the draft, then publish it. Once published, guardians can read it and apply.",
    "admin.terms.title": "Term",
    "admin.terms.select": "Term",
    "admin.terms.dates": "{from} to {to}",
    "admin.terms.new": "New term",
    "admin.terms.name": "Term name",
    "admin.terms.namePlaceholder": "e.g. 2026秋季学期",
    "admin.terms.start": "Starts on",
    "admin.terms.end": "Ends on",
    "admin.terms.dateHint": "YYYY-MM-DD",
    "admin.terms.note": "Monday to Friday are service days; holidays close the service, and a make-up day (a Saturday or Sunday) runs the timetable of the weekday named.",
    "admin.terms.editTitle": "Edit term: {name}",
    "admin.terms.edit": "Edit term",
    "admin.terms.editLabel": "Edit the term {name}",
    "admin.terms.save": "Save term",
    "admin.terms.saving": "Saving…",
    "admin.terms.saved": "Term “{name}” saved.",
    "admin.terms.unchanged": "Nothing changed in the term.",
    "admin.terms.reload": "Reload the term",
    "admin.terms.holidays": "Holidays (no service)",
    "admin.terms.holidaysNone": "No holidays.",
    "admin.terms.holidayAdd": "Add a holiday",
    "admin.terms.holidayName": "Name",
    "admin.terms.holidayNamePlaceholder": "e.g. 国庆节",
    "admin.terms.holidayStart": "From",
    "admin.terms.holidayEnd": "To (included)",
    "admin.terms.holidayRemove": "Remove",
    "admin.terms.holidayRemoveLabel": "Remove the holiday {name}",
    "admin.terms.holidayLegend": "Holiday {n}",
    "admin.terms.makeUps": "Make-up days",
    "admin.terms.makeUpsNone": "No make-up days.",
    "admin.terms.makeUpAdd": "Add a make-up day",
    "admin.terms.makeUpDate": "Date (a Saturday or Sunday)",
    "admin.terms.makeUpWeekday": "Runs the timetable of",
    "admin.terms.makeUpName": "Name",
    "admin.terms.makeUpNamePlaceholder": "e.g. 国庆调休",
    "admin.terms.makeUpRemove": "Remove",
    "admin.terms.makeUpRemoveLabel": "Remove the make-up day {name}",
    "admin.terms.makeUpLegend": "Make-up day {n}",
    "admin.terms.runs": "runs {weekday}'s timetable",
    "admin.terms.summary": "This term's calendar",
    "admin.terms.serviceDays": "{n} service days",
    "admin.terms.closedDays": "Weekdays without service",
    "admin.terms.closedNone": "No weekday is closed.",
    "admin.terms.closedRow": "{name}: {from} to {to} ({n} days)",
    "admin.terms.closedRowOne": "{name}: {from} (1 day)",
    "admin.terms.makeUpRow": "{name}: {date} ({day}) {runs}",
    "admin.terms.calendarLoading": "Loading the calendar…",
    "admin.terms.day.0": "Sun",
    "admin.terms.day.6": "Sat",
    "admin.termProblem.term_ends_before_start": "The end date cannot be before the start date.",
    "admin.termProblem.term_too_long": "A term lasts at most one year.",
    "admin.termProblem.holiday_ends_before_start": "The holiday cannot end before it starts.",
    "admin.termProblem.holiday_outside_term": "The holiday must lie within the term's dates.",
    "admin.termProblem.holidays_overlap": "Overlaps another holiday.",
    "admin.termProblem.make_up_day_duplicate": "Same date as another make-up day.",
    "admin.termProblem.make_up_day_weekday": "Choose a day from Monday to Friday.",
    "admin.termProblem.make_up_day_not_weekend": "A make-up day must be a Saturday or Sunday.",
    "admin.termProblem.make_up_day_outside_term": "The make-up day must lie within the term's dates.",
    "admin.termProblem.make_up_day_in_holiday": "The make-up day falls inside a holiday.",
    "admin.termProblem.overlaps": "Overlaps the term “{name}” ({from} to {to}).",
    "admin.terms.create": "Create term",
    "admin.terms.creating": "Creating…",
    "admin.terms.created": "Term “{name}” created.",
    "admin.program.loading": "Loading the program draft…",
    "admin.program.draftVersion": "Draft version {n}",
    "admin.program.draftNew": "No draft saved yet",
    "admin.program.published": "Version {n} published",
    "admin.program.notPublished": "Not published yet",
    "admin.program.unpublished": "The draft has unpublished changes",
    "admin.program.dirty": "Unsaved changes",
    "admin.program.discard": "The program has unsaved changes; switching the term discards them. Continue?",
    "admin.services.title": "Services",
    "admin.services.intro": "Offer at least one service to publish.",
    "admin.services.care": "Supervised care",
    "admin.services.lunch": "Lunch (collected by the school)",
    "admin.services.nap": "Nap",
    "admin.services.offer": "Offer this service",
    "admin.services.fee": "Fee (yuan)",
    "admin.services.basis": "Charged",
    "admin.services.price": "Price per day (yuan)",
    "admin.services.priceHint": "The regulated price, collected by the school on the caterer's behalf",
    "admin.services.reference": "Price approval reference (optional)",
    "admin.services.description": "Description (optional)",
    "admin.safety": "Safety measures (told to families before they apply)",
    "admin.activities.title": "Activities",
    "admin.activities.count": "{n} in total",
    "admin.activities.empty": "No activities yet.",
    "admin.activities.add": "Add activity",
    "admin.activities.edit": "Edit",
    "admin.activities.editLabel": "Edit {name}",
    "admin.activities.remove": "Remove",
    "admin.activities.removeLabel": "Remove {name}",
    "admin.activities.removed": "“{name}” removed from the draft (takes effect when saved).",
    "admin.activities.capacity": "{n} places",
    "admin.activities.staff": "Staff: {names}",
    "admin.activities.newBadge": "Not saved",
    "admin.activity.addTitle": "Add an activity",
    "admin.activity.editTitle": "Edit the activity",
    "admin.activity.name": "Name",
    "admin.activity.category": "Category",
    "admin.activity.categoryHint": "Subject tutoring and teaching ahead of the curriculum are not after-school content.",
    "admin.activity.provider": "Run by",
    "admin.activity.school": "The school",
    "admin.activity.providerStatus": "{name} ({status})",
    "admin.activity.grades": "Grades",
    "admin.activity.weekdays": "Weekdays",
    "admin.activity.period": "Period",
    "admin.activity.venue": "Venue",
    "admin.activity.venuePlaceholder": "e.g. playground, library",
    "admin.activity.capacity": "Capacity",
    "admin.activity.fee": "Fee (yuan)",
    "admin.activity.feeHint": "e.g. 12.5; 0 when free",
    "admin.activity.basis": "Charged",
    "admin.activity.staff": "Staff",
    "admin.activity.staffHint": "Separate names with commas",
    "admin.activity.description": "Description",
    "admin.activity.save": "Put in draft",
    "admin.activity.saved": "Put in the draft; remember to save the program.",
    "admin.category.homework_help": "Homework help",
    "admin.category.reading": "Reading",
    "admin.category.sports": "Sports",
    "admin.category.arts": "Arts",
    "admin.category.science_technology": "Science and technology",
    "admin.category.traditional_culture": "Traditional culture",
    "admin.category.other_enrichment": "Other enrichment",
    "admin.basis.per_term": "Per term",
    "admin.basis.per_month": "Per month",
    "admin.basis.per_session": "Per session",
    "admin.basis.free": "Free",
    "admin.unit.per_term": "term",
    "admin.unit.per_month": "month",
    "admin.unit.per_session": "session",
    "admin.unit.per_day": "day",
    "admin.program.save": "Save program",
    "admin.program.saving": "Saving…",
    "admin.program.saved": "Program saved (draft version {n}).",
    "admin.program.publish": "Publish program",
    "admin.program.publishing": "Publishing…",
    "admin.program.publishHint": "Save your changes before publishing.",
    "admin.program.publishedNow": "Version {n} published ({at}).",
    "admin.program.publishedSame": "Nothing changed; version {n} is still the published one.",
    "admin.program.publicLink": "Open the public notice",
    "admin.program.reload": "Reload the draft",
    "admin.program.actions": "Save and publish",
    "admin.program.versions": "Published versions",
    "admin.program.versionRow": "Version {n}",
    "admin.program.view": "View",
    "admin.program.hide": "Hide",
    "admin.program.viewLabel": "View version {n}",
    "admin.program.versionAt": "Published {at}",
    "admin.program.versionActivities": "Activities: {names}",
    "admin.program.versionServices": "Services: {names}",
    "admin.program.versionFacts": "{at} · {n} activities",
    "admin.program.versionBy": "Published by {who}",
    "admin.program.versionByMe": "you",
    "admin.program.versionsLoading": "Loading the published versions…",
    "admin.problem.tutoring_not_allowed": "Subject tutoring or teaching ahead of the curriculum is not allowed in after-school time ({term}).",
    "admin.problem.provider_not_approved": "This provider is not approved, so it cannot be published.",
    "admin.problem.unknown_provider": "There is no such provider in this school.",
    "admin.problem.unknown_activity": "This activity is not in the draft; reload it.",
    "admin.problem.fee_basis_mismatch": "A fee of 0 must use “Free”, and “Free” must have a fee of 0.",
    "admin.problem.homework_help_is_free": "Homework help is free: a fee of 0, charged “Free”.",
    "admin.problem.no_services": "Offer at least one service (care, lunch or nap).",
    "admin.problem.activity": "Activity “{name}”: {message}",
    "admin.problem.list": "Please fix these problems:",

    "admin.template.title": "Agreement template",
    "admin.template.intro": "Guardians sign this template filled in with their child's details. Each save is a new version; signed agreements never change.",
    "admin.template.text": "Agreement text",
    "admin.template.textHint": "Click a placeholder below to insert it at the cursor; it is filled in when the guardian signs.",
    "admin.template.placeholders": "Placeholders",
    "admin.template.insert": "Insert {label}",
    "admin.template.version": "Current version: {n}",
    "admin.template.none": "This term has no agreement template yet; here is an example to edit.",
    "admin.template.save": "Save as a new version",
    "admin.template.saving": "Saving…",
    "admin.template.saved": "Saved as version {n}.",
    "admin.template.unknown": "Unknown placeholders: {names} (saving will be refused).",
    "admin.template.preview": "Preview (sample data)",
    "admin.template.ph.student_name": "Student name",
    "admin.template.ph.class_name": "Class",
    "admin.template.ph.guardian_name": "Guardian name",
    "admin.template.ph.school_name": "School name",
    "admin.template.ph.term_name": "Term",
    "admin.template.ph.activities": "Chosen activities",
    "admin.template.ph.services": "Chosen services",
    "admin.template.ph.lunch": "Lunch",
    "admin.template.ph.fees": "Fees",
    "admin.template.ph.signed_on": "Date signed",
    "admin.template.sample.student_name": "Wang Xiaoming",
    "admin.template.sample.class_name": "Grade 3 Class 2",
    "admin.template.sample.guardian_name": "Wang Qiang",
    "admin.template.sample.school_name": "Sample Primary School",
    "admin.template.sample.term_name": "Autumn term 2026",
    "admin.template.sample.activities": "Football, Calligraphy",
    "admin.template.sample.services": "care",
    "admin.template.sample.lunch": "yes",
    "admin.template.sample.fees": "Football: free; Calligraphy: ¥300.00/term; lunch: ¥15.00/day",
    "admin.template.starter":
      "After-school service agreement\n\nParty A (school): {{school_name}}\nParty B (guardian): {{guardian_name}}\n\nParty B voluntarily applies for {{student_name}} ({{class_name}}) to take part in the after-school service of {{term_name}}. After the class review and the principal's approval, both parties agree:\n\n1. Services: {{services}}; activities: {{activities}}; lunch: {{lunch}}.\n2. Fees: {{fees}}. Lunch is collected by the school on the caterer's behalf; provider fees are kept in a separate account.\n3. The school runs the published program with supervising staff, safety management and emergency handling.\n4. Party B picks the child up on time and reports absences in advance; Party B may withdraw at any time.\n\nSigned on: {{signed_on}}",
  },
});

// ---------------------------------------------------------------------------------------------
// shared pieces

const isSchoolAdmin = (me) => Boolean(me && me.tenant && (me.roles || []).includes("school_admin"));
// One Idempotency-Key per (purpose, body): resubmitting the same form after a lost answer reuses it,
// so a retried registration or term never creates a second one.
const idem = new Idempotency();

const CATEGORIES = ["homework_help", "reading", "sports", "arts", "science_technology", "traditional_culture", "other_enrichment"];
const FEE_BASES = ["per_term", "per_month", "per_session", "free"];
const SERVICE_KINDS = ["care", "lunch", "nap"];
const GRADES = [1, 2, 3, 4, 5, 6];
const WEEKDAYS = [1, 2, 3, 4, 5];
const PERIODS = [1, 2];
// The roster importer's columns (chalicelib/roster/importer.py LABELS), in its order.
const ROSTER_COLUMNS = [
  "学号", "姓名", "年级", "班级", "班主任账号", "班主任", "监护人1姓名", "监护人1关系", "监护人1手机",
  "监护人2姓名", "监护人2关系", "监护人2手机", "接送人姓名", "接送人关系", "接送人手机", "身份证号",
];
// The agreement's placeholders (chalicelib/enrollment/agreements.py PLACEHOLDERS): others are refused.
const PLACEHOLDERS = ["student_name", "class_name", "guardian_name", "school_name", "term_name", "activities", "services", "lunch", "fees", "signed_on"];
const PLACEHOLDER_RE = /{{\s*(\w+)\s*}}/g;
const PROVIDER_PHONE = /^(?:1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$/;
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

function relLabel(code) {
  return tOr(`admin.rel.${code}`, code);
}

function feeText(fen, basis, unitKey = null) {
  if (basis === "free") return t("admin.basis.free");
  return `${formatFen(fen)}/${t(unitKey || `admin.unit.${basis}`)}`;
}

function validDate(text) {
  const m = DATE_RE.exec(text || "");
  if (!m) return false;
  const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]));
  return d.getUTCFullYear() === +m[1] && d.getUTCMonth() === +m[2] - 1 && d.getUTCDate() === +m[3];
}

function checkbox(id, label, checked, onchange, props = {}) {
  return h(
    "label",
    { class: "adm-check", for: id },
    h("input", { id, type: "checkbox", "data-testid": id, checked: Boolean(checked), onchange: (e) => onchange(e.target.checked), ...props }),
    h("span", {}, label),
  );
}

function spinner() {
  return h("span", { class: "adm-spinner", "aria-hidden": "true" });
}

function pageHead(titleKey, introKey, testid) {
  return h("header", { class: "adm-head", "data-testid": testid }, h("h1", {}, t(titleKey)), introKey ? h("p", { class: "muted" }, t(introKey)) : null);
}

function retryButton(onclick) {
  return h("button", { type: "button", class: "btn btn-secondary btn-small", onclick }, t("admin.retry"));
}

// ---------------------------------------------------------------------------------------------
// 1. #/roster: import the 花名册, see the report, list classes and their students

const roster = {};

function resetRoster() {
  Object.assign(roster, {
    busy: false,
    startedAt: 0,
    result: null, // ImportResult + { file, seconds }
    error: null,
    problems: null, // [{row, column, code, message}] when the file was refused
    classes: [],
    classesLoaded: false,
    classesLoading: false,
    classesError: null,
    open: {}, // class id -> { loading, items, error }
  });
  if (rosterFile) rosterFile.value = "";
}

// The file input lives across renders (a file input's selection cannot be set again after a re-render).
let rosterFile = null;
let rosterTimer = null;

function rosterFileInput() {
  if (!rosterFile) {
    rosterFile = h("input", {
      id: "roster-file",
      name: "roster-file",
      type: "file",
      accept: ".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
      class: "visually-hidden adm-file-input",
      "aria-labelledby": "roster-file-label",
      "data-testid": "roster-file",
      "aria-describedby": "roster-file-name roster-file-hint",
      onchange: () => {
        roster.error = null;
        rerender();
      },
    });
  }
  return rosterFile;
}

function chosenFileName() {
  const file = rosterFile && rosterFile.files && rosterFile.files[0];
  return file ? file.name : "";
}

function templateHref() {
  // With a BOM so that Excel opens the UTF-8 file with the right characters.
  return `data:text/csv;charset=utf-8,${encodeURIComponent(`\uFEFF${ROSTER_COLUMNS.join(",")}\r\n`)}`;
}

async function loadClasses() {
  roster.classesLoading = true;
  roster.classesError = null;
  rerender();
  try {
    const items = await fetchAll(schoolPath("/classes"));
    items.sort((a, b) => a.grade - b.grade || a.name.localeCompare(b.name, "zh-CN"));
    roster.classes = items;
    roster.classesLoaded = true;
  } catch (err) {
    roster.classesError = err;
  } finally {
    roster.classesLoading = false;
    rerender();
  }
}

function readBase64(file) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => {
      const url = String(reader.result || "");
      resolve(url.slice(url.indexOf(",") + 1));
    };
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(file);
  });
}

function tick() {
  const el = document.getElementById("roster-elapsed");
  if (el) el.textContent = t("admin.roster.elapsed", { s: Math.floor((performance.now() - roster.startedAt) / 1000) });
}

async function submitImport(event) {
  event.preventDefault();
  if (roster.busy) return;
  const file = rosterFile && rosterFile.files && rosterFile.files[0];
  roster.result = null;
  roster.problems = null;
  const name = file ? file.name.toLowerCase() : "";
  const format = name.endsWith(".xlsx") ? "xlsx" : name.endsWith(".csv") ? "csv" : null;
  if (!file) roster.error = localError("admin.roster.noFile");
  else if (!format) roster.error = localError("admin.roster.badType");
  else if (!file.size) roster.error = localError("admin.roster.empty");
  else if (file.size > 4_000_000) roster.error = localError("admin.roster.tooBig");
  else roster.error = null;
  if (roster.error) {
    rerender();
    focusId("roster-file");
    return;
  }
  roster.busy = true;
  roster.startedAt = performance.now();
  rerender();
  rosterTimer = setInterval(tick, 1000);
  try {
    const content = await readBase64(file).catch(() => {
      throw localError("admin.fileError");
    });
    const { data } = await api("POST", schoolPath("/roster/import"), { body: { format, content_base64: content } });
    roster.result = { ...data, file: file.name, seconds: (performance.now() - roster.startedAt) / 1000 };
  } catch (err) {
    roster.error = err;
    roster.problems = err.code === "roster_import_invalid" ? detailList(err) : null;
  } finally {
    clearInterval(rosterTimer);
    rosterTimer = null;
    roster.busy = false;
    rerender();
  }
  focusId(roster.result ? "roster-import-result" : "roster-import-error");
  if (roster.result) {
    roster.open = {};
    await loadClasses();
  }
}

async function toggleStudents(klass) {
  if (roster.open[klass.id]) {
    delete roster.open[klass.id];
    rerender();
    return;
  }
  const entry = { loading: true, items: [], error: null };
  roster.open[klass.id] = entry;
  rerender();
  await loadInto(entry, async () => {
    entry.items = await fetchAll(schoolPath(`/classes/${enc(klass.id)}/students`));
  });
}

function renderRoster() {
  return h(
    "div",
    { class: "adm", "data-testid": "roster-page" },
    pageHead("admin.roster.title", "admin.roster.intro", "roster-head"),
    renderImportCard(),
    renderClassesCard(),
  );
}

function renderImportCard() {
  const busy = roster.busy;
  const form = h(
    "form",
    { class: "adm-import", novalidate: true, "aria-busy": busy ? "true" : null, onsubmit: submitImport, "data-testid": "roster-import-form" },
    h(
      "div",
      { class: `field adm-file${roster.error && roster.error.local ? " has-error" : ""}` },
      h("label", { for: "roster-file", id: "roster-file-label" }, t("admin.roster.file")),
      // The native control's text follows the browser's language, not the page's: it is hidden
      // (still focusable) and a translated button-like label opens it.
      rosterFileInput(),
      h(
        "div",
        { class: "adm-file-row" },
        h("label", { for: "roster-file", class: "btn btn-secondary adm-file-btn", "aria-hidden": "true" }, t("admin.roster.choose")),
        h("span", { class: "adm-file-name", id: "roster-file-name", "data-testid": "roster-file-name" }, chosenFileName() || t("admin.roster.noneChosen")),
      ),
      h("p", { class: "hint", id: "roster-file-hint" }, t("admin.roster.fileHint")),
    ),
    h(
      "div",
      { class: "form-actions" },
      h(
        "button",
        { type: "submit", id: "roster-import-submit", class: "btn btn-primary", "data-testid": "roster-import-submit", disabled: busy, "aria-busy": busy ? "true" : null },
        busy ? [spinner(), " ", t("admin.roster.busy")] : t("admin.roster.submit"),
      ),
      h("a", { class: "btn btn-ghost", href: templateHref(), download: t("admin.roster.templateFile"), "data-testid": "roster-template" }, t("admin.roster.template")),
    ),
  );
  rosterFileInput().disabled = busy;
  const card = h(
    "section",
    { class: "card", "aria-labelledby": "roster-import-title", "data-testid": "roster-import" },
    h("h2", { id: "roster-import-title" }, t("admin.roster.submit")),
    h("p", { class: "alert alert-info small" }, t("admin.roster.voluntary")),
    form,
    h("p", { class: "hint adm-columns" }, t("admin.roster.columns")),
  );
  if (busy) {
    card.append(
      h(
        "div",
        { class: "adm-busy", role: "status", "data-testid": "roster-import-busy" },
        spinner(),
        h("span", {}, t("admin.roster.busyNote"), " "),
        h("span", { id: "roster-elapsed", class: "muted", "aria-hidden": "true" }, t("admin.roster.elapsed", { s: Math.floor((performance.now() - roster.startedAt) / 1000) })),
      ),
    );
  }
  if (roster.result) card.append(renderImportResult(roster.result));
  if (roster.error) card.append(errorBox(roster.error, "roster-import-error", "roster-import-error"));
  if (roster.problems && roster.problems.length) card.append(renderProblems(roster.problems, roster.error));
  return card;
}

function renderImportResult(r) {
  const names = ["created", "updated", "unchanged", "moved", "classes_created", "classes_updated", "rows"];
  return h(
    "div",
    { class: "alert alert-success result", id: "roster-import-result", tabindex: "-1", role: "status", "data-testid": "roster-import-result" },
    h("p", { class: "result-title" }, t("admin.roster.done", { file: r.file })),
    h(
      "dl",
      { class: "adm-counts" },
      names.map((n) => h("div", { class: "adm-count" }, h("dt", {}, t(`admin.roster.count.${n}`)), h("dd", { "data-testid": `roster-count-${n}` }, String(r[n] ?? 0)))),
    ),
    h("p", { class: "small", "data-testid": "roster-import-time" }, t("admin.roster.time", { s: r.seconds.toFixed(1) })),
    r.ignored_columns && r.ignored_columns.length
      ? h("p", { class: "small", "data-testid": "roster-ignored" }, t("admin.roster.ignored", { cols: r.ignored_columns.join(listSep()) }))
      : null,
  );
}

function renderProblems(problems, err) {
  return h(
    "div",
    { class: "adm-problems", lang: err && err.lang ? err.lang : null },
    h("p", { class: "adm-nothing", "data-testid": "roster-nothing-written" }, t("admin.roster.nothingWritten", { n: problems.length })),
    h(
      "div",
      { class: "adm-scroll" },
      h(
        "table",
        { class: "adm-grid-table", "data-testid": "roster-import-errors" },
        h("caption", { class: "visually-hidden" }, t("admin.roster.errorsCaption")),
        h(
          "thead",
          {},
          h("tr", {}, h("th", { scope: "col" }, t("admin.roster.col.row")), h("th", { scope: "col" }, t("admin.roster.col.column")), h("th", { scope: "col" }, t("admin.roster.col.reason"))),
        ),
        h(
          "tbody",
          {},
          problems.map((p) =>
            h(
              "tr",
              { "data-testid": "roster-error-row", "data-row": p.row ?? "", "data-code": p.code || null },
              h("td", { class: "adm-num", "data-testid": "roster-error-rownum" }, p.row == null ? t("admin.roster.fileLevel") : String(p.row)),
              h("td", { "data-testid": "roster-error-column" }, p.column || t("admin.none")),
              h("td", { "data-testid": "roster-error-reason" }, p.message || p.code),
            ),
          ),
        ),
      ),
    ),
  );
}

function renderClassesCard() {
  const section = h(
    "section",
    { class: "card", "aria-labelledby": "roster-classes-title", "data-testid": "roster-classes" },
    h(
      "div",
      { class: "card-head" },
      h("h2", { id: "roster-classes-title" }, t("admin.roster.classes")),
      roster.classes.length ? h("span", { class: "muted small", "data-testid": "roster-class-count" }, classCountText()) : null,
    ),
  );
  if (roster.classesError) {
    section.append(
      errorBox(roster.classesError, "roster-classes-error"),
      retryButton(loadClasses),
    );
    return section;
  }
  if (!roster.classesLoaded) {
    section.append(muted(t("app.loading")));
    return section;
  }
  if (!roster.classes.length) {
    section.append(h("p", { class: "muted", "data-testid": "roster-classes-empty" }, t("admin.roster.classesEmpty")));
    return section;
  }
  section.append(h("p", { class: "hint" }, t("admin.roster.accessNote")));
  const list = h("ul", { class: "adm-list", "data-testid": "roster-class-list" });
  for (const c of roster.classes) {
    const open = roster.open[c.id];
    const teacher = c.homeroom_teacher_name || c.homeroom_teacher_sub;
    list.append(
      h(
        "li",
        { class: "adm-item", "data-testid": "roster-class-row", "data-class-id": c.id, "data-class-name": c.name },
        h(
          "div",
          { class: "adm-item-head" },
          h(
            "div",
            { class: "adm-item-main" },
            h("h3", { class: "adm-item-title", "data-testid": "roster-class-name" }, c.name),
            h(
              "p",
              { class: "muted small" },
              gradeLabel(c.grade),
              " · ",
              t("admin.roster.col.teacher"),
              "：",
              h("span", { "data-testid": "roster-class-teacher" }, teacher || t("admin.roster.noTeacher")),
              c.homeroom_teacher_sub && c.homeroom_teacher_name ? h("code", { class: "adm-sub" }, ` ${c.homeroom_teacher_sub}`) : null,
              " · ",
              studentCount(c),
            ),
          ),
          h(
            "button",
            {
              type: "button",
              id: `roster-students-${c.id}`,
              class: "btn btn-secondary btn-small",
              "data-testid": "roster-class-students",
              "aria-expanded": open ? "true" : "false",
              "aria-controls": `roster-students-list-${c.id}`,
              "aria-label": open ? null : t("admin.roster.showStudentsLabel", { name: c.name }),
              onclick: () => toggleStudents(c),
            },
            open ? t("admin.roster.hideStudents") : t("admin.roster.showStudents"),
          ),
        ),
        open ? renderStudents(c, open) : null,
      ),
    );
  }
  section.append(list);
  return section;
}

/** The class's student_count from the listing (kept by the API, no per-class read); null until counted. */
function studentCount(c) {
  const counted = Number.isInteger(c.student_count);
  return h(
    "span",
    { "data-testid": "roster-class-student-count", "data-count": counted ? String(c.student_count) : "", title: counted ? null : t("admin.roster.uncountedHint") },
    counted ? t("admin.roster.studentCount", { n: c.student_count }) : t("admin.roster.uncounted"),
  );
}

function classCountText() {
  const n = roster.classes.length;
  if (!roster.classes.every((c) => Number.isInteger(c.student_count))) return t("admin.roster.classCount", { n });
  return t("admin.roster.classCountStudents", { n, s: roster.classes.reduce((sum, c) => sum + c.student_count, 0) });
}

function contactText(list) {
  return (list || []).map((g) => `${g.name}（${relLabel(g.relationship)}）${g.phone || ""}`).join(listSep());
}

function renderStudents(klass, open) {
  const box = h("div", { class: "adm-students", id: `roster-students-list-${klass.id}`, "data-testid": "roster-students" });
  if (open.loading) box.append(muted(t("app.loading")));
  else if (open.error) box.append(errorBox(open.error, "roster-students-error"));
  else if (!open.items.length) box.append(h("p", { class: "muted" }, t("admin.roster.noStudents")));
  else {
    box.append(
      h(
        "div",
        { class: "adm-scroll" },
        h(
          "table",
          { class: "adm-grid-table" },
          h("caption", { class: "visually-hidden" }, t("admin.roster.studentsCaption", { name: klass.name })),
          h(
            "thead",
            {},
            h(
              "tr",
              {},
              h("th", { scope: "col" }, t("admin.roster.col.number")),
              h("th", { scope: "col" }, t("admin.roster.col.name")),
              h("th", { scope: "col" }, t("admin.roster.col.guardians")),
              h("th", { scope: "col" }, t("admin.roster.col.pickup")),
            ),
          ),
          h(
            "tbody",
            {},
            open.items.map((s) =>
              h(
                "tr",
                { "data-testid": "roster-student-row", "data-student-number": s.student_number },
                h("td", { class: "adm-num" }, s.student_number),
                h("td", { "data-testid": "roster-student-name" }, s.name),
                h("td", { "data-testid": "roster-student-guardians" }, contactText(s.guardians)),
                h("td", {}, contactText(s.pickup_adults) || t("admin.none")),
              ),
            ),
          ),
        ),
      ),
    );
  }
  return box;
}

export const rosterPage = {
  id: "roster",
  nav: "admin.nav.roster",
  visible: isSchoolAdmin,
  enter: () => loadClasses(),
  render: renderRoster,
  reset: resetRoster,
};

// ---------------------------------------------------------------------------------------------
// 2. #/providers: list, register, approve / suspend / reactivate

const prov = {};

function emptyProviderForm() {
  return { name: "", licence_number: "", contact_name: "", contact_phone: "" };
}

function resetProviders() {
  Object.assign(prov, {
    items: [],
    loaded: false,
    loading: false,
    error: null,
    status: null, // { key, params }
    form: emptyProviderForm(),
    formErrors: {},
    formError: null,
    formBusy: false,
    rowBusy: null,
    rowError: null, // { id, error }
    suspendFor: null,
    reason: "",
    suspendError: null,
    open: null, // { id, loading, error, data, form, errors, formError, busy, notice }: one provider, phone in full
  });
}

/** The list shows what GET /providers shows: the phone masked (138****0000), for the school admin too. */
function maskPhone(phone) {
  const text = String(phone || "");
  const local = text.startsWith("+86") ? text.slice(3) : text.replace(/^\+/, "");
  return local.length < 7 ? "*".repeat(local.length) : `${local.slice(0, 3)}****${local.slice(-4)}`;
}

function upsertProvider(p) {
  upsert(prov.items, p.contact_phone_masked ? p : { ...p, contact_phone: maskPhone(p.contact_phone), contact_phone_masked: true });
}

async function loadProviders() {
  prov.loading = true;
  prov.error = null;
  rerender();
  await loadInto(prov, async () => {
    prov.items = await fetchAll(schoolPath("/providers"));
    prov.loaded = true;
  });
}

const PROVIDER_FIELDS = ["name", "licence_number", "contact_name", "contact_phone"];
const PROVIDER_LIMITS = { name: 120, licence_number: 64, contact_name: 40 };

function validateProvider(f) {
  const errors = {};
  for (const n of PROVIDER_FIELDS) {
    const v = f[n].trim();
    if (!v) errors[n] = t("field.required");
    else if (PROVIDER_LIMITS[n] && v.length > PROVIDER_LIMITS[n]) errors[n] = t("admin.field.tooLong", { max: PROVIDER_LIMITS[n] });
  }
  if (!errors.licence_number && f.licence_number.trim().length < 4) errors.licence_number = t("admin.field.licence");
  if (!errors.contact_phone && !PROVIDER_PHONE.test(toAscii(f.contact_phone).replace(/\s+/g, ""))) errors.contact_phone = t("admin.field.phone");
  return errors;
}

/** The API's field details as {field: message}; the API writes them in the page's language. */
function apiFieldErrors(err, known) {
  const out = {};
  for (const d of detailList(err)) {
    const name = String(d.field || "").split(".")[0];
    if (!known.includes(name) || out[name]) continue;
    out[name] = d.message || err.message;
  }
  return out;
}

async function submitProvider(event) {
  event.preventDefault();
  if (prov.formBusy) return;
  prov.status = null;
  const errors = validateProvider(prov.form);
  if (Object.keys(errors).length) {
    prov.formErrors = errors;
    prov.formError = localError();
    rerender();
    focusId(PROVIDER_INPUT[PROVIDER_FIELDS.find((n) => errors[n])]);
    return;
  }
  const body = providerBody(prov.form);
  prov.formBusy = true;
  prov.formErrors = {};
  prov.formError = null;
  rerender();
  let created = null;
  try {
    const headers = { "Idempotency-Key": idem.key("provider", body) };
    created = (await api("POST", schoolPath("/providers"), { body, headers })).data;
    idem.done("provider");
    upsertProvider(created);
    prov.form = emptyProviderForm();
    prov.status = { key: "admin.providers.registered", params: { name: created.name } };
  } catch (err) {
    prov.formError = err;
    prov.formErrors = apiFieldErrors(err, PROVIDER_FIELDS);
  } finally {
    prov.formBusy = false;
    rerender();
  }
  if (created) focusId("providers-status");
  else {
    const first = PROVIDER_FIELDS.find((n) => prov.formErrors[n]);
    focusId(first ? PROVIDER_INPUT[first] : "provider-form-error");
  }
}

// The inputs of the register form and of one provider's edit form.
const PROVIDER_INPUT = { name: "provider-name", licence_number: "provider-licence", contact_name: "provider-contact-name", contact_phone: "provider-contact-phone" };
const EDIT_INPUT = { name: "provider-edit-name", licence_number: "provider-edit-licence", contact_name: "provider-edit-contact-name", contact_phone: "provider-edit-contact-phone" };

/** What the API gets from either form: trimmed, the phone without spaces and with ASCII digits. */
function providerBody(f) {
  return {
    name: f.name.trim(),
    licence_number: f.licence_number.trim(),
    contact_name: f.contact_name.trim(),
    contact_phone: toAscii(f.contact_phone).replace(/\s+/g, ""),
  };
}

/** The four provider fields with the inputs named in `ids`. */
function providerFields(ids, f, e, licenceHint = null) {
  const one = (name, labelKey, props, hint = null) => field(ids[name], t(labelKey), textInput(ids[name], f, name, props), { error: e[name], hint });
  return [
    one("name", "admin.providers.name", { maxlength: "120" }),
    one("licence_number", "admin.providers.licence", { maxlength: "64" }, licenceHint),
    h(
      "div",
      { class: "field-row" },
      one("contact_name", "admin.providers.contactName", { maxlength: "40" }),
      one("contact_phone", "admin.providers.contactPhone", { type: "tel", inputmode: "tel", maxlength: "20" }, t("admin.providers.phoneHint")),
    ),
  ];
}

async function changeStatus(p, status, reason, doneKey) {
  prov.rowBusy = p.id;
  prov.rowError = null;
  prov.status = null;
  rerender();
  let ok = false;
  try {
    const { data } = await api("POST", schoolPath(`/providers/${enc(p.id)}/status`), { body: { status, reason } });
    upsertProvider(data);
    if (prov.open && prov.open.id === data.id && prov.open.data) prov.open.data = data; // new version and history
    prov.status = { key: doneKey, params: { name: data.name } };
    ok = true;
  } catch (err) {
    if (prov.suspendFor === p.id) prov.suspendError = err;
    else prov.rowError = { id: p.id, error: err };
  } finally {
    prov.rowBusy = null;
    if (ok) prov.suspendFor = null;
    rerender();
  }
  return ok;
}

function openSuspend(p) {
  prov.suspendFor = p.id;
  prov.reason = "";
  prov.suspendError = null;
  prov.rowError = null;
  rerender();
  focusId("provider-reason");
}

function closeSuspend(p) {
  prov.suspendFor = null;
  prov.suspendError = null;
  rerender();
  focusId(`provider-suspend-${p.id}`);
}

async function submitSuspend(event, p) {
  event.preventDefault();
  const reason = prov.reason.trim();
  if (!reason) {
    prov.suspendError = { ...localError("field.required"), field: true };
    rerender();
    focusId("provider-reason");
    return;
  }
  prov.suspendError = null;
  if (await changeStatus(p, "suspended", reason, "admin.providers.suspended")) focusId(`provider-reactivate-${p.id}`);
  else focusId("provider-reason");
}

function providerStatusBadge(status, testid = "provider-status") {
  return statusBadge(status, testid, t(`admin.providers.status.${status}`));
}

function renderProviders() {
  return h(
    "div",
    { class: "adm", "data-testid": "providers-page" },
    pageHead("admin.providers.title", "admin.providers.intro", "providers-head"),
    h("div", { class: "adm-two" }, renderProviderList(), renderProviderForm()),
  );
}

function renderProviderList() {
  const section = h(
    "section",
    { class: "card", "aria-labelledby": "providers-list-title", "data-testid": "providers-list" },
    h(
      "div",
      { class: "card-head" },
      h("h2", { id: "providers-list-title" }, t("admin.providers.title")),
      prov.items.length ? h("span", { class: "muted small" }, t("admin.providers.count", { n: prov.items.length })) : null,
    ),
  );
  if (prov.status) {
    section.append(notice(t(prov.status.key, prov.status.params), "providers-status", "success", "providers-status"));
  }
  if (prov.error) {
    section.append(errorBox(prov.error, "providers-error"), retryButton(loadProviders));
    return section;
  }
  if (!prov.loaded) {
    section.append(muted(t("app.loading")));
    return section;
  }
  if (!prov.items.length) {
    section.append(h("p", { class: "muted", "data-testid": "providers-empty" }, t("admin.providers.empty")));
    return section;
  }
  const L = {
    name: t("admin.providers.col.name"),
    licence: t("admin.providers.col.licence"),
    contact: t("admin.providers.col.contact"),
    status: t("admin.providers.col.status"),
    actions: t("admin.providers.col.actions"),
  };
  const tbody = h("tbody", {});
  for (const p of prov.items) tbody.append(...renderProviderRows(p, L));
  section.append(
    h(
      "table",
      { class: "table adm-table", "data-testid": "providers-table" },
      h("caption", { class: "visually-hidden" }, t("admin.providers.caption")),
      h("thead", {}, h("tr", {}, [L.name, L.licence, L.contact, L.status, L.actions].map((x) => h("th", { scope: "col" }, x)))),
      tbody,
    ),
  );
  return section;
}

function renderProviderRows(p, L) {
  const busy = prov.rowBusy === p.id;
  const actions = [];
  if (p.status === "pending") {
    actions.push(
      h(
        "button",
        {
          type: "button",
          id: `provider-approve-${p.id}`,
          class: "btn btn-primary btn-small",
          "data-testid": "provider-approve",
          "aria-label": t("admin.providers.approveLabel", { name: p.name }),
          disabled: busy,
          onclick: async () => {
            if (await changeStatus(p, "approved", t("admin.providers.approveReason"), "admin.providers.approved")) focusId("providers-status");
          },
        },
        t("admin.providers.approve"),
      ),
    );
  } else if (p.status === "approved") {
    actions.push(
      h(
        "button",
        {
          type: "button",
          id: `provider-suspend-${p.id}`,
          class: "btn btn-danger-ghost btn-small",
          "data-testid": "provider-suspend",
          "aria-label": t("admin.providers.suspendLabel", { name: p.name }),
          "aria-expanded": prov.suspendFor === p.id ? "true" : "false",
          disabled: busy || prov.suspendFor === p.id,
          onclick: () => openSuspend(p),
        },
        t("admin.providers.suspend"),
      ),
    );
  } else if (p.status === "suspended") {
    actions.push(
      h(
        "button",
        {
          type: "button",
          id: `provider-reactivate-${p.id}`,
          class: "btn btn-secondary btn-small",
          "data-testid": "provider-reactivate",
          "aria-label": t("admin.providers.reactivateLabel", { name: p.name }),
          disabled: busy,
          onclick: async () => {
            if (await changeStatus(p, "approved", t("admin.providers.reactivateReason"), "admin.providers.reactivated")) focusId("providers-status");
          },
        },
        t("admin.providers.reactivate"),
      ),
    );
  }
  const opened = prov.open && prov.open.id === p.id;
  actions.push(
    h(
      "button",
      {
        type: "button",
        id: `provider-open-${p.id}`,
        class: "btn btn-ghost btn-small",
        "data-testid": "provider-open",
        "aria-label": opened ? null : t("admin.providers.openLabel", { name: p.name }),
        "aria-expanded": opened ? "true" : "false",
        "aria-controls": opened ? "provider-detail" : null,
        disabled: busy,
        onclick: () => (opened ? closeProvider() : openProvider(p)),
      },
      opened ? t("admin.providers.close") : t("admin.providers.open"),
    ),
  );
  const rowError = prov.rowError && prov.rowError.id === p.id ? errorBox(prov.rowError.error, "provider-row-error") : null;
  const row = h(
    "tr",
    { class: `adm-row${p.status === "suspended" ? " is-suspended" : ""}`, "data-testid": "provider-row", "data-provider-id": p.id, "data-status": p.status },
    h("td", { "data-label": L.name }, h("span", { class: "adm-strong", "data-testid": "provider-row-name" }, p.name)),
    h("td", { "data-label": L.licence }, h("code", { "data-testid": "provider-row-licence" }, p.licence_number)),
    h(
      "td",
      { "data-label": L.contact },
      h(
        "span",
        { "data-testid": "provider-row-contact" },
        p.contact_name,
        " ",
        h("span", { class: "adm-phone", "data-testid": "provider-row-phone", "data-masked": p.contact_phone_masked ? "true" : "false" }, p.contact_phone || ""),
        p.contact_phone_masked ? h("span", { class: "muted small" }, t("admin.providers.masked")) : null,
      ),
    ),
    h(
      "td",
      { "data-label": L.status },
      h(
        "div",
        {},
        providerStatusBadge(p.status),
        p.status_reason && p.status !== "pending" ? h("span", { class: "adm-reason", "data-testid": "provider-status-reason" }, t("admin.providers.reason", { reason: p.status_reason })) : null,
      ),
    ),
    h("td", { "data-label": L.actions, class: "actions" }, actions, rowError),
  );
  const rows = [row];
  if (prov.suspendFor === p.id) rows.push(h("tr", { class: "row-form" }, h("td", { colspan: "5" }, renderSuspendForm(p))));
  if (opened) rows.push(h("tr", { class: "row-form" }, h("td", { colspan: "5" }, renderProviderDetail())));
  return rows;
}

// -- one provider: GET /providers/{id} gives the school admin the full phone; PATCH with If-Match

function providerEditForm(p) {
  return { name: p.name, licence_number: p.licence_number, contact_name: p.contact_name, contact_phone: p.contact_phone };
}

async function openProvider(p) {
  const entry = { id: p.id, loading: true, error: null, data: null, form: null, errors: {}, formError: null, busy: false, notice: null };
  prov.open = entry;
  prov.status = null;
  rerender();
  await loadInto(entry, async () => {
    const { data } = await api("GET", schoolPath(`/providers/${enc(p.id)}`));
    entry.data = data;
    entry.form = providerEditForm(data);
  });
  if (prov.open === entry) focusId(entry.data ? "provider-detail-title" : "provider-detail-error");
}

function closeProvider() {
  const id = prov.open && prov.open.id;
  prov.open = null;
  rerender();
  if (id) focusId(`provider-open-${id}`);
}

async function submitProviderEdit(event) {
  event.preventDefault();
  const o = prov.open;
  if (!o || o.busy || !o.data) return;
  o.notice = null;
  const errors = validateProvider(o.form);
  if (Object.keys(errors).length) {
    o.errors = errors;
    o.formError = localError();
    rerender();
    focusId(EDIT_INPUT[PROVIDER_FIELDS.find((n) => errors[n])]);
    return;
  }
  const next = providerBody(o.form);
  const body = Object.fromEntries(Object.entries(next).filter(([k, v]) => v !== o.data[k]));
  o.errors = {};
  o.formError = null;
  if (!Object.keys(body).length) {
    o.notice = { key: "admin.providers.unchanged", params: {} };
    rerender();
    focusId("provider-edit-status");
    return;
  }
  o.busy = true;
  rerender();
  let ok = false;
  try {
    const { data } = await api("PATCH", schoolPath(`/providers/${enc(o.id)}`), { body, headers: { "If-Match": `"${o.data.version}"` } });
    o.data = data;
    o.form = providerEditForm(data);
    o.notice = { key: "admin.providers.saved", params: { name: data.name } };
    upsertProvider(data);
    ok = true;
  } catch (err) {
    o.formError = err;
    o.errors = apiFieldErrors(err, PROVIDER_FIELDS);
  } finally {
    o.busy = false;
    rerender();
  }
  if (ok) focusId("provider-edit-status");
  else {
    const first = PROVIDER_FIELDS.find((n) => o.errors[n]);
    focusId(first ? EDIT_INPUT[first] : "provider-edit-error");
  }
}

function renderProviderHistory(history) {
  if (!history || !history.length) return h("p", { class: "muted small" }, t("admin.providers.historyNone"));
  const status = (s) => t(`admin.providers.status.${s}`);
  return h(
    "ol",
    { class: "adm-history", "data-testid": "provider-history" },
    [...history].reverse().map((x) =>
      h("li", { "data-testid": "provider-history-row" }, t("admin.providers.historyRow", { at: formatTime(x.at), from: status(x.from_status), to: status(x.to_status), reason: x.reason })),
    ),
  );
}

function renderProviderDetail() {
  const o = prov.open;
  const box = h("div", { class: "adm-detail", id: "provider-detail", "data-testid": "provider-detail" });
  if (o.loading) {
    box.append(h("p", { class: "muted" }, t("admin.providers.detailLoading")));
    return box;
  }
  if (o.error) {
    box.append(errorBox(o.error, "provider-detail-error", "provider-detail-error"));
    return box;
  }
  const d = o.data;
  const f = o.form;
  const e = o.errors;
  box.append(
    h("h3", { id: "provider-detail-title", tabindex: "-1" }, t("admin.providers.detailTitle", { name: d.name })),
    h(
      "dl",
      { class: "adm-facts" },
      h("div", {}, h("dt", {}, t("admin.providers.fullPhone")), h("dd", {}, h("span", { class: "adm-phone", "data-testid": "provider-detail-phone", "data-masked": d.contact_phone_masked ? "true" : "false" }, d.contact_phone))),
      h("div", {}, h("dt", {}, t("admin.providers.col.status")), h("dd", {}, providerStatusBadge(d.status, "provider-detail-status"))),
    ),
    h("p", { class: "hint" }, t("admin.providers.fullPhoneNote")),
    h("h4", {}, t("admin.providers.history")),
    renderProviderHistory(d.history),
    h(
      "form",
      { class: "adm-edit-form", novalidate: true, "aria-labelledby": "provider-edit-title", "aria-busy": o.busy ? "true" : null, "data-testid": "provider-edit-form", onsubmit: submitProviderEdit },
      h("h4", { id: "provider-edit-title" }, t("admin.providers.editTitle")),
      o.notice ? notice(t(o.notice.key, o.notice.params), "provider-edit-status", "success", "provider-edit-status") : null,
      errorBox(o.formError, "provider-edit-error", "provider-edit-error"),
      o.formError && o.formError.code === "version_conflict"
        ? h("button", { type: "button", class: "btn btn-secondary btn-small", "data-testid": "provider-edit-reload", onclick: () => openProvider(d) }, t("admin.providers.reload"))
        : null,
      providerFields(EDIT_INPUT, f, e, t("admin.providers.editHint")),
      h(
        "div",
        { class: "form-actions" },
        h("button", { type: "submit", class: "btn btn-primary", "data-testid": "provider-edit-save", disabled: o.busy, "aria-busy": o.busy ? "true" : null }, o.busy ? t("admin.providers.saving") : t("admin.providers.save")),
        h("button", { type: "button", class: "btn btn-ghost", "data-testid": "provider-edit-close", disabled: o.busy, onclick: closeProvider }, t("admin.providers.close")),
      ),
    ),
  );
  return box;
}

function renderSuspendForm(p) {
  const err = prov.suspendError;
  const reasonError = err && (err.field ? err.message : apiFieldErrors(err, ["reason"]).reason || null);
  const input = textInput("provider-reason", prov, "reason", { name: "reason", maxlength: "500", required: true });
  return confirmForm(
    {
      class: "suspend-form",
      testid: "provider-suspend-form",
      titleId: "provider-suspend-title",
      title: t("admin.providers.suspendTitle", { name: p.name }),
      onsubmit: (e) => submitSuspend(e, p),
      busy: prov.rowBusy === p.id,
      confirm: { label: t("admin.providers.suspendConfirm"), testid: "provider-suspend-confirm" },
      cancel: { label: t("common.cancel"), testid: "provider-suspend-cancel", onclick: () => closeSuspend(p) },
    },
    field("provider-reason", t("admin.providers.suspendReason"), input, { error: reasonError, hint: t("admin.providers.suspendHint") }),
    err && !reasonError ? errorBox(err, "provider-suspend-error") : null,
  );
}

function renderProviderForm() {
  const f = prov.form;
  const e = prov.formErrors;
  const busy = prov.formBusy;
  return h(
    "section",
    { class: "card", "aria-labelledby": "provider-form-title", "data-testid": "provider-form" },
    h("h2", { id: "provider-form-title" }, t("admin.providers.form")),
    h(
      "form",
      { novalidate: true, "aria-busy": busy ? "true" : null, onsubmit: submitProvider },
      errorBox(prov.formError, "provider-form-error", "provider-form-error"),
      providerFields(PROVIDER_INPUT, f, e),
      h(
        "div",
        { class: "form-actions" },
        h(
          "button",
          { type: "submit", id: "provider-create", class: "btn btn-primary", "data-testid": "provider-create", disabled: busy, "aria-busy": busy ? "true" : null },
          busy ? t("admin.providers.creating") : t("admin.providers.create"),
        ),
      ),
    ),
  );
}

export const providersPage = {
  id: "providers",
  nav: "admin.nav.providers",
  visible: isSchoolAdmin,
  enter: () => loadProviders(),
  render: renderProviders,
  reset: resetProviders,
};

// ---------------------------------------------------------------------------------------------
// terms: shared by the program editor and the agreement template (one selected term for both)

const terms = { items: [], loaded: false, loading: false, error: null, selected: null, calendar: {} };

function resetTerms() {
  // calendar: term id -> { loading, days, error } from GET /calendar over the term's dates
  Object.assign(terms, { items: [], loaded: false, loading: false, error: null, selected: null, calendar: {} });
}

function sortTerms() {
  terms.items.sort((a, b) => (a.starts_on < b.starts_on ? 1 : a.starts_on > b.starts_on ? -1 : 0));
}

/** The term a school admin most likely means: the current one, else the next, else the latest. */
function defaultTerm() {
  const now = today();
  const current = terms.items.find((x) => x.starts_on <= now && now <= x.ends_on);
  if (current) return current.id;
  const upcoming = terms.items.filter((x) => x.starts_on > now).sort((a, b) => (a.starts_on < b.starts_on ? -1 : 1));
  if (upcoming.length) return upcoming[0].id;
  return terms.items.length ? terms.items[0].id : null;
}

async function loadTerms() {
  terms.loading = true;
  terms.error = null;
  rerender();
  await loadInto(terms, async () => {
    terms.items = await fetchAll(schoolPath("/terms"));
    sortTerms();
    terms.loaded = true;
    if (!terms.items.some((x) => x.id === terms.selected)) terms.selected = defaultTerm();
  });
}

function termById(id) {
  return terms.items.find((x) => x.id === id) || null;
}

function termOptions() {
  return terms.items.map((x) => ({ value: x.id, label: x.name }));
}

/** The selected term's dates, shown under a term select (the option itself stays short for phones). */
function termDates() {
  const x = termById(terms.selected);
  return x ? t("admin.terms.dates", { from: formatDate(x.starts_on), to: formatDate(x.ends_on) }) : null;
}

function termPath(rest) {
  return schoolPath(`/terms/${enc(terms.selected || "")}${rest}`);
}

// ---------------------------------------------------------------------------------------------
// 3. #/program-editor: the term's draft (services + activities), save with If-Match, publish (公示)

const prog = {};
let keySeq = 0;
const newKey = () => `k${(keySeq += 1)}`;

function emptyTermForm() {
  return { name: "", starts_on: "", ends_on: "", holidays: [], make_up_days: [] };
}

/** A stored term as the form edits it (weekdays as select values, a key per row). */
function termFormOf(x) {
  return {
    name: x.name,
    starts_on: x.starts_on,
    ends_on: x.ends_on,
    holidays: (x.holidays || []).map((d) => ({ starts_on: d.starts_on, ends_on: d.ends_on, name: d.name, _key: newKey() })),
    make_up_days: (x.make_up_days || []).map((m) => ({ date: m.date, runs_weekday: String(m.runs_weekday), name: m.name, _key: newKey() })),
  };
}

function resetProgram() {
  Object.assign(prog, {
    providers: [],
    providersError: null,
    termCreate: { form: emptyTermForm(), errors: {}, error: null, busy: false },
    termEdit: null, // { id, version, name, form, errors, error, busy }: the selected term being changed (PATCH)
    termNotice: null, // { key, params, id }
    loading: false,
    loadError: null,
    draft: null, // the server's draft for terms.selected
    local: null, // what the page edits: { services: {care, lunch, nap}, activities: [...], safety_measures }
    dirty: false,
    editing: null, // { index (-1 = new), key, form, errors }
    activityNotice: null,
    saveBusy: false,
    saveError: null,
    problems: [], // messages not tied to one activity or service field
    serviceErrors: {}, // "care.fee" -> message
    saveNotice: null,
    publishBusy: false,
    publishError: null,
    published: null, // { version, at, created }
    versions: {}, // number -> { loading, data, error }
    versionList: null, // { termId, loading, items, error }: GET …/program/versions, newest first
  });
}

function toLocal(draft) {
  const services = {};
  for (const kind of SERVICE_KINDS) {
    const s = (draft.services || []).find((x) => x.kind === kind);
    services[kind] =
      kind === "lunch"
        ? { enabled: Boolean(s), price: s ? fenToYuan(s.price_per_day_fen) : "", reference: (s && s.price_reference) || "", description: (s && s.description) || "" }
        : { enabled: Boolean(s), fee: s ? fenToYuan(s.fee_fen) : "0", basis: s ? s.fee_basis : "free", description: (s && s.description) || "" };
  }
  return {
    services,
    activities: (draft.activities || []).map((a) => ({ ...a, _key: a.id || newKey(), _errors: [] })),
    safety_measures: draft.safety_measures || "",
  };
}

function setDraft(draft) {
  prog.draft = draft;
  prog.local = toLocal(draft);
  prog.dirty = false;
  prog.editing = null;
  prog.activityNotice = null;
  prog.problems = [];
  prog.serviceErrors = {};
}

async function loadProgramProviders() {
  prog.providersError = null;
  try {
    prog.providers = await fetchAll(schoolPath("/providers"));
  } catch (err) {
    prog.providersError = err;
  }
}

async function loadDraft() {
  if (!terms.selected) return;
  const termId = terms.selected;
  prog.loading = true;
  prog.loadError = null;
  prog.saveError = null;
  prog.saveNotice = null;
  prog.publishError = null;
  prog.activityNotice = null;
  prog.versions = {};
  if (prog.draft && prog.draft.term_id !== termId) {
    prog.draft = null;
    prog.local = null;
    prog.published = null;
  }
  rerender();
  if (!terms.calendar[termId]) loadTermCalendar(termId);
  try {
    const { data } = await api("GET", schoolPath(`/terms/${enc(termId)}/program`));
    if (terms.selected === termId) {
      setDraft(data);
      if (data.latest_published_version) loadVersions(termId);
      else prog.versionList = { termId, loading: false, items: [], error: null };
    }
  } catch (err) {
    if (terms.selected === termId) prog.loadError = err;
  } finally {
    prog.loading = false;
    rerender();
  }
}

async function enterProgram(params) {
  if (params && params[0]) terms.selected = params[0];
  await Promise.all([loadTerms(), loadProgramProviders()]);
  const keep = prog.dirty && prog.draft && prog.draft.term_id === terms.selected;
  if (!keep) await loadDraft();
}

/** The draft changed locally: flag it (publishing waits for a save); re-render on the first change or when asked. */
function changed(always = true) {
  const first = !prog.dirty;
  prog.dirty = true;
  if (first) {
    prog.saveNotice = null;
    prog.published = null;
  }
  if (first || always) rerender();
}

function markDirty() {
  changed(false);
}

/** Both pages share the selected term: unsaved edits on either are lost when it changes, so ask first. */
function confirmDiscard() {
  const keys = [prog.dirty ? "admin.program.discard" : null, tpl.dirty ? "admin.template.discard" : null].filter(Boolean);
  if (keys.length && !window.confirm(keys.map((k) => t(k)).join("\n"))) return false;
  prog.dirty = false;
  tpl.dirty = false;
  return true;
}

/** Select another term once unsaved edits may go; false when it is the same one or the person said no. */
function selectTerm(id) {
  if (id === terms.selected) return false;
  if (!confirmDiscard()) {
    rerender(); // puts the select back
    return false;
  }
  terms.selected = id;
  return true;
}

function chooseTerm(id, after) {
  if (!selectTerm(id)) return;
  prog.published = null;
  prog.termEdit = null;
  after();
}

// -- the term form: create (POST, with an Idempotency-Key) or change the selected term (PATCH, If-Match),
// with its holidays and make-up days (调休); and the selected term's calendar (GET /calendar)

function termState() {
  return prog.termEdit || prog.termCreate;
}

function termPrefix() {
  return prog.termEdit ? "term-edit" : "term-create";
}

function weekdayOf(isoDate) {
  const m = DATE_RE.exec(isoDate || "");
  return m ? new Date(Date.UTC(+m[1], +m[2] - 1, +m[3])).getUTCDay() : -1;
}

function dayName(isoDate) {
  const d = weekdayOf(isoDate);
  return d === 0 || d === 6 ? t(`admin.terms.day.${d}`) : weekdayLabel(d);
}

function checkDate(errors, key, value) {
  const v = toAscii(value);
  if (!v) errors[key] = t("field.required");
  else if (!validDate(v)) errors[key] = t("admin.field.date");
}

function checkName(errors, key, value) {
  const v = String(value || "").trim();
  if (!v) errors[key] = t("field.required");
  else if (v.length > 60) errors[key] = t("admin.field.tooLong", { max: 60 });
}

/** What the page can check itself; whether holidays and 调休 fit the term is the API's to say. */
function validateTerm(f) {
  const errors = {};
  checkName(errors, "name", f.name);
  checkDate(errors, "starts_on", f.starts_on);
  checkDate(errors, "ends_on", f.ends_on);
  if (!errors.starts_on && !errors.ends_on && toAscii(f.ends_on) < toAscii(f.starts_on)) errors.ends_on = t("admin.field.dateOrder");
  f.holidays.forEach((x, i) => {
    checkName(errors, `holidays.${i}.name`, x.name);
    checkDate(errors, `holidays.${i}.starts_on`, x.starts_on);
    checkDate(errors, `holidays.${i}.ends_on`, x.ends_on);
    const [a, b] = [`holidays.${i}.starts_on`, `holidays.${i}.ends_on`];
    if (!errors[a] && !errors[b] && toAscii(x.ends_on) < toAscii(x.starts_on)) errors[b] = t("admin.termProblem.holiday_ends_before_start");
  });
  f.make_up_days.forEach((m, i) => {
    const key = `make_up_days.${i}.date`;
    checkDate(errors, key, m.date);
    if (!errors[key] && ![0, 6].includes(weekdayOf(toAscii(m.date)))) errors[key] = t("admin.termProblem.make_up_day_not_weekend");
    checkName(errors, `make_up_days.${i}.name`, m.name);
  });
  return errors;
}

function termBody(f) {
  return {
    name: f.name.trim(),
    starts_on: toAscii(f.starts_on),
    ends_on: toAscii(f.ends_on),
    holidays: f.holidays.map((x) => ({ starts_on: toAscii(x.starts_on), ends_on: toAscii(x.ends_on), name: x.name.trim() })),
    make_up_days: f.make_up_days.map((m) => ({ date: toAscii(m.date), runs_weekday: Number(m.runs_weekday), name: m.name.trim() })),
  };
}

/** Error keys in the order of the form, so focus lands on the first problem. */
function termErrorOrder(f) {
  const rows = (list, n, subs) => Array.from({ length: n }, (_, i) => [`${list}.${i}`, ...subs.map((x) => `${list}.${i}.${x}`)]).flat();
  return [
    "name",
    "starts_on",
    "ends_on",
    ...rows("holidays", f.holidays.length, ["name", "starts_on", "ends_on"]),
    "holidays",
    ...rows("make_up_days", f.make_up_days.length, ["date", "runs_weekday", "name"]),
    "make_up_days",
  ];
}

function firstTermError(f, errors) {
  return termErrorOrder(f).find((k) => errors[k]) || null;
}

/** The input that shows an error key: holidays.0.ends_on -> term-create-holiday-0-end. */
function termFieldId(prefix, key) {
  const parts = key.split(".");
  if (parts[0] === "holidays" || parts[0] === "make_up_days") {
    const row = parts[0] === "holidays" ? "holiday" : "makeup";
    if (parts.length === 1) return `${prefix}-${row}-add`;
    const sub = { starts_on: "start", ends_on: "end", name: "name", date: "date", runs_weekday: "weekday" }[parts[2]] || (row === "holiday" ? "start" : "date");
    return `${prefix}-${row}-${parts[1]}-${sub}`;
  }
  return `${prefix}-${{ name: "name", starts_on: "start", ends_on: "end" }[key] || "name"}`;
}

/** The API's details by field; the calendar's own rules (English in the API) get this page's wording. */
function termApiErrors(err) {
  const out = {};
  for (const d of detailList(err)) {
    const key = String(d.field || "");
    if (!key || out[key]) continue;
    if (err.code === "term_overlaps" && d.term) {
      out[key] = t("admin.termProblem.overlaps", { name: d.term.name, from: formatDate(d.term.starts_on), to: formatDate(d.term.ends_on) });
      continue;
    }
    const k = `admin.termProblem.${d.type}`;
    const text = t(k);
    out[key] = text !== k ? text : d.message || err.message;
  }
  return out;
}

function addTermRow(list) {
  const st = termState();
  const { row, blank, first } = DAY_ROWS[list];
  const rows = st.form[list];
  rows.push({ ...blank(), _key: newKey() });
  st.errors = {};
  rerender();
  focusId(`${termPrefix()}-${row}-${rows.length - 1}-${first}`);
}

function removeTermRow(list, index) {
  const st = termState();
  st.form[list].splice(index, 1);
  st.errors = {};
  rerender();
  focusId(`${termPrefix()}-${DAY_ROWS[list].row}-add`);
}

function openTermEdit() {
  const x = termById(terms.selected);
  if (!x) return;
  prog.termEdit = { id: x.id, version: x.version, name: x.name, form: termFormOf(x), errors: {}, error: null, busy: false };
  prog.termNotice = null;
  rerender();
  focusId("term-edit-name");
}

function closeTermEdit() {
  prog.termEdit = null;
  rerender();
  focusId("term-edit-open");
}

async function reloadTermEdit() {
  await loadTerms();
  openTermEdit();
}

async function submitTerm(event, onCreated) {
  event.preventDefault();
  const st = termState();
  const editing = prog.termEdit;
  const prefix = termPrefix();
  if (st.busy) return;
  prog.termNotice = null;
  const errors = validateTerm(st.form);
  if (Object.keys(errors).length) {
    st.errors = errors;
    st.error = localError();
    rerender();
    focusId(termFieldId(prefix, firstTermError(st.form, errors)));
    return;
  }
  const body = termBody(st.form);
  const current = editing ? termById(editing.id) : null;
  if (current && JSON.stringify(body) === JSON.stringify(termBody(termFormOf(current)))) {
    prog.termEdit = null;
    prog.termNotice = { key: "admin.terms.unchanged", params: {}, id: "term-edit-status" };
    rerender();
    focusId("term-edit-status");
    return;
  }
  st.busy = true;
  st.errors = {};
  st.error = null;
  rerender();
  let saved = null;
  try {
    if (editing) {
      saved = (await api("PATCH", schoolPath(`/terms/${enc(editing.id)}`), { body, headers: { "If-Match": `"${editing.version}"` } })).data;
    } else {
      saved = (await api("POST", schoolPath("/terms"), { body, headers: { "Idempotency-Key": idem.key("term", body) } })).data;
      idem.done("term");
    }
  } catch (err) {
    st.error = err;
    st.errors = termApiErrors(err);
  } finally {
    st.busy = false;
  }
  if (!saved) {
    rerender();
    const first = firstTermError(st.form, st.errors);
    focusId(first ? termFieldId(prefix, first) : `${prefix}-error`);
    return;
  }
  upsert(terms.items, saved);
  sortTerms();
  terms.loaded = true;
  delete terms.calendar[saved.id];
  if (editing) {
    prog.termEdit = null;
    prog.termNotice = { key: "admin.terms.saved", params: { name: saved.name }, id: "term-edit-status" };
    rerender();
    loadTermCalendar(saved.id);
  } else {
    prog.termCreate.form = emptyTermForm();
    prog.termNotice = { key: "admin.terms.created", params: { name: saved.name }, id: "term-create-status" };
    rerender();
    const previous = terms.selected;
    chooseTerm(saved.id, onCreated);
    if (terms.selected === previous) rerender();
  }
  focusId(prog.termNotice ? prog.termNotice.id : "program-term");
}

async function loadTermCalendar(termId) {
  const x = termById(termId);
  if (!x) return;
  const entry = { loading: true, days: null, error: null };
  terms.calendar[termId] = entry;
  rerender();
  await loadInto(entry, async () => {
    const q = new URLSearchParams({ from: x.starts_on, to: x.ends_on });
    entry.days = (await api("GET", schoolPath(`/calendar?${q}`))).data.days;
  });
}

/** Weekdays without service, as runs of one holiday: {name, from, to, n} (weekends inside are not counted). */
function closedRuns(days) {
  const runs = [];
  let run = null;
  days.forEach((d, i) => {
    if (!d.reason.startsWith("holiday:")) return;
    if (!run || run.reason !== d.reason || run.last !== i - 1) {
      run = { reason: d.reason, name: d.reason.slice("holiday:".length), from: null, to: null, n: 0, last: i };
      runs.push(run);
    }
    run.last = i;
    const wd = weekdayOf(d.date);
    if (wd >= 1 && wd <= 5) {
      run.from = run.from || d.date;
      run.to = d.date;
      run.n += 1;
    }
  });
  return runs.filter((r) => r.n > 0);
}

function renderTermSummary() {
  const x = termById(terms.selected);
  if (!x) return null;
  const cal = terms.calendar[x.id];
  const box = h("div", { class: "adm-term-summary", "data-testid": "term-summary" }, h("h3", {}, t("admin.terms.summary")));
  if (!cal || (cal.loading && !cal.days)) box.append(h("p", { class: "muted small" }, t("admin.terms.calendarLoading")));
  else if (cal.error) box.append(errorBox(cal.error, "term-calendar-error"));
  else {
    const serving = cal.days.filter((d) => d.service_day).length;
    const runs = closedRuns(cal.days);
    const makeUps = cal.days.filter((d) => d.reason.startsWith("make_up:"));
    box.append(
      h("p", { class: "adm-strong", "data-testid": "term-service-days", "data-count": String(serving) }, t("admin.terms.serviceDays", { n: serving })),
      h("h4", {}, t("admin.terms.closedDays")),
      runs.length
        ? h(
            "ul",
            { class: "adm-daylist", "data-testid": "term-closed" },
            runs.map((r) =>
              h(
                "li",
                { "data-testid": "term-closed-row", "data-days": String(r.n) },
                r.n === 1 ? t("admin.terms.closedRowOne", { name: r.name, from: formatDate(r.from) }) : t("admin.terms.closedRow", { name: r.name, from: formatDate(r.from), to: formatDate(r.to), n: r.n }),
              ),
            ),
          )
        : h("p", { class: "muted small" }, t("admin.terms.closedNone")),
      h("h4", {}, t("admin.terms.makeUps")),
      makeUps.length
        ? h(
            "ul",
            { class: "adm-daylist", "data-testid": "term-makeups" },
            makeUps.map((d) =>
              h(
                "li",
                { "data-testid": "term-makeup-row", "data-date": d.date },
                t("admin.terms.makeUpRow", {
                  name: d.reason.slice("make_up:".length),
                  date: formatDate(d.date),
                  day: dayName(d.date),
                  runs: t("admin.terms.runs", { weekday: weekdayLabel(d.runs_weekday) }),
                }),
              ),
            ),
          )
        : h("p", { class: "muted small" }, t("admin.terms.makeUpsNone")),
    );
  }
  box.append(
    h(
      "button",
      {
        type: "button",
        id: "term-edit-open",
        class: "btn btn-secondary btn-small",
        "data-testid": "term-edit-open",
        "aria-label": t("admin.terms.editLabel", { name: x.name }),
        disabled: Boolean(prog.termEdit),
        onclick: openTermEdit,
      },
      t("admin.terms.edit"),
    ),
  );
  return box;
}

/** The term card both pages start with: the term select; the program page (with `onCreated`) also edits terms. */
function renderTermCard({ selectId, testid, onChoose, emptyKey, onCreated = null }) {
  const section = h(
    "section",
    { class: "card adm-term", "aria-labelledby": `${testid}-title`, "data-testid": testid },
    h("h2", { id: `${testid}-title` }, t("admin.terms.title")),
  );
  const editor = Boolean(onCreated); // the program page edits terms; the template page only picks one
  if (terms.error) {
    section.append(errorBox(terms.error, `${testid}-error`), retryButton(loadTerms));
  } else if (!terms.loaded) {
    section.append(muted(t("app.loading")));
  } else if (!terms.items.length) {
    section.append(muted(t(emptyKey), `${testid}-empty`));
  } else {
    section.append(field(selectId, t("admin.terms.select"), select(selectId, terms.selected, termOptions(), onChoose), { hint: termDates() }));
    if (editor) section.append(renderTermSummary());
  }
  if (!editor) return section;
  if (prog.termNotice) {
    const n = prog.termNotice;
    section.append(notice(t(n.key, n.params), n.id, "success", n.id));
  }
  section.append(renderTermForm(onCreated));
  return section;
}

// Holidays and make-up days (调休) are edited alike: a list of small fieldsets, one per row. `row` names
// their ids and test ids (term-create-holiday-0-name), `key` their texts (admin.terms.holidayAdd …).
const DAY_ROWS = {
  holidays: {
    row: "holiday",
    key: "holiday",
    blank: () => ({ starts_on: "", ends_on: "", name: "" }),
    first: "name", // focused in a new row
    fields: (input) => [
      input("name", "name", "admin.terms.holidayName", { maxlength: "60", placeholder: t("admin.terms.holidayNamePlaceholder") }),
      input("start", "starts_on", "admin.terms.holidayStart", { maxlength: "10", inputmode: "numeric", placeholder: "2026-10-01" }),
      input("end", "ends_on", "admin.terms.holidayEnd", { maxlength: "10", inputmode: "numeric", placeholder: "2026-10-07" }),
    ],
  },
  make_up_days: {
    row: "makeup",
    key: "makeUp",
    blank: () => ({ date: "", runs_weekday: "1", name: "" }),
    first: "date",
    fields: (input, m, id, error) => [
      input("name", "name", "admin.terms.makeUpName", { maxlength: "60", placeholder: t("admin.terms.makeUpNamePlaceholder") }),
      input("date", "date", "admin.terms.makeUpDate", { maxlength: "10", inputmode: "numeric", placeholder: "2026-09-27" }),
      field(
        id("weekday"),
        t("admin.terms.makeUpWeekday"),
        select(id("weekday"), m.runs_weekday, WEEKDAYS.map((d) => ({ value: String(d), label: weekdayLabel(d) })), (v) => (m.runs_weekday = v)),
        { error: error("runs_weekday") },
      ),
    ],
  },
};

function renderDayRows(prefix, st, list) {
  const { row, key, fields } = DAY_ROWS[list];
  const e = st.errors;
  const rows = st.form[list].map((x, i) => {
    const id = (k) => `${prefix}-${row}-${i}-${k}`;
    const error = (name) => e[`${list}.${i}.${name}`];
    const input = (k, name, labelKey, props) => field(id(k), t(labelKey), textInput(id(k), x, name, props), { error: error(name) });
    const rowError = e[`${list}.${i}`];
    return h(
      "fieldset",
      {
        class: `adm-day-row${rowError ? " is-invalid" : ""}`,
        "aria-describedby": rowError ? `${id("row")}-error` : null,
        "data-testid": `${prefix}-${row}`,
        "data-index": String(i),
      },
      h("legend", { class: "visually-hidden" }, t(`admin.terms.${key}Legend`, { n: i + 1 })),
      h("div", { class: "adm-day-fields" }, fields(input, x, id, error)),
      rowError ? h("p", { class: "field-error", id: `${id("row")}-error`, "data-testid": `${id("row")}-error` }, rowError) : null,
      h(
        "button",
        {
          type: "button",
          class: "btn btn-danger-ghost btn-small",
          "data-testid": `${prefix}-${row}-remove`,
          "aria-label": t(`admin.terms.${key}RemoveLabel`, { name: x.name || i + 1 }),
          onclick: () => removeTermRow(list, i),
        },
        t(`admin.terms.${key}Remove`),
      ),
    );
  });
  return h(
    "fieldset",
    { class: "adm-day-list", "data-testid": `${prefix}-${row}s` },
    h("legend", {}, t(`admin.terms.${key}s`)),
    rows.length ? rows : h("p", { class: "muted small" }, t(`admin.terms.${key}sNone`)),
    e[list] ? h("p", { class: "field-error" }, e[list]) : null,
    h(
      "button",
      { type: "button", id: `${prefix}-${row}-add`, class: "btn btn-secondary btn-small", "data-testid": `${prefix}-${row}-add`, onclick: () => addTermRow(list) },
      "＋ ",
      t(`admin.terms.${key}Add`),
    ),
  );
}

function renderTermForm(onCreated) {
  const st = termState();
  const editing = prog.termEdit;
  const prefix = termPrefix();
  const f = st.form;
  const e = st.errors;
  const busy = st.busy;
  const date = (k, name, label, placeholder) =>
    field(`${prefix}-${k}`, t(label), textInput(`${prefix}-${k}`, f, name, { maxlength: "10", inputmode: "numeric", placeholder }), { error: e[name], hint: t("admin.terms.dateHint") });
  const idle = editing ? t("admin.terms.save") : t("admin.terms.create");
  const working = editing ? t("admin.terms.saving") : t("admin.terms.creating");
  return h(
    "form",
    {
      class: `adm-term-form${editing ? " is-editing" : ""}`,
      novalidate: true,
      "aria-labelledby": `${prefix}-title`,
      "aria-busy": busy ? "true" : null,
      "data-testid": `${prefix}-form`,
      onsubmit: (ev) => submitTerm(ev, onCreated),
    },
    h("h3", { id: `${prefix}-title` }, editing ? t("admin.terms.editTitle", { name: editing.name }) : t("admin.terms.new")),
    errorBox(st.error, `${prefix}-error`, `${prefix}-error`),
    editing && st.error && st.error.code === "version_conflict"
      ? h("button", { type: "button", class: "btn btn-secondary btn-small", "data-testid": "term-edit-reload", onclick: reloadTermEdit }, t("admin.terms.reload"))
      : null,
    h(
      "div",
      { class: "adm-term-row" },
      field(`${prefix}-name`, t("admin.terms.name"), textInput(`${prefix}-name`, f, "name", { maxlength: "60", placeholder: t("admin.terms.namePlaceholder") }), { error: e.name }),
      date("start", "starts_on", "admin.terms.start", "2026-09-01"),
      date("end", "ends_on", "admin.terms.end", "2027-01-15"),
    ),
    renderDayRows(prefix, st, "holidays"),
    renderDayRows(prefix, st, "make_up_days"),
    h("p", { class: "hint" }, t("admin.terms.note")),
    h(
      "div",
      { class: "form-actions" },
      h(
        "button",
        { type: "submit", id: `${prefix}-submit`, class: `btn ${editing ? "btn-primary" : "btn-secondary"}`, "data-testid": `${prefix}-submit`, disabled: busy, "aria-busy": busy ? "true" : null },
        busy ? working : idle,
      ),
      editing ? h("button", { type: "button", class: "btn btn-ghost", "data-testid": "term-edit-cancel", disabled: busy, onclick: closeTermEdit }, t("common.cancel")) : null,
    ),
  );
}

// -- services

const SERVICE_INPUT = { fee_fen: "fee", fee_basis: "basis", price_per_day_fen: "price", price_reference: "reference", description: "description" };

function renderServices() {
  const local = prog.local;
  const se = prog.serviceErrors;
  const section = h(
    "section",
    { class: "card", "aria-labelledby": "program-services-title", "data-testid": "program-services" },
    h("h2", { id: "program-services-title" }, t("admin.services.title")),
    h("p", { class: "hint" }, t("admin.services.intro")),
  );
  for (const kind of SERVICE_KINDS) {
    const s = local.services[kind];
    const name = t(`admin.services.${kind}`);
    const id = (x) => `service-${kind}-${x}`;
    const set = h(
      "fieldset",
      { class: `adm-service${s.enabled ? " is-on" : ""}`, "data-testid": `service-${kind}` },
      h("legend", {}, name),
      checkbox(id("enabled"), t("admin.services.offer", { name }), s.enabled, (on) => {
        s.enabled = on;
        changed();
      }),
    );
    if (s.enabled) {
      const edit = { onedit: markDirty };
      if (kind === "lunch") {
        set.append(
          h(
            "div",
            { class: "field-row" },
            field(id("price"), t("admin.services.price"), textInput(id("price"), s, "price", { inputmode: "decimal", maxlength: "12", ...edit }), {
              error: se["lunch.price"],
              hint: t("admin.services.priceHint"),
            }),
            field(id("reference"), t("admin.services.reference"), textInput(id("reference"), s, "reference", { maxlength: "100", ...edit }), { error: se["lunch.reference"] }),
          ),
        );
      } else {
        set.append(
          h(
            "div",
            { class: "field-row" },
            field(id("fee"), t("admin.services.fee"), textInput(id("fee"), s, "fee", { inputmode: "decimal", maxlength: "12", ...edit }), { error: se[`${kind}.fee`] }),
            field(
              id("basis"),
              t("admin.services.basis"),
              select(id("basis"), s.basis, FEE_BASES.map((b) => ({ value: b, label: t(`admin.basis.${b}`) })), (v) => {
                s.basis = v;
                if (v === "free") s.fee = "0";
                changed();
              }),
              { error: se[`${kind}.basis`] },
            ),
          ),
        );
      }
      set.append(field(id("description"), t("admin.services.description"), textInput(id("description"), s, "description", { maxlength: "300", ...edit }), { error: se[`${kind}.description`] }));
      if (se[`${kind}._`]) set.append(h("p", { class: "field-error", "data-testid": id("error") }, se[`${kind}._`]));
    }
    section.append(set);
  }
  section.append(
    field("program-safety", t("admin.safety"), textArea("program-safety", local, "safety_measures", { rows: "3", maxlength: "1000", onedit: markDirty }), {
      error: se["safety_measures"],
    }),
  );
  return section;
}

// -- activities

function providerName(id) {
  if (id === "school") return t("admin.activity.school");
  const p = prog.providers.find((x) => x.id === id);
  return p ? p.name : id;
}

function emptyActivityForm() {
  return {
    name: "",
    category: "",
    provider: "school",
    grades: new Set(),
    weekdays: new Set(),
    period: "2",
    venue: "",
    capacity: "",
    fee: "0",
    fee_basis: "free",
    staff: "",
    description: "",
  };
}

function openActivity(index) {
  const a = index >= 0 ? prog.local.activities[index] : null;
  prog.activityNotice = null;
  prog.editing = {
    index,
    key: a ? a._key : null,
    errors: {},
    form: a
      ? {
          name: a.name,
          category: a.category,
          provider: a.provider || "school",
          grades: new Set(a.grades),
          weekdays: new Set(a.weekdays),
          period: String(a.period),
          venue: a.venue,
          capacity: String(a.capacity),
          fee: fenToYuan(a.fee_fen),
          fee_basis: a.fee_basis,
          staff: (a.staff || []).join(", "),
          description: a.description || "",
        }
      : emptyActivityForm(),
  };
  rerender();
  focusId("activity-name");
}

function closeActivity() {
  const key = prog.editing && prog.editing.key;
  prog.editing = null;
  rerender();
  focusId(key ? `program-activity-edit-${key}` : "program-add-activity");
}

const ACTIVITY_ORDER = ["name", "category", "provider", "grades", "weekdays", "period", "venue", "capacity", "fee", "fee_basis", "staff", "description"];
const ACTIVITY_FOCUS = {
  name: "activity-name",
  category: "activity-category",
  provider: "activity-provider",
  grades: "activity-grade-1",
  weekdays: "activity-weekday-1",
  period: "activity-period",
  venue: "activity-venue",
  capacity: "activity-capacity",
  fee: "activity-fee",
  fee_basis: "activity-fee-basis",
  staff: "activity-staff",
  description: "activity-description",
};

function splitStaff(text) {
  return String(text || "")
    .split(/[,，、;；]/)
    .map((s) => s.trim())
    .filter(Boolean);
}

function saveActivity(event) {
  event.preventDefault();
  const ed = prog.editing;
  const f = ed.form;
  const errors = {};
  const name = f.name.trim();
  if (!name) errors.name = t("field.required");
  else if (name.length > 60) errors.name = t("admin.field.tooLong", { max: 60 });
  if (!CATEGORIES.includes(f.category)) errors.category = t("field.required");
  if (!f.grades.size) errors.grades = t("admin.field.pickOne");
  if (!f.weekdays.size) errors.weekdays = t("admin.field.pickOne");
  const venue = f.venue.trim();
  if (!venue) errors.venue = t("field.required");
  else if (venue.length > 60) errors.venue = t("admin.field.tooLong", { max: 60 });
  const cap = toAscii(f.capacity);
  if (!/^\d{1,4}$/.test(cap) || +cap < 1 || +cap > 1000) errors.capacity = t("admin.field.capacity");
  const money = yuanToFen(f.fee);
  if (money.error) errors.fee = t(money.error);
  else if ((f.fee_basis === "free") !== (money.fen === 0)) errors.fee_basis = t("admin.field.feeBasis");
  const staff = splitStaff(f.staff);
  if (staff.length > 8 || staff.some((s) => s.length > 20)) errors.staff = t("admin.field.staff");
  const description = f.description.trim();
  if (description.length > 300) errors.description = t("admin.field.tooLong", { max: 300 });
  ed.errors = errors;
  if (Object.keys(errors).length) {
    rerender();
    focusId(ACTIVITY_FOCUS[ACTIVITY_ORDER.find((n) => errors[n])]);
    return;
  }
  const original = ed.index >= 0 ? prog.local.activities[ed.index] : null;
  const activity = {
    ...(original && original.id ? { id: original.id } : {}),
    name,
    category: f.category,
    provider: f.provider,
    grades: [...f.grades].sort((a, b) => a - b),
    weekdays: [...f.weekdays].sort((a, b) => a - b),
    period: Number(f.period),
    venue,
    capacity: Number(cap),
    fee_fen: money.fen,
    fee_basis: f.fee_basis,
    staff,
    description,
    _key: original ? original._key : newKey(),
    _errors: [],
  };
  if (original) prog.local.activities[ed.index] = activity;
  else prog.local.activities.push(activity);
  prog.editing = null;
  prog.activityNotice = { key: "admin.activity.saved" };
  changed();
  focusId(`program-activity-edit-${activity._key}`);
}

function removeActivity(index) {
  const [gone] = prog.local.activities.splice(index, 1);
  if (prog.editing) prog.editing = null;
  prog.activityNotice = { key: "admin.activities.removed", params: { name: gone.name } };
  changed();
  focusId("program-activities-status");
}

function providerOptions(current) {
  const options = [{ value: "school", label: t("admin.activity.school") }];
  for (const p of prog.providers) {
    if (p.status === "approved") options.push({ value: p.id, label: p.name });
    else if (p.id === current) options.push({ value: p.id, label: t("admin.activity.providerStatus", { name: p.name, status: t(`admin.providers.status.${p.status}`) }) });
  }
  if (current !== "school" && !prog.providers.some((p) => p.id === current)) options.push({ value: current, label: current });
  return options;
}

function renderActivityForm() {
  const ed = prog.editing;
  const f = ed.form;
  const e = ed.errors;
  const titleKey = ed.index >= 0 ? "admin.activity.editTitle" : "admin.activity.addTitle";
  const checks = (kind, values, labelOf) =>
    h(
      "fieldset",
      { class: `adm-checks${e[kind] ? " has-error" : ""}`, "aria-describedby": e[kind] ? `activity-${kind}-error` : null, "data-testid": `activity-${kind}` },
      h("legend", {}, t(`admin.activity.${kind}`)),
      h(
        "div",
        { class: "adm-check-row" },
        values.map((v) =>
          checkbox(`activity-${kind === "grades" ? "grade" : "weekday"}-${v}`, labelOf(v), f[kind].has(v), (on) => {
            if (on) f[kind].add(v);
            else f[kind].delete(v);
          }),
        ),
      ),
      e[kind] ? h("p", { class: "field-error", id: `activity-${kind}-error`, "data-testid": `activity-${kind}-error` }, e[kind]) : null,
    );
  return h(
    "form",
    { class: "adm-activity-form", novalidate: true, "aria-labelledby": "activity-form-title", "data-testid": "activity-form", onsubmit: saveActivity },
    h("h3", { id: "activity-form-title" }, t(titleKey)),
    Object.keys(e).length ? h("p", { class: "alert alert-error", role: "alert", "data-testid": "activity-form-error" }, t("form.fix")) : null,
    field("activity-name", t("admin.activity.name"), textInput("activity-name", f, "name", { maxlength: "60" }), { error: e.name }),
    h(
      "div",
      { class: "field-row" },
      field(
        "activity-category",
        t("admin.activity.category"),
        select("activity-category", f.category, [{ value: "", label: "—" }, ...CATEGORIES.map((c) => ({ value: c, label: t(`admin.category.${c}`) }))], (v) => (f.category = v)),
        { error: e.category, hint: t("admin.activity.categoryHint") },
      ),
      field("activity-provider", t("admin.activity.provider"), select("activity-provider", f.provider, providerOptions(f.provider), (v) => (f.provider = v)), { error: e.provider }),
    ),
    checks("grades", GRADES, gradeLabel),
    checks("weekdays", WEEKDAYS, (d) => weekdayLabel(d)),
    h(
      "div",
      { class: "field-row" },
      field("activity-period", t("admin.activity.period"), select("activity-period", f.period, PERIODS.map((p) => ({ value: String(p), label: periodLabel(p) })), (v) => (f.period = v)), {
        error: e.period,
      }),
      field("activity-venue", t("admin.activity.venue"), textInput("activity-venue", f, "venue", { maxlength: "60", placeholder: t("admin.activity.venuePlaceholder") }), { error: e.venue }),
    ),
    h(
      "div",
      { class: "field-row adm-three" },
      field("activity-capacity", t("admin.activity.capacity"), textInput("activity-capacity", f, "capacity", { inputmode: "numeric", maxlength: "4" }), { error: e.capacity }),
      field("activity-fee", t("admin.activity.fee"), textInput("activity-fee", f, "fee", { inputmode: "decimal", maxlength: "12" }), { error: e.fee, hint: t("admin.activity.feeHint") }),
      field(
        "activity-fee-basis",
        t("admin.activity.basis"),
        select("activity-fee-basis", f.fee_basis, FEE_BASES.map((b) => ({ value: b, label: t(`admin.basis.${b}`) })), (v) => {
          f.fee_basis = v;
          if (v === "free") {
            f.fee = "0";
            rerender();
          }
        }),
        { error: e.fee_basis },
      ),
    ),
    field("activity-staff", t("admin.activity.staff"), textInput("activity-staff", f, "staff", { maxlength: "200" }), { error: e.staff, hint: t("admin.activity.staffHint") }),
    field("activity-description", t("admin.activity.description"), textArea("activity-description", f, "description", { rows: "2", maxlength: "300" }), { error: e.description }),
    h(
      "div",
      { class: "form-actions" },
      h("button", { type: "submit", id: "activity-save", class: "btn btn-primary", "data-testid": "activity-save" }, t("admin.activity.save")),
      h("button", { type: "button", id: "activity-cancel", class: "btn btn-ghost", "data-testid": "activity-cancel", onclick: closeActivity }, t("common.cancel")),
    ),
  );
}

function renderActivity(a, index) {
  const editingThis = prog.editing && prog.editing.index === index;
  const facts = [
    [t("admin.activity.provider"), h("span", { "data-testid": "program-activity-provider" }, providerName(a.provider))],
    [t("admin.activity.grades"), a.grades.map(gradeLabel).join(listSep())],
    [t("admin.activity.weekdays"), [a.weekdays.map((d) => weekdayLabel(d)).join(listSep()), " · ", periodLabel(a.period)]],
    [t("admin.activity.venue"), [a.venue, " · ", t("admin.activities.capacity", { n: a.capacity })]],
    [t("admin.activity.fee"), h("span", { "data-testid": "program-activity-fee" }, feeText(a.fee_fen, a.fee_basis))],
  ];
  if (a.staff && a.staff.length) facts.push([t("admin.activity.staff"), a.staff.join(listSep())]);
  return h(
    "li",
    {
      class: `adm-item adm-activity${a._errors.length ? " has-error" : ""}${editingThis ? " is-editing" : ""}`,
      "data-testid": "program-activity",
      "data-activity-id": a.id || "",
      "data-activity-name": a.name,
    },
    h(
      "div",
      { class: "adm-item-head" },
      h(
        "div",
        { class: "adm-item-main" },
        h("h3", { class: "adm-item-title", "data-testid": "program-activity-name" }, a.name),
        h("span", { class: "badge badge-category", "data-testid": "program-activity-category" }, t(`admin.category.${a.category}`)),
        a.id ? null : h("span", { class: "badge badge-pending" }, t("admin.activities.newBadge")),
      ),
      h(
        "div",
        { class: "adm-item-actions" },
        h(
          "button",
          {
            type: "button",
            id: `program-activity-edit-${a._key}`,
            class: "btn btn-secondary btn-small",
            "data-testid": "program-activity-edit",
            "aria-label": t("admin.activities.editLabel", { name: a.name }),
            disabled: Boolean(prog.editing) || prog.saveBusy,
            onclick: () => openActivity(index),
          },
          t("admin.activities.edit"),
        ),
        h(
          "button",
          {
            type: "button",
            class: "btn btn-danger-ghost btn-small",
            "data-testid": "program-activity-remove",
            "aria-label": t("admin.activities.removeLabel", { name: a.name }),
            disabled: Boolean(prog.editing) || prog.saveBusy,
            onclick: () => removeActivity(index),
          },
          t("admin.activities.remove"),
        ),
      ),
    ),
    h("dl", { class: "adm-facts" }, facts.map(([k, v]) => h("div", {}, h("dt", {}, k), h("dd", {}, v)))),
    a.description ? h("p", { class: "small muted" }, a.description) : null,
    a._errors.length
      ? h(
          "ul",
          { class: "adm-errors", role: "alert" },
          a._errors.map((x) => h("li", { class: "field-error", "data-testid": "program-activity-error", "data-field": x.field || null }, x.message)),
        )
      : null,
  );
}

function renderActivities() {
  const list = prog.local.activities;
  const section = h(
    "section",
    { class: "card", "aria-labelledby": "program-activities-title", "data-testid": "program-activities" },
    h(
      "div",
      { class: "card-head" },
      h("h2", { id: "program-activities-title" }, t("admin.activities.title")),
      list.length ? h("span", { class: "muted small" }, t("admin.activities.count", { n: list.length })) : null,
    ),
  );
  if (prog.providersError) section.append(errorBox(prog.providersError, "program-providers-error"));
  if (prog.activityNotice) {
    section.append(
      notice(t(prog.activityNotice.key, prog.activityNotice.params), "program-activities-status", "info", "program-activities-status"),
    );
  }
  if (!list.length) section.append(h("p", { class: "muted", "data-testid": "program-activities-empty" }, t("admin.activities.empty")));
  else section.append(h("ul", { class: "adm-list adm-activity-list" }, list.map((a, i) => renderActivity(a, i))));
  if (prog.editing) section.append(renderActivityForm());
  else {
    section.append(
      h(
        "button",
        { type: "button", id: "program-add-activity", class: "btn btn-secondary adm-wide", "data-testid": "program-add-activity", disabled: prog.saveBusy, onclick: () => openActivity(-1) },
        "＋ ",
        t("admin.activities.add"),
      ),
    );
  }
  return section;
}

// -- save, publish, versions

function buildBody() {
  const local = prog.local;
  const errors = {};
  const services = [];
  for (const kind of SERVICE_KINDS) {
    const s = local.services[kind];
    if (!s.enabled) continue;
    if (kind === "lunch") {
      const m = yuanToFen(s.price);
      if (m.error) errors["lunch.price"] = t(m.error);
      const ref = s.reference.trim();
      services.push({ kind, price_per_day_fen: m.fen ?? 0, price_reference: ref || null, description: s.description.trim() });
    } else {
      const m = yuanToFen(s.fee);
      if (m.error) errors[`${kind}.fee`] = t(m.error);
      else if ((s.basis === "free") !== (m.fen === 0)) errors[`${kind}.basis`] = t("admin.field.feeBasis");
      services.push({ kind, fee_fen: m.fen ?? 0, fee_basis: s.basis, description: s.description.trim() });
    }
  }
  const activities = local.activities.map((a) => {
    const out = {};
    for (const [k, v] of Object.entries(a)) if (!k.startsWith("_") && !(k === "id" && !v)) out[k] = v;
    return out;
  });
  return { body: { services, activities, safety_measures: local.safety_measures.trim() }, errors, kinds: services.map((s) => s.kind) };
}

/** A program problem: our wording where it says more than the API's (R8, providers), else the API's own. */
function problemMessage(d, err) {
  const key = `admin.problem.${d.type}`;
  if (d.type === "tutoring_not_allowed") {
    const m = /\(([^()]+)\)\s*$/.exec(d.message || "");
    return t(key, { term: m ? m[1] : "" });
  }
  const text = t(key);
  return text !== key ? text : d.message || err.message;
}

/** Spread the API's problems over the activities and service fields they name; the rest stays general. */
function applyProblems(err, kinds) {
  const local = prog.local;
  for (const a of local.activities) a._errors = [];
  prog.serviceErrors = {};
  prog.problems = [];
  for (const d of detailList(err)) {
    const parts = String(d.field || "").split(".");
    const message = problemMessage(d, err);
    const index = /^\d+$/.test(parts[1] || "") ? Number(parts[1]) : -1;
    if (parts[0] === "activities" && local.activities[index]) {
      local.activities[index]._errors.push({ field: parts.slice(2).join("."), message });
    } else if (parts[0] === "services" && kinds[index]) {
      const sub = parts.slice(2).filter((p) => !SERVICE_KINDS.includes(p))[0];
      const key = `${kinds[index]}.${SERVICE_INPUT[sub] || "_"}`;
      prog.serviceErrors[key] = prog.serviceErrors[key] || message;
    } else if (parts[0] === "safety_measures") {
      prog.serviceErrors.safety_measures = message;
    } else {
      prog.problems.push(message);
    }
  }
}

async function saveProgram() {
  if (prog.saveBusy || !prog.local) return;
  prog.saveNotice = null;
  prog.saveError = null;
  prog.published = null;
  prog.publishError = null;
  const { body, errors, kinds } = buildBody();
  for (const a of prog.local.activities) a._errors = [];
  prog.problems = [];
  prog.serviceErrors = errors;
  if (Object.keys(errors).length) {
    prog.saveError = localError();
    rerender();
    focusId(`service-${Object.keys(errors)[0].replace(".", "-")}`);
    return;
  }
  prog.saveBusy = true;
  rerender();
  const termId = terms.selected;
  let saved = false;
  try {
    const { data } = await api("PUT", schoolPath(`/terms/${enc(termId)}/program`), {
      body,
      headers: { "If-Match": `"${prog.draft ? prog.draft.version : 0}"` },
    });
    if (terms.selected === termId) {
      setDraft(data);
      prog.saveNotice = { key: "admin.program.saved", params: { n: data.version } };
      saved = true;
    }
  } catch (err) {
    prog.saveError = err;
    applyProblems(err, kinds);
  } finally {
    prog.saveBusy = false;
    rerender();
  }
  focusId(saved ? "program-save-status" : "program-save-error");
}

async function publishProgram() {
  if (prog.publishBusy || prog.dirty || !prog.draft) return;
  prog.publishBusy = true;
  prog.publishError = null;
  prog.published = null;
  prog.saveNotice = null;
  rerender();
  const termId = terms.selected;
  try {
    const { status, data } = await api("POST", schoolPath(`/terms/${enc(termId)}/program/publish`));
    prog.published = { version: data.version, at: data.published_at, created: status === 201, termId };
    prog.versions[data.version] = { loading: false, data, error: null, open: false };
    try {
      const fresh = (await api("GET", schoolPath(`/terms/${enc(termId)}/program`))).data;
      if (terms.selected === termId && !prog.dirty) setDraft(fresh);
    } catch {
      /* the notice above is what matters; the badges refresh on the next visit */
    }
    if (status === 201 && terms.selected === termId) loadVersions(termId);
  } catch (err) {
    prog.publishError = err;
    if (err.code === "program_not_publishable") applyProblems(err, (prog.draft.services || []).map((s) => s.kind));
  } finally {
    prog.publishBusy = false;
    rerender();
  }
  focusId(prog.published ? "program-published" : "program-publish-error");
}

async function toggleVersion(n) {
  const entry = prog.versions[n];
  if (entry && entry.open) {
    entry.open = false;
    rerender();
    return;
  }
  if (entry && entry.data) {
    entry.open = true;
    rerender();
    return;
  }
  const fresh = { loading: true, data: null, error: null, open: true };
  prog.versions[n] = fresh;
  rerender();
  await loadInto(fresh, async () => {
    fresh.data = (await api("GET", termPath(`/program/versions/${n}`))).data;
  });
}

function publicPageHref() {
  return `${BASE}/public/schools/${enc(session.me.tenant)}/program/page?term_id=${enc(terms.selected || "")}`;
}

function renderActionsCard() {
  const d = prog.draft;
  const busy = prog.saveBusy || prog.publishBusy;
  const section = h(
    "section",
    { class: "card adm-actions", "aria-labelledby": "program-actions-title", "data-testid": "program-actions" },
    h("h2", { id: "program-actions-title" }, t("admin.program.actions")),
    h(
      "p",
      { class: "adm-badges" },
      h("span", { class: "badge badge-neutral", "data-testid": "program-version", "data-version": String(d.version) }, d.version ? t("admin.program.draftVersion", { n: d.version }) : t("admin.program.draftNew")),
      " ",
      d.latest_published_version
        ? h("span", { class: "badge badge-approved", "data-testid": "program-latest-published", "data-version": String(d.latest_published_version) }, t("admin.program.published", { n: d.latest_published_version }))
        : h("span", { class: "badge badge-pending" }, t("admin.program.notPublished")),
      " ",
      prog.dirty ? h("span", { class: "badge badge-suspended", "data-testid": "program-dirty" }, t("admin.program.dirty")) : null,
      !prog.dirty && d.unpublished_changes && d.latest_published_version ? h("span", { class: "badge badge-pending" }, t("admin.program.unpublished")) : null,
    ),
  );
  if (prog.saveNotice) {
    section.append(notice(t(prog.saveNotice.key, prog.saveNotice.params), "program-save-status", "success", "program-save-status"));
  }
  if (prog.saveError) {
    section.append(errorBox(prog.saveError, "program-save-error", "program-save-error"));
    if (prog.saveError.code === "version_conflict") {
      section.append(h("button", { type: "button", class: "btn btn-secondary btn-small", "data-testid": "program-reload", onclick: loadDraft }, t("admin.program.reload")));
    }
  }
  if (prog.publishError) section.append(errorBox(prog.publishError, "program-publish-error", "program-publish-error"));
  if (prog.problems.length) {
    section.append(
      h("div", { class: "adm-problem-list", role: "alert" }, h("p", {}, t("admin.problem.list")), h("ul", {}, prog.problems.map((m) => h("li", { "data-testid": "program-problem" }, m)))),
    );
  }
  const activityProblems = prog.local.activities.filter((a) => a._errors.length);
  if (activityProblems.length && (prog.saveError || prog.publishError)) {
    section.append(
      h(
        "ul",
        { class: "adm-problem-list" },
        activityProblems.flatMap((a) => a._errors.map((x) => h("li", {}, t("admin.problem.activity", { name: a.name, message: x.message })))),
      ),
    );
  }
  if (prog.published && prog.published.termId === terms.selected) {
    const p = prog.published;
    section.append(
      h(
        "div",
        { class: "alert alert-success result", id: "program-published", tabindex: "-1", role: "status", "data-testid": "program-published", "data-version": String(p.version) },
        h("p", { class: "result-title" }, p.created ? t("admin.program.publishedNow", { n: p.version, at: formatTime(p.at) }) : t("admin.program.publishedSame", { n: p.version })),
        h("p", {}, h("a", { href: publicPageHref(), target: "_blank", rel: "noopener", "data-testid": "program-public-link" }, t("admin.program.publicLink"), " ↗")),
      ),
    );
  }
  section.append(
    h(
      "div",
      { class: "form-actions" },
      h(
        "button",
        { type: "button", id: "program-save", class: "btn btn-primary", "data-testid": "program-save", disabled: busy || Boolean(prog.editing), "aria-busy": prog.saveBusy ? "true" : null, onclick: saveProgram },
        prog.saveBusy ? [spinner(), " ", t("admin.program.saving")] : t("admin.program.save"),
      ),
      h(
        "button",
        {
          type: "button",
          id: "program-publish",
          class: "btn btn-secondary",
          "data-testid": "program-publish",
          disabled: busy || prog.dirty || !d.version || Boolean(prog.editing),
          "aria-busy": prog.publishBusy ? "true" : null,
          "aria-describedby": prog.dirty || !d.version ? "program-publish-hint" : null,
          onclick: publishProgram,
        },
        prog.publishBusy ? [spinner(), " ", t("admin.program.publishing")] : t("admin.program.publish"),
      ),
    ),
  );
  if (prog.dirty || !d.version) section.append(h("p", { class: "hint", id: "program-publish-hint" }, t("admin.program.publishHint")));
  if (d.latest_published_version) section.append(renderVersions());
  return section;
}

async function loadVersions(termId) {
  const entry = { termId, loading: true, items: prog.versionList && prog.versionList.termId === termId ? prog.versionList.items : [], error: null };
  prog.versionList = entry;
  rerender();
  await loadInto(entry, async () => {
    entry.items = await fetchAll(schoolPath(`/terms/${enc(termId)}/program/versions`));
  });
}

/** The published versions as the API lists them (newest first, with when, who and how many activities). */
function renderVersions() {
  const list = prog.versionList;
  const wrap = h("div", { class: "adm-versions", "data-testid": "program-versions" }, h("h3", {}, t("admin.program.versions")));
  if (!list || list.termId !== terms.selected || (list.loading && !list.items.length)) {
    wrap.append(h("p", { class: "muted small" }, t("admin.program.versionsLoading")));
    return wrap;
  }
  if (list.error) {
    wrap.append(
      errorBox(list.error, "program-versions-error"),
      retryButton(() => loadVersions(list.termId)),
    );
    return wrap;
  }
  const me = session.me && session.me.sub;
  const items = list.items.map((item) => {
    const n = item.version;
    const v = prog.versions[n];
    const open = v && v.open;
    const who = item.published_by === me ? t("admin.program.versionByMe") : item.published_by;
    return h(
      "li",
      { class: "adm-version", "data-testid": "program-version-row", "data-version": String(n), "data-activities": String(item.activity_count) },
      h(
        "div",
        { class: "adm-item-head" },
        h(
          "div",
          { class: "adm-item-main" },
          h("span", { class: "adm-strong" }, t("admin.program.versionRow", { n })),
          h(
            "p",
            { class: "muted small", "data-testid": "program-version-facts" },
            t("admin.program.versionFacts", { at: formatTime(item.published_at), n: item.activity_count }),
            " · ",
            t("admin.program.versionBy", { who }),
          ),
        ),
        h(
          "button",
          {
            type: "button",
            class: "btn btn-ghost btn-small",
            "aria-expanded": open ? "true" : "false",
            "aria-label": open ? null : t("admin.program.viewLabel", { n }),
            "data-testid": "program-version-view",
            onclick: () => toggleVersion(n),
          },
          open ? t("admin.program.hide") : t("admin.program.view"),
        ),
      ),
      open ? renderVersionBody(v) : null,
    );
  });
  wrap.append(h("ul", { class: "adm-plain" }, items));
  return wrap;
}

function renderVersionBody(v) {
  if (v.loading) return h("p", { class: "muted small" }, t("app.loading"));
  if (v.error) return errorBox(v.error, "program-version-error");
  const d = v.data;
  return h(
    "div",
    { class: "small adm-version-body" },
    h("p", {}, t("admin.program.versionAt", { at: formatTime(d.published_at) })),
    h("p", {}, t("admin.program.versionServices", { names: (d.services || []).map((s) => t(`admin.services.${s.kind}`)).join(listSep()) || t("admin.none") })),
    h("p", {}, t("admin.program.versionActivities", { names: (d.activities || []).map((a) => a.name).join(listSep()) || t("admin.none") })),
  );
}

function renderProgram() {
  const out = h("div", { class: "adm adm-program", "data-testid": "program-page" }, pageHead("admin.program.title", "admin.program.intro", "program-head"));
  out.append(renderTermCard({ selectId: "program-term", testid: "program-terms", onChoose: (id) => chooseTerm(id, loadDraft), emptyKey: "admin.noTerms", onCreated: loadDraft }));
  if (!terms.selected) return out;
  if (prog.loadError) {
    out.append(h("section", { class: "card" }, errorBox(prog.loadError, "program-error"), retryButton(loadDraft)));
    return out;
  }
  if (!prog.local || !prog.draft || prog.draft.term_id !== terms.selected) {
    out.append(h("p", { class: "card muted", "data-testid": "program-loading" }, t("admin.program.loading")));
    return out;
  }
  out.append(h("div", { class: "adm-program-grid" }, h("div", { class: "adm-col" }, renderServices()), h("div", { class: "adm-col" }, renderActivities())), renderActionsCard());
  return out;
}

export const programPage = {
  id: "program-editor",
  nav: "admin.nav.program",
  visible: isSchoolAdmin,
  enter: enterProgram,
  render: renderProgram,
  reset: () => {
    resetTerms();
    resetProgram();
  },
};

// ---------------------------------------------------------------------------------------------
// 4. #/agreement-template: the term's 协议书 template, placeholders, live preview

const tpl = {};

function resetTemplate() {
  Object.assign(tpl, {
    loading: false,
    error: null,
    termId: null,
    template: null, // { version, text, placeholders }
    missing: false,
    text: "",
    dirty: false,
    busy: false,
    saveError: null,
    saved: null,
    sel: null, // [start, end] in the textarea
  });
}

async function loadTemplate() {
  const termId = terms.selected;
  if (!termId) return;
  Object.assign(tpl, { loading: true, error: null, saveError: null, saved: null, termId, template: null, missing: false, dirty: false, sel: null });
  rerender();
  try {
    const { data } = await api("GET", schoolPath(`/terms/${enc(termId)}/agreement-template`));
    if (terms.selected === termId) {
      tpl.template = data;
      tpl.text = data.text;
    }
  } catch (err) {
    if (terms.selected !== termId) return;
    if (err.code === "agreement_template_missing") {
      tpl.missing = true;
      tpl.text = t("admin.template.starter");
    } else {
      tpl.error = err;
    }
  } finally {
    if (terms.selected === termId) tpl.loading = false;
    rerender();
  }
}

async function enterTemplate(params) {
  if (params && params[0]) terms.selected = params[0];
  await loadTerms();
  if (!(tpl.dirty && tpl.termId === terms.selected)) await loadTemplate();
}

function chooseTemplateTerm(id) {
  if (selectTerm(id)) loadTemplate();
}

function unknownPlaceholders(text) {
  const found = [...String(text).matchAll(PLACEHOLDER_RE)].map((m) => m[1]);
  return [...new Set(found.filter((n) => !PLACEHOLDERS.includes(n)))];
}

function rememberSelection(e) {
  tpl.sel = [e.target.selectionStart, e.target.selectionEnd];
}

function insertPlaceholder(name) {
  const token = `{{${name}}}`;
  const [start, end] = tpl.sel || [tpl.text.length, tpl.text.length];
  tpl.text = tpl.text.slice(0, start) + token + tpl.text.slice(end);
  tpl.sel = [start + token.length, start + token.length];
  tpl.dirty = true;
  tpl.saved = null;
  rerender();
  const area = document.getElementById("template-text");
  if (area) {
    area.focus();
    area.setSelectionRange(tpl.sel[0], tpl.sel[1]);
  }
}

async function saveTemplate(event) {
  event.preventDefault();
  if (tpl.busy) return;
  const termId = terms.selected;
  tpl.saved = null;
  tpl.saveError = null;
  if (!tpl.text.trim()) {
    tpl.saveError = { ...localError("field.required"), field: true };
    rerender();
    focusId("template-text");
    return;
  }
  tpl.busy = true;
  rerender();
  try {
    const { data } = await api("PUT", schoolPath(`/terms/${enc(termId)}/agreement-template`), { body: { text: tpl.text } });
    if (terms.selected === termId) {
      tpl.template = data;
      tpl.text = data.text;
      tpl.missing = false;
      tpl.dirty = false;
      tpl.saved = data.version;
    }
  } catch (err) {
    tpl.saveError = err;
  } finally {
    tpl.busy = false;
    rerender();
  }
  focusId(tpl.saved ? "template-save-status" : tpl.saveError && tpl.saveError.field ? "template-text" : "template-save-error");
}

/** Sample values in the form the server fills them in (chalicelib/enrollment/agreements.py render). */
function sampleValues() {
  const term = termById(terms.selected);
  const values = {};
  for (const n of PLACEHOLDERS) values[n] = t(`admin.template.sample.${n}`);
  if (session.school && session.school.name) values.school_name = session.school.name;
  if (term) values.term_name = term.name;
  values.signed_on = today();
  return values;
}

function renderPreview(text) {
  const values = sampleValues();
  const out = [];
  let last = 0;
  for (const m of String(text).matchAll(PLACEHOLDER_RE)) {
    out.push(text.slice(last, m.index));
    out.push(PLACEHOLDERS.includes(m[1]) ? h("mark", {}, values[m[1]]) : m[0]);
    last = m.index + m[0].length;
  }
  out.push(text.slice(last));
  return out;
}

function renderTemplate() {
  const out = h("div", { class: "adm adm-template", "data-testid": "template-page" }, pageHead("admin.template.title", "admin.template.intro", "template-head"));
  out.append(renderTermCard({ selectId: "template-term", testid: "template-terms", onChoose: chooseTemplateTerm, emptyKey: "admin.noTermsTemplate" }));
  if (!terms.selected) return out;
  if (tpl.error) {
    out.append(h("section", { class: "card" }, errorBox(tpl.error, "template-error"), retryButton(loadTemplate)));
    return out;
  }
  if (tpl.loading || tpl.termId !== terms.selected) {
    out.append(h("p", { class: "card muted" }, t("app.loading")));
    return out;
  }
  const unknown = unknownPlaceholders(tpl.text);
  const err = tpl.saveError;
  const textError = err ? (err.field ? err.message : detailList(err).filter((d) => d.field === "text").map((d) => d.message).join(listSep()) || null) : null;
  const area = textArea("template-text", tpl, "text", {
    rows: "12",
    maxlength: "20000",
    spellcheck: "false",
    onedit: () => {
      tpl.dirty = true;
      tpl.saved = null;
      rerender();
    },
    onselect: rememberSelection,
    onkeyup: rememberSelection,
    onclick: rememberSelection,
    onblur: rememberSelection,
  });
  area.addEventListener("input", rememberSelection);
  const editor = h(
    "section",
    { class: "card", "aria-labelledby": "template-editor-title", "data-testid": "template-editor" },
    h(
      "div",
      { class: "card-head" },
      h("h2", { id: "template-editor-title" }, t("admin.template.title")),
      h(
        "span",
        { class: "badge badge-neutral", "data-testid": "template-version", "data-version": tpl.template ? String(tpl.template.version) : "0" },
        tpl.template ? t("admin.template.version", { n: tpl.template.version }) : t("admin.template.noVersion"),
      ),
    ),
    tpl.missing ? h("p", { class: "alert alert-info", "data-testid": "template-missing" }, t("admin.template.none")) : null,
    tpl.saved ? notice(t("admin.template.saved", { n: tpl.saved }), "template-save-status", "success", "template-save-status") : null,
    err && !err.field ? errorBox(err, "template-save-error", "template-save-error") : null,
    h(
      "form",
      { novalidate: true, "aria-busy": tpl.busy ? "true" : null, onsubmit: saveTemplate },
      field("template-text", t("admin.template.text"), area, { error: textError, hint: t("admin.template.textHint") }),
      unknown.length ? h("p", { class: "alert alert-error small", role: "alert", "data-testid": "template-unknown" }, t("admin.template.unknown", { names: unknown.map((n) => `{{${n}}}`).join(listSep()) })) : null,
      h(
        "div",
        { class: "adm-placeholders", role: "group", "aria-labelledby": "template-ph-title" },
        h("h3", { id: "template-ph-title" }, t("admin.template.placeholders")),
        h(
          "ul",
          { class: "adm-chips" },
          PLACEHOLDERS.map((n) =>
            h(
              "li",
              {},
              h(
                "button",
                {
                  type: "button",
                  class: "adm-chip",
                  "data-testid": "template-placeholder",
                  "data-placeholder": n,
                  "aria-label": t("admin.template.insert", { label: t(`admin.template.ph.${n}`) }),
                  // keep the textarea's selection: the button does not take focus on pointer down
                  onmousedown: (e) => e.preventDefault(),
                  onclick: () => insertPlaceholder(n),
                },
                h("span", {}, t(`admin.template.ph.${n}`)),
                h("code", {}, `{{${n}}}`),
              ),
            ),
          ),
        ),
      ),
      h(
        "div",
        { class: "form-actions" },
        h(
          "button",
          { type: "submit", id: "template-save", class: "btn btn-primary", "data-testid": "template-save", disabled: tpl.busy, "aria-busy": tpl.busy ? "true" : null },
          tpl.busy ? [spinner(), " ", t("admin.template.saving")] : t("admin.template.save"),
        ),
      ),
    ),
  );
  const preview = h(
    "section",
    { class: "card", "aria-labelledby": "template-preview-title", "data-testid": "template-preview-card" },
    h("h2", { id: "template-preview-title" }, t("admin.template.preview")),
    h("div", { class: "adm-preview", "data-testid": "template-preview" }, renderPreview(tpl.text)),
  );
  out.append(h("div", { class: "adm-two adm-template-grid" }, editor, preview));
  return out;
}

export const templatePage = {
  id: "agreement-template",
  nav: "admin.nav.template",
  visible: isSchoolAdmin,
  enter: enterTemplate,
  render: renderTemplate,
  reset: resetTemplate,
};

addMessages({
  "zh-CN": {
    "admin.noTermsTemplate": "还没有学期。请先在“课后服务方案”页新建学期。",
    "admin.template.discard": "协议书模板有未保存的修改，切换学期将丢弃这些修改。确定吗？",
    "admin.template.noVersion": "尚未保存",
  },
  en: {
    "admin.noTermsTemplate": "There is no term yet. Create one on the Program page first.",
    "admin.template.discard": "The agreement template has unsaved changes; switching the term discards them. Continue?",
    "admin.template.noVersion": "Not saved yet",
  },
});

resetRoster();
resetProviders();
resetTerms();
resetProgram();
resetTemplate();
for (const page of [rosterPage, providersPage, programPage, templatePage]) definePage(page);
