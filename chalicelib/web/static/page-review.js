// Staff review of applications (四(七)): the 班主任's class review queue (班级审核, #/class-review), the
// principal's approval queue with batch decisions (校长审定, #/approvals) and a read-only application
// detail with its history (#/review/<application id>).
//
// Applications carry the child's and the class's names (a snapshot the API takes when the guardian writes
// the application), so no roster read is needed to show a queue, and the 班主任's latest decision
// (`class_review`), so the principal's queue reads no history either. Activity names come from the term's
// published program (公示) and places from the term's places (taken/capacity, 候补), read once per term
// and kept here, the homeroom teachers from the school's classes.

import {
  addMessages,
  api,
  confirmForm,
  definePage,
  detailList,
  enc,
  errorBox,
  fetchAll,
  fetchPage,
  field,
  focusId,
  formatDate,
  formatFen,
  formatTime,
  h,
  hasRole,
  hrefOf,
  joinList,
  loadInto,
  rerender,
  schoolPath,
  select,
  session,
  statusBadge,
  t,
  tOr,
  textArea,
} from "./kit.js";

addMessages({
  "zh-CN": {
    "review.nav.class": "班级审核",
    "review.nav.approvals": "校长审定",
    "review.class.title": "班级审核",
    "review.class.intro": "审核本班家长提交的课后服务申请：通过后转交校长审定；退回后家长可修改并重新提交；退回和拒绝都要写明原因，家长会看到。",
    "review.approvals.title": "校长审定",
    "review.approvals.intro": "审定班主任已通过的申请。批准时为所选活动分配名额；名额已满的活动进入候补名单，按接送困难情况的优先级排序，同一优先级先到先得。",
    "review.detail.title": "申请详情",
    "review.detail.loading": "正在加载申请…",
    "review.detail.back.class": "返回班级审核",
    "review.detail.back.approvals": "返回校长审定",
    "review.detail.history": "办理记录",
    "review.class": "班级",
    "review.status": "状态",
    "review.refresh": "刷新",
    "review.loading": "正在加载申请…",
    "review.classesLoading": "正在加载班级…",
    "review.count": "已显示 {n} 份",
    "review.empty.submitted": "没有待审核的申请。",
    "review.empty.teacher_approved": "没有待审定的申请。",
    "review.empty": "没有该状态的申请。",
    "review.noClass": "您目前不是任何班级的班主任，没有需要审核的申请。如有疑问，请联系学校管理员。",
    "review.status.draft": "草稿",
    "review.status.submitted": "待班级审核",
    "review.status.returned": "已退回家长",
    "review.status.teacher_approved": "待校长审定",
    "review.status.approved": "已批准，待签协议",
    "review.status.active": "已生效",
    "review.status.rejected": "未通过",
    "review.status.withdrawn": "已退出",
    "review.child.unknown": "学生（编号 {id}）",
    "review.f.term": "学期",
    "review.f.class": "班级",
    "review.f.pickup": "接送安排",
    "review.pickup": "{who}，约 {time} 接",
    "review.f.situation": "接送困难",
    "review.priority": "候补优先级 {rank}",
    "review.f.note": "家长说明",
    "review.f.services": "服务",
    "review.f.lunch": "午餐",
    "review.lunch.yes": "需要",
    "review.lunch.no": "不需要",
    "review.service.care": "看管（自主作业）",
    "review.service.nap": "午休",
    "review.service.lunch": "午餐",
    "review.services.none": "无",
    "review.f.activities": "活动",
    "review.activities.none": "未选择活动",
    "review.f.submitted": "提交时间",
    "review.f.updated": "更新时间",
    "review.f.created": "创建时间",
    "review.f.effective": "生效/退出日期",
    "review.f.statusReason": "处理原因",
    "review.f.teacher": "班级审核",
    "review.capacity": "名额 {n}",
    "review.places": "名额 {taken}/{capacity}",
    "review.waiting": "候补 {n} 人",
    "review.fee.free": "免费",
    "review.fee.per_term": "{fee}/学期",
    "review.fee.per_month": "{fee}/月",
    "review.fee.per_session": "{fee}/次",
    "review.act.requested": "待分配名额",
    "review.act.seated": "已获名额",
    "review.act.waitlisted": "候补第 {n} 位",
    "review.act.waitlistedNoPos": "候补中",
    "review.act.dropped": "已退出",
    "review.act.unavailable": "已不在公示项目中",
    "review.activity.unknown": "活动（编号 {id}）",
    "review.program.missing": "无法读取本学期公示的项目，活动以编号显示。",
    "review.termUnknown": "学期（编号 {id}）",
    "review.history.show": "查看记录",
    "review.history.hide": "收起记录",
    "review.history.title": "{name}的办理记录",
    "review.history.loading": "正在加载记录…",
    "review.history.empty": "暂无记录。",
    "review.h.create": "创建申请",
    "review.h.edit": "修改申请",
    "review.h.submit": "提交申请",
    "review.h.teacher_approve": "班主任审核通过",
    "review.h.return": "班主任退回",
    "review.h.teacher_reject": "班主任拒绝",
    "review.h.approve": "校长批准",
    "review.h.reject": "校长不予批准",
    "review.h.sign": "签署协议书",
    "review.h.withdraw": "退出课后服务",
    "review.h.drop_activity": "退出活动",
    "review.h.waitlisted": "进入候补名单",
    "review.h.place_offered": "候补转为正式名额",
    "review.h.status": "{from} → {to}",
    "review.h.reason": "原因：{reason}",
    "review.h.activity": "活动：{name}",
    "review.role.guardian": "家长",
    "review.role.teacher": "班主任",
    "review.role.school_admin": "学校管理员",
    "review.role.system": "系统",
    "review.role.unknown": "用户",
    "review.actor.guardian": "家长",
    "review.actor.teacher": "班主任",
    "review.actor.school_admin": "学校管理员",
    "review.actor.system": "系统",
    "review.actor.unknown": "其他用户",
    "review.me": "我",
    "review.by": "{who}（{role}）",
    "review.open": "查看详情",
    "review.openLabel": "查看{name}的申请详情",
    "review.approve": "通过",
    "review.return": "退回",
    "review.reject": "拒绝",
    "review.approveLabel": "通过{name}的申请",
    "review.returnLabel": "退回{name}的申请",
    "review.rejectLabel": "拒绝{name}的申请",
    "review.form.return": "退回{name}的申请",
    "review.form.reject": "拒绝{name}的申请",
    "review.reason.return": "退回原因（家长会看到，请说明需要修改什么）",
    "review.reason.reject": "拒绝原因（家长会看到）",
    "review.reason.hint": "最多 300 字。",
    "review.reason.required": "请填写原因。",
    "review.reason.tooLong": "原因最多 300 字。",
    "review.confirm.return": "确认退回",
    "review.confirm.reject": "确认拒绝",
    "review.busy": "正在提交…",
    "review.done.approve": "已通过{name}的申请，已转交校长审定。",
    "review.done.return": "已将{name}的申请退回家长修改。",
    "review.done.reject": "已拒绝{name}的申请。",
    "review.stale": "该申请可能已被他人处理。点击“刷新”查看最新状态。",
    "approval.approve": "批准",
    "approval.reject": "不予批准",
    "approval.approveLabel": "批准{name}的申请",
    "approval.rejectLabel": "不予批准{name}的申请",
    "approval.select": "选择",
    "approval.selectLabel": "选择{name}的申请",
    "approval.selectAll": "全选",
    "approval.selected": "已选 {n} 份",
    "approval.batchApprove": "批量批准",
    "approval.batchReject": "批量不予批准",
    "approval.batchBusy": "正在处理…",
    "approval.form.one": "不予批准{name}的申请",
    "approval.form.batch": "不予批准所选的 {n} 份申请",
    "approval.reason": "不予批准的原因（家长会看到）",
    "approval.confirm": "确认不予批准",
    "approval.done.approve": "已批准{name}的申请。",
    "approval.done.reject": "已不予批准{name}的申请。",
    "approval.waitlisted": "“{activity}”名额已满，已进入候补名单第 {n} 位。",
    "approval.waitlistedNoPos": "“{activity}”名额已满，已进入候补名单。",
    "approval.results.title": "批量处理结果",
    "approval.results.summary": "成功 {ok} 份，未成功 {failed} 份。",
    "approval.result.approve": "已批准",
    "approval.result.reject": "已不予批准",
    "approval.result.error": "未处理：{message}",
    "approval.result.now": "（当前状态：{status}）",
    "approval.err.invalid_transition": "申请状态已变化，可能已被他人处理",
    "approval.err.not_found": "申请不存在",
    "approval.err.forbidden": "无权处理该申请",
    "approval.err.conflict": "与其他操作冲突，请稍后重试",
    "approval.err.version_conflict": "与其他操作冲突，请稍后重试",
    "approval.err.validation_error": "提交的数据有误",
    "approval.err.other": "处理失败",
    "approval.teacherDecision": "{who}于 {at} {action}",
    "approval.td.teacher_approve": "审核通过",
    "approval.td.return": "退回",
    "approval.td.teacher_reject": "拒绝",
    "approval.teacherNone": "班主任尚未审核",
    "approval.teacherInHistory": "班主任的审核情况见办理记录",
  },
  en: {
    "review.nav.class": "Class review",
    "review.nav.approvals": "Approvals",
    "review.class.title": "Class review",
    "review.class.intro": "Review the applications your class's families submitted: approving sends one on to the principal; returning lets the family change and resubmit it. Returning and rejecting need a reason, which the family sees.",
    "review.approvals.title": "Principal's approval",
    "review.approvals.intro": "Decide the applications homeroom teachers approved. Approving takes a place in each chosen activity; a full activity puts the child on its waiting list, ordered by how hard pick-up is for the family, then by arrival.",
    "review.detail.title": "Application",
    "review.detail.loading": "Loading the application…",
    "review.detail.back.class": "Back to class review",
    "review.detail.back.approvals": "Back to approvals",
    "review.detail.history": "History",
    "review.class": "Class",
    "review.status": "Status",
    "review.refresh": "Refresh",
    "review.loading": "Loading applications…",
    "review.classesLoading": "Loading classes…",
    "review.count": "{n} shown",
    "review.empty.submitted": "No applications are waiting for review.",
    "review.empty.teacher_approved": "No applications are waiting for approval.",
    "review.empty": "No applications have this status.",
    "review.noClass": "You are not the homeroom teacher of any class, so there is nothing to review. Ask your school admin if this is wrong.",
    "review.status.draft": "Draft",
    "review.status.submitted": "Awaiting class review",
    "review.status.returned": "Returned to family",
    "review.status.teacher_approved": "Awaiting principal",
    "review.status.approved": "Approved, to be signed",
    "review.status.active": "Active",
    "review.status.rejected": "Rejected",
    "review.status.withdrawn": "Withdrawn",
    "review.child.unknown": "Student (ID {id})",
    "review.f.term": "Term",
    "review.f.class": "Class",
    "review.f.pickup": "Pick-up",
    "review.pickup": "{who}, around {time}",
    "review.f.situation": "Pick-up situation",
    "review.priority": "Waiting-list priority {rank}",
    "review.f.note": "Family's note",
    "review.f.services": "Services",
    "review.f.lunch": "Lunch",
    "review.lunch.yes": "Yes",
    "review.lunch.no": "No",
    "review.service.care": "Supervised care (homework)",
    "review.service.nap": "Nap",
    "review.service.lunch": "Lunch",
    "review.services.none": "None",
    "review.f.activities": "Activities",
    "review.activities.none": "No activities chosen",
    "review.f.submitted": "Submitted",
    "review.f.updated": "Updated",
    "review.f.created": "Created",
    "review.f.effective": "Effective on",
    "review.f.statusReason": "Reason given",
    "review.f.teacher": "Class review",
    "review.capacity": "capacity {n}",
    "review.places": "places {taken}/{capacity}",
    "review.waiting": "{n} waiting",
    "review.fee.free": "Free",
    "review.fee.per_term": "{fee}/term",
    "review.fee.per_month": "{fee}/month",
    "review.fee.per_session": "{fee}/session",
    "review.act.requested": "Place not yet assigned",
    "review.act.seated": "Has a place",
    "review.act.waitlisted": "Waiting list no. {n}",
    "review.act.waitlistedNoPos": "On the waiting list",
    "review.act.dropped": "Dropped",
    "review.act.unavailable": "No longer in the programme",
    "review.activity.unknown": "Activity (ID {id})",
    "review.program.missing": "The term's published programme could not be read; activities are shown by ID.",
    "review.termUnknown": "Term (ID {id})",
    "review.history.show": "Show history",
    "review.history.hide": "Hide history",
    "review.history.title": "History of {name}'s application",
    "review.history.loading": "Loading the history…",
    "review.history.empty": "No history yet.",
    "review.h.create": "Application created",
    "review.h.edit": "Application changed",
    "review.h.submit": "Submitted",
    "review.h.teacher_approve": "Approved by the homeroom teacher",
    "review.h.return": "Returned by the homeroom teacher",
    "review.h.teacher_reject": "Rejected by the homeroom teacher",
    "review.h.approve": "Approved by the principal",
    "review.h.reject": "Rejected by the principal",
    "review.h.sign": "Agreement signed",
    "review.h.withdraw": "Withdrawn from the service",
    "review.h.drop_activity": "Activity dropped",
    "review.h.waitlisted": "Put on a waiting list",
    "review.h.place_offered": "Place offered from the waiting list",
    "review.h.status": "{from} → {to}",
    "review.h.reason": "Reason: {reason}",
    "review.h.activity": "Activity: {name}",
    "review.role.guardian": "guardian",
    "review.role.teacher": "homeroom teacher",
    "review.role.school_admin": "school admin",
    "review.role.system": "system",
    "review.role.unknown": "user",
    "review.actor.guardian": "Guardian",
    "review.actor.teacher": "Homeroom teacher",
    "review.actor.school_admin": "School admin",
    "review.actor.system": "System",
    "review.actor.unknown": "Another user",
    "review.me": "me",
    "review.by": "{who} ({role})",
    "review.open": "Details",
    "review.openLabel": "Details of {name}'s application",
    "review.approve": "Approve",
    "review.return": "Return",
    "review.reject": "Reject",
    "review.approveLabel": "Approve {name}'s application",
    "review.returnLabel": "Return {name}'s application",
    "review.rejectLabel": "Reject {name}'s application",
    "review.form.return": "Return {name}'s application",
    "review.form.reject": "Reject {name}'s application",
    "review.reason.return": "Reason for returning (the family sees it; say what to change)",
    "review.reason.reject": "Reason for rejecting (the family sees it)",
    "review.reason.hint": "At most 300 characters.",
    "review.reason.required": "Please give a reason.",
    "review.reason.tooLong": "At most 300 characters.",
    "review.confirm.return": "Return application",
    "review.confirm.reject": "Reject application",
    "review.busy": "Sending…",
    "review.done.approve": "{name}'s application is approved and goes on to the principal.",
    "review.done.return": "{name}'s application is returned to the family for changes.",
    "review.done.reject": "{name}'s application is rejected.",
    "review.stale": "Someone may have decided this application already. Use Refresh to see its current status.",
    "approval.approve": "Approve",
    "approval.reject": "Reject",
    "approval.approveLabel": "Approve {name}'s application",
    "approval.rejectLabel": "Reject {name}'s application",
    "approval.select": "Select",
    "approval.selectLabel": "Select {name}'s application",
    "approval.selectAll": "Select all shown",
    "approval.selected": "{n} selected",
    "approval.batchApprove": "Approve selected",
    "approval.batchReject": "Reject selected",
    "approval.batchBusy": "Working…",
    "approval.form.one": "Reject {name}'s application",
    "approval.form.batch": "Reject the {n} selected applications",
    "approval.reason": "Reason for rejecting (the family sees it)",
    "approval.confirm": "Reject",
    "approval.done.approve": "{name}'s application is approved.",
    "approval.done.reject": "{name}'s application is rejected.",
    "approval.waitlisted": "“{activity}” is full: the child is on its waiting list, no. {n}.",
    "approval.waitlistedNoPos": "“{activity}” is full: the child is on its waiting list.",
    "approval.results.title": "Batch results",
    "approval.results.summary": "{ok} done, {failed} not done.",
    "approval.result.approve": "Approved",
    "approval.result.reject": "Rejected",
    "approval.result.error": "Not done: {message}",
    "approval.result.now": " (now: {status})",
    "approval.err.invalid_transition": "Its status changed; someone may have decided it already",
    "approval.err.not_found": "No such application",
    "approval.err.forbidden": "You may not decide this application",
    "approval.err.conflict": "It clashed with another change; try again",
    "approval.err.version_conflict": "It clashed with another change; try again",
    "approval.err.validation_error": "The request was not valid",
    "approval.err.other": "It could not be decided",
    "approval.teacherDecision": "{action} by {who}, {at}",
    "approval.td.teacher_approve": "Approved",
    "approval.td.return": "Returned",
    "approval.td.teacher_reject": "Rejected",
    "approval.teacherNone": "Not reviewed by the homeroom teacher yet",
    "approval.teacherInHistory": "See the history for the homeroom teacher's decision",
  },
});

