// The guardian's (家长) pages: my children with the PIPL consent, the published program, the application
// form, my applications, one application (status, history, 协议书, withdraw, drop) and the inbox.
// Visible only to guardians; their school is session.me.tenant. State lives in module-level objects and
// every change re-renders the whole page (app.js), so inputs carry ids to keep focus.

import {
  Idempotency,
  addMessages,
  api,
  confirmForm,
  definePage,
  detailList,
  enc,
  errorBox,
  fetchPage,
  field,
  focusId,
  formActions,
  formatDate,
  formatFen,
  formatTime,
  go,
  gradeLabel,
  h,
  hrefOf,
  joinList,
  link,
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
  today,
  typeMessage,
  weekdayLabel,
} from "./kit.js";

// ---------------------------------------------------------------------------------------------
// texts (zh-CN first, English via the language toggle)

const CONSENT_VERSION = "2026-01";

addMessages({
  "zh-CN": {
    "parent.nav.children": "我的孩子",
    "parent.nav.program": "服务项目",
    "parent.nav.applications": "我的申请",
    "parent.back": "返回",
    "parent.none": "无",
    "parent.yes": "是",
    "parent.no": "否",
    "parent.me": "（我）",
    "parent.capacity": "名额 {n} 人",
    "parent.capacityValue": "{n} 人",
    "parent.placesLeft": "余 {n} 个名额",
    "parent.placesFull": "名额已满",
    "parent.placesWaiting": "名额已满，候补 {n} 人",
    "parent.dateRange": "{from} 至 {to}",
    // children
    "parent.children.title": "我的孩子",
    "parent.children.intro": "以下是学校花名册中登记了您手机号的孩子。申请课后服务前，请先阅读并同意个人信息处理告知书。",
    "parent.child.class": "班级",
    "parent.child.number": "学号",
    "parent.child.applications": "课后服务申请",
    "parent.child.noApplications": "还没有申请。",
    "parent.child.apply": "申请课后服务",
    "parent.child.applyLabel": "为{name}申请课后服务",
    "parent.child.applyBlocked": "尚未同意个人信息处理告知书，暂不能申请：学校系统会拒绝未经同意的申请（consent_required）。请先阅读上方告知书并点击“我已阅读，同意”。",
    "parent.consent.title": "个人信息处理告知书（单独同意）",
    "parent.consent.status": "同意状态",
    "parent.consent.none": "未同意",
    "parent.consent.granted": "已同意",
    "parent.consent.withdrawn": "已撤回",
    "parent.consent.version": "告知书版本 {v}",
    "parent.consent.read": "阅读告知书",
    "parent.consent.what": "处理哪些信息：孩子的姓名、学号、年级和班级，监护人的姓名、关系和手机号，接送安排与申请理由，所选的服务和活动。",
    "parent.consent.why": "为什么处理：仅用于课后服务的申请、班级审核与校长审定、编排活动、考勤、放学接送通知和费用结算。",
    "parent.consent.who": "谁能看到：本校校长和学校管理员、孩子的班主任；承办活动的第三方机构只看到开展其活动所必需的信息。手机号加密保存，对无需知道的人员只显示部分号码。",
    "parent.consent.how": "保存多久：课后服务期间保存；孩子退出或学期结束后，按学校档案管理规定的期限保存后删除。",
    "parent.consent.withdrawInfo": "如何撤回：您可随时在本页点击“撤回同意”。撤回后不能再提交新的申请；已有的申请可随时退出。",
    "parent.consent.under14": "孩子未满十四周岁，其个人信息属于敏感个人信息，须由监护人单独同意。",
    "parent.consent.give": "我已阅读，同意",
    "parent.consent.giveLabel": "同意处理{name}的个人信息",
    "parent.consent.withdraw": "撤回同意",
    "parent.consent.withdrawLabel": "撤回对{name}个人信息处理的同意",
    "parent.consent.given": "已记录您对{name}个人信息处理的同意。",
    "parent.consent.withdrawnDone": "已撤回对{name}个人信息处理的同意。",
    // program
    "parent.program.title": "课后服务项目（公示）",
    "parent.program.term": "学期",
    "parent.program.published": "公示版本 {v}，发布于 {at}",
    "parent.program.services": "服务",
    "parent.program.onBehalf": "学校代收代付",
    "parent.program.activities": "活动",
    "parent.program.noActivities": "本学期没有公示活动。",
    "parent.program.category": "类别",
    "parent.program.provider": "开展单位",
    "parent.program.grades": "年级",
    "parent.program.when": "时间",
    "parent.program.venue": "地点",
    "parent.program.capacity": "名额",
    "parent.program.fee": "费用",
    "parent.program.providers": "第三方机构",
    "parent.program.licence": "许可证号 {n}",
    "parent.program.noProviders": "本学期的活动均由学校开展。",
    "parent.program.safety": "安全保障措施",
    "parent.program.procedure": "申请流程",
    "parent.program.empty": "学校尚未公示课后服务项目。",
    // apply
    "parent.apply.title": "申请课后服务",
    "parent.apply.editTitle": "修改并重新提交申请",
    "parent.apply.for": "为{name}（{klass}）申请",
    "parent.apply.unknownChild": "找不到这个孩子，或您不是其登记的监护人。",
    "parent.apply.consentWarning": "您尚未同意（或已撤回）个人信息处理告知书，学校不会受理申请。",
    "parent.apply.consentLink": "去“我的孩子”页面阅读并同意",
    "parent.apply.term": "学期",
    "parent.apply.noTerms": "学校还没有设置学期。",
    "parent.apply.noProgram": "该学期尚未公示课后服务项目，暂不能申请。",
    "parent.apply.open": "该学期已有一份进行中的申请：",
    "parent.apply.openView": "查看申请",
    "parent.apply.returnedBy": "班主任退回的原因：{reason}",
    "parent.apply.reason": "接送情况（为什么需要课后服务）",
    "parent.apply.pickupBy": "由谁来接",
    "parent.apply.pickupByHint": "如：父亲、母亲、奶奶",
    "parent.apply.pickupTime": "最早几点能接",
    "parent.apply.pickupTimeHint": "24 小时制 HH:MM，如 18:30",
    "parent.apply.situation": "家庭情况",
    "parent.apply.situationHint": "名额不足时按此排定候补顺序：前三项优先，同一情况按申请先后。",
    "parent.situation.no_one_available": "服务结束前无人能接孩子",
    "parent.situation.guardians_work_late": "监护人下班晚，无法按时接孩子",
    "parent.situation.single_guardian_or_guardian_away": "单亲家庭或一方监护人外出务工",
    "parent.situation.other": "其他原因",
    "parent.apply.note": "补充说明（选填）",
    "parent.apply.services": "服务",
    "parent.apply.care": "看管服务（放学后看管、自主作业）",
    "parent.apply.nap": "午休",
    "parent.apply.lunch": "午餐（学校代收）",
    "parent.apply.perDay": "{price}/天",
    "parent.apply.activities": "活动（可多选）",
    "parent.apply.activitiesHint": "只列出孩子所在年级可以参加的活动。名额已满的活动在校长审定后进入候补名单。",
    "parent.apply.noActivities": "本学期没有适合该年级的活动。",
    "parent.apply.submit": "提交申请",
    "parent.apply.resubmit": "保存并重新提交",
    "parent.apply.busy": "正在提交…",
    "parent.apply.voluntary": "课后服务遵循自愿原则，提交后可随时退出。",
    "parent.apply.submitted": "申请已提交，等待班主任审核。",
    // statuses
    "parent.status.draft": "草稿",
    "parent.status.submitted": "已提交",
    "parent.status.returned": "已退回修改",
    "parent.status.teacher_approved": "班主任已审核",
    "parent.status.approved": "已批准，待签协议",
    "parent.status.active": "已生效",
    "parent.status.rejected": "未通过",
    "parent.status.withdrawn": "已退出",
    "parent.next.draft": "申请尚未提交。",
    "parent.next.submitted": "等待班主任审核。",
    "parent.next.returned": "班主任退回了申请，请修改后重新提交。",
    "parent.next.teacher_approved": "班主任已审核通过，等待校长审定。",
    "parent.next.approved": "学校已批准，请阅读并签署协议书，签署后服务生效。",
    "parent.next.active": "协议书已签署，孩子将按课表参加课后服务。",
    "parent.next.rejected": "申请未获通过。",
    "parent.next.withdrawn": "孩子已退出课后服务。您可随时重新申请。",
    "parent.activity.requested": "已选择",
    "parent.activity.seated": "已获名额",
    "parent.activity.waitlisted": "候补中",
    "parent.activity.dropped": "已退选",
    "parent.activity.unavailable": "已停开",
    "parent.activity.position": "候补第 {n} 位",
    "parent.activity.unknown": "活动 {id}",
    // applications
    "parent.apps.title": "我的申请",
    "parent.apps.empty": "还没有申请。可在“我的孩子”页面为孩子申请课后服务。",
    "parent.apps.created": "创建于 {at}",
    "parent.apps.open": "查看详情",
    "parent.apps.openLabel": "查看{name}{term}的申请",
    // one application
    "parent.app.title": "申请详情",
    "parent.app.child": "孩子",
    "parent.app.term": "学期",
    "parent.app.status": "状态",
    "parent.app.reason": "原因",
    "parent.app.effective": "退出日期",
    "parent.app.pickup": "接送",
    "parent.app.pickupValue": "{by}，{time} 以后",
    "parent.app.situation": "家庭情况",
    "parent.app.priority": "候补优先级 {rank}",
    "parent.app.note": "补充说明",
    "parent.app.services": "服务",
    "parent.app.lunch": "午餐",
    "parent.app.choices": "申请内容",
    "parent.app.activities": "活动",
    "parent.app.noActivities": "没有选择活动。",
    "parent.app.edit": "修改并重新提交",
    "parent.app.steps": "办理进度",
    "parent.step.apply": "家长申请",
    "parent.step.class": "班级审核",
    "parent.step.principal": "校长审定",
    "parent.step.sign": "签署协议",
    "parent.step.active": "服务生效",
    "parent.drop": "退选",
    "parent.dropLabel": "退选{name}",
    "parent.drop.title": "退选“{name}”",
    "parent.drop.date": "生效日期",
    "parent.drop.hint": "退选后名额会自动让给候补名单上的下一位孩子。",
    "parent.drop.confirm": "确认退选",
    "parent.drop.done": "已退选“{name}”。",
    "parent.history.title": "办理记录",
    "parent.history.empty": "暂无记录。",
    "parent.role.guardian": "家长",
    "parent.role.teacher": "班主任",
    "parent.role.school_admin": "校长/学校管理员",
    "parent.role.system": "系统",
    "parent.action.create": "创建申请",
    "parent.action.edit": "修改申请",
    "parent.action.submit": "提交申请",
    "parent.action.teacher_approve": "班级审核通过",
    "parent.action.return": "退回修改",
    "parent.action.teacher_reject": "班级审核未通过",
    "parent.action.approve": "校长审定通过",
    "parent.action.reject": "校长审定未通过",
    "parent.action.waitlisted": "进入候补名单",
    "parent.action.place_offered": "候补获得名额",
    "parent.action.sign": "签署协议书",
    "parent.action.withdraw": "退出课后服务",
    "parent.action.drop_activity": "退选活动",
    "parent.history.none": "—",
    "parent.agreement.title": "课后服务协议书",
    "parent.agreement.preview": "以下是学校系统按模板（第 {v} 版）为您生成的协议书，签署时保存的正是这份文本及其 SHA-256 校验值。",
    "parent.agreement.agree": "我已阅读并同意",
    "parent.agreement.mustAgree": "请先勾选“我已阅读并同意”。",
    "parent.agreement.sign": "签署协议书",
    "parent.agreement.busy": "正在签署…",
    "parent.agreement.signed": "协议书已签署，服务已生效。",
    "parent.agreement.signedTitle": "已签署的协议书",
    "parent.agreement.sha": "SHA-256",
    "parent.agreement.signedAt": "签署时间",
    "parent.agreement.version": "模板版本",
    "parent.withdraw.open": "退出课后服务",
    "parent.withdraw.title": "退出课后服务",
    "parent.withdraw.intro": "课后服务自愿参加，您可随时退出。退出后孩子的活动名额会让给候补的孩子。",
    "parent.withdraw.date": "退出日期",
    "parent.withdraw.reason": "退出原因",
    "parent.withdraw.confirm": "确认退出",
    "parent.withdraw.done": "孩子已退出课后服务。",
    "parent.notFound": "找不到这份申请。",
    // inbox
    "parent.inbox.title": "消息",
    "parent.inbox.unread": "未读 {n} 条",
    "parent.inbox.empty": "没有消息。",
    "parent.inbox.read": "标为已读",
    "parent.inbox.readLabel": "将“{title}”标为已读",
    "parent.inbox.isRead": "已读",
    "parent.inbox.isUnread": "未读",
    "parent.inbox.marked": "已标为已读。",
    "parent.inbox.childWeek": "查看孩子的课表",
    "parent.inbox.childWeekN": "查看第 {n} 个孩子的课表",
    "parent.contact.title": "如何联系我",
    "parent.contact.intro": "消息总会出现在本页。您还可以选择通过电子邮件或短信接收。",
    "parent.contact.email": "电子邮箱",
    "parent.contact.emailEnabled": "通过电子邮件接收通知",
    "parent.contact.sms": "通过短信接收通知（发送到登录手机 {phone}）",
    "parent.contact.smsNoPhone": "通过短信接收通知（发送到登录手机）",
    "parent.contact.locale": "邮件和短信的语言",
    "parent.contact.save": "保存",
    "parent.contact.busy": "正在保存…",
    "parent.contact.saved": "已保存联系方式。",
    "parent.contact.notRegistered": "尚未设置：目前只在本页收到消息。",
  },
  en: {
    "parent.nav.children": "My children",
    "parent.nav.program": "Program",
    "parent.nav.applications": "My applications",
    "parent.back": "Back",
    "parent.none": "None",
    "parent.yes": "Yes",
    "parent.no": "No",
    "parent.me": " (me)",
    "parent.capacity": "{n} places",
    "parent.capacityValue": "{n}",
    "parent.placesLeft": "{n} places left",
    "parent.placesFull": "Full",
    "parent.placesWaiting": "Full, {n} waiting",
    "parent.dateRange": "{from} to {to}",
    "parent.children.title": "My children",
    "parent.children.intro": "These are the children on the school roster with your phone number. Before applying, read and accept the personal information notice.",
    "parent.child.class": "Class",
    "parent.child.number": "Student no.",
    "parent.child.applications": "Applications",
    "parent.child.noApplications": "No applications yet.",
    "parent.child.apply": "Apply for after-school service",
    "parent.child.applyLabel": "Apply for after-school service for {name}",
    "parent.child.applyBlocked": "You have not accepted the personal information notice, so you cannot apply yet: the school refuses applications without consent (consent_required). Read the notice above and choose “I have read it and agree”.",
    "parent.consent.title": "Personal information notice (separate consent)",
    "parent.consent.status": "Consent",
    "parent.consent.none": "Not given",
    "parent.consent.granted": "Given",
    "parent.consent.withdrawn": "Withdrawn",
    "parent.consent.version": "Notice version {v}",
    "parent.consent.read": "Read the notice",
    "parent.consent.what": "What is processed: the child's name, student number, grade and class; the guardians' names, relationship and phone numbers; pick-up arrangements and the reason for applying; the chosen services and activities.",
    "parent.consent.why": "Why: only to apply, to be reviewed by the homeroom teacher and approved by the principal, to place the child in activities, take attendance, send dismissal notices and settle fees.",
    "parent.consent.who": "Who sees it: the principal and school administrators and the child's homeroom teacher; a provider running an activity sees only what it needs for that activity. Phone numbers are stored encrypted and shown masked to anyone who does not need them.",
    "parent.consent.how": "How long: while the child uses the service; after withdrawal or the end of the term, for the period the school's records rules require, then deleted.",
    "parent.consent.withdrawInfo": "How to withdraw: choose “Withdraw consent” on this page at any time. Afterwards no new application can be submitted; existing ones can be withdrawn at any time.",
    "parent.consent.under14": "The child is under 14, so their personal information is sensitive and needs a guardian's separate consent.",
    "parent.consent.give": "I have read it and agree",
    "parent.consent.giveLabel": "Consent to processing {name}'s personal information",
    "parent.consent.withdraw": "Withdraw consent",
    "parent.consent.withdrawLabel": "Withdraw consent for {name}",
    "parent.consent.given": "Your consent for {name} is recorded.",
    "parent.consent.withdrawnDone": "Your consent for {name} is withdrawn.",
    "parent.program.title": "After-school program (published)",
    "parent.program.term": "Term",
    "parent.program.published": "Published version {v}, {at}",
    "parent.program.services": "Services",
    "parent.program.onBehalf": "Collected by the school on the caterer's behalf",
    "parent.program.activities": "Activities",
    "parent.program.noActivities": "No activities are published this term.",
    "parent.program.category": "Category",
    "parent.program.provider": "Run by",
    "parent.program.grades": "Grades",
    "parent.program.when": "When",
    "parent.program.venue": "Venue",
    "parent.program.capacity": "Places",
    "parent.program.fee": "Fee",
    "parent.program.providers": "Third-party providers",
    "parent.program.licence": "Licence {n}",
    "parent.program.noProviders": "All activities this term are run by the school.",
    "parent.program.safety": "Safety measures",
    "parent.program.procedure": "How to apply",
    "parent.program.empty": "The school has not published its after-school program yet.",
    "parent.apply.title": "Apply for after-school service",
    "parent.apply.editTitle": "Edit and resubmit the application",
    "parent.apply.for": "For {name} ({klass})",
    "parent.apply.unknownChild": "This child was not found, or you are not a registered guardian.",
    "parent.apply.consentWarning": "You have not accepted (or have withdrawn) the personal information notice; the school will not accept an application.",
    "parent.apply.consentLink": "Read and accept it on “My children”",
    "parent.apply.term": "Term",
    "parent.apply.noTerms": "The school has not set up a term yet.",
    "parent.apply.noProgram": "The program for this term is not published yet; applying is not possible.",
    "parent.apply.open": "There is already an open application for this term:",
    "parent.apply.openView": "View it",
    "parent.apply.returnedBy": "Returned by the homeroom teacher: {reason}",
    "parent.apply.reason": "Pick-up (why the child needs the service)",
    "parent.apply.pickupBy": "Who picks the child up",
    "parent.apply.pickupByHint": "e.g. father, mother, grandmother",
    "parent.apply.pickupTime": "Earliest pick-up time",
    "parent.apply.pickupTimeHint": "24-hour clock HH:MM, e.g. 18:30",
    "parent.apply.situation": "Family situation",
    "parent.apply.situationHint": "Sets the waiting-list order when places run short: the first three come first; within one, first come first served.",
    "parent.situation.no_one_available": "No adult can collect the child before the service ends",
    "parent.situation.guardians_work_late": "The guardians work late and cannot collect the child on time",
    "parent.situation.single_guardian_or_guardian_away": "Single guardian, or a guardian works away from home",
    "parent.situation.other": "Other reason",
    "parent.apply.note": "Note (optional)",
    "parent.apply.services": "Services",
    "parent.apply.care": "Supervised care (after school, with homework time)",
    "parent.apply.nap": "Nap",
    "parent.apply.lunch": "Lunch (collected by the school)",
    "parent.apply.perDay": "{price}/day",
    "parent.apply.activities": "Activities (choose any)",
    "parent.apply.activitiesHint": "Only activities open to the child's grade are listed. A full activity puts the child on its waiting list when the principal approves.",
    "parent.apply.noActivities": "No activity this term is open to the child's grade.",
    "parent.apply.submit": "Submit application",
    "parent.apply.resubmit": "Save and resubmit",
    "parent.apply.busy": "Submitting…",
    "parent.apply.voluntary": "Taking part is voluntary; you can withdraw at any time after submitting.",
    "parent.apply.submitted": "The application is submitted and awaits the homeroom teacher's review.",
    "parent.status.draft": "Draft",
    "parent.status.submitted": "Submitted",
    "parent.status.returned": "Returned for changes",
    "parent.status.teacher_approved": "Approved by teacher",
    "parent.status.approved": "Approved, sign the agreement",
    "parent.status.active": "Active",
    "parent.status.rejected": "Not approved",
    "parent.status.withdrawn": "Withdrawn",
    "parent.next.draft": "The application is not submitted yet.",
    "parent.next.submitted": "Waiting for the homeroom teacher's review.",
    "parent.next.returned": "The homeroom teacher returned the application; edit it and submit again.",
    "parent.next.teacher_approved": "The homeroom teacher approved; waiting for the principal's decision.",
    "parent.next.approved": "The school approved; read and sign the agreement to start the service.",
    "parent.next.active": "The agreement is signed; the child attends as timetabled.",
    "parent.next.rejected": "The application was not approved.",
    "parent.next.withdrawn": "The child has left the after-school service. You may apply again at any time.",
    "parent.activity.requested": "Chosen",
    "parent.activity.seated": "Has a place",
    "parent.activity.waitlisted": "Waiting list",
    "parent.activity.dropped": "Dropped",
    "parent.activity.unavailable": "Cancelled",
    "parent.activity.position": "Position {n} on the waiting list",
    "parent.activity.unknown": "Activity {id}",
    "parent.apps.title": "My applications",
    "parent.apps.empty": "No applications yet. Apply for a child on “My children”.",
    "parent.apps.created": "Created {at}",
    "parent.apps.open": "View details",
    "parent.apps.openLabel": "View the application for {name}, {term}",
    "parent.app.title": "Application",
    "parent.app.child": "Child",
    "parent.app.term": "Term",
    "parent.app.status": "Status",
    "parent.app.reason": "Reason",
    "parent.app.effective": "Withdrawn from",
    "parent.app.pickup": "Pick-up",
    "parent.app.pickupValue": "{by}, after {time}",
    "parent.app.situation": "Family situation",
    "parent.app.priority": "Waiting-list priority {rank}",
    "parent.app.note": "Note",
    "parent.app.services": "Services",
    "parent.app.lunch": "Lunch",
    "parent.app.choices": "What you applied for",
    "parent.app.activities": "Activities",
    "parent.app.noActivities": "No activities chosen.",
    "parent.app.edit": "Edit and resubmit",
    "parent.app.steps": "Progress",
    "parent.step.apply": "Guardian applies",
    "parent.step.class": "Class review",
    "parent.step.principal": "Principal",
    "parent.step.sign": "Agreement",
    "parent.step.active": "Active",
    "parent.drop": "Drop",
    "parent.dropLabel": "Drop {name}",
    "parent.drop.title": "Drop “{name}”",
    "parent.drop.date": "Effective date",
    "parent.drop.hint": "The place goes to the next child on the waiting list.",
    "parent.drop.confirm": "Drop activity",
    "parent.drop.done": "“{name}” is dropped.",
    "parent.history.title": "History",
    "parent.history.empty": "Nothing yet.",
    "parent.role.guardian": "Guardian",
    "parent.role.teacher": "Homeroom teacher",
    "parent.role.school_admin": "Principal / school admin",
    "parent.role.system": "System",
    "parent.action.create": "Created",
    "parent.action.edit": "Edited",
    "parent.action.submit": "Submitted",
    "parent.action.teacher_approve": "Approved in class review",
    "parent.action.return": "Returned for changes",
    "parent.action.teacher_reject": "Rejected in class review",
    "parent.action.approve": "Approved by the principal",
    "parent.action.reject": "Rejected by the principal",
    "parent.action.waitlisted": "Put on the waiting list",
    "parent.action.place_offered": "Given a place from the waiting list",
    "parent.action.sign": "Agreement signed",
    "parent.action.withdraw": "Withdrawn",
    "parent.action.drop_activity": "Activity dropped",
    "parent.history.none": "—",
    "parent.agreement.title": "After-school service agreement (协议书)",
    "parent.agreement.preview": "The agreement as the school's system rendered it from its template (version {v}), in Chinese: signing stores exactly this text and its SHA-256.",
    "parent.agreement.agree": "I have read and agree",
    "parent.agreement.mustAgree": "Tick “I have read and agree” first.",
    "parent.agreement.sign": "Sign the agreement",
    "parent.agreement.busy": "Signing…",
    "parent.agreement.signed": "The agreement is signed; the service is active.",
    "parent.agreement.signedTitle": "Signed agreement",
    "parent.agreement.sha": "SHA-256",
    "parent.agreement.signedAt": "Signed at",
    "parent.agreement.version": "Template version",
    "parent.withdraw.open": "Withdraw from the service",
    "parent.withdraw.title": "Withdraw from the after-school service",
    "parent.withdraw.intro": "Taking part is voluntary and you may leave at any time. The child's places go to children on the waiting lists.",
    "parent.withdraw.date": "Withdraw from",
    "parent.withdraw.reason": "Reason",
    "parent.withdraw.confirm": "Withdraw",
    "parent.withdraw.done": "The child has left the after-school service.",
    "parent.notFound": "This application was not found.",
    "parent.inbox.title": "Inbox",
    "parent.inbox.unread": "{n} unread",
    "parent.inbox.empty": "No notices.",
    "parent.inbox.read": "Mark read",
    "parent.inbox.readLabel": "Mark “{title}” read",
    "parent.inbox.isRead": "Read",
    "parent.inbox.isUnread": "Unread",
    "parent.inbox.marked": "Marked read.",
    "parent.inbox.childWeek": "See the child's timetable",
    "parent.inbox.childWeekN": "See child {n}'s timetable",
    "parent.contact.title": "How to reach me",
    "parent.contact.intro": "Notices always arrive here. You can also get them by e-mail or SMS.",
    "parent.contact.email": "E-mail",
    "parent.contact.emailEnabled": "Send notices by e-mail",
    "parent.contact.sms": "Send notices by SMS (to your sign-in phone {phone})",
    "parent.contact.smsNoPhone": "Send notices by SMS (to your sign-in phone)",
    "parent.contact.locale": "Language of e-mail and SMS",
    "parent.contact.save": "Save",
    "parent.contact.busy": "Saving…",
    "parent.contact.saved": "Contact settings saved.",
    "parent.contact.notRegistered": "Not set yet: notices only reach this inbox.",
  },
});