const CLASS_STATUSES = ["submitted", "returned", "teacher_approved", "approved", "active", "rejected", "withdrawn"];
const APPROVAL_STATUSES = ["teacher_approved", "approved", "active", "rejected", "withdrawn", "submitted", "returned"];
const TEACHER_ACTIONS = ["teacher_approve", "return", "teacher_reject"];
const REVIEW_ACTIONS = { approve: "teacher_approve", return: "return", reject: "teacher_reject" }; // class_review.decision
const UNREVIEWED_STATUSES = ["draft", "submitted"];
const REASON_MAX = 300;
const BATCH_MAX = 50; // the API takes at most 50 ids per request
const PAGE = "20";

// ---------------------------------------------------------------------------------------------
// what every page here reads: classes, programs and places per term, histories

const cache = emptyCache();

function emptyCache() {
  return {
    classes: null, // [SchoolClass] of the whole school
    classesLoading: null, // the running promise
    classesError: null,
    programs: new Map(), // term id -> { loading, program, activities: Map, error }
    places: new Map(), // term id -> { loading, byId: Map(activity id -> {capacity, taken, waiting}), error }
    histories: new Map(), // application id -> { loading, items, error }
  };
}

function resetCache() {
  Object.assign(cache, emptyCache());
}

function ensureClasses() {
  if (cache.classes) return Promise.resolve(cache.classes);
  if (cache.classesLoading) return cache.classesLoading;
  cache.classesError = null;
  cache.classesLoading = fetchAll(schoolPath("/classes"), Infinity)
    .then((items) => {
      cache.classes = items.sort((a, b) => a.grade - b.grade || a.name.localeCompare(b.name, "zh-CN"));
      return cache.classes;
    })
    .catch((err) => {
      cache.classesError = err;
      return null;
    })
    .finally(() => {
      cache.classesLoading = null;
      rerender();
    });
  return cache.classesLoading;
}