const STATUSES = ["draft", "submitted", "returned", "teacher_approved", "approved", "active", "rejected", "withdrawn"];
const OPEN = new Set(["draft", "submitted", "returned", "teacher_approved", "approved", "active"]);
const EDITABLE = new Set(["draft", "returned"]);
const LIVE_ACTIVITY = new Set(["seated", "waitlisted", "requested"]);
const SITUATIONS = ["no_one_available", "guardians_work_late", "single_guardian_or_guardian_away", "other"];
// The languages of e-mail and SMS, each named in itself.
const LOCALES = [
  { value: "zh-CN", lang: "zh-CN", label: "中文" },
  { value: "en", lang: "en", label: "English" },
];

// ---------------------------------------------------------------------------------------------
// state

const data = {
  children: null, // list of students, or null while unknown
  childrenError: null,
  childrenEmpty: null, // the API's no_children_for_phone error
  childrenLoading: false,
  consents: {}, // studentId -> ConsentState
  consentErrors: {}, // studentId -> error
  consentBusy: null,
  consentOpen: {}, // studentId -> notice text expanded
  apps: null,
  appsError: null,
  terms: null,
  termsError: null,
  programs: {}, // `${lang}|${termId||""}` -> { data } | { error }
  places: {}, // termId -> { byId: Map(activity id -> {capacity, taken, waiting}) } | { error }
  unread: null,
};