function classOf(classId) {
  return (cache.classes || []).find((c) => c.id === classId) || null;
}

/** The name the application carries (older applications have none: their id's end instead). */
function childName(app) {
  return app.student_name || t("review.child.unknown", { id: shortId(app.student_id) });
}

function shortId(id) {
  return String(id || "").slice(-6);
}

/** The term's published program (公示): names, capacity and fees of the activities. */
function ensurePrograms(apps) {
  const terms = [...new Set(apps.map((a) => a.term_id))].filter((id) => !cache.programs.has(id));
  return Promise.all(
    terms.map(async (termId) => {
      const entry = { loading: true, program: null, activities: new Map(), error: null };
      cache.programs.set(termId, entry);
      await loadInto(entry, async () => {
        const q = new URLSearchParams({ term_id: termId });
        const { data } = await api("GET", `/public/schools/${enc(session.me.tenant)}/program?${q}`, { auth: false });
        entry.program = data;
        entry.activities = new Map((data.activities || []).map((a) => [a.id, a]));
      });
    }),
  );
}

function programOf(termId) {
  return cache.programs.get(termId) || null;
}

/** Places per activity of each term (one request per term); `force` after decisions changed them. */
function ensurePlaces(apps, force = false) {
  const terms = [...new Set(apps.map((a) => a.term_id))].filter((id) => force || !cache.places.has(id));
  return Promise.all(
    terms.map(async (termId) => {
      const known = cache.places.get(termId);
      const entry = { loading: true, byId: known ? known.byId : null, error: null };
      cache.places.set(termId, entry);
      await loadInto(entry, async () => {
        const { data } = await api("GET", schoolPath(`/terms/${enc(termId)}/places`));
        entry.byId = new Map((data.items || []).map((x) => [x.activity_id, x]));
      });
    }),
  );
}

function placesOf(app, activityId) {
  const entry = cache.places.get(app.term_id);
  return (entry && entry.byId && entry.byId.get(activityId)) || null;
}

function placesText(app, activityId, a) {
  const places = placesOf(app, activityId);
  if (!places) return a ? t("review.capacity", { n: a.capacity }) : null;
  const text = t("review.places", { taken: places.taken, capacity: places.capacity });
  return places.waiting ? `${text} · ${t("review.waiting", { n: places.waiting })}` : text;
}

function termName(app, withDates = false) {
  const p = programOf(app.term_id);
  const term = p && p.program && p.program.term;
  if (!term) return t("review.termUnknown", { id: shortId(app.term_id) });
  return withDates ? `${term.name}（${formatDate(term.starts_on)} – ${formatDate(term.ends_on)}）` : term.name;
}

function activityOf(app, activityId) {
  const p = programOf(app.term_id);
  return (p && p.activities.get(activityId)) || null;
}

function activityName(app, activityId) {
  const a = activityOf(app, activityId);
  return a ? a.name : t("review.activity.unknown", { id: shortId(activityId) });
}

function loadHistory(appId, force = false) {
  const known = cache.histories.get(appId);
  if (known && (known.loading || (!force && known.items))) return Promise.resolve();
  const entry = { loading: true, items: known ? known.items : null, error: null };
  cache.histories.set(appId, entry);
  return loadInto(entry, async () => {
    entry.items = (await api("GET", schoolPath(`/applications/${enc(appId)}/history`))).data.items || [];
  });
}

// ---------------------------------------------------------------------------------------------
// shared rendering

function statusLabel(status) {
  return t(`review.status.${status}`);
}

function appBadge(status, testid) {
  return statusBadge(status, testid, statusLabel(status));
}

function feeText(a) {
  if (!a || a.fee_basis === "free" || !a.fee_fen) return t("review.fee.free");
  return t(`review.fee.${a.fee_basis}`, { fee: formatFen(a.fee_fen) });
}

function activityStateLabel(item) {
  if (item.state === "waitlisted") {
    return item.position ? t("review.act.waitlisted", { n: item.position }) : t("review.act.waitlistedNoPos");
  }
  return t(`review.act.${item.state}`);
}

function situationText(app) {
  const pr = app.priority;
  if (pr && pr.labels) return pr.labels[session.lang] || pr.labels["zh-CN"] || pr.situation;
  return null;
}

function actorName(entry, app) {
  if (session.me && entry.by === session.me.sub) {
    return t("review.by", { who: (session.user && session.user.name) || t("review.me"), role: t("review.me") });
  }
  const klass = app ? classOf(app.class_id) : null;
  const role = tOr(`review.role.${entry.role}`, null);
  if (klass && klass.homeroom_teacher_sub && entry.by === klass.homeroom_teacher_sub && klass.homeroom_teacher_name) {
    return t("review.by", { who: klass.homeroom_teacher_name, role: role ?? t("review.role.unknown") });
  }
  return role ? t(`review.actor.${entry.role}`) : t("review.actor.unknown");
}

function historyAction(action) {
  return tOr(`review.h.${action}`, action);
}

function renderFacts(app, { withClass = false, withTeacher = false, full = false } = {}) {
  const p = programOf(app.term_id);
  const cr = app.care_reason || {};
  const rows = [];
  const row = (label, value, testid) => {
    if (value == null || value === "" || (Array.isArray(value) && !value.length)) return;
    rows.push(h("dt", {}, label), h("dd", { "data-testid": testid || null }, value));
  };
  if (withClass) {
    const klass = classOf(app.class_id);
    row(t("review.f.class"), app.class_name || (klass ? klass.name : shortId(app.class_id)), "review-class-name");
  }
  row(t("review.f.term"), termName(app, full), "review-term");
  row(t("review.f.pickup"), cr.pickup_by ? t("review.pickup", { who: cr.pickup_by, time: cr.pickup_time }) : null, "review-pickup");
  const situation = situationText(app);
  if (situation) {
    row(
      t("review.f.situation"),
      [
        h("span", {}, situation),
        " ",
        app.priority && app.priority.rank
          ? h("span", { class: `rv-priority rv-priority-${app.priority.rank}`, "data-testid": "review-priority", "data-rank": app.priority.rank }, t("review.priority", { rank: app.priority.rank }))
          : null,
      ],
      "review-situation",
    );
  }
  row(t("review.f.note"), cr.note || null, "review-note");
  const services = (app.services || []).map((s) => t(`review.service.${s}`));
  row(t("review.f.services"), services.length ? joinList(services) : t("review.services.none"), "review-services");
  row(t("review.f.lunch"), app.lunch ? t("review.lunch.yes") : t("review.lunch.no"), "review-lunch");
  row(t("review.f.activities"), renderActivities(app), null);
  if (withTeacher) row(t("review.f.teacher"), renderTeacherDecision(app), "approval-teacher");
  if (app.status === "submitted") row(t("review.f.submitted"), h("time", { datetime: app.updated_at }, formatTime(app.updated_at)), "review-submitted");
  else row(t("review.f.updated"), h("time", { datetime: app.updated_at }, formatTime(app.updated_at)), "review-updated");
  if (app.status_reason && ["returned", "rejected", "withdrawn", "approved"].includes(app.status)) {
    row(t("review.f.statusReason"), app.status_reason, "review-status-reason");
  }
  if (full) {
    row(t("review.f.created"), h("time", { datetime: app.created_at }, formatTime(app.created_at)), "review-created");
    if (app.effective_on) row(t("review.f.effective"), formatDate(app.effective_on), "review-effective");
  }
  return h(
    "div",
    { class: "rv-body" },
    h("dl", { class: "facts rv-facts" }, rows),
    p && p.error ? h("p", { class: "muted small" }, t("review.program.missing")) : null,
  );
}

function renderActivities(app) {
  const list = app.activities || [];
  if (!list.length) return t("review.activities.none");
  return h(
    "ul",
    { class: "rv-activities" },
    list.map((item) => {
      const a = activityOf(app, item.activity_id);
      const meta = [placesText(app, item.activity_id, a), a ? feeText(a) : null].filter(Boolean).join(" · ") || null;
      return h(
        "li",
        { "data-testid": "review-activity", "data-activity-id": item.activity_id, "data-state": item.state },
        h("span", { class: "rv-activity-name" }, activityName(app, item.activity_id)),
        meta ? h("span", { class: "muted small", "data-testid": "review-activity-places" }, ` ${meta}`) : null,
        item.state !== "requested" ? [" ", h("span", { class: `rv-state rv-state-${item.state}`, "data-testid": "review-activity-state" }, activityStateLabel(item))] : null,
      );
    }),
  );
}

function renderTeacherDecision(app) {
  const decision = teacherDecision(app);
  if (!decision) {
    // An application reviewed before it carried `class_review`: its history has the decision, one click
    // away ("查看记录"), rather than one history request per application on the page.
    const key = UNREVIEWED_STATUSES.includes(app.status) ? "approval.teacherNone" : "approval.teacherInHistory";
    return h("span", { class: "muted", "data-testid": "approval-teacher-none" }, t(key));
  }
  return [
    h("span", { "data-action": decision.action }, t("approval.teacherDecision", { who: decision.who, at: formatTime(decision.at), action: t(`approval.td.${decision.action}`) })),
    decision.reason ? h("span", { class: "rv-reason" }, t("review.h.reason", { reason: decision.reason })) : null,
  ];
}

/** The 班主任's latest decision: the application's `class_review`, else (older applications) its history once the reader opened it. */
function teacherDecision(app) {
  const review = app.class_review;
  if (review) return { action: REVIEW_ACTIONS[review.decision], at: review.at, reason: review.reason, who: reviewerName(review, app) };
  const hist = cache.histories.get(app.id);
  const entry = hist && hist.items && [...hist.items].reverse().find((e) => TEACHER_ACTIONS.includes(e.action));
  return entry ? { action: entry.action, at: entry.at, reason: entry.reason, who: actorName(entry, app) } : null;
}

/** The name the review was recorded with; without one, the class's 班主任 today (or just the role). */
function reviewerName(review, app) {
  const me = session.me && review.by === session.me.sub;
  if (review.by_name && !me) return t("review.by", { who: review.by_name, role: t("review.role.teacher") });
  return actorName({ by: review.by, role: "teacher" }, app);
}

function renderHistoryList(app, testid = "review-history-list") {
  const hist = cache.histories.get(app.id);
  if (!hist || (hist.loading && !hist.items)) return h("p", { class: "muted small" }, t("review.history.loading"));
  if (hist.error && !hist.items) return errorBox(hist.error, "review-history-error");
  if (!hist.items.length) return h("p", { class: "muted small" }, t("review.history.empty"));
  return h(
    "ol",
    { class: "rv-history", "data-testid": testid },
    hist.items.map((e) =>
      h(
        "li",
        { "data-testid": "review-history-entry", "data-action": e.action },
        h("span", { class: "rv-history-what" }, historyAction(e.action)),
        h("span", { class: "rv-history-when muted small" }, h("time", { datetime: e.at }, formatTime(e.at)), " · ", actorName(e, app)),
        e.from !== e.to && e.from !== "none" && !["waitlisted", "place_offered"].includes(e.action) ? h("span", { class: "muted small" }, t("review.h.status", { from: statusLabel(e.from), to: statusLabel(e.to) })) : null,
        e.activity_id ? h("span", { class: "small" }, t("review.h.activity", { name: activityName(app, e.activity_id) })) : null,
        e.reason ? h("span", { class: "rv-reason" }, t("review.h.reason", { reason: e.reason })) : null,
      ),
    ),
  );
}

function renderChildHeading(app, idPrefix) {
  return h(
    "div",
    { class: "rv-item-head" },
    h("h2", { id: `${idPrefix}-name-${app.id}`, class: "rv-child" }, h("span", { "data-testid": "review-child" }, childName(app))),
    appBadge(app.status, "review-status-badge"),
  );
}

function historyToggle(app, testid, queue) {
  const open = queue.historyOpen.has(app.id);
  const listId = `${testid}-${app.id}`;
  return [
    h(
      "button",
      {
        type: "button",
        class: "rv-link",
        id: `${testid}-toggle-${app.id}`,
        "data-testid": testid,
        "aria-expanded": open ? "true" : "false",
        "aria-controls": listId,
        onclick: () => {
          if (open) queue.historyOpen.delete(app.id);
          else {
            queue.historyOpen.add(app.id);
            loadHistory(app.id, true);
          }
          rerender();
        },
      },
      open ? t("review.history.hide") : t("review.history.show"),
    ),
    open
      ? h(
          "section",
          { class: "rv-history-box", id: listId, "aria-label": t("review.history.title", { name: childName(app) }) },
          renderHistoryList(app),
        )
      : null,
  ];
}

let openedFrom = null; // the queue a detail page was opened from, for its back link

function openLink(app, from) {
  return h(
    "a",
    {
      href: hrefOf(`review/${enc(app.id)}`),
      class: "rv-open",
      "data-testid": "review-open",
      "aria-label": t("review.openLabel", { name: childName(app) }),
      onclick: () => (openedFrom = from),
    },
    t("review.open"),
  );
}