const creating = new Idempotency(); // one Idempotency-Key per application form's data, reused on a retry

const status = { text: null, kind: "success", page: null }; // the last announcement (notice()), per page

function blankApply() {
  return {
    key: null, // `${studentId}|${appId}` the form was prepared for
    loading: false,
    error: null, // load error
    childMissing: false,
    appId: null, // an existing application being edited (returned, or a draft left from a failed submit)
    app: null,
    form: null,
    errors: {},
    submitError: null,
    busy: false,
  };
}
let apply = blankApply();

function blankDetail() {
  return {
    id: null,
    loading: false,
    error: null,
    app: null,
    history: [],
    historyError: null,
    preview: null, // { template_version, text } as signing would store it
    previewError: null,
    signed: null,
    signedError: null,
    agree: false,
    agreeError: false,
    busy: null, // "sign" | "withdraw" | `drop:<id>`
    actionError: null,
    withdrawOpen: false,
    withdraw: { date: "", reason: "" },
    withdrawErrors: {},
    dropFor: null,
    dropDate: "",
  };
}
let detail = blankDetail();

function blankInbox() {
  return {
    loading: false,
    items: [],
    next: null,
    error: null,
    busy: null,
    rowError: null,
    contact: null,
    contactForm: null,
    contactError: null,
    contactLoadError: null,
    contactErrors: {},
    contactBusy: false,
  };
}
let inbox = blankInbox();

function resetAll() {
  Object.assign(data, {
    children: null,
    childrenError: null,
    childrenEmpty: null,
    childrenLoading: false,
    consents: {},
    consentErrors: {},
    consentBusy: null,
    consentOpen: {},
    apps: null,
    appsError: null,
    terms: null,
    termsError: null,
    programs: {},
    places: {},
    unread: null,
  });
  Object.assign(status, { text: null, kind: "success", page: null });
  apply = blankApply();
  detail = blankDetail();
  inbox = blankInbox();
  creating.pending.clear();
  setUnreadLabel(null);
}

// ---------------------------------------------------------------------------------------------
// small helpers

const isGuardian = (me) => Boolean(me && me.tenant && (me.roles || []).includes("guardian"));
const weekdays = (days) => joinList((days || []).map(weekdayLabel));
const statusLabel = (s) => (STATUSES.includes(s) ? t(`parent.status.${s}`) : s);
const activityStateLabel = (s) => tOr(`parent.activity.${s}`, s);

function announce(text, kind = "success", page = null) {
  status.text = text;
  status.kind = kind;
  status.page = page;
}

function renderAnnouncement(page) {
  if (!status.text || status.page !== page) return null;
  return notice(status.text, "parent-notice", status.kind, "parent-notice");
}

function focusSoon(id) {
  // after the re-render that follows the state change
  setTimeout(() => focusId(id), 0);
}

function childById(id) {
  return (data.children || []).find((c) => c.id === id) || null;
}

function termById(id) {
  return (data.terms || []).find((x) => x.id === id) || null;
}

function termName(id, program) {
  const term = termById(id);
  if (term) return term.name;
  if (program && program.term && program.term.id === id) return program.term.name;
  return id;
}

function programKey(termId) {
  return `${session.lang}|${termId || ""}`;
}

/** The term's program in the reader's language; after a language switch, the other language's copy (names
 * and amounts are the same) while the new one loads. */
function programOf(termId) {
  const entry = data.programs[programKey(termId)];
  if (entry && entry.data) return entry.data;
  ensureProgram(termId);
  const other = Object.entries(data.programs).find(([k, v]) => k.endsWith(`|${termId || ""}`) && v.data);
  return other ? other[1].data : null;
}

const pendingPrograms = new Set();

/** Load a program not loaded yet in this language, then re-render (used from render functions). */
function ensureProgram(termId) {
  const key = programKey(termId);
  if (data.programs[key] || pendingPrograms.has(key) || !session.me) return;
  pendingPrograms.add(key);
  loadProgram(termId).finally(() => {
    pendingPrograms.delete(key);
    rerender();
  });
}

/** 三年级2班 already says the grade in Chinese; English readers get the grade spelled out too. */
function classLabel(child) {
  const klass = child.class_name || "";
  if (session.lang !== "en" && klass.includes("年级")) return klass;
  return [gradeLabel(child.grade), klass].filter(Boolean).join(" · ");
}

function activityName(termId, activityId) {
  const program = programOf(termId);
  const a = program && program.activities.find((x) => x.id === activityId);
  return a ? a.name : t("parent.activity.unknown", { id: activityId.slice(-6) });
}

/** The API's field paths (pydantic loc) mapped to this form's fields, with localised messages. */
function applyFieldErrors(err, activityIds) {
  const out = {};
  for (const d of detailList(err)) {
    if (typeof d.field !== "string") continue;
    const f = d.field;
    let name = null;
    if (f === "term_id") name = "term";
    else if (f === "care_reason" || f === "care_reason.pickup_by") name = "pickup_by";
    else if (f === "care_reason.pickup_time") name = "pickup_time";
    else if (f === "care_reason.situation") name = "situation";
    else if (f === "care_reason.note") name = "note";
    else if (f.startsWith("services")) name = "services";
    else if (f === "lunch") name = "lunch";
    else if (f.startsWith("activity_ids")) {
      const i = Number(f.split(".")[1]);
      name = Number.isInteger(i) && activityIds[i] ? `activity:${activityIds[i]}` : "activities";
    }
    if (!name || out[name]) continue;
    out[name] = fieldMessage(name, d, err);
  }
  return out;
}

function fieldMessage(name, d, err) {
  const common = typeMessage(d.type);
  if (common) return common;
  if (d.type === "string_pattern_mismatch") return name === "pickup_time" ? t("field.hhmm") : t("field.pattern");
  if (d.type === "value_error" && name === "email") return t("field.email");
  return d.message || err.message;
}

// ---------------------------------------------------------------------------------------------
// loading

async function loadChildren(force = false) {
  if (data.childrenLoading || (data.children && !force)) return;
  data.childrenLoading = true;
  data.childrenError = null;
  data.childrenEmpty = null;
  try {
    const { data: body } = await api("GET", schoolPath("/my/children"));
    data.children = body.items || [];
  } catch (err) {
    data.children = [];
    if (err.code === "no_children_for_phone") data.childrenEmpty = err;
    else data.childrenError = err;
  } finally {
    data.childrenLoading = false;
  }
}

async function loadConsent(studentId) {
  try {
    const { data: body } = await api("GET", schoolPath(`/students/${enc(studentId)}/consent`));
    data.consents[studentId] = body;
    delete data.consentErrors[studentId];
  } catch (err) {
    data.consentErrors[studentId] = err;
  }
}

async function loadApps() {
  data.appsError = null;
  try {
    const { data: body } = await api("GET", schoolPath("/my/applications"));
    data.apps = body.items || [];
  } catch (err) {
    data.appsError = err;
    if (!data.apps) data.apps = [];
  }
}

async function loadTerms(force = false) {
  if (data.terms && !force) return;
  data.termsError = null;
  try {
    const { data: body } = await api("GET", schoolPath("/terms?limit=100"));
    data.terms = (body.items || []).slice().sort((a, b) => (a.starts_on < b.starts_on ? 1 : -1));
  } catch (err) {
    data.termsError = err;
    data.terms = [];
  }
}

/** The published program of a term (or the school's default one), in the reader's language. */
async function loadProgram(termId, force = false) {
  const key = programKey(termId);
  if (data.programs[key] && !force) return data.programs[key];
  // Cacheable (max-age=60) with "Vary: Accept-Language", so a language switch gets the other language's copy.
  const query = termId ? `?${new URLSearchParams({ term_id: termId })}` : "";
  try {
    const { data: body } = await api("GET", `/public/schools/${enc(session.me.tenant)}/program${query}`);
    data.programs[key] = { data: body };
    if (!termId) data.programs[programKey(body.term.id)] = { data: body };
  } catch (err) {
    data.programs[key] = { error: err };
  }
  return data.programs[key];
}