function selectField(id, label, value, options, onchange) {
  const control = select(id, value, options.map(([v, text]) => ({ value: v, label: text })), onchange, { class: "rv-select" });
  return field(id, label, control, { className: "rv-field" });
}

function reasonField(obj, { id, label, error }) {
  const control = textArea(id, obj, "reason", { name: "reason", rows: "3", maxlength: String(REASON_MAX), class: "rv-textarea" });
  return field(id, label, control, { error, hint: t("review.reason.hint") });
}

/** Local check first; the API says the same (400 with a `reason` detail) if it gets there. */
function reasonProblem(reason) {
  const text = (reason || "").trim();
  if (!text) return t("review.reason.required");
  if (text.length > REASON_MAX) return t("review.reason.tooLong");
  return null;
}

/** Keeps the form's reason problem on it (and focuses the field); true when the reason may be sent. */
function reasonReady(form, fieldId) {
  form.error = reasonProblem(form.reason);
  if (!form.error) return true;
  rerender();
  focusId(fieldId);
  return false;
}

function reasonErrorFromApi(err) {
  const d = detailList(err).find((x) => x.field === "reason");
  if (!d) return null;
  return d.type === "string_too_long" ? t("review.reason.tooLong") : t("review.reason.required");
}

/** A failed decision's error goes to the open reason form (its field or its box), else under the item. */
function keepDecisionError(queue, app, err) {
  const fieldError = reasonErrorFromApi(err);
  if (queue.form && queue.form.id === app.id && fieldError) queue.form.error = fieldError;
  else if (queue.form && queue.form.id === app.id) queue.form.apiError = err;
  else queue.itemErrors.set(app.id, err);
}

/** After a decision: the notice, else the reason field or the form's error, else the item's error. */
function focusAfterDecision(queue, app, ok, prefix) {
  if (ok) focusId(`${prefix}-notice`);
  else if (queue.form && queue.form.id === app.id) focusId(queue.form.error ? `${prefix}-reason` : `${prefix}-form-error-${app.id}`);
  else focusId(`${prefix}-item-error-${app.id}`);
}

/** An error under an item; a 409 or 404 means somebody else got there first. */
function itemErrorBox(err, testid, id) {
  const box = errorBox(err, testid, id);
  if (err.status === 409 || err.status === 404) box.append(h("p", { class: "small" }, t("review.stale")));
  return box;
}

function noticeBox(state, testid) {
  if (!state.notice) return null;
  return h(
    "div",
    { class: "alert alert-success rv-notice", role: "status", id: testid, tabindex: "-1", "data-testid": testid },
    state.notice.lines.map((line) => h("p", { "data-testid": line.testid || null }, line.text)),
  );
}

function queueState() {
  return {
    status: "",
    items: [],
    cursor: null,
    loading: false,
    loaded: false,
    error: null,
    seq: 0,
    historyOpen: new Set(),
    form: null, // { id, decision, reason, error, apiError }
    busy: null, // application id being decided
    itemErrors: new Map(), // application id -> ApiError
    notice: null, // { lines: [{text, testid}] }
  };
}

async function loadQueue(state, path, more, after) {
  const seq = ++state.seq;
  state.loading = true;
  state.error = null;
  if (!more) {
    state.items = [];
    state.cursor = null;
    state.loaded = false;
  }
  rerender();
  try {
    const data = await fetchPage(path, { status: state.status, limit: PAGE, cursor: more ? state.cursor : null });
    if (seq !== state.seq) return;
    const known = new Set(state.items.map((a) => a.id));
    const fresh = (data.items || []).filter((a) => !known.has(a.id));
    state.items.push(...fresh);
    state.cursor = data.next_cursor || null;
    state.loaded = true;
    if (after) after(fresh);
  } catch (err) {
    if (seq !== state.seq) return;
    state.error = err;
  } finally {
    if (seq === state.seq) state.loading = false;
    rerender();
  }
}

function renderQueueFooter(state, testid, onMore) {
  if (state.loading) return h("p", { class: "muted", "data-testid": `${testid}-loading`, role: "status" }, t("review.loading"));
  if (state.cursor) {
    return h("button", { type: "button", id: `${testid}-more`, class: "btn btn-secondary rv-more", "data-testid": `${testid}-more`, onclick: onMore }, t("common.more"));
  }
  return null;
}

function emptyText(status) {
  return tOr(`review.empty.${status}`, t("review.empty"));
}

// ---------------------------------------------------------------------------------------------
// 班级审核: the homeroom teacher's queue

const cr = { ...queueState(), status: "submitted", classId: null };

function myClasses() {
  const me = session.me;
  return (cache.classes || []).filter((c) => me && c.homeroom_teacher_sub && c.homeroom_teacher_sub === me.sub);
}

function classQueuePath() {
  return schoolPath(`/classes/${enc(cr.classId)}/applications`);
}

function loadClassQueue(more = false) {
  if (!cr.classId) return Promise.resolve();
  return loadQueue(cr, classQueuePath(), more, (fresh) => {
    ensurePrograms(fresh);
    ensurePlaces(fresh, !more);
  });
}

async function enterClassReview() {
  cr.notice = null;
  cr.form = null;
  cr.itemErrors = new Map();
  await ensureClasses();
  const mine = myClasses();
  if (!mine.some((c) => c.id === cr.classId)) cr.classId = mine.length ? mine[0].id : null;
  await loadClassQueue(false);
}

function chooseClass(classId) {
  cr.classId = classId;
  cr.notice = null;
  cr.form = null;
  cr.itemErrors = new Map();
  cr.historyOpen = new Set();
  loadClassQueue(false);
}

function chooseClassStatus(status) {
  cr.status = status;
  cr.notice = null;
  cr.form = null;
  cr.itemErrors = new Map();
  loadClassQueue(false);
}

function openReviewForm(app, decision) {
  cr.form = { id: app.id, decision, reason: "", error: null, apiError: null };
  cr.itemErrors.delete(app.id);
  rerender();
  focusId("review-reason");
}

function closeReviewForm(app) {
  cr.form = null;
  rerender();
  focusId(`review-${app.id}-return`);
}

async function classReview(app, decision, reason) {
  if (cr.busy) return;
  const name = childName(app);
  const body = decision === "approve" ? { decision } : { decision, reason: reason.trim() };
  cr.busy = app.id;
  cr.itemErrors.delete(app.id);
  cr.notice = null;
  if (cr.form) cr.form.apiError = null;
  rerender();
  let ok = false;
  try {
    await api("POST", schoolPath(`/applications/${enc(app.id)}/class-review`), { body });
    ok = true;
    cr.items = cr.items.filter((a) => a.id !== app.id);
    cr.form = null;
    cr.historyOpen.delete(app.id);
    cache.histories.delete(app.id);
    cr.notice = { lines: [{ text: t(`review.done.${decision}`, { name }) }] };
  } catch (err) {
    keepDecisionError(cr, app, err);
  } finally {
    cr.busy = null;
    rerender();
  }
  focusAfterDecision(cr, app, ok, "review");
}

function submitReviewForm(event, app) {
  event.preventDefault();
  if (reasonReady(cr.form, "review-reason")) classReview(app, cr.form.decision, cr.form.reason);
}

function renderClassReview() {
  const section = h(
    "section",
    { class: "card rv-page", "aria-labelledby": "class-review-title", "data-testid": "class-review-page" },
    h(
      "div",
      { class: "card-head" },
      h("h1", { id: "class-review-title" }, t("review.class.title")),
      cr.items.length ? h("span", { class: "muted small", "data-testid": "review-count" }, t("review.count", { n: cr.items.length })) : null,
    ),
    h("p", { class: "muted small" }, t("review.class.intro")),
  );
  if (cache.classesError) {
    section.append(errorBox(cache.classesError, "review-classes-error"));
    return section;
  }
  if (!cache.classes) {
    section.append(h("p", { class: "muted", role: "status" }, t("review.classesLoading")));
    return section;
  }
  const mine = myClasses();
  if (!mine.length) {
    section.append(h("p", { class: "alert alert-info", "data-testid": "review-no-class" }, t("review.noClass")));
    return section;
  }
  section.append(
    h(
      "div",
      { class: "rv-filters" },
      mine.length > 1
        ? selectField("review-class", t("review.class"), cr.classId, mine.map((c) => [c.id, c.name]), chooseClass)
        : h("p", { class: "rv-one-class", "data-testid": "review-class-name" }, h("span", { class: "muted" }, `${t("review.class")}：`), mine[0].name),
      selectField("review-status", t("review.status"), cr.status, CLASS_STATUSES.map((s) => [s, statusLabel(s)]), chooseClassStatus),
      h("button", { type: "button", class: "btn btn-ghost rv-refresh", id: "review-refresh", "data-testid": "review-refresh", disabled: cr.loading, onclick: () => loadClassQueue(false) }, t("review.refresh")),
    ),
  );
  section.append(noticeBox(cr, "review-notice") || "");
  section.append(errorBox(cr.error, "review-error") || "");
  const list = h("ul", { class: "rv-list", "data-testid": "review-list", "aria-label": t("review.class.title") });
  for (const app of cr.items) list.append(renderReviewItem(app));
  if (cr.items.length) section.append(list);
  else if (cr.loaded && !cr.loading && !cr.error) section.append(h("p", { class: "muted", "data-testid": "review-empty" }, emptyText(cr.status)));
  section.append(renderQueueFooter(cr, "review", () => loadClassQueue(true)) || "");
  return section;
}

function renderReviewItem(app) {
  const busy = cr.busy === app.id;
  const name = childName(app);
  const form = cr.form && cr.form.id === app.id ? cr.form : null;
  const err = cr.itemErrors.get(app.id);
  const li = h(
    "li",
    { class: "rv-item", "data-testid": "review-item", "data-application-id": app.id, "data-status": app.status, "aria-labelledby": `rv-name-${app.id}`, "aria-busy": busy ? "true" : null },
    renderChildHeading(app, "rv"),
    renderFacts(app),
    h("div", { class: "rv-links" }, historyToggle(app, "review-history", cr), openLink(app, "class-review")),
  );
  if (app.status === "submitted") {
    li.append(
      h(
        "div",
        { class: "rv-actions" },
        h("button", { type: "button", id: `review-${app.id}-approve`, class: "btn btn-primary", "data-testid": "review-approve", "aria-label": t("review.approveLabel", { name }), disabled: busy || Boolean(form), onclick: () => classReview(app, "approve") }, busy && !form ? t("review.busy") : t("review.approve")),
        h("button", { type: "button", id: `review-${app.id}-return`, class: "btn btn-secondary", "data-testid": "review-return", "aria-label": t("review.returnLabel", { name }), "aria-expanded": form && form.decision === "return" ? "true" : "false", disabled: busy || Boolean(form), onclick: () => openReviewForm(app, "return") }, t("review.return")),
        h("button", { type: "button", id: `review-${app.id}-reject`, class: "btn btn-danger-ghost", "data-testid": "review-reject", "aria-label": t("review.rejectLabel", { name }), "aria-expanded": form && form.decision === "reject" ? "true" : "false", disabled: busy || Boolean(form), onclick: () => openReviewForm(app, "reject") }, t("review.reject")),
      ),
    );
  }
  if (form) li.append(renderReviewForm(app, form, busy));
  if (err) li.append(itemErrorBox(err, "review-item-error", `review-item-error-${app.id}`));
  return li;
}

function renderReviewForm(app, form, busy) {
  const danger = form.decision === "reject";
  return confirmForm(
    {
      class: `rv-form${danger ? " rv-form-danger" : ""}`,
      testid: "review-reason-form",
      titleId: `review-form-title-${app.id}`,
      title: t(`review.form.${form.decision}`, { name: childName(app) }),
      onsubmit: (e) => submitReviewForm(e, app),
      busy,
      confirm: { class: danger ? "btn btn-danger" : "btn btn-primary", label: busy ? t("review.busy") : t(`review.confirm.${form.decision}`), testid: "review-confirm" },
      cancel: { label: t("common.cancel"), testid: "review-cancel", onclick: () => closeReviewForm(app) },
    },
    reasonField(form, { id: "review-reason", label: t(`review.reason.${form.decision}`), error: form.error }),
    form.apiError ? errorBox(form.apiError, "review-form-error", `review-form-error-${app.id}`) : null,
    form.apiError && form.apiError.status === 409 ? h("p", { class: "small" }, t("review.stale")) : null,
  );
}

// ---------------------------------------------------------------------------------------------
// 校长审定: the principal's queue, one by one or in a batch

const ap = { ...queueState(), status: "teacher_approved", selected: new Set(), batch: null, results: null };

function loadApprovalQueue(more = false) {
  if (!more) ap.selected = new Set();
  return loadQueue(ap, schoolPath("/applications"), more, (fresh) => {
    ensurePrograms(fresh);
    ensurePlaces(fresh, !more); // the 班主任's decision comes with each application (class_review)
  });
}

async function enterApprovals() {
  Object.assign(ap, { notice: null, form: null, batch: null, results: null, itemErrors: new Map() });
  ensureClasses();
  await loadApprovalQueue(false);
}

function chooseApprovalStatus(status) {
  Object.assign(ap, { status, notice: null, form: null, batch: null, results: null, itemErrors: new Map() });
  loadApprovalQueue(false);
}

function selectable(app) {
  return app.status === "teacher_approved";
}

function toggleSelected(app, on) {
  if (on) ap.selected.add(app.id);
  else ap.selected.delete(app.id);
  rerender();
}

function toggleAll(on) {
  ap.selected = new Set(on ? ap.items.filter(selectable).map((a) => a.id) : []);
  rerender();
}

function waitlistLines(app) {
  return (app.activities || [])
    .filter((a) => a.state === "waitlisted")
    .map((a) => ({
      text: a.position
        ? t("approval.waitlisted", { activity: activityName(app, a.activity_id), n: a.position })
        : t("approval.waitlistedNoPos", { activity: activityName(app, a.activity_id) }),
      testid: "approval-waitlisted",
    }));
}

async function decideOne(app, decision, reason) {
  if (ap.busy || ap.batch?.busy) return;
  const name = childName(app);
  ap.busy = app.id;
  ap.itemErrors.delete(app.id);
  ap.notice = null;
  ap.results = null;
  if (ap.form) ap.form.apiError = null;
  rerender();
  let ok = false;
  try {
    const body = decision === "reject" ? { decision, reason: reason.trim() } : { decision };
    const { data } = await api("POST", schoolPath(`/applications/${enc(app.id)}/decision`), { body });
    ok = true;
    ap.items = ap.items.filter((a) => a.id !== app.id);
    ap.selected.delete(app.id);
    ap.form = null;
    ap.historyOpen.delete(app.id);
    cache.histories.delete(app.id);
    ap.notice = { lines: [{ text: t(`approval.done.${decision}`, { name }) }, ...waitlistLines(data)] };
    ensurePlaces([app], true);
  } catch (err) {
    keepDecisionError(ap, app, err);
  } finally {
    ap.busy = null;
    rerender();
  }
  focusAfterDecision(ap, app, ok, "approval");
}

function openRejectOne(app) {
  ap.form = { id: app.id, decision: "reject", reason: "", error: null, apiError: null };
  ap.batch = null;
  ap.itemErrors.delete(app.id);
  rerender();
  focusId("approval-reason");
}

function openBatchReject() {
  ap.form = null;
  ap.batch = { decision: "reject", reason: "", error: null, apiError: null, busy: false, open: true };
  rerender();
  focusId("approval-reason");
}

function closeForms(then) {
  ap.form = null;
  ap.batch = null;
  rerender();
  if (then) focusId(then);
}

/** The page's own wording where it has one; else the API's message (in the reader's language). */
function batchErrorText(result) {
  const message = tOr(`approval.err.${result.error}`, result.message || t("approval.err.other"));
  return t("approval.result.error", { message });
}