/** Places left per activity of a term (名额, 候补); without them the form shows the capacity. */
async function loadPlaces(termId) {
  if (!termId) return;
  try {
    const { data: body } = await api("GET", schoolPath(`/terms/${enc(termId)}/places`));
    data.places[termId] = { byId: new Map((body.items || []).map((x) => [x.activity_id, x])) };
  } catch (err) {
    data.places[termId] = { error: err };
  }
}

function placesText(termId, activity) {
  const entry = data.places[termId];
  const p = entry && entry.byId ? entry.byId.get(activity.id) : null;
  if (!p) return t("parent.capacity", { n: activity.capacity });
  const left = p.capacity - p.taken;
  if (left > 0) return t("parent.placesLeft", { n: left });
  return p.waiting ? t("parent.placesWaiting", { n: p.waiting }) : t("parent.placesFull");
}

async function refreshUnread() {
  try {
    const { data: body } = await api("GET", schoolPath("/my/inbox?limit=1"));
    setUnreadLabel(body.unread);
    rerender();
  } catch {
    /* the nav label just stays as it was */
  }
}

/** The unread count rides in the Inbox tab's label (app.js renders t(page.nav)). */
function setUnreadLabel(n) {
  data.unread = n;
  const zh = n ? `消息（${n}）` : "消息";
  const en = n ? `Inbox (${n})` : "Inbox";
  addMessages({ "zh-CN": { "parent.nav.inboxLabel": zh }, en: { "parent.nav.inboxLabel": en } });
}
setUnreadLabel(null);

// ---------------------------------------------------------------------------------------------
// page: my children

async function enterChildren() {
  if (status.page !== "children") status.text = null;
  refreshUnread();
  await Promise.all([loadChildren(true), loadApps(), loadTerms()]);
  rerender();
  await Promise.all((data.children || []).map((c) => loadConsent(c.id)));
}

function renderChildren() {
  const section = h(
    "section",
    { class: "card", "aria-labelledby": "children-title", "data-testid": "children-page" },
    h("h1", { id: "children-title" }, t("parent.children.title")),
  );
  section.append(renderAnnouncement("children") || "");
  if (data.childrenError) {
    section.append(errorBox(data.childrenError, "children-error"));
    return wrap(section);
  }
  if (data.childrenEmpty) {
    section.append(
      h("div", { class: "alert alert-info", role: "status", "data-testid": "children-empty", "data-error-code": data.childrenEmpty.code }, h("p", { lang: data.childrenEmpty.lang || null }, data.childrenEmpty.message)),
    );
    return wrap(section);
  }
  if (!data.children) {
    section.append(muted(t("app.loading"), "children-loading"));
    return wrap(section);
  }
  section.append(h("p", { class: "muted small" }, t("parent.children.intro")));
  const list = h("div", { class: "pp-stack" });
  for (const child of data.children) list.append(renderChildCard(child));
  return wrap(section, list);
}

function renderChildCard(child) {
  const consent = data.consents[child.id];
  const consentError = data.consentErrors[child.id];
  const given = consent && consent.status === "granted";
  const busy = data.consentBusy === child.id;
  const titleId = `child-${child.id}-name`;
  const apps = (data.apps || []).filter((a) => a.student_id === child.id);

  const consentBox = h(
    "div",
    { class: "pp-consent", "data-testid": "consent" },
    h(
      "div",
      { class: "pp-row" },
      h("span", { class: "pp-label" }, t("parent.consent.status")),
      consent
        ? statusBadge(consent.status, "consent-status", tOr(`parent.consent.${consent.status}`, consent.status))
        : consentError
          ? null
          : h("span", { class: "muted small" }, t("app.loading")),
      consent && consent.text_version ? h("span", { class: "muted small" }, t("parent.consent.version", { v: consent.text_version })) : null,
    ),
    consentError ? errorBox(consentError, "consent-error") : null,
  );
  if (consent && !given) {
    consentBox.append(renderConsentText(child), consentButton(child, "give", "btn btn-primary", busy));
  } else if (given) {
    consentBox.append(
      h("details", { class: "pp-notice-text" }, h("summary", {}, t("parent.consent.read")), renderConsentText(child, true)),
      consentButton(child, "withdraw", "btn btn-danger-ghost btn-small", busy),
    );
  }

  const applyBlock = given
    ? h(
        "a",
        {
          href: hrefOf(`apply/${child.id}`),
          class: "btn btn-primary pp-block",
          "data-testid": "apply-start",
          "aria-label": t("parent.child.applyLabel", { name: child.name }),
        },
        t("parent.child.apply"),
      )
    : h(
        "div",
        { class: "pp-apply-blocked" },
        h(
          "button",
          {
            type: "button",
            class: "btn btn-primary pp-block",
            "data-testid": "apply-start",
            disabled: true,
            "aria-disabled": "true",
            "aria-describedby": `apply-blocked-${child.id}`,
          },
          t("parent.child.apply"),
        ),
        consent ? h("p", { class: "pp-warn small", id: `apply-blocked-${child.id}`, "data-testid": "apply-blocked" }, t("parent.child.applyBlocked")) : null,
      );

  return h(
    "article",
    { class: "card pp-child", "aria-labelledby": titleId, "data-testid": "child-card", "data-student-id": child.id },
    h("h2", { id: titleId, "data-testid": "child-name" }, child.name),
    h(
      "dl",
      { class: "facts" },
      h("dt", {}, t("parent.child.class")),
      h("dd", { "data-testid": "child-class" }, classLabel(child)),
      h("dt", {}, t("parent.child.number")),
      h("dd", {}, child.student_number),
    ),
    consentBox,
    h("h3", { class: "pp-subhead" }, t("parent.child.applications")),
    apps.length
      ? h(
          "ul",
          { class: "pp-links" },
          apps.map((a) =>
            h(
              "li",
              {},
              h(
                "a",
                { href: hrefOf(`application/${a.id}`), "data-testid": "child-application", "data-application-id": a.id },
                h("span", {}, termName(a.term_id)),
                " ",
                statusBadge(a.status, null, statusLabel(a.status)),
              ),
            ),
          ),
        )
      : h("p", { class: "muted small" }, t("parent.child.noApplications")),
    applyBlock,
    // the child's published timetable (page-week.js defines the page and its texts)
    h("a", { href: hrefOf(`child-week/${enc(session.me.tenant)}/${enc(child.id)}`), class: "btn btn-secondary pp-block", "data-testid": "child-week-link", "aria-label": t("tt.child.linkLabel", { name: child.name }) }, t("tt.child.link")),
  );
}

function renderConsentText(child, compact = false) {
  return h(
    "div",
    { class: compact ? "pp-consent-text" : "pp-consent-text pp-consent-open", "data-testid": "consent-text", "data-text-version": CONSENT_VERSION },
    compact ? null : h("h3", {}, t("parent.consent.title")),
    h("p", { class: "small" }, t("parent.consent.under14")),
    h(
      "ul",
      { class: "small" },
      h("li", {}, t("parent.consent.what")),
      h("li", {}, t("parent.consent.why")),
      h("li", {}, t("parent.consent.who")),
      h("li", {}, t("parent.consent.how")),
      h("li", {}, t("parent.consent.withdrawInfo")),
    ),
    h("p", { class: "muted small" }, t("parent.consent.version", { v: CONSENT_VERSION })),
  );
}

function consentButton(child, action, className, busy) {
  return formActions(
    h(
      "button",
      {
        type: "button",
        id: `consent-${action}-${child.id}`,
        class: className,
        "data-testid": `consent-${action}`,
        "aria-label": t(`parent.consent.${action}Label`, { name: child.name }),
        disabled: busy,
        "aria-busy": busy ? "true" : null,
        onclick: () => changeConsent(child, action),
      },
      t(`parent.consent.${action}`),
    ),
  );
}

const CONSENT_ACTIONS = {
  give: { method: "POST", body: { text_version: CONSENT_VERSION }, done: "parent.consent.given", kind: "success" },
  withdraw: { method: "DELETE", body: undefined, done: "parent.consent.withdrawnDone", kind: "info" },
};

async function changeConsent(child, action) {
  const how = CONSENT_ACTIONS[action];
  data.consentBusy = child.id;
  delete data.consentErrors[child.id];
  rerender();
  try {
    const { data: body } = await api(how.method, schoolPath(`/students/${enc(child.id)}/consent`), { body: how.body });
    data.consents[child.id] = body;
    announce(t(how.done, { name: child.name }), how.kind, "children");
  } catch (err) {
    data.consentErrors[child.id] = err;
  } finally {
    data.consentBusy = null;
    rerender();
  }
  focusSoon(data.consentErrors[child.id] ? `consent-${action}-${child.id}` : "parent-notice");
}

// ---------------------------------------------------------------------------------------------
// page: the program (公示)

async function enterProgram() {
  refreshUnread();
  await loadProgram(null, true);
}

function renderProgram() {
  const entry = data.programs[programKey(null)];
  if (!entry) ensureProgram(null);
  const section = h(
    "section",
    { class: "card", "aria-labelledby": "program-title", "data-testid": "program-page" },
    h("h1", { id: "program-title" }, t("parent.program.title")),
  );
  if (!entry) {
    section.append(muted(t("app.loading")));
    return wrap(section);
  }
  if (entry.error) {
    if (entry.error.status === 404) section.append(h("p", { class: "alert alert-info", "data-testid": "program-empty" }, t("parent.program.empty")));
    else section.append(errorBox(entry.error, "program-error"));
    return wrap(section);
  }
  const p = entry.data;
  section.append(
    h("p", { class: "pp-lead", "data-testid": "program-school" }, p.school.name),
    h(
      "dl",
      { class: "facts" },
      h("dt", {}, t("parent.program.term")),
      h("dd", { "data-testid": "program-term" }, p.term.name, " ", h("span", { class: "muted small" }, t("parent.dateRange", { from: formatDate(p.term.starts_on), to: formatDate(p.term.ends_on) }))),
    ),
    h("p", { class: "muted small" }, t("parent.program.published", { v: p.version, at: formatTime(p.published_at) })),
  );

  const services = h(
    "section",
    { class: "card", "aria-labelledby": "program-services" },
    h("h2", { id: "program-services" }, t("parent.program.services")),
    h(
      "ul",
      { class: "pp-list" },
      p.services.map((s) =>
        h(
          "li",
          { "data-testid": "program-service", "data-kind": s.kind },
          h("div", { class: "pp-row pp-spread" }, h("strong", {}, s.label), h("span", { class: "pp-fee" }, s.fee)),
          s.description ? h("p", { class: "small" }, s.description) : null,
        ),
      ),
    ),
  );

  const activities = h(
    "section",
    { class: "card", "aria-labelledby": "program-activities" },
    h("h2", { id: "program-activities" }, t("parent.program.activities")),
    p.activities.length ? h("div", { class: "pp-grid" }, p.activities.map(renderProgramActivity)) : h("p", { class: "muted" }, t("parent.program.noActivities")),
  );

  const providers = h(
    "section",
    { class: "card", "aria-labelledby": "program-providers" },
    h("h2", { id: "program-providers" }, t("parent.program.providers")),
    p.providers.length
      ? h(
          "ul",
          { class: "pp-list" },
          p.providers.map((pr) => h("li", { "data-testid": "program-provider" }, h("strong", {}, pr.name), h("span", { class: "muted small pp-block-inline" }, t("parent.program.licence", { n: pr.licence_number })))),
        )
      : h("p", { class: "muted small" }, t("parent.program.noProviders")),
  );

  const more = [];
  if (p.safety_measures) {
    more.push(h("section", { class: "card", "aria-labelledby": "program-safety" }, h("h2", { id: "program-safety" }, t("parent.program.safety")), h("p", { "data-testid": "program-safety" }, p.safety_measures)));
  }
  more.push(
    h(
      "section",
      { class: "card", "aria-labelledby": "program-procedure" },
      h("h2", { id: "program-procedure" }, t("parent.program.procedure")),
      h("ol", { class: "pp-steps", "data-testid": "program-procedure" }, p.procedure.map((s) => h("li", {}, s.label))),
    ),
  );
  return wrap(section, services, activities, providers, ...more);
}

function renderProgramActivity(a) {
  return h(
    "article",
    { class: "pp-activity", "data-testid": "program-activity", "data-activity-id": a.id, "aria-labelledby": `pa-${a.id}` },
    h("div", { class: "pp-row pp-spread" }, h("h3", { id: `pa-${a.id}` }, a.name), h("span", { class: "badge pp-cat" }, a.category_label)),
    h(
      "dl",
      { class: "facts small" },
      h("dt", {}, t("parent.program.provider")),
      h("dd", {}, a.provider && a.provider.name),
      h("dt", {}, t("parent.program.grades")),
      h("dd", {}, joinList(a.grades.map(gradeLabel))),
      h("dt", {}, t("parent.program.when")),
      h("dd", {}, `${weekdays(a.weekdays)} · ${periodLabel(a.period)}`),
      h("dt", {}, t("parent.program.venue")),
      h("dd", {}, a.venue),
      h("dt", {}, t("parent.program.capacity")),
      h("dd", {}, t("parent.capacityValue", { n: a.capacity })),
      h("dt", {}, t("parent.program.fee")),
      h("dd", { class: "pp-fee", "data-testid": "program-activity-fee" }, a.fee),
    ),
    a.description ? h("p", { class: "small muted" }, a.description) : null,
  );
}

// ---------------------------------------------------------------------------------------------
// page: apply (#/apply/<studentId>[/<applicationId>])

function blankForm() {
  return { term: "", pickup_by: "", pickup_time: "", situation: "other", note: "", care: false, nap: false, lunch: false, activities: [] };
}

function formFromApp(app) {
  const r = app.care_reason || {};
  return {
    term: app.term_id,
    pickup_by: r.pickup_by || "",
    pickup_time: r.pickup_time || "",
    situation: r.situation || "other",
    note: r.note || "",
    care: (app.services || []).includes("care"),
    nap: (app.services || []).includes("nap"),
    lunch: Boolean(app.lunch),
    activities: (app.activities || []).filter((a) => a.state !== "dropped").map((a) => a.activity_id),
  };
}

async function enterApply(params) {
  const [studentId, appId] = params;
  const key = `${studentId}|${appId || ""}`;
  refreshUnread();
  if (apply.key === key && apply.form && !apply.error) {
    await loadConsent(studentId); // keep what was typed; the consent may have changed meanwhile
    return;
  }
  apply = blankApply();
  apply.key = key;
  apply.loading = true;
  rerender();
  await Promise.all([loadChildren(), loadTerms(), loadApps(), loadProgram(null)]);
  const child = childById(studentId);
  if (!child) {
    apply.childMissing = true;
    apply.loading = false;
    return;
  }
  await loadConsent(studentId);
  if (appId) {
    try {
      const { data: app } = await api("GET", schoolPath(`/applications/${enc(appId)}`));
      apply.app = app;
      apply.appId = app.id;
      apply.form = formFromApp(app);
    } catch (err) {
      apply.error = err;
      apply.loading = false;
      return;
    }
  } else {
    apply.form = blankForm();
    const def = programOf(null);
    apply.form.term = def ? def.term.id : (data.terms[0] && data.terms[0].id) || "";
  }
  if (apply.form.term) await Promise.all([loadProgram(apply.form.term), loadPlaces(apply.form.term)]);
  apply.loading = false;
}

async function changeTerm(termId) {
  apply.form.term = termId;
  apply.form.activities = [];
  apply.errors = {};
  rerender();
  await Promise.all([loadProgram(termId), loadPlaces(termId)]);
  rerender();
}

function openAppFor(studentId, termId) {
  return (data.apps || []).find((a) => a.student_id === studentId && a.term_id === termId && OPEN.has(a.status)) || null;
}

function renderApply(params) {
  const [studentId] = params;
  const child = childById(studentId);
  const editing = Boolean(apply.app);
  const section = h(
    "section",
    { class: "card", "aria-labelledby": "apply-title", "data-testid": "apply-page" },
    h("h1", { id: "apply-title" }, editing ? t("parent.apply.editTitle") : t("parent.apply.title")),
  );
  if (apply.loading || apply.key !== `${studentId}|${params[1] || ""}`) {
    section.append(muted(t("app.loading")));
    return wrap(section);
  }
  if (apply.childMissing || !child) {
    section.append(data.childrenEmpty ? errorBox(data.childrenEmpty, "apply-error") : h("p", { class: "alert alert-error", role: "alert", "data-testid": "apply-error" }, t("parent.apply.unknownChild")));
    section.append(link("children", t("parent.back"), { class: "btn btn-ghost" }));
    return wrap(section);
  }
  if (apply.error || !apply.form) {
    section.append(errorBox(apply.error, "apply-error") || "", link("children", t("parent.back"), { class: "btn btn-ghost" }));
    return wrap(section);
  }
  const f = apply.form;
  const e = apply.errors;
  section.append(h("p", { class: "pp-lead", "data-testid": "apply-child" }, t("parent.apply.for", { name: child.name, klass: classLabel(child) })));
  if (editing && apply.app.status === "returned" && apply.app.status_reason) {
    section.append(h("p", { class: "alert alert-info", "data-testid": "apply-returned-reason" }, t("parent.apply.returnedBy", { reason: apply.app.status_reason })));
  }
  const consent = data.consents[studentId];
  if (consent && consent.status !== "granted") {
    section.append(
      h(
        "div",
        { class: "alert alert-info", "data-testid": "apply-consent-warning" },
        h("p", {}, t("parent.apply.consentWarning")),
        h("p", {}, link("children", t("parent.apply.consentLink"))),
      ),
    );
  }

  const terms = data.terms || [];
  let program = f.term ? data.programs[programKey(f.term)] : null;
  if (f.term && !program) {
    const other = programOf(f.term); // after a language switch, while this language's copy loads
    program = other ? { data: other } : null;
  }
  const programData = program && program.data;
  const existing = !editing && f.term ? openAppFor(studentId, f.term) : null;
  const busy = apply.busy;

  const form = h("form", { id: "apply-form", "data-testid": "apply-form", novalidate: true, "aria-busy": busy ? "true" : null, onsubmit: submitApply });
  form.append(errorBox(apply.submitError, "apply-submit-error", "apply-submit-error") || "");

  // term
  const term = termById(f.term);
  const termField = field(
    "apply-term",
    t("parent.apply.term"),
    select("apply-term", f.term, terms.map((x) => ({ value: x.id, label: x.name })), changeTerm, { name: "term", disabled: editing || busy }),
    { error: e.term, hint: term ? t("parent.dateRange", { from: formatDate(term.starts_on), to: formatDate(term.ends_on) }) : null },
  );
  form.append(terms.length ? termField : h("p", { class: "alert alert-info" }, t("parent.apply.noTerms")));
  if (data.termsError) form.append(errorBox(data.termsError, "apply-terms-error"));
  if (existing) {
    form.append(
      h(
        "p",
        { class: "alert alert-info", "data-testid": "apply-existing" },
        t("parent.apply.open"),
        " ",
        statusBadge(existing.status, null, statusLabel(existing.status)),
        " ",
        link(EDITABLE.has(existing.status) ? `apply/${studentId}/${existing.id}` : `application/${existing.id}`, t("parent.apply.openView")),
      ),
    );
  }
  if (program && program.error) {
    form.append(program.error.status === 404 ? h("p", { class: "alert alert-info", "data-testid": "apply-no-program" }, t("parent.apply.noProgram")) : errorBox(program.error, "apply-program-error"));
  }

  // care reason (R4)
  form.append(
    h(
      "fieldset",
      {},
      h("legend", {}, t("parent.apply.reason")),
      h(
        "div",
        { class: "field-row" },
        textField("pickup_by", "apply-pickup-by", t("parent.apply.pickupBy"), { hint: t("parent.apply.pickupByHint"), maxlength: "40", autocomplete: "off" }),
        textField("pickup_time", "apply-pickup-time", t("parent.apply.pickupTime"), { hint: t("parent.apply.pickupTimeHint"), maxlength: "5", inputmode: "numeric", placeholder: "18:30" }),
      ),
      field(
        "apply-situation",
        t("parent.apply.situation"),
        select("apply-situation", f.situation, SITUATIONS.map((x) => ({ value: x, label: t(`parent.situation.${x}`) })), (v) => (f.situation = v), { name: "situation", disabled: busy }),
        { error: e.situation, hint: t("parent.apply.situationHint") },
      ),
      field("apply-note", t("parent.apply.note"), textArea("apply-note", f, "note", { name: "note", rows: "2", maxlength: "300", disabled: busy }), { error: e.note }),
    ),
  );

  if (programData) {
    // services and lunch
    const offered = Object.fromEntries(programData.services.map((s) => [s.kind, s]));
    const services = h("fieldset", { class: e.services || e.lunch ? "has-error" : null }, h("legend", {}, t("parent.apply.services")));
    const disabled = apply.busy;
    if (offered.care) services.append(checkField("apply-service-care", t("parent.apply.care"), f.care, (v) => (f.care = v), { meta: offered.care.fee, disabled }));
    if (offered.nap) services.append(checkField("apply-service-nap", t("parent.apply.nap"), f.nap, (v) => (f.nap = v), { meta: offered.nap.fee, disabled }));
    if (offered.lunch) {
      const meta = t("parent.apply.perDay", { price: formatFen(offered.lunch.fee_fen) });
      services.append(checkField("apply-lunch", t("parent.apply.lunch"), f.lunch, (v) => (f.lunch = v), { meta, disabled }));
    }
    if (e.services) services.append(h("p", { class: "field-error", "data-testid": "apply-services-error" }, e.services));
    if (e.lunch) services.append(h("p", { class: "field-error", "data-testid": "apply-lunch-error" }, e.lunch));
    form.append(services);

    // activities the child's grade may join
    const eligible = programData.activities.filter((a) => (a.grades || []).includes(child.grade));
    const acts = h("fieldset", {}, h("legend", {}, t("parent.apply.activities")), h("p", { class: "hint pp-hint-top" }, t("parent.apply.activitiesHint")));
    if (!eligible.length) acts.append(h("p", { class: "muted small", "data-testid": "apply-no-activities" }, t("parent.apply.noActivities")));
    for (const a of eligible) {
      const meta = [`${weekdays(a.weekdays)} · ${periodLabel(a.period)}`, a.venue, a.fee, placesText(f.term, a)].join(" · ");
      const choose = (v) => {
        f.activities = v ? [...new Set([...f.activities, a.id])] : f.activities.filter((x) => x !== a.id);
      };
      acts.append(checkField(`apply-activity-${a.id}`, a.name, f.activities.includes(a.id), choose, { meta, error: e[`activity:${a.id}`], disabled: apply.busy }));
    }
    if (e.activities) acts.append(h("p", { class: "field-error", "data-testid": "apply-activities-error" }, e.activities));
    form.append(acts);
  }

  form.append(
    h("p", { class: "muted small" }, t("parent.apply.voluntary")),
    h(
      "div",
      { class: "form-actions" },
      h(
        "button",
        { type: "submit", id: "apply-submit", class: "btn btn-primary", "data-testid": "apply-submit", disabled: busy || !programData || Boolean(existing), "aria-busy": busy ? "true" : null },
        busy ? t("parent.apply.busy") : editing ? t("parent.apply.resubmit") : t("parent.apply.submit"),
      ),
      link(editing ? `application/${apply.app.id}` : "children", t("common.cancel"), { class: "btn btn-ghost", "data-testid": "apply-cancel" }),
    ),
  );
  section.append(form);
  return wrap(section);
}