async function decideBatch(decision, reason) {
  const ids = ap.items.filter((a) => ap.selected.has(a.id) && selectable(a)).map((a) => a.id);
  if (!ids.length || ap.busy || (ap.batch && ap.batch.busy)) return;
  const byId = new Map(ap.items.map((a) => [a.id, a]));
  ap.batch = ap.batch || { decision, reason: "", error: null, apiError: null, open: false };
  ap.batch.busy = true;
  ap.batch.apiError = null;
  ap.notice = null;
  ap.results = null;
  rerender();
  const results = [];
  let failure = null;
  try {
    for (let i = 0; i < ids.length; i += BATCH_MAX) {
      const body = { application_ids: ids.slice(i, i + BATCH_MAX), decision };
      if (decision === "reject") body.reason = reason.trim();
      const { data } = await api("POST", schoolPath("/application-decisions"), { body });
      results.push(...(data.results || []));
    }
  } catch (err) {
    failure = err;
  }
  // The batch answers each item in full: a decided one with its activities (a waitlisted one with its
  // position), a refused one with its message and, for a status change, the status it has now.
  const entries = results.map((r) => {
    const app = byId.get(r.application_id);
    const now = !r.ok && r.details && typeof r.details.status === "string" ? r.details.status : null;
    return {
      id: r.application_id,
      name: app ? childName(app) : shortId(r.application_id),
      ok: Boolean(r.ok),
      status: r.status || null,
      error: r.error || null,
      statusCode: r.status_code || null,
      text: r.ok ? t(`approval.result.${decision}`) : batchErrorText(r),
      app: r.ok && app ? { ...app, status: r.status, activities: r.activities || app.activities } : null,
      now,
    };
  });
  const done = new Set(entries.filter((e) => e.ok).map((e) => e.id));
  const elsewhere = new Set(entries.filter((e) => e.now && e.now !== ap.status).map((e) => e.id)); // decided by someone else
  ap.items = ap.items.filter((a) => !done.has(a.id) && !elsewhere.has(a.id));
  for (const id of [...done, ...elsewhere]) {
    cache.histories.delete(id);
    ap.historyOpen.delete(id);
  }
  ap.selected = new Set([...ap.selected].filter((id) => !done.has(id) && byId.has(id)));
  for (const e of entries) if (!e.ok) ap.selected.delete(e.id);
  ap.results = entries.length ? { decision, entries, appOf: new Map(entries.map((e) => [e.id, byId.get(e.id)])) } : null;
  if (failure) {
    const fieldError = reasonErrorFromApi(failure);
    ap.batch.busy = false;
    if (fieldError && ap.batch.open) ap.batch.error = fieldError;
    else ap.batch.apiError = failure;
  } else {
    ap.batch = null;
  }
  if (done.size) ensurePlaces([...done].map((id) => byId.get(id)).filter(Boolean), true);
  rerender();
  if (failure) focusId(ap.batch && ap.batch.error ? "approval-reason" : "approval-batch-error");
  else focusId("approval-results");
}

function submitRejectForm(event, app) {
  event.preventDefault();
  if (reasonReady(ap.form, "approval-reason")) decideOne(app, "reject", ap.form.reason);
}

function submitBatchReject(event) {
  event.preventDefault();
  if (reasonReady(ap.batch, "approval-reason")) decideBatch("reject", ap.batch.reason);
}

function renderApprovals() {
  const section = h(
    "section",
    { class: "card rv-page", "aria-labelledby": "approvals-title", "data-testid": "approvals-page" },
    h(
      "div",
      { class: "card-head" },
      h("h1", { id: "approvals-title" }, t("review.approvals.title")),
      ap.items.length ? h("span", { class: "muted small", "data-testid": "approval-count" }, t("review.count", { n: ap.items.length })) : null,
    ),
    h("p", { class: "muted small" }, t("review.approvals.intro")),
    h(
      "div",
      { class: "rv-filters" },
      selectField("approval-status", t("review.status"), ap.status, APPROVAL_STATUSES.map((s) => [s, statusLabel(s)]), chooseApprovalStatus),
      h("button", { type: "button", class: "btn btn-ghost rv-refresh", id: "approval-refresh", "data-testid": "approval-refresh", disabled: ap.loading, onclick: () => { Object.assign(ap, { notice: null, results: null, itemErrors: new Map() }); loadApprovalQueue(false); } }, t("review.refresh")),
    ),
  );
  section.append(noticeBox(ap, "approval-notice") || "");
  section.append(renderResults() || "");
  section.append(errorBox(ap.error, "approval-error") || "");
  const selectableItems = ap.items.filter(selectable);
  if (selectableItems.length) section.append(renderBatchBar(selectableItems));
  const list = h("ul", { class: "rv-list", "data-testid": "approval-list", "aria-label": t("review.approvals.title") });
  for (const app of ap.items) list.append(renderApprovalItem(app));
  if (ap.items.length) section.append(list);
  else if (ap.loaded && !ap.loading && !ap.error) section.append(h("p", { class: "muted", "data-testid": "approval-empty" }, emptyText(ap.status)));
  section.append(renderQueueFooter(ap, "approval", () => loadApprovalQueue(true)) || "");
  return section;
}

function renderBatchBar(selectableItems) {
  const n = selectableItems.filter((a) => ap.selected.has(a.id)).length;
  const all = n > 0 && n === selectableItems.length;
  const busy = Boolean(ap.batch && ap.batch.busy) || Boolean(ap.busy);
  const selectAll = h("input", {
    type: "checkbox",
    id: "approval-select-all",
    class: "rv-check",
    "data-testid": "approval-select-all",
    checked: all,
    disabled: busy,
    onchange: (e) => toggleAll(e.target.checked),
  });
  selectAll.indeterminate = n > 0 && !all;
  const bar = h(
    "div",
    { class: "rv-batch", "data-testid": "approval-batch", role: "region", "aria-label": t("approval.selected", { n }) },
    h(
      "div",
      { class: "rv-batch-row" },
      h("div", { class: "rv-check-field" }, selectAll, h("label", { for: "approval-select-all" }, t("approval.selectAll"))),
      h("span", { class: "muted small", "data-testid": "approval-selected-count", "aria-live": "polite" }, t("approval.selected", { n })),
    ),
    h(
      "div",
      { class: "rv-batch-row rv-batch-actions" },
      h("button", { type: "button", id: "approval-batch-approve", class: "btn btn-primary", "data-testid": "approval-batch-approve", disabled: busy || !n, "aria-busy": ap.batch && ap.batch.busy && ap.batch.decision === "approve" ? "true" : null, onclick: () => decideBatch("approve") }, ap.batch && ap.batch.busy && ap.batch.decision === "approve" ? t("approval.batchBusy") : t("approval.batchApprove")),
      h("button", { type: "button", id: "approval-batch-reject", class: "btn btn-danger-ghost", "data-testid": "approval-batch-reject", disabled: busy || !n || Boolean(ap.batch && ap.batch.open), "aria-expanded": ap.batch && ap.batch.open ? "true" : "false", onclick: openBatchReject }, t("approval.batchReject")),
    ),
  );
  if (ap.batch && ap.batch.open) {
    const b = ap.batch;
    bar.append(
      confirmForm(
        {
          class: "rv-form rv-form-danger",
          testid: "approval-batch-form",
          titleId: "approval-batch-title",
          title: t("approval.form.batch", { n }),
          onsubmit: submitBatchReject,
          busy: b.busy,
          confirm: { label: b.busy ? t("approval.batchBusy") : t("approval.confirm"), testid: "approval-confirm", disabled: !n },
          cancel: { label: t("common.cancel"), testid: "approval-cancel", onclick: () => closeForms("approval-batch-reject") },
        },
        reasonField(b, { id: "approval-reason", label: t("approval.reason"), error: b.error }),
      ),
    );
  }
  if (ap.batch && ap.batch.apiError) bar.append(errorBox(ap.batch.apiError, "approval-batch-error", "approval-batch-error"));
  return bar;
}