function textField(name, id, label, { hint = null, ...rest } = {}) {
  const control = textInput(id, apply.form, name, {
    name,
    autocomplete: null,
    required: true,
    disabled: apply.busy,
    onedit: () => {
      if (apply.errors[name]) {
        delete apply.errors[name]; // the message goes once the field is being corrected
        rerender();
      }
    },
    ...rest,
  });
  return field(id, label, control, { error: apply.errors[name], hint });
}

/** A check box with its name, an optional line under it (fees, places) and an optional error. */
function checkField(id, label, checked, onChange, { meta = null, error = null, disabled = false, errorTestid = null } = {}) {
  return h(
    "div",
    { class: `pp-check${error ? " has-error" : ""}` },
    h("input", {
      type: "checkbox",
      id,
      "data-testid": id,
      checked: checked ? true : null,
      disabled,
      "aria-describedby": error ? `${id}-error` : null,
      "aria-invalid": error ? "true" : null,
      onchange: (ev) => onChange(ev.target.checked),
    }),
    h("label", { for: id }, h("span", { class: "pp-check-name" }, label), meta ? h("span", { class: "pp-check-meta" }, meta) : null),
    error ? h("p", { class: "field-error", id: `${id}-error`, "data-testid": errorTestid }, error) : null,
  );
}

function validateApply(f) {
  const errors = {};
  if (!f.term) errors.term = t("field.required");
  if (!f.pickup_by.trim()) errors.pickup_by = t("field.required");
  if (!f.pickup_time.trim()) errors.pickup_time = t("field.required");
  else if (!/^(?:[01]\d|2[0-3]):[0-5]\d$/.test(f.pickup_time.trim())) errors.pickup_time = t("field.hhmm");
  return errors;
}

const FIELD_IDS = {
  term: "apply-term",
  pickup_by: "apply-pickup-by",
  pickup_time: "apply-pickup-time",
  situation: "apply-situation",
  note: "apply-note",
  services: "apply-service-care",
  lunch: "apply-lunch",
};

function focusFirstApplyError() {
  const name = ["term", "pickup_by", "pickup_time", "situation", "note", "services", "lunch"].find((n) => apply.errors[n]);
  if (name) return focusId(FIELD_IDS[name]);
  const act = Object.keys(apply.errors).find((k) => k.startsWith("activity:"));
  if (act) return focusId(`apply-activity-${act.slice(9)}`);
  focusId("apply-submit-error");
}

async function submitApply(event) {
  event.preventDefault();
  if (apply.busy) return;
  const f = apply.form;
  const [studentId] = apply.key.split("|");
  apply.errors = validateApply(f);
  apply.submitError = null;
  if (Object.keys(apply.errors).length) {
    apply.submitError = localError();
    rerender();
    focusFirstApplyError();
    return;
  }
  const careReason = { pickup_by: f.pickup_by.trim(), pickup_time: f.pickup_time.trim(), note: f.note.trim(), situation: f.situation };
  const choices = {
    care_reason: careReason,
    services: [f.care ? "care" : null, f.nap ? "nap" : null].filter(Boolean),
    activity_ids: f.activities.slice(),
    lunch: Boolean(f.lunch),
  };
  // only activities still offered to the child (a term change clears the list)
  apply.busy = true;
  rerender();
  let app = apply.app;
  try {
    if (app) {
      // a returned application (or a draft a failed submit left behind): edit it with its version, then submit
      const { data: edited } = await api("PATCH", schoolPath(`/applications/${enc(app.id)}`), { body: choices, headers: { "If-Match": `"${app.version}"` } });
      app = apply.app = edited;
    } else {
      // Sending the same data again after a lost answer reuses the key: the API answers with the
      // application the first request created instead of 409 application_exists.
      const body = { student_id: studentId, term_id: f.term, ...choices };
      const purpose = `apply:${studentId}`;
      try {
        const { data: created } = await api("POST", schoolPath("/applications"), { body, headers: { "Idempotency-Key": creating.key(purpose, body) } });
        app = apply.app = created;
        apply.appId = created.id;
        creating.done(purpose);
      } catch (err) {
        if (err.code === "idempotency_key_reused") creating.done(purpose); // the next try gets a new key
        throw err;
      }
    }
    const { data: submitted } = await api("POST", schoolPath(`/applications/${enc(app.id)}/submit`));
    apply.busy = false;
    apply = blankApply();
    data.apps = null;
    announce(t("parent.apply.submitted"), "success", `application:${submitted.id}`);
    go(`application/${submitted.id}`);
    return;
  } catch (err) {
    apply.submitError = err;
    apply.errors = applyFieldErrors(err, choices.activity_ids);
    if (err.code === "version_conflict" && apply.app) {
      try {
        apply.app = (await api("GET", schoolPath(`/applications/${enc(apply.app.id)}`))).data;
      } catch {
        /* keep the error shown */
      }
    }
  }
  apply.busy = false;
  rerender();
  focusFirstApplyError();
}

// ---------------------------------------------------------------------------------------------
// page: my applications

async function enterApplications() {
  refreshUnread();
  await Promise.all([loadApps(), loadChildren(), loadTerms()]);
}

function renderApplications() {
  const section = h(
    "section",
    { class: "card", "aria-labelledby": "apps-title", "data-testid": "applications-page" },
    h("h1", { id: "apps-title" }, t("parent.apps.title")),
  );
  if (data.appsError) section.append(errorBox(data.appsError, "applications-error"));
  if (!data.apps) {
    section.append(muted(t("app.loading")));
    return wrap(section);
  }
  if (!data.apps.length) {
    section.append(h("p", { class: "muted", "data-testid": "applications-empty" }, t("parent.apps.empty")));
    return wrap(section);
  }
  const list = h("ul", { class: "pp-cards" });
  for (const a of data.apps) {
    const child = childById(a.student_id);
    const name = child ? child.name : a.student_id;
    const term = termName(a.term_id);
    list.append(
      h(
        "li",
        { class: "pp-app-card", "data-testid": "application-card", "data-application-id": a.id, "data-status": a.status },
        h("div", { class: "pp-row pp-spread" }, h("h2", { class: "pp-card-title", "data-testid": "application-child" }, name), statusBadge(a.status, "application-status", statusLabel(a.status))),
        h("p", { class: "small", "data-testid": "application-term" }, term),
        h("p", { class: "muted small" }, t(`parent.next.${a.status}`)),
        h("p", { class: "muted small" }, t("parent.apps.created", { at: formatTime(a.created_at) })),
        link(`application/${a.id}`, t("parent.apps.open"), { class: "btn btn-secondary btn-small", "data-testid": "application-open", "aria-label": t("parent.apps.openLabel", { name, term }) }),
      ),
    );
  }
  section.append(list);
  return wrap(section);
}

// ---------------------------------------------------------------------------------------------
// page: one application (#/application/<id>)

async function enterApplication(params) {
  const [id] = params;
  if (status.page !== `application:${id}`) status.text = null;
  refreshUnread();
  if (detail.id !== id) detail = blankDetail();
  detail.id = id;
  detail.loading = !detail.app;
  rerender();
  await Promise.all([loadChildren(), loadTerms()]);
  await reloadDetail();
}

/** Re-read the application and what goes with it; called after every action. */
async function reloadDetail() {
  const id = detail.id;
  try {
    const { data: app } = await api("GET", schoolPath(`/applications/${enc(id)}`));
    if (detail.id !== id) return;
    detail.app = app;
    detail.error = null;
  } catch (err) {
    if (detail.id !== id) return;
    detail.error = err;
    detail.loading = false;
    rerender();
    return;
  }
  const app = detail.app;
  const jobs = [
    loadProgram(app.term_id),
    api("GET", schoolPath(`/applications/${enc(id)}/history`))
      .then(({ data: body }) => {
        detail.history = body.items || [];
        detail.historyError = null;
      })
      .catch((err) => (detail.historyError = err)),
  ];
  if (app.status === "approved") {
    jobs.push(
      api("GET", schoolPath(`/applications/${enc(id)}/agreement/preview`))
        .then(({ data: body }) => {
          detail.preview = body;
          detail.previewError = null;
        })
        .catch((err) => {
          detail.preview = null;
          detail.previewError = err;
        }),
    );
  }
  if (app.status === "active" || app.status === "withdrawn") {
    jobs.push(
      api("GET", schoolPath(`/applications/${enc(id)}/agreement`))
        .then(({ data: body }) => {
          detail.signed = body;
          detail.signedError = null;
        })
        .catch((err) => {
          if (err.code !== "agreement_not_signed") detail.signedError = err;
        }),
    );
  }
  await Promise.all(jobs);
  detail.loading = false;
  rerender();
}

function renderApplication(params) {
  const section = h(
    "section",
    { class: "card", "aria-labelledby": "app-title", "data-testid": "application-page" },
    h("div", { class: "pp-row pp-spread" }, h("h1", { id: "app-title" }, t("parent.app.title")), link("applications", t("parent.back"), { class: "btn btn-ghost btn-small" })),
  );
  if (detail.error && detail.id === params[0]) {
    section.append(errorBox(detail.error, "application-error"));
    return wrap(section);
  }
  const app = detail.app;
  if (!app || detail.loading || detail.id !== params[0] || app.id !== params[0]) {
    section.append(muted(t("app.loading")));
    return wrap(section);
  }
  section.append(renderAnnouncement(`application:${app.id}`) || "");
  if (detail.actionError) section.append(errorBox(detail.actionError, "application-action-error", "application-action-error"));
  const child = childById(app.student_id);
  const program = programOf(app.term_id);
  section.append(
    h(
      "dl",
      { class: "facts" },
      h("dt", {}, t("parent.app.child")),
      h("dd", { "data-testid": "application-child" }, child ? `${child.name}（${classLabel(child)}）` : app.student_id),
      h("dt", {}, t("parent.app.term")),
      h("dd", { "data-testid": "application-term" }, termName(app.term_id, program)),
      h("dt", {}, t("parent.app.status")),
      h("dd", {}, statusBadge(app.status, "application-status", statusLabel(app.status))),
      app.status_reason ? [h("dt", {}, t("parent.app.reason")), h("dd", { "data-testid": "application-status-reason" }, app.status_reason)] : null,
      app.effective_on ? [h("dt", {}, t("parent.app.effective")), h("dd", { "data-testid": "application-effective-on" }, formatDate(app.effective_on))] : null,
    ),
    h("p", { class: "pp-next", "data-testid": "application-next" }, t(`parent.next.${app.status}`)),
  );
  const steps = renderSteps(app.status);
  if (steps) section.append(steps);
  if (app.status === "returned") {
    section.append(h("div", { class: "form-actions" }, link(`apply/${app.student_id}/${app.id}`, t("parent.app.edit"), { class: "btn btn-primary", "data-testid": "application-edit" })));
  }

  const out = [section, renderChoices(app, program)];
  if (app.status === "approved") out.push(renderSigning(app));
  if (detail.signed) out.push(renderSigned(detail.signed));
  if (OPEN.has(app.status)) out.push(renderWithdraw(app));
  out.push(renderHistory(app));
  return wrap(...out);
}

function renderSteps(appStatus) {
  const order = ["apply", "class", "principal", "sign", "active"];
  const reached = { draft: 0, returned: 0, submitted: 1, teacher_approved: 2, approved: 3, active: 5 }[appStatus];
  if (reached === undefined) return null;
  return h(
    "ol",
    { class: "pp-progress", "aria-label": t("parent.app.steps") },
    order.map((key, i) =>
      h(
        "li",
        { class: i < reached ? "done" : i === reached ? "current" : null, "aria-current": i === reached ? "step" : null },
        t(`parent.step.${key}`),
      ),
    ),
  );
}

function renderChoices(app, program) {
  const r = app.care_reason || {};
  const situation = r.situation || (app.priority && app.priority.situation) || "other";
  const offered = program ? Object.fromEntries(program.services.map((s) => [s.kind, s])) : {};
  const services = (app.services || []).map((k) => (offered[k] ? offered[k].label : k));
  const section = h(
    "section",
    { class: "card", "aria-labelledby": "app-choices", "data-testid": "application-choices" },
    h("h2", { id: "app-choices" }, t("parent.app.choices")),
    h("h3", { class: "pp-subhead" }, t("parent.app.activities")),
  );
  const activities = app.activities || [];
  if (!activities.length) section.append(h("p", { class: "muted small" }, t("parent.app.noActivities")));
  else {
    const list = h("ul", { class: "pp-list" });
    for (const a of activities) list.append(renderAppActivity(app, a));
    section.append(list);
  }
  section.append(
    h(
      "dl",
      { class: "facts pp-gap" },
      h("dt", {}, t("parent.app.pickup")),
      h("dd", { "data-testid": "application-pickup" }, t("parent.app.pickupValue", { by: r.pickup_by || "", time: r.pickup_time || "" })),
      h("dt", {}, t("parent.app.situation")),
      h("dd", { "data-testid": "application-situation", "data-situation": situation }, t(`parent.situation.${situation}`), app.priority ? h("span", { class: "muted small" }, ` · ${t("parent.app.priority", { rank: app.priority.rank })}`) : null),
      r.note ? [h("dt", {}, t("parent.app.note")), h("dd", {}, r.note)] : null,
      h("dt", {}, t("parent.app.services")),
      h("dd", { "data-testid": "application-services" }, services.length ? joinList(services) : t("parent.none")),
      h("dt", {}, t("parent.app.lunch")),
      h(
        "dd",
        { "data-testid": "application-lunch" },
        app.lunch ? t("parent.yes") : t("parent.no"),
        app.lunch && offered.lunch ? h("span", { class: "muted small" }, ` · ${t("parent.apply.perDay", { price: formatFen(offered.lunch.fee_fen) })}`) : null,
      ),
    ),
  );
  return section;
}

function renderAppActivity(app, a) {
  const name = activityName(app.term_id, a.activity_id);
  const program = programOf(app.term_id);
  const info = program && program.activities.find((x) => x.id === a.activity_id);
  const canDrop = LIVE_ACTIVITY.has(a.state) && OPEN.has(app.status) && !EDITABLE.has(app.status);
  const busy = detail.busy === `drop:${a.activity_id}`;
  const item = h(
    "li",
    { class: "pp-app-activity", "data-testid": "application-activity", "data-activity-id": a.activity_id, "data-state": a.state },
    h(
      "div",
      { class: "pp-row pp-spread" },
      h("strong", { "data-testid": "activity-name" }, name),
      h("span", { class: `badge badge-act-${a.state}`, "data-testid": "activity-state" }, activityStateLabel(a.state)),
    ),
    info ? h("p", { class: "muted small" }, [`${weekdays(info.weekdays)} · ${periodLabel(info.period)}`, info.venue, info.fee].join(" · ")) : null,
    a.state === "waitlisted" && a.position != null ? h("p", { class: "pp-warn small", "data-testid": "activity-position", "data-position": a.position }, t("parent.activity.position", { n: a.position })) : null,
  );
  if (canDrop && detail.dropFor !== a.activity_id) {
    item.append(
      h(
        "button",
        {
          type: "button",
          id: `activity-drop-${a.activity_id}`,
          class: "btn btn-danger-ghost btn-small",
          "data-testid": `activity-drop-${a.activity_id}`,
          "aria-label": t("parent.dropLabel", { name }),
          "aria-expanded": "false",
          disabled: Boolean(detail.busy),
          onclick: () => {
            detail.dropFor = a.activity_id;
            detail.dropDate = today();
            detail.actionError = null;
            rerender();
            focusSoon("drop-date");
          },
        },
        t("parent.drop"),
      ),
    );
  }
  if (canDrop && detail.dropFor === a.activity_id) {
    const date = textInput("drop-date", detail, "dropDate", { name: null, type: "date", autocomplete: null, required: true, "aria-describedby": "drop-hint" });
    item.append(
      confirmForm(
        {
          class: "pp-inline-form",
          testid: "drop-form",
          titleId: "drop-title",
          title: t("parent.drop.title", { name }),
          onsubmit: (ev) => dropActivity(ev, app, a.activity_id, name),
          busy,
          confirm: { label: t("parent.drop.confirm"), testid: "drop-confirm" },
          cancel: {
            label: t("common.cancel"),
            testid: "drop-cancel",
            onclick: () => {
              detail.dropFor = null;
              rerender();
              focusSoon(`activity-drop-${a.activity_id}`);
            },
          },
        },
        h("p", { class: "muted small", id: "drop-hint" }, t("parent.drop.hint")),
        field("drop-date", t("parent.drop.date"), date),
      ),
    );
  }
  return item;
}

/** One action on the application (drop, sign, withdraw): busy while it runs, then the application read
 * again and the focus on its outcome (the notice, or the error at the top). */
async function runAction(busy, run, onError = null) {
  detail.busy = busy;
  detail.actionError = null;
  rerender();
  try {
    await run();
  } catch (err) {
    detail.actionError = err;
    onError?.(err);
  }
  detail.busy = null;
  await reloadDetail();
  focusSoon(detail.actionError ? "application-action-error" : "parent-notice");
}

async function dropActivity(event, app, activityId, name) {
  event.preventDefault();
  if (detail.busy) return;
  await runAction(`drop:${activityId}`, async () => {
    await api("POST", schoolPath(`/applications/${enc(app.id)}/activities/${enc(activityId)}/drop`), { body: { effective_on: detail.dropDate || today() } });
    detail.dropFor = null;
    announce(t("parent.drop.done", { name }), "success", `application:${app.id}`);
  });
}

/** The 协议书 exactly as the server renders it for signing (GET …/agreement/preview), always in Chinese. */
function renderSigning(app) {
  const section = h(
    "section",
    { class: "card", "aria-labelledby": "agreement-title", "data-testid": "agreement" },
    h("h2", { id: "agreement-title" }, t("parent.agreement.title")),
  );
  if (detail.previewError) {
    section.append(errorBox(detail.previewError, "agreement-error"));
    return section;
  }
  const preview = detail.preview;
  if (!preview) {
    section.append(muted(t("app.loading")));
    return section;
  }
  const version = preview.template_version;
  const busy = detail.busy === "sign";
  const onAgree = (on) => {
    detail.agree = on;
    if (detail.agree && detail.agreeError) {
      detail.agreeError = false;
      rerender();
    }
  };
  section.append(
    h("p", { class: "muted small", id: "agreement-note" }, t("parent.agreement.preview", { v: version })),
    h("div", { class: "pp-agreement", lang: "zh-CN", tabindex: "0", "aria-describedby": "agreement-note", "data-testid": "agreement-text", "data-template-version": version }, preview.text),
    h(
      "form",
      { novalidate: true, onsubmit: (ev) => signAgreement(ev, app, version) },
      checkField("agreement-agree", t("parent.agreement.agree"), detail.agree, onAgree, {
        error: detail.agreeError ? t("parent.agreement.mustAgree") : null,
        disabled: busy,
        errorTestid: "agreement-agree-error",
      }),
      h(
        "div",
        { class: "form-actions" },
        h("button", { type: "submit", id: "agreement-sign", class: "btn btn-primary", "data-testid": "agreement-sign", disabled: busy, "aria-busy": busy ? "true" : null }, busy ? t("parent.agreement.busy") : t("parent.agreement.sign")),
      ),
    ),
  );
  return section;
}

async function signAgreement(event, app, templateVersion) {
  event.preventDefault();
  if (detail.busy) return;
  if (!detail.agree) {
    detail.agreeError = true;
    rerender();
    focusId("agreement-agree");
    return;
  }
  await runAction("sign", async () => {
    const { data: signed } = await api("POST", schoolPath(`/applications/${enc(app.id)}/agreement`), { body: { template_version: templateVersion, agree: true } });
    detail.signed = signed;
    detail.agree = false;
    announce(t("parent.agreement.signed"), "success", `application:${app.id}`);
  });
}

function renderSigned(signed) {
  return h(
    "section",
    { class: "card", "aria-labelledby": "signed-title", "data-testid": "agreement-signed" },
    h("h2", { id: "signed-title" }, t("parent.agreement.signedTitle")),
    h("div", { class: "pp-agreement", lang: "zh-CN", tabindex: "0", "data-testid": "agreement-signed-text" }, signed.text),
    h(
      "dl",
      { class: "facts pp-gap" },
      h("dt", {}, t("parent.agreement.sha")),
      h("dd", {}, h("code", { class: "pp-hash", "data-testid": "agreement-sha256" }, signed.sha256)),
      h("dt", {}, t("parent.agreement.signedAt")),
      h("dd", { "data-testid": "agreement-signed-at" }, formatTime(signed.signed_at)),
      h("dt", {}, t("parent.agreement.version")),
      h("dd", {}, String(signed.template_version)),
    ),
  );
}

function renderWithdraw(app) {
  const open = detail.withdrawOpen;
  const section = h(
    "section",
    { class: "card pp-withdraw", "aria-labelledby": "withdraw-title", "data-testid": "withdraw" },
    h("h2", { id: "withdraw-title", class: open ? null : "visually-hidden" }, t("parent.withdraw.title")),
    h("p", { class: "muted small" }, t("parent.withdraw.intro")),
  );
  if (!open) {
    section.append(
      h(
        "button",
        {
          type: "button",
          id: "withdraw-open",
          class: "btn btn-danger-ghost",
          "data-testid": "withdraw-open",
          "aria-expanded": "false",
          disabled: Boolean(detail.busy),
          onclick: () => {
            detail.withdrawOpen = true;
            detail.withdraw = { date: today(), reason: "" };
            detail.withdrawErrors = {};
            detail.actionError = null;
            rerender();
            focusSoon("withdraw-date");
          },
        },
        t("parent.withdraw.open"),
      ),
    );
    return section;
  }
  const e = detail.withdrawErrors;
  const w = detail.withdraw;
  section.append(
    confirmForm(
      {
        testid: "withdraw-form",
        onsubmit: (ev) => withdraw(ev, app),
        busy: detail.busy === "withdraw",
        confirm: { label: t("parent.withdraw.confirm"), testid: "withdraw-confirm" },
        cancel: {
          label: t("common.cancel"),
          testid: "withdraw-cancel",
          onclick: () => {
            detail.withdrawOpen = false;
            rerender();
            focusSoon("withdraw-open");
          },
        },
      },
      field("withdraw-date", t("parent.withdraw.date"), textInput("withdraw-date", w, "date", { name: null, type: "date", autocomplete: null, required: true }), { error: e.date }),
      field("withdraw-reason", t("parent.withdraw.reason"), textArea("withdraw-reason", w, "reason", { name: null, rows: "2", maxlength: "300", required: true }), { error: e.reason }),
    ),
  );
  return section;
}

async function withdraw(event, app) {
  event.preventDefault();
  if (detail.busy) return;
  const w = detail.withdraw;
  const errors = {};
  if (!/^\d{4}-\d{2}-\d{2}$/.test(w.date || "")) errors.date = t("field.required");
  if (!w.reason.trim()) errors.reason = t("field.required");
  detail.withdrawErrors = errors;
  if (Object.keys(errors).length) {
    rerender();
    focusId(errors.date ? "withdraw-date" : "withdraw-reason");
    return;
  }
  const fieldErrors = (err) => {
    for (const d of detailList(err)) {
      if (d.field === "effective_on") errors.date = fieldMessage("date", d, err);
      if (d.field === "reason") errors.reason = fieldMessage("reason", d, err);
    }
  };
  await runAction(
    "withdraw",
    async () => {
      await api("POST", schoolPath(`/applications/${enc(app.id)}/withdraw`), { body: { effective_on: w.date, reason: w.reason.trim() } });
      detail.withdrawOpen = false;
      data.apps = null;
      announce(t("parent.withdraw.done"), "success", `application:${app.id}`);
    },
    fieldErrors,
  );
}