function renderResults() {
  const r = ap.results;
  if (!r) return null;
  const ok = r.entries.filter((e) => e.ok).length;
  return h(
    "section",
    { class: `alert ${ok === r.entries.length ? "alert-success" : "alert-info"} rv-results`, id: "approval-results", tabindex: "-1", role: "status", "aria-labelledby": "approval-results-title", "data-testid": "approval-results" },
    h("h2", { id: "approval-results-title", class: "rv-results-title" }, t("approval.results.title")),
    h("p", { "data-testid": "approval-results-summary" }, t("approval.results.summary", { ok, failed: r.entries.length - ok })),
    h(
      "ul",
      { class: "rv-results-list" },
      r.entries.map((e) => {
        const app = e.app || r.appOf.get(e.id);
        const name = app ? childName(app) : e.name;
        return h(
          "li",
          { "data-testid": "approval-result", "data-application-id": e.id, "data-outcome": e.ok ? "ok" : "error", "data-error-code": e.error || null, class: e.ok ? "rv-ok" : "rv-fail" },
          h("strong", {}, name),
          "：",
          h("span", {}, e.text),
          !e.ok && e.now ? h("span", { class: "small", "data-testid": "approval-result-now" }, t("approval.result.now", { status: statusLabel(e.now) })) : null,
          !e.ok && e.error ? h("code", { class: "rv-code" }, ` ${e.error}`) : null,
          e.app ? waitlistLines(e.app).map((line) => h("span", { class: "rv-wait", "data-testid": line.testid }, line.text)) : null,
        );
      }),
    ),
  );
}

function renderApprovalItem(app) {
  const busy = ap.busy === app.id;
  const name = childName(app);
  const form = ap.form && ap.form.id === app.id ? ap.form : null;
  const err = ap.itemErrors.get(app.id);
  const batchBusy = Boolean(ap.batch && ap.batch.busy);
  const li = h(
    "li",
    { class: `rv-item${ap.selected.has(app.id) ? " is-selected" : ""}`, "data-testid": "approval-item", "data-application-id": app.id, "data-status": app.status, "aria-labelledby": `ap-name-${app.id}`, "aria-busy": busy ? "true" : null },
  );
  if (selectable(app)) {
    li.append(
      h(
        "div",
        { class: "rv-check-field rv-item-check" },
        h("input", { type: "checkbox", id: `approval-select-${app.id}`, class: "rv-check", "data-testid": "approval-select", checked: ap.selected.has(app.id), disabled: batchBusy, onchange: (e) => toggleSelected(app, e.target.checked) }),
        h("label", { for: `approval-select-${app.id}` }, t("approval.select"), h("span", { class: "visually-hidden" }, ` ${name}`)),
      ),
    );
  }
  li.append(
    renderChildHeading(app, "ap"),
    renderFacts(app, { withClass: true, withTeacher: true }),
    h("div", { class: "rv-links" }, historyToggle(app, "approval-history", ap), openLink(app, "approvals")),
  );
  if (selectable(app)) {
    li.append(
      h(
        "div",
        { class: "rv-actions" },
        h("button", { type: "button", id: `approval-${app.id}-approve`, class: "btn btn-primary", "data-testid": "approval-approve", "aria-label": t("approval.approveLabel", { name }), disabled: busy || batchBusy || Boolean(form), onclick: () => decideOne(app, "approve") }, busy && !form ? t("review.busy") : t("approval.approve")),
        h("button", { type: "button", id: `approval-${app.id}-reject`, class: "btn btn-danger-ghost", "data-testid": "approval-reject", "aria-label": t("approval.rejectLabel", { name }), "aria-expanded": form ? "true" : "false", disabled: busy || batchBusy || Boolean(form), onclick: () => openRejectOne(app) }, t("approval.reject")),
      ),
    );
  }
  if (form) {
    li.append(
      confirmForm(
        {
          class: "rv-form rv-form-danger",
          testid: "approval-reason-form",
          titleId: `approval-form-title-${app.id}`,
          title: t("approval.form.one", { name }),
          onsubmit: (e) => submitRejectForm(e, app),
          busy,
          confirm: { label: busy ? t("review.busy") : t("approval.confirm"), testid: "approval-confirm" },
          cancel: { label: t("common.cancel"), testid: "approval-cancel", onclick: () => closeForms(`approval-${app.id}-reject`) },
        },
        reasonField(form, { id: "approval-reason", label: t("approval.reason"), error: form.error }),
        form.apiError ? errorBox(form.apiError, "approval-form-error", `approval-form-error-${app.id}`) : null,
      ),
    );
  }
  if (err) li.append(itemErrorBox(err, "approval-item-error", `approval-item-error-${app.id}`));
  return li;
}

// ---------------------------------------------------------------------------------------------
// #/review/<id>: one application with its history, read-only

const detail = { id: null, app: null, loading: false, error: null, seq: 0 };

async function enterDetail(params) {
  const id = params[0] || "";
  const seq = ++detail.seq;
  Object.assign(detail, { id, app: null, loading: true, error: null });
  ensureClasses();
  try {
    const [{ data }] = await Promise.all([api("GET", schoolPath(`/applications/${enc(id)}`)), loadHistory(id, true)]);
    if (seq !== detail.seq) return;
    detail.app = data;
    ensurePrograms([data]);
    ensurePlaces([data]);
  } catch (err) {
    if (seq === detail.seq) detail.error = err;
  } finally {
    if (seq === detail.seq) detail.loading = false;
    rerender();
  }
  if (seq === detail.seq && detail.app) focusId("review-detail-title");
}

function backLink() {
  const toApprovals = openedFrom ? openedFrom === "approvals" : hasRole("school_admin") && !hasRole("teacher");
  const target = toApprovals ? "approvals" : "class-review";
  return h("a", { href: hrefOf(target), class: "rv-back", "data-testid": "review-back" }, toApprovals ? t("review.detail.back.approvals") : t("review.detail.back.class"));
}

function renderDetail() {
  const section = h("section", { class: "card rv-page rv-detail", "aria-labelledby": "review-detail-title", "data-testid": "review-detail" });
  section.append(h("p", { class: "rv-back-row" }, backLink()));
  if (detail.error) {
    section.append(h("h1", { id: "review-detail-title", tabindex: "-1" }, t("review.detail.title")), errorBox(detail.error, "review-detail-error"));
    return section;
  }
  const app = detail.app;
  if (!app) {
    section.append(h("h1", { id: "review-detail-title", tabindex: "-1" }, t("review.detail.title")), h("p", { class: "muted", role: "status" }, t("review.detail.loading")));
    return section;
  }
  section.append(
    h(
      "div",
      { class: "rv-item-head" },
      h(
        "h1",
        { id: "review-detail-title", tabindex: "-1", "data-application-id": app.id },
        h("span", { class: "rv-detail-kind" }, t("review.detail.title"), session.lang === "en" ? ": " : "："),
        h("span", { "data-testid": "review-child" }, childName(app)),
      ),
      appBadge(app.status, "review-detail-status"),
    ),
    renderFacts(app, { withClass: true, full: true }),
    h("h2", { class: "rv-section-title" }, t("review.detail.history")),
    renderHistoryList(app, "review-detail-history"),
  );
  return section;
}

// ---------------------------------------------------------------------------------------------
// pages

function resetAll() {
  resetCache();
  Object.assign(cr, queueState(), { status: "submitted", classId: null });
  Object.assign(ap, queueState(), { status: "teacher_approved", selected: new Set(), batch: null, results: null });
  Object.assign(detail, { id: null, app: null, loading: false, error: null, seq: detail.seq + 1 });
}

definePage({
  id: "class-review",
  nav: "review.nav.class",
  visible: (me) => me.roles.includes("teacher"),
  enter: enterClassReview,
  render: renderClassReview,
  reset: resetAll,
});

definePage({
  id: "approvals",
  nav: "review.nav.approvals",
  visible: (me) => me.roles.includes("school_admin"),
  enter: enterApprovals,
  render: renderApprovals,
  reset: resetAll,
});

definePage({
  id: "review",
  nav: null,
  visible: (me) => me.roles.includes("teacher") || me.roles.includes("school_admin"),
  enter: enterDetail,
  render: renderDetail,
  reset: resetAll,
});