function renderHistory(app) {
  const section = h(
    "section",
    { class: "card", "aria-labelledby": "history-title", "data-testid": "history" },
    h("h2", { id: "history-title" }, t("parent.history.title")),
  );
  if (detail.historyError) section.append(errorBox(detail.historyError, "history-error"));
  if (!detail.history.length) {
    section.append(h("p", { class: "muted small" }, t("parent.history.empty")));
    return section;
  }
  const me = session.me && session.me.sub;
  const list = h("ol", { class: "pp-history" });
  for (const item of detail.history) {
    const from = item.from && item.from !== "none" ? statusLabel(item.from) : t("parent.history.none");
    const to = statusLabel(item.to);
    list.append(
      h(
        "li",
        { "data-testid": "history-item", "data-action": item.action, "data-from": item.from, "data-to": item.to },
        h("div", { class: "pp-row pp-spread" }, h("strong", {}, tOr(`parent.action.${item.action}`, item.action)), h("time", { class: "muted small", datetime: item.at }, formatTime(item.at))),
        h("p", { class: "small" }, `${tOr(`parent.role.${item.role}`, item.role)}${item.by === me ? t("parent.me") : ""} · ${from} → ${to}`),
        item.activity_id ? h("p", { class: "small" }, activityName(app.term_id, item.activity_id)) : null,
        item.reason ? h("p", { class: "small pp-reason" }, item.reason) : null,
      ),
    );
  }
  section.append(list);
  return section;
}

// ---------------------------------------------------------------------------------------------
// page: inbox and contact

async function enterInbox() {
  if (status.page !== "inbox") status.text = null;
  inbox.loading = true;
  rerender();
  await Promise.all([loadInbox(false), loadContact()]);
  inbox.loading = false;
}

async function loadInbox(more) {
  inbox.error = null;
  try {
    const body = await fetchPage(schoolPath("/my/inbox"), { cursor: more ? inbox.next : null });
    inbox.items = more ? [...inbox.items, ...(body.items || [])] : body.items || [];
    inbox.next = body.next_cursor || null;
    setUnreadLabel(body.unread);
  } catch (err) {
    inbox.error = err;
  }
}

async function loadContact() {
  inbox.contactLoadError = null;
  try {
    const { data: body } = await api("GET", schoolPath("/my/contact"));
    inbox.contact = body;
    inbox.contactForm = {
      email: body.email || "",
      email_enabled: Boolean(body.email_enabled),
      sms: Boolean(body.sms),
      locale: body.registered ? body.locale : session.lang,
    };
  } catch (err) {
    inbox.contactLoadError = err;
  }
}

async function markRead(item) {
  inbox.busy = item.id;
  inbox.rowError = null;
  rerender();
  try {
    const { data: body } = await api("POST", schoolPath(`/my/inbox/${enc(item.id)}/read`));
    inbox.items = inbox.items.map((x) => (x.id === item.id ? { ...x, ...body } : x));
    setUnreadLabel(Math.max(0, (data.unread || 1) - 1));
    announce(t("parent.inbox.marked"), "success", "inbox");
  } catch (err) {
    inbox.rowError = { id: item.id, error: err };
  }
  inbox.busy = null;
  rerender();
  refreshUnread();
  focusSoon(inbox.rowError ? `inbox-item-${item.id}` : "parent-notice");
}

async function saveContact(event) {
  event.preventDefault();
  if (inbox.contactBusy) return;
  const f = inbox.contactForm;
  inbox.contactErrors = {};
  inbox.contactError = null;
  const email = f.email.trim();
  if (f.email_enabled && !email) inbox.contactErrors.email = t("field.required");
  else if (email && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) inbox.contactErrors.email = t("field.email");
  if (inbox.contactErrors.email) {
    rerender();
    focusId("contact-email");
    return;
  }
  inbox.contactBusy = true;
  rerender();
  try {
    const { data: body } = await api("PUT", schoolPath("/my/contact"), { body: { email: email || null, email_enabled: Boolean(f.email_enabled && email), sms: Boolean(f.sms), locale: f.locale } });
    inbox.contact = body;
    announce(t("parent.contact.saved"), "success", "contact");
  } catch (err) {
    inbox.contactError = err;
    const emailErr = detailList(err).find((d) => d.field === "email");
    if (emailErr) inbox.contactErrors.email = fieldMessage("email", emailErr, err);
  }
  inbox.contactBusy = false;
  rerender();
  focusSoon(inbox.contactError ? "contact-error" : "contact-notice");
}

/** A timetable notice links to each named child's week of that term (the notice keeps ids only). */
function noticeLinks(item) {
  const p = item.params || {};
  if (!["timetable_published", "timetable_changed"].includes(item.code) || !p.term_id) return null;
  const ids = (p.children || []).map((c) => c.student_id).filter(Boolean);
  if (!ids.length && p.student_id) ids.push(p.student_id);
  if (!ids.length) return null;
  return h(
    "p",
    { class: "pp-row" },
    ids.map((id, i) =>
      h(
        "a",
        { href: hrefOf(`child-week/${enc(session.me.tenant)}/${enc(id)}/${enc(p.term_id)}`), class: "btn btn-secondary btn-small", "data-testid": "inbox-child-week" },
        ids.length > 1 ? t("parent.inbox.childWeekN", { n: i + 1 }) : t("parent.inbox.childWeek"),
      ),
    ),
  );
}

function renderInbox() {
  const section = h(
    "section",
    { class: "card", "aria-labelledby": "inbox-title", "data-testid": "inbox-page" },
    h(
      "div",
      { class: "card-head" },
      h("h1", { id: "inbox-title" }, t("parent.inbox.title")),
      data.unread != null ? h("span", { class: "badge pp-unread", "data-testid": "inbox-unread", "data-count": data.unread }, t("parent.inbox.unread", { n: data.unread })) : null,
    ),
  );
  section.append(renderAnnouncement("inbox") || "");
  if (inbox.error) section.append(errorBox(inbox.error, "inbox-error"));
  if (inbox.loading && !inbox.items.length) section.append(muted(t("app.loading")));
  else if (!inbox.items.length && !inbox.error) section.append(h("p", { class: "muted", "data-testid": "inbox-empty" }, t("parent.inbox.empty")));
  else {
    const list = h("ul", { class: "pp-inbox" });
    for (const item of inbox.items) {
      const busy = inbox.busy === item.id;
      const rowError = inbox.rowError && inbox.rowError.id === item.id ? errorBox(inbox.rowError.error, "inbox-row-error") : null;
      list.append(
        h(
          "li",
          { class: item.read ? "is-read" : "is-unread", id: `inbox-item-${item.id}`, tabindex: "-1", "data-testid": "inbox-item", "data-read": item.read ? "true" : "false", "data-code": item.code },
          h(
            "div",
            { class: "pp-row pp-spread" },
            h("strong", { "data-testid": "inbox-title", lang: item.locale || null }, item.title),
            h("span", { class: "visually-hidden" }, item.read ? t("parent.inbox.isRead") : t("parent.inbox.isUnread")),
            h("time", { class: "muted small", datetime: item.occurred_at }, formatTime(item.occurred_at)),
          ),
          h("p", { class: "small", lang: item.locale || null }, item.body),
          noticeLinks(item),
          item.read
            ? null
            : h(
                "button",
                {
                  type: "button",
                  class: "btn btn-secondary btn-small",
                  "data-testid": "inbox-read",
                  "aria-label": t("parent.inbox.readLabel", { title: item.title }),
                  disabled: busy,
                  "aria-busy": busy ? "true" : null,
                  onclick: () => markRead(item),
                },
                t("parent.inbox.read"),
              ),
          rowError,
        ),
      );
    }
    section.append(list);
  }
  if (inbox.next) {
    section.append(
      h(
        "button",
        {
          type: "button",
          class: "btn btn-secondary",
          "data-testid": "inbox-more",
          onclick: async () => {
            await loadInbox(true);
            rerender();
          },
        },
        t("common.more"),
      ),
    );
  }
  return wrap(section, renderContact());
}

function renderContact() {
  const section = h(
    "section",
    { class: "card", "aria-labelledby": "contact-title", "data-testid": "contact" },
    h("h2", { id: "contact-title" }, t("parent.contact.title")),
    h("p", { class: "muted small" }, t("parent.contact.intro")),
  );
  if (inbox.contactLoadError) {
    section.append(errorBox(inbox.contactLoadError, "contact-load-error"));
    return section;
  }
  const f = inbox.contactForm;
  if (!f) {
    section.append(muted(t("app.loading")));
    return section;
  }
  if (status.page === "contact" && status.text) section.append(notice(status.text, "contact-notice", status.kind, "contact-notice"));
  if (inbox.contact && !inbox.contact.registered) section.append(h("p", { class: "small", "data-testid": "contact-unregistered" }, t("parent.contact.notRegistered")));
  const busy = inbox.contactBusy;
  const emailErr = inbox.contactErrors.email;
  const phone = (inbox.contact && inbox.contact.sms_number) || maskPhone(session.me && session.me.phone);
  section.append(
    h(
      "form",
      { novalidate: true, "data-testid": "contact-form", onsubmit: saveContact },
      errorBox(inbox.contactError, "contact-error", "contact-error"),
      field(
        "contact-email",
        t("parent.contact.email"),
        textInput("contact-email", f, "email", { name: null, type: "email", inputmode: "email", autocomplete: "email", maxlength: "254" }),
        { error: emailErr },
      ),
      checkField("contact-email-enabled", t("parent.contact.emailEnabled"), f.email_enabled, (v) => (f.email_enabled = v)),
      checkField("contact-sms", phone ? t("parent.contact.sms", { phone }) : t("parent.contact.smsNoPhone"), f.sms, (v) => (f.sms = v)),
      field("contact-locale", t("parent.contact.locale"), select("contact-locale", f.locale, LOCALES, (v) => (f.locale = v), { name: null })),
      h(
        "div",
        { class: "form-actions" },
        h("button", { type: "submit", class: "btn btn-primary", "data-testid": "contact-save", disabled: busy, "aria-busy": busy ? "true" : null }, busy ? t("parent.contact.busy") : t("parent.contact.save")),
      ),
    ),
  );
  return section;
}

/** 139****1234, the way the API masks numbers (the full number is never shown). */
function maskPhone(phone) {
  if (!phone) return null;
  const local = phone.replace(/^\+86/, "");
  return local.length > 7 ? `${local.slice(0, 3)}****${local.slice(-4)}` : null;
}

// ---------------------------------------------------------------------------------------------
// registration

function wrap(...children) {
  return h("div", { class: "parent-page" }, ...children);
}

definePage({ id: "children", nav: "parent.nav.children", visible: isGuardian, enter: enterChildren, render: renderChildren, reset: resetAll });
definePage({ id: "program", nav: "parent.nav.program", visible: isGuardian, enter: enterProgram, render: renderProgram });
definePage({ id: "apply", nav: null, visible: isGuardian, enter: enterApply, render: renderApply });
definePage({ id: "applications", nav: "parent.nav.applications", visible: isGuardian, enter: enterApplications, render: renderApplications });
definePage({ id: "application", nav: null, visible: isGuardian, enter: enterApplication, render: renderApplication });
definePage({ id: "inbox", nav: "parent.nav.inboxLabel", visible: isGuardian, enter: enterInbox, render: renderInbox });
