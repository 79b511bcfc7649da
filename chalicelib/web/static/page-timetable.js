// The principal's (校长/教务) timetable page, #/timetable[/<term>]: the term's readiness, generating a draft
// (an asynchronous job: POST, then the page polls its progress), the week as a grid (one table per grade,
// rows = classes, columns = weekday × period) with conflicts highlighted, editing a cell (every edit is
// checked against the same rules and refused with the rule's message), publishing a version (发布) and
// printing (timetable.css has the print styles: A4 landscape, one grade per page).
//
// State lives in `tt`; every change re-renders the whole page (app.js). The draft carries its version:
// every write sends it as If-Match, so two people editing never overwrite each other silently.

import {
  addMessages,
  api,
  confirmForm,
  definePage,
  enc,
  errorBox,
  field,
  focusId,
  formatTime,
  go,
  gradeLabel,
  h,
  hrefOf,
  joinList,
  muted,
  notice,
  periodLabel,
  rerender,
  select,
  session,
  t,
  tOr,
  weekdayLabel,
} from "./kit.js";
import {
  activityLabel,
  adultKindLabel,
  adultNames,
  categoryClass,
  categoryLabel,
  defaultTermId,
  loadTermsOf,
  messageOf,
  termPicker,
  termsOf,
  timeRange,
  ttPath,
  venueTypeLabel,
} from "./page-week.js";

addMessages({
  "zh-CN": {
    "tt.admin.title": "课表",
    "tt.admin.intro": "按学期生成全校课后服务课表，检查冲突、手工调整后发布。发布后老师和家长即可查看；再次发布会生成新版本，并通知课表有变化的孩子的家长。",
    "tt.admin.myWeek": "我的课表",
    "tt.admin.draft": "草稿第 {v} 版",
    "tt.admin.draftNone": "还没有草稿",
    "tt.admin.updated": "更新于 {at}",
    "tt.admin.published": "已发布第 {v} 版",
    "tt.admin.unpublished": "尚未发布",
    "tt.admin.loading": "正在加载课表草稿…",
    "tt.admin.noDraft": "本学期还没有课表草稿。检查通过后，点击“生成课表”由系统自动编排。",
    // readiness
    "tt.ready.title": "生成前检查",
    "tt.ready.notReady": "还不能生成课表，请先解决以下问题：",
    "tt.ready.warnings": "注意事项（{n}）",
    "tt.ready.ok": "数据已齐备，可以生成课表。",
    "tt.ready.counts": "{classes} 个班级、{venues} 个场地、{adults} 位老师、{activities} 项活动",
    "tt.ready.loading": "正在检查生成条件…",
    // generation
    "tt.gen.button": "生成课表",
    "tt.gen.regenerate": "重新生成",
    "tt.gen.confirmTitle": "重新生成课表？",
    "tt.gen.confirmText": "重新生成会用新结果替换当前草稿（包括手工修改）。已发布的版本不受影响。",
    "tt.gen.confirm": "确认重新生成",
    "tt.gen.starting": "正在提交…",
    "tt.gen.running": "正在生成课表：{phase}",
    "tt.gen.percent": "{n}%",
    "tt.gen.phase.queued": "排队中",
    "tt.gen.phase.assembling": "整理数据",
    "tt.gen.phase.solving": "编排中",
    "tt.gen.phase.storing": "保存草稿",
    "tt.gen.phase.done": "完成",
    "tt.gen.succeeded": "课表已生成，已载入草稿第 {v} 版。",
    "tt.gen.succeededIn": "课表已生成（用时 {s} 秒），已载入草稿第 {v} 版。",
    "tt.gen.failed": "生成失败",
    "tt.gen.failedAt": "上次生成（{at}）失败",
    "tt.gen.lost": "暂时无法获取生成进度，稍后自动重试。",
    // the grid
    "tt.grid.caption": "{grade}课表",
    "tt.grid.class": "班级",
    "tt.grid.empty": "—",
    "tt.grid.editLabel": "编辑{class}{day}{period}：{what}",
    "tt.grid.conflict": "冲突",
    "tt.grid.noClasses": "还没有班级。请先导入花名册。",
    "tt.conflicts.title": "当前草稿有 {n} 处冲突，发布前须先解决：",
    "tt.conflicts.none": "没有冲突。",
    // editing a cell
    "tt.edit.title": "调整：{class} · {day} {period}",
    "tt.edit.current": "当前：{what}",
    "tt.edit.activity": "内容",
    "tt.edit.notForGrade": "（不面向本年级）",
    "tt.edit.notThatDay": "（本日不开设）",
    "tt.edit.venue": "场地",
    "tt.edit.venueOption": "{name}（{type}，可容纳 {n} 个班）",
    "tt.edit.adults": "看管/授课老师",
    "tt.edit.save": "保存调整",
    "tt.edit.saving": "正在检查并保存…",
    "tt.edit.saved": "已保存：{class}{day}{period}。",
    "tt.edit.unchanged": "没有修改。",
    "tt.edit.refused": "未保存，课表保持原样。",
    "tt.edit.stale": "草稿已被他人修改，已重新加载最新草稿，请核对后再保存。",
    // publishing and printing
    "tt.pub.button": "发布",
    "tt.pub.busy": "正在发布…",
    "tt.pub.disabledHint": "草稿没有冲突且与已发布版本不同时才能发布。",
    "tt.pub.done": "已发布第 {v} 版课表（{at}）。",
    "tt.pub.changes": "有变化的班级（将通知这些班级孩子的家长）：",
    "tt.pub.change": "{class}：{days}",
    "tt.pub.noChanges": "与上一版相比没有班级变化。",
    "tt.print": "打印",
    "tt.print.title": "{school} {term} 课后服务课表",
    "tt.print.version": "草稿第 {v} 版 · 打印于 {at}",
    "tt.views.title": "查看已发布课表（第 {v} 版）",
    "tt.views.classes": "各班",
    "tt.views.adults": "各位老师",
    "tt.views.venues": "各场地",
    "tt.staff.title": "人员课时（第 {v} 版，每周计划）",
    "tt.staff.intro": "按已发布课表统计每人每周的计划课时和时长，计入教师参与课后服务的工作量（绩效考核）。",
    "tt.staff.name": "姓名",
    "tt.staff.kind": "身份",
    "tt.staff.periods": "课时/周",
    "tt.staff.minutes": "分钟/周",
    "tt.staff.total": "合计",
  },
  en: {
    "tt.admin.title": "Timetable",
    "tt.admin.intro": "Generate the school's after-school timetable for a term, check conflicts, adjust it by hand, then publish it. Teachers and guardians see the published version; publishing again makes a new version and notifies the guardians of children whose days changed.",
    "tt.admin.myWeek": "My week",
    "tt.admin.draft": "Draft version {v}",
    "tt.admin.draftNone": "No draft yet",
    "tt.admin.updated": "updated {at}",
    "tt.admin.published": "Published version {v}",
    "tt.admin.unpublished": "Not published yet",
    "tt.admin.loading": "Loading the draft timetable…",
    "tt.admin.noDraft": "There is no draft timetable for this term yet. Once the checks pass, choose “Generate timetable”.",
    "tt.ready.title": "Before generating",
    "tt.ready.notReady": "The timetable cannot be generated yet; please fix these first:",
    "tt.ready.warnings": "Worth knowing ({n})",
    "tt.ready.ok": "Everything needed is there; the timetable can be generated.",
    "tt.ready.counts": "{classes} classes, {venues} venues, {adults} adults, {activities} activities",
    "tt.ready.loading": "Checking what the generator needs…",
    "tt.gen.button": "Generate timetable",
    "tt.gen.regenerate": "Generate again",
    "tt.gen.confirmTitle": "Generate the timetable again?",
    "tt.gen.confirmText": "Generating again replaces the current draft (hand edits included). Published versions stay as they are.",
    "tt.gen.confirm": "Generate again",
    "tt.gen.starting": "Submitting…",
    "tt.gen.running": "Generating the timetable: {phase}",
    "tt.gen.percent": "{n}%",
    "tt.gen.phase.queued": "queued",
    "tt.gen.phase.assembling": "gathering the inputs",
    "tt.gen.phase.solving": "solving",
    "tt.gen.phase.storing": "saving the draft",
    "tt.gen.phase.done": "done",
    "tt.gen.succeeded": "The timetable is generated: draft version {v} is loaded.",
    "tt.gen.succeededIn": "The timetable is generated in {s} s: draft version {v} is loaded.",
    "tt.gen.failed": "Generation failed",
    "tt.gen.failedAt": "The last generation ({at}) failed",
    "tt.gen.lost": "The progress cannot be read right now; trying again shortly.",
    "tt.grid.caption": "{grade} timetable",
    "tt.grid.class": "Class",
    "tt.grid.empty": "—",
    "tt.grid.editLabel": "Edit {class}, {day} {period}: {what}",
    "tt.grid.conflict": "conflict",
    "tt.grid.noClasses": "There are no classes yet. Import the roster first.",
    "tt.conflicts.title": "The draft has {n} conflicts to resolve before publishing:",
    "tt.conflicts.none": "No conflicts.",
    "tt.edit.title": "Adjust: {class} · {day} {period}",
    "tt.edit.current": "Now: {what}",
    "tt.edit.activity": "What",
    "tt.edit.notForGrade": " (not for this grade)",
    "tt.edit.notThatDay": " (not on this day)",
    "tt.edit.venue": "Venue",
    "tt.edit.venueOption": "{name} ({type}, holds {n} classes)",
    "tt.edit.adults": "Adults",
    "tt.edit.save": "Save",
    "tt.edit.saving": "Checking and saving…",
    "tt.edit.saved": "Saved: {class}, {day} {period}.",
    "tt.edit.unchanged": "Nothing changed.",
    "tt.edit.refused": "Not saved; the timetable is as it was.",
    "tt.edit.stale": "Somebody else changed the draft; the latest draft is loaded. Check it, then save again.",
    "tt.pub.button": "Publish",
    "tt.pub.busy": "Publishing…",
    "tt.pub.disabledHint": "A draft can be published when it has no conflicts and differs from the published version.",
    "tt.pub.done": "Timetable version {v} published ({at}).",
    "tt.pub.changes": "Classes that changed (their children's guardians are notified):",
    "tt.pub.change": "{class}: {days}",
    "tt.pub.noChanges": "No class changed since the previous version.",
    "tt.print": "Print",
    "tt.print.title": "{school} {term} after-school timetable",
    "tt.print.version": "Draft version {v} · printed {at}",
    "tt.views.title": "The published timetable (version {v})",
    "tt.views.classes": "Classes",
    "tt.views.adults": "Adults",
    "tt.views.venues": "Venues",
    "tt.staff.title": "Staff periods (version {v}, planned per week)",
    "tt.staff.intro": "Each person's planned periods and minutes a week in the published timetable: the workload that counts toward staff evaluation.",
    "tt.staff.name": "Name",
    "tt.staff.kind": "Role",
    "tt.staff.periods": "Periods/week",
    "tt.staff.minutes": "Minutes/week",
    "tt.staff.total": "Total",
  },
});

const POLL_MS = 500;
const RUNNING = ["queued", "running"];

const isSchoolAdmin = (me) => Boolean(me && me.tenant && (me.roles || []).includes("school_admin"));
const school = () => session.me?.tenant || "";
const termPath = (rest = "") => ttPath(school(), `/terms/${enc(tt.termId || "")}${rest}`);

const tt = {};
let pollTimer = null;

function stopPolling() {
  clearTimeout(pollTimer);
  pollTimer = null;
}

function resetTimetable() {
  stopPolling();
  Object.assign(tt, {
    termId: null,
    readiness: null, // { termId, loading, data, error, lang }
    draft: null, // the Draft of tt.termId
    draftLang: null,
    draftLoading: false,
    draftError: null,
    gen: null, // the Generation this page started or found running (polled until it ends)
    genBusy: false,
    genError: null,
    genLost: false,
    confirmRegen: false,
    edit: null, // { weekday, period, classId, form: {activity_id, venue_id, adult_ids}, busy, error }
    notice: null, // { text, kind }
    publishBusy: false,
    publishError: null,
    publication: null, // the Publication just made
    staff: null, // { version, items } planned periods per adult of the published version (R13), or { error }
  });
}
resetTimetable();

// ---------------------------------------------------------------------------------------------
// loading

async function enterTimetable(params) {
  const terms = await loadTermsOf(school());
  const wanted = params[0] || (terms.items.some((x) => x.id === tt.termId) ? tt.termId : defaultTermId(terms.items));
  if (wanted !== tt.termId) resetTimetable(); // another term: nothing of the last one's state applies
  tt.termId = wanted;
  rerender();
  if (!tt.termId) return;
  await Promise.all([loadReadiness(), loadDraft()]);
}

async function loadReadiness() {
  const termId = tt.termId;
  const entry = { termId, loading: true, data: null, error: null, lang: session.lang };
  tt.readiness = entry;
  rerender();
  try {
    entry.data = (await api("GET", termPath("/readiness"))).data;
  } catch (err) {
    entry.error = err;
  } finally {
    entry.loading = false;
    rerender();
  }
}

function setDraft(draft) {
  tt.draft = draft;
  tt.draftLang = session.lang;
  // an open edit form stays open while its cell still exists
  if (tt.edit && !entryAt(tt.edit.weekday, tt.edit.period, tt.edit.classId)) tt.edit = null;
}

async function loadDraft() {
  const termId = tt.termId;
  tt.draftLoading = true;
  tt.draftError = null;
  rerender();
  try {
    const { data } = await api("GET", termPath("/draft"));
    if (tt.termId !== termId) return;
    setDraft(data);
    if (data.published_version && (!tt.staff || tt.staff.version !== data.published_version)) loadStaff(termId);
    const g = data.latest_generation;
    if (g && RUNNING.includes(g.status) && (!tt.gen || tt.gen.generation_id !== g.generation_id || !pollTimer)) follow(g);
  } catch (err) {
    if (tt.termId === termId) tt.draftError = err;
  } finally {
    if (tt.termId === termId) tt.draftLoading = false;
    rerender();
  }
}

async function loadStaff(termId) {
  try {
    const { data } = await api("GET", termPath("/published/staff-periods"));
    if (tt.termId === termId) tt.staff = data;
  } catch (err) {
    if (tt.termId === termId) tt.staff = { error: err };
  }
  rerender();
}

/** API texts (violation messages, readiness problems) follow a language switch: load them again. */
function refreshOnLanguage() {
  if (tt.draft && !tt.draftLoading && tt.draftLang !== session.lang && !(tt.edit && tt.edit.busy)) {
    if (tt.gen && !RUNNING.includes(tt.gen.status)) tt.gen = null; // the draft's latest_generation, reloaded, says it
    queueMicrotask(loadDraft);
  }
  const r = tt.readiness;
  if (r && !r.loading && r.lang !== session.lang && r.termId === tt.termId) queueMicrotask(loadReadiness);
}

// ---------------------------------------------------------------------------------------------
// generation: POST, then GET every 500 ms until it succeeded or failed

function onThisPage() {
  return /^#\/timetable(\/|$)/.test(location.hash);
}

async function generate() {
  if (tt.genBusy) return;
  tt.confirmRegen = false;
  tt.genBusy = true;
  tt.genError = null;
  tt.notice = null;
  tt.publication = null;
  tt.edit = null;
  rerender();
  try {
    const { data } = await api("POST", termPath("/generations"), { body: {} });
    follow(data);
  } catch (err) {
    if (err.code === "generation_running") await loadDraft(); // follows the running one
    else tt.genError = err;
  } finally {
    tt.genBusy = false;
    rerender();
  }
}

function follow(generation) {
  tt.gen = generation;
  tt.genLost = false;
  stopPolling();
  pollTimer = setTimeout(pollOnce, POLL_MS);
}

async function pollOnce() {
  pollTimer = null;
  const g = tt.gen;
  if (!g || g.term_id !== tt.termId || !onThisPage()) return; // entering the page again resumes it (loadDraft)
  try {
    const { data } = await api("GET", termPath(`/generations/${enc(g.generation_id)}`));
    if (tt.gen !== g) return;
    tt.gen = data;
    tt.genLost = false;
  } catch (err) {
    if (tt.gen !== g) return;
    if (err.status && err.status < 500 && err.status !== 429) {
      tt.genError = err;
      rerender();
      return;
    }
    tt.genLost = true; // a network hiccup: keep trying
  }
  const now = tt.gen;
  if (now.status === "succeeded") {
    await loadDraft();
    focusSoon("tt-generation");
  } else if (now.status === "failed") {
    rerender();
    focusSoon("tt-generation");
  } else {
    rerender();
    pollTimer = setTimeout(pollOnce, POLL_MS);
  }
}

function focusSoon(id) {
  setTimeout(() => focusId(id), 0);
}

// ---------------------------------------------------------------------------------------------
// the draft's cells

function entryAt(weekday, period, classId) {
  return (tt.draft?.entries || []).find((e) => e.weekday === weekday && e.period === period && e.class_id === classId) || null;
}

function classById(id) {
  return (tt.draft?.classes || []).find((c) => c.id === id) || null;
}

/** The violations that name this cell: its slot, and its class, venue or one of its adults. */
function cellViolations(entry) {
  return (tt.draft?.violations || []).filter(
    (v) =>
      v.weekday === entry.weekday &&
      (v.period == null || v.period === entry.period) &&
      ((v.class_ids || []).includes(entry.class_id) ||
        (v.venue_ids || []).includes(entry.venue_id) ||
        (entry.adults || []).some((a) => (v.adult_ids || []).includes(a.id))),
  );
}

/** Violations about a class's whole week (fairness: sports N times…), shown on its row header. */
function rowViolations(classId) {
  return (tt.draft?.violations || []).filter((v) => v.weekday == null && (v.class_ids || []).includes(classId));
}

function cellId(weekday, period, classId) {
  return `tt-cell-${weekday}-${period}-${classId}`;
}

function cellWhat(entry) {
  return [activityLabel(entry), entry.venue_name, adultNames(entry)].filter(Boolean).join(" · ");
}

/** A finished generation's note gives way once the draft is worked on (a failure stays: it still applies). */
function dropGenerationNote() {
  if (tt.gen && tt.gen.status === "succeeded") tt.gen = null;
}

function openEdit(entry) {
  tt.notice = null;
  tt.publication = null;
  dropGenerationNote();
  tt.edit = {
    weekday: entry.weekday,
    period: entry.period,
    classId: entry.class_id,
    form: { activity_id: entry.activity_id || "", venue_id: entry.venue_id, adult_ids: (entry.adults || []).map((a) => a.id) },
    busy: false,
    error: null,
  };
  rerender();
  focusSoon("tt-edit-activity");
  setTimeout(() => document.getElementById("tt-edit-form")?.scrollIntoView({ block: "nearest" }), 0);
}

function closeEdit() {
  const ed = tt.edit;
  tt.edit = null;
  rerender();
  if (ed) focusSoon(cellId(ed.weekday, ed.period, ed.classId));
}

function slotWords(ed) {
  const klass = classById(ed.classId);
  return { class: klass ? klass.name : ed.classId, day: weekdayLabel(ed.weekday), period: periodLabel(ed.period) };
}

async function saveCell(event) {
  event.preventDefault();
  const ed = tt.edit;
  if (!ed || ed.busy || !tt.draft) return;
  const before = entryAt(ed.weekday, ed.period, ed.classId);
  const body = { activity_id: ed.form.activity_id || null, venue_id: ed.form.venue_id, adult_ids: [...ed.form.adult_ids] };
  const same =
    before &&
    (before.activity_id || null) === body.activity_id &&
    before.venue_id === body.venue_id &&
    JSON.stringify((before.adults || []).map((a) => a.id).sort()) === JSON.stringify([...body.adult_ids].sort());
  if (same) {
    tt.edit = null;
    tt.notice = { text: t("tt.edit.unchanged"), kind: "info" };
    rerender();
    focusSoon(cellId(ed.weekday, ed.period, ed.classId));
    return;
  }
  ed.busy = true;
  ed.error = null;
  ed.stale = false;
  rerender();
  const path = termPath(`/draft/cells/${ed.weekday}/${ed.period}/${enc(ed.classId)}`);
  try {
    const { data } = await api("PUT", path, { body, headers: { "If-Match": `"${tt.draft.version}"` } });
    setDraft(data);
    tt.edit = null;
    tt.notice = { text: t("tt.edit.saved", slotWords(ed)), kind: "success" };
    rerender();
    focusSoon(cellId(ed.weekday, ed.period, ed.classId));
  } catch (err) {
    ed.busy = false;
    ed.error = err;
    if (err.status === 409 || err.status === 428) {
      ed.stale = true;
      await loadDraft();
    }
    rerender();
    focusSoon("tt-edit-error");
  }
}

// ---------------------------------------------------------------------------------------------
// publishing

async function publish() {
  if (tt.publishBusy || !tt.draft) return;
  tt.publishBusy = true;
  tt.publishError = null;
  tt.publication = null;
  tt.notice = null;
  dropGenerationNote();
  rerender();
  try {
    const { data } = await api("POST", termPath("/publications"), { headers: { "If-Match": `"${tt.draft.version}"` } });
    tt.publication = data;
    await loadDraft();
    focusSoon("tt-publication");
  } catch (err) {
    tt.publishError = err;
    if (err.status === 409 || err.status === 428) await loadDraft();
    focusSoon("tt-publish-error");
  } finally {
    tt.publishBusy = false;
    rerender();
  }
}

// ---------------------------------------------------------------------------------------------
// rendering

function renderTimetable() {
  refreshOnLanguage();
  const out = h(
    "div",
    { class: "adm tt-page", "data-testid": "timetable-page" },
    h(
      "header",
      { class: "adm-head tt-head" },
      h("h1", {}, t("tt.admin.title")),
      h("p", { class: "muted tt-no-print" }, t("tt.admin.intro")),
      printTitle(),
    ),
  );
  const terms = termsOf(school());
  if (terms.error) {
    out.append(h("section", { class: "card" }, errorBox(terms.error, "tt-terms-error"), retry(() => loadTermsOf(school(), true))));
    return out;
  }
  if (!terms.loaded) {
    out.append(muted(t("app.loading"), "tt-loading"));
    return out;
  }
  if (!terms.items.length) {
    out.append(h("section", { class: "card" }, muted(t("tt.noTerms"), "tt-no-terms")));
    return out;
  }
  out.append(renderTermCard(terms.items));
  if (!tt.termId) return out;
  out.append(renderReadiness() || "");
  if (tt.draftError && !tt.draft) {
    out.append(h("section", { class: "card" }, errorBox(tt.draftError, "tt-draft-error"), retry(loadDraft)));
    return out;
  }
  if (!tt.draft || tt.draft.term_id !== tt.termId) {
    out.append(muted(t("tt.admin.loading"), "tt-draft-loading"));
    return out;
  }
  out.append(renderActions(), renderViolations() || "", renderGrid(), renderPublishedViews() || "", renderStaff() || "");
  return out;
}

function retry(onclick) {
  return h("button", { type: "button", class: "btn btn-secondary btn-small", onclick }, t("tt.retry"));
}

function printTitle() {
  const term = termsOf(school()).items.find((x) => x.id === tt.termId);
  if (!term || !tt.draft) return null;
  return h(
    "div",
    { class: "tt-print-only" },
    h("p", { class: "tt-print-title" }, t("tt.print.title", { school: session.school?.name || "", term: term.name })),
    h(
      "p",
      { class: "small" },
      t("tt.print.version", { v: tt.draft.version, at: formatTime(new Date().toISOString()) }),
      tt.draft.published_version ? ` · ${t("tt.admin.published", { v: tt.draft.published_version })}` : "",
    ),
  );
}

function renderTermCard(items) {
  const d = tt.draft && tt.draft.term_id === tt.termId ? tt.draft : null;
  return h(
    "section",
    { class: "card tt-term-card tt-no-print", "data-testid": "tt-term-card" },
    h(
      "div",
      { class: "tt-term-row" },
      termPicker("tt-term", items, tt.termId, (id) => go(`timetable/${enc(id)}`)),
      d
        ? h(
            "p",
            { class: "tt-status", "data-testid": "tt-status" },
            h("span", { "data-testid": "tt-draft-version", "data-version": String(d.version) }, d.version ? t("tt.admin.draft", { v: d.version }) : t("tt.admin.draftNone")),
            d.updated_at ? h("span", { class: "muted small" }, " · ", t("tt.admin.updated", { at: formatTime(d.updated_at) })) : null,
            " · ",
            h(
              "span",
              { "data-testid": "tt-published-version", "data-version": d.published_version ? String(d.published_version) : "" },
              d.published_version ? t("tt.admin.published", { v: d.published_version }) : t("tt.admin.unpublished"),
            ),
          )
        : null,
    ),
  );
}

function renderReadiness() {
  const r = tt.readiness;
  if (!r || r.termId !== tt.termId) return null;
  if (r.loading && !r.data) return muted(t("tt.ready.loading"), "tt-readiness-loading");
  if (r.error) return h("section", { class: "card tt-no-print" }, errorBox(r.error, "tt-readiness-error"), retry(loadReadiness));
  const data = r.data;
  const problems = data.problems || [];
  const errors = problems.filter((p) => p.severity !== "warning");
  const warnings = problems.filter((p) => p.severity === "warning");
  const item = (p) => h("li", { "data-testid": "tt-readiness-problem", "data-code": p.code || null, "data-severity": p.severity || null }, messageOf(p));
  const counts = data.counts || {};
  const countLine =
    counts.classes != null ? h("p", { class: "muted small" }, t("tt.ready.counts", { classes: counts.classes ?? "?", venues: counts.venues ?? "?", adults: counts.adults ?? "?", activities: counts.activities ?? "?" })) : null;
  if (data.ready && !warnings.length) return null; // nothing to say: the generate button is enough
  return h(
    "section",
    { class: "card tt-readiness tt-no-print", "aria-labelledby": "tt-readiness-title", "data-testid": "tt-readiness", "data-ready": String(Boolean(data.ready)) },
    h("h2", { id: "tt-readiness-title" }, t("tt.ready.title")),
    data.ready
      ? h("p", { class: "alert alert-success" }, t("tt.ready.ok"))
      : h("div", { class: "alert alert-error", role: "alert" }, h("p", {}, t("tt.ready.notReady")), h("ul", { class: "tt-problems" }, errors.map(item))),
    warnings.length ? h("details", { class: "tt-warnings" }, h("summary", {}, t("tt.ready.warnings", { n: warnings.length })), h("ul", { class: "tt-problems" }, warnings.map(item))) : null,
    countLine,
  );
}

function renderActions() {
  const d = tt.draft;
  const ready = !tt.readiness || !tt.readiness.data || tt.readiness.data.ready;
  const running = Boolean(tt.gen && RUNNING.includes(tt.gen.status));
  const genDisabled = tt.genBusy || running || !ready || tt.confirmRegen;
  const onGenerate = () => {
    if (d.version > 0) {
      tt.confirmRegen = true;
      rerender();
      setTimeout(() => document.querySelector('[data-testid="tt-regen-confirm"]')?.focus(), 0);
    } else generate();
  };
  const section = h(
    "section",
    { class: "card tt-actions tt-no-print", "aria-label": t("tt.admin.title"), "data-testid": "tt-actions" },
    h(
      "div",
      { class: "tt-buttons" },
      h(
        "button",
        { type: "button", id: "tt-generate", class: d.version > 0 ? "btn btn-secondary" : "btn btn-primary", "data-testid": "tt-generate", disabled: genDisabled, "aria-busy": tt.genBusy ? "true" : null, onclick: onGenerate },
        tt.genBusy ? t("tt.gen.starting") : d.version > 0 ? t("tt.gen.regenerate") : t("tt.gen.button"),
      ),
      h(
        "button",
        {
          type: "button",
          id: "tt-publish",
          class: "btn btn-primary",
          "data-testid": "tt-publish",
          disabled: !d.publishable || tt.publishBusy || running,
          "aria-busy": tt.publishBusy ? "true" : null,
          "aria-describedby": d.publishable ? null : "tt-publish-hint",
          onclick: publish,
        },
        tt.publishBusy ? t("tt.pub.busy") : t("tt.pub.button"),
      ),
      h("button", { type: "button", id: "tt-print", class: "btn btn-ghost", "data-testid": "tt-print", onclick: () => window.print() }, t("tt.print")),
      h("a", { href: hrefOf(`my-week/${enc(tt.termId)}`), class: "btn btn-ghost tt-link-btn", "data-testid": "tt-my-week" }, t("tt.admin.myWeek")),
    ),
    d.publishable ? null : h("p", { class: "muted small", id: "tt-publish-hint" }, t("tt.pub.disabledHint")),
  );
  if (tt.confirmRegen) {
    section.append(
      confirmForm(
        {
          class: "tt-confirm",
          testid: "tt-regen-form",
          titleId: "tt-regen-title",
          title: t("tt.gen.confirmTitle"),
          onsubmit: (e) => {
            e.preventDefault();
            generate();
          },
          confirm: { class: "btn btn-primary", label: t("tt.gen.confirm"), testid: "tt-regen-confirm" },
          cancel: {
            label: t("common.cancel"),
            testid: "tt-regen-cancel",
            onclick: () => {
              tt.confirmRegen = false;
              rerender();
              focusSoon("tt-generate");
            },
          },
        },
        h("p", { class: "small" }, t("tt.gen.confirmText")),
      ),
    );
  }
  section.append(renderGeneration() || "", errorBox(tt.genError, "tt-generate-error") || "", renderPublication() || "", errorBox(tt.publishError, "tt-publish-error", "tt-publish-error") || "");
  if (tt.publishError) section.append(violationList(tt.publishError.details) || "");
  if (tt.notice) section.append(notice(tt.notice.text, "tt-notice", tt.notice.kind, "tt-notice"));
  return section;
}

/** The generation being followed, or the draft's latest one when it is still running or failed. */
function shownGeneration() {
  if (tt.gen && tt.gen.term_id === tt.termId) return tt.gen;
  const g = tt.draft && tt.draft.latest_generation;
  return g && g.status !== "succeeded" ? g : null;
}

function renderGeneration() {
  const g = shownGeneration();
  if (!g) return null;
  const base = { id: "tt-generation", tabindex: "-1", "data-testid": "tt-generation", "data-status": g.status, "data-generation-id": g.generation_id };
  if (RUNNING.includes(g.status)) {
    const pct = Math.max(0, Math.min(100, Number(g.progress) || 0));
    const phase = tOr(`tt.gen.phase.${g.phase}`, g.phase || "");
    return h(
      "div",
      { ...base, class: "tt-gen", role: "status" },
      h("label", { for: "tt-progress", class: "tt-gen-label" }, t("tt.gen.running", { phase }), " ", h("span", { class: "tt-gen-pct" }, t("tt.gen.percent", { n: pct }))),
      h("progress", { id: "tt-progress", max: "100", value: String(pct), "data-testid": "tt-progress" }, `${pct}%`),
      tt.genLost ? h("p", { class: "muted small" }, t("tt.gen.lost")) : null,
    );
  }
  if (g.status === "succeeded") {
    const v = g.draft_version ?? tt.draft.version;
    const secs = g.figures && g.figures.seconds != null ? Number(g.figures.seconds).toFixed(1) : null;
    return h(
      "div",
      { ...base, class: "alert alert-success tt-gen", role: "status" },
      h("p", {}, secs ? t("tt.gen.succeededIn", { v, s: secs }) : t("tt.gen.succeeded", { v })),
    );
  }
  const f = g.failure || {};
  const title = tt.gen === g ? t("tt.gen.failed") : t("tt.gen.failedAt", { at: formatTime(g.finished_at || g.requested_at) });
  return h(
    "div",
    { ...base, class: "alert alert-error tt-gen", role: "alert", "data-failure-code": f.code || null },
    h("p", { class: "tt-gen-title" }, h("strong", {}, title)),
    f.message ? h("p", { "data-testid": "tt-gen-failure" }, f.message) : null,
    (f.problems || []).length ? h("ul", { class: "tt-problems" }, f.problems.map((p) => h("li", { "data-testid": "tt-gen-problem", "data-code": p.code || null }, messageOf(p)))) : null,
  );
}

function renderPublication() {
  const p = tt.publication;
  if (!p) return null;
  const changes = p.changes || [];
  return h(
    "div",
    { class: "alert alert-success", id: "tt-publication", tabindex: "-1", role: "status", "data-testid": "tt-publication", "data-version": String(p.version) },
    h("p", {}, t("tt.pub.done", { v: p.version, at: formatTime(p.published_at) })),
    changes.length
      ? [
          h("p", { class: "small" }, t("tt.pub.changes")),
          h(
            "ul",
            { class: "tt-changes small" },
            changes.map((c) =>
              h("li", { "data-testid": "tt-publication-change", "data-class-id": c.class_id }, t("tt.pub.change", { class: c.class_name || classById(c.class_id)?.name || c.class_id, days: joinList((c.weekdays || []).map(weekdayLabel)) })),
            ),
          ),
        ]
      : h("p", { class: "small" }, t("tt.pub.noChanges")),
  );
}

function violationList(details) {
  const list = Array.isArray(details) ? details.filter((v) => v && typeof v === "object" && v.message) : [];
  if (!list.length) return null;
  return h("ul", { class: "tt-problems", "data-testid": "tt-violation-list" }, list.map((v) => h("li", { "data-testid": "tt-violation", "data-code": v.code || null }, messageOf(v))));
}

function renderViolations() {
  const vs = tt.draft.violations || [];
  if (!vs.length || !tt.draft.version) return null;
  return h(
    "section",
    { class: "alert alert-error tt-violations", role: "alert", "data-testid": "tt-violations", "data-count": String(vs.length) },
    h("p", {}, h("strong", {}, t("tt.conflicts.title", { n: vs.length }))),
    h("ul", { class: "tt-problems" }, vs.map((v) => h("li", { "data-testid": "tt-violation", "data-code": v.code || null }, messageOf(v)))),
  );
}

// -- the grid: one table per grade (a printed page each)

function columns() {
  const days = (tt.draft.days || []).slice().sort((a, b) => a.weekday - b.weekday);
  return days.map((d) => ({ weekday: d.weekday, periods: (d.periods || []).slice().sort((a, b) => a.number - b.number) }));
}

function renderGrid() {
  const d = tt.draft;
  if (!d.version) return h("section", { class: "card tt-no-print" }, muted(t("tt.admin.noDraft"), "tt-no-draft"));
  const classes = (d.classes || []).slice().sort((a, b) => a.grade - b.grade || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  if (!classes.length) return h("section", { class: "card" }, muted(t("tt.grid.noClasses")));
  const grades = [...new Set(classes.map((c) => c.grade))];
  const cols = columns();
  return h(
    "div",
    { class: "tt-grid-wrap", "data-testid": "tt-grid" },
    grades.map((g) => renderGrade(g, classes.filter((c) => c.grade === g), cols)),
  );
}

function renderGrade(grade, classes, cols) {
  const titleId = `tt-grade-${grade}`;
  const editing = tt.edit && classes.some((c) => c.id === tt.edit.classId);
  return h(
    "section",
    { class: "card tt-grade", "aria-labelledby": titleId, "data-testid": "tt-grade", "data-grade": String(grade) },
    h("h2", { id: titleId }, gradeLabel(grade)),
    editing ? renderEditForm() : null,
    h(
      "div",
      { class: "tt-scroll" },
      h(
        "table",
        { class: "tt-grid" },
        h("caption", { class: "visually-hidden" }, t("tt.grid.caption", { grade: gradeLabel(grade) })),
        h(
          "thead",
          {},
          h(
            "tr",
            {},
            h("th", { rowspan: "2", scope: "col", class: "tt-corner" }, t("tt.grid.class")),
            cols.map((c) => h("th", { colspan: String(c.periods.length || 1), scope: "colgroup", class: "tt-day-head" }, weekdayLabel(c.weekday))),
          ),
          h(
            "tr",
            {},
            cols.map((c) =>
              c.periods.map((p, i) =>
                h("th", { scope: "col", class: `tt-period-head${i === 0 ? " tt-day-start" : ""}` }, h("span", { class: "tt-pno" }, periodLabel(p.number)), h("span", { class: "tt-time" }, timeRange(p))),
              ),
            ),
          ),
        ),
        h("tbody", {}, classes.map((k) => renderRow(k, cols))),
      ),
    ),
  );
}

function renderRow(klass, cols) {
  const rowIssues = rowViolations(klass.id);
  return h(
    "tr",
    { "data-testid": "tt-row", "data-class-id": klass.id },
    h(
      "th",
      { scope: "row", class: `tt-class${rowIssues.length ? " conflict" : ""}`, title: rowIssues.map(messageOf).join("\n") || null },
      klass.name,
    ),
    cols.map((c) => c.periods.map((p, i) => renderCell(klass, c.weekday, p.number, i === 0))),
  );
}

function renderCell(klass, weekday, period, dayStart) {
  const entry = entryAt(weekday, period, klass.id);
  const base = { "data-testid": "tt-cell", "data-weekday": String(weekday), "data-period": String(period), "data-class-id": klass.id };
  if (!entry) return h("td", { ...base, class: `tt-cell tt-empty${dayStart ? " tt-day-start" : ""}` }, t("tt.grid.empty"));
  const issues = cellViolations(entry);
  const ed = tt.edit;
  const editing = ed && ed.weekday === weekday && ed.period === period && ed.classId === klass.id;
  const cls = ["tt-cell", categoryClass(entry), issues.length ? "conflict" : "", editing ? "is-editing" : "", dayStart ? "tt-day-start" : ""].filter(Boolean).join(" ");
  return h(
    "td",
    { ...base, class: cls, "data-activity-id": entry.activity_id || "", "data-venue-id": entry.venue_id, title: issues.map(messageOf).join("\n") || null },
    h(
      "button",
      {
        type: "button",
        id: cellId(weekday, period, klass.id),
        class: "tt-cell-btn",
        "aria-label": t("tt.grid.editLabel", { class: klass.name, day: weekdayLabel(weekday), period: periodLabel(period), what: cellWhat(entry) }) + (issues.length ? ` (${t("tt.grid.conflict")})` : ""),
        "aria-expanded": editing ? "true" : "false",
        "aria-controls": editing ? "tt-edit-form" : null,
        onclick: () => (editing ? closeEdit() : openEdit(entry)),
      },
      h("span", { class: "tt-act", "data-testid": "tt-cell-activity" }, issues.length ? h("span", { class: "tt-warn-mark", "aria-hidden": "true" }, "⚠ ") : null, activityLabel(entry)),
      h("span", { class: "tt-venue", "data-testid": "tt-cell-venue" }, entry.venue_name),
      h("span", { class: "tt-adults", "data-testid": "tt-cell-adults" }, adultNames(entry)),
    ),
  );
}

// -- the edit form (above its grade's table)

function activityOptions(klass, weekday) {
  const opts = [{ value: "", label: t("tt.homework") }];
  for (const a of tt.draft.activities || []) {
    let note = "";
    if (klass && (a.grades || []).length && !a.grades.includes(klass.grade)) note = t("tt.edit.notForGrade");
    else if ((a.weekdays || []).length && !a.weekdays.includes(weekday)) note = t("tt.edit.notThatDay");
    opts.push({ value: a.id, label: `${a.name}（${categoryLabel(a.category)}）${note}` });
  }
  return opts;
}

function venueOptions() {
  return (tt.draft.venues || []).map((v) => ({ value: v.id, label: t("tt.edit.venueOption", { name: v.name, type: venueTypeLabel(v.type), n: v.capacity }) }));
}

function renderEditForm() {
  const ed = tt.edit;
  const klass = classById(ed.classId);
  const entry = entryAt(ed.weekday, ed.period, ed.classId);
  const words = slotWords(ed);
  const f = ed.form;
  const adults = (tt.draft.adults || []).slice().sort((a, b) => (a.name < b.name ? -1 : 1));
  const err = ed.error;
  return h(
    "form",
    { class: "tt-edit tt-no-print", id: "tt-edit-form", novalidate: true, "aria-labelledby": "tt-edit-title", "data-testid": "tt-edit-form", onsubmit: saveCell },
    h("h3", { id: "tt-edit-title" }, t("tt.edit.title", words)),
    entry ? h("p", { class: "muted small", "data-testid": "tt-edit-current" }, t("tt.edit.current", { what: cellWhat(entry) })) : null,
    err
      ? h(
          "div",
          { class: "alert alert-error tt-edit-error", id: "tt-edit-error", tabindex: "-1", role: "alert", "data-testid": "tt-edit-error", "data-error-code": err.code || null },
          h("p", { lang: err.lang || null, "data-testid": "tt-edit-error-message" }, ed.stale ? t("tt.edit.stale") : err.message),
          err.code === "timetable_rule_broken" ? editExtraViolations(err) : null,
          err.code === "timetable_rule_broken" ? h("p", { class: "small" }, t("tt.edit.refused")) : null,
        )
      : null,
    h(
      "div",
      { class: "tt-edit-fields" },
      field("tt-edit-activity", t("tt.edit.activity"), select("tt-edit-activity", f.activity_id, activityOptions(klass, ed.weekday), (v) => (f.activity_id = v))),
      field("tt-edit-venue", t("tt.edit.venue"), select("tt-edit-venue", f.venue_id, venueOptions(), (v) => (f.venue_id = v))),
    ),
    h(
      "fieldset",
      { class: "adm-checks tt-edit-adults", "data-testid": "tt-edit-adults" },
      h("legend", {}, t("tt.edit.adults")),
      h(
        "div",
        { class: "adm-check-row" },
        adults.map((a) => {
          const id = `tt-edit-adult-${a.id}`;
          return h(
            "label",
            { class: "adm-check", for: id },
            h("input", {
              type: "checkbox",
              id,
              "data-testid": "tt-edit-adult",
              "data-adult-id": a.id,
              value: a.id,
              checked: f.adult_ids.includes(a.id),
              onchange: (e) => {
                f.adult_ids = e.target.checked ? [...f.adult_ids.filter((x) => x !== a.id), a.id] : f.adult_ids.filter((x) => x !== a.id);
              },
            }),
            h("span", {}, a.name, " ", h("span", { class: "muted small" }, adultKindLabel(a.kind))),
          );
        }),
      ),
    ),
    h(
      "div",
      { class: "form-actions" },
      h("button", { type: "submit", id: "tt-edit-save", class: "btn btn-primary", "data-testid": "tt-edit-save", disabled: ed.busy, "aria-busy": ed.busy ? "true" : null }, ed.busy ? t("tt.edit.saving") : t("tt.edit.save")),
      h("button", { type: "button", id: "tt-edit-cancel", class: "btn btn-ghost", "data-testid": "tt-edit-cancel", disabled: ed.busy, onclick: closeEdit }, t("common.cancel")),
    ),
  );
}

/** The refusal's message is the first broken rule's; the others the edit would bring are listed under it. */
function editExtraViolations(err) {
  const list = (Array.isArray(err.details) ? err.details : []).filter((v) => v && v.message && !String(err.message).includes(messageOf(v)));
  if (!list.length) return null;
  return h("ul", { class: "tt-problems small" }, list.map((v) => h("li", { "data-testid": "tt-edit-violation", "data-code": v.code || null }, messageOf(v))));
}

// -- links to the published version's weeks (each class, adult, venue)

function renderPublishedViews() {
  const d = tt.draft;
  if (!d.published_version) return null;
  const links = (kind, items, testid) =>
    h(
      "ul",
      { class: "tt-view-links" },
      items.map((x) => h("li", {}, h("a", { href: hrefOf(`week/${enc(tt.termId)}/${kind}/${enc(x.id)}`), "data-testid": testid, "data-id": x.id }, x.name))),
    );
  const classes = (d.classes || []).slice().sort((a, b) => a.grade - b.grade || (a.name < b.name ? -1 : 1));
  return h(
    "section",
    { class: "card tt-views tt-no-print", "aria-labelledby": "tt-views-title", "data-testid": "tt-views" },
    h("h2", { id: "tt-views-title" }, t("tt.views.title", { v: d.published_version })),
    h("h3", {}, t("tt.views.classes")),
    links("class", classes, "tt-class-week-link"),
    h("h3", {}, t("tt.views.adults")),
    links("adult", d.adults || [], "tt-adult-week-link"),
    h("h3", {}, t("tt.views.venues")),
    links("venue", d.venues || [], "tt-venue-week-link"),
  );
}

// -- planned staff periods of the published version (R13: the workload record for evaluation)

function renderStaff() {
  const st = tt.staff;
  if (!tt.draft.published_version || !st) return null;
  if (st.error) return h("section", { class: "card tt-no-print" }, errorBox(st.error, "tt-staff-error"));
  const sum = (key) => st.items.reduce((n, x) => n + x[key], 0);
  const num = (n) => h("td", { class: "num" }, String(n));
  return h(
    "section",
    { class: "card tt-staff", "aria-labelledby": "tt-staff-title", "data-testid": "tt-staff" },
    h("h2", { id: "tt-staff-title" }, t("tt.staff.title", { v: st.version })),
    muted(t("tt.staff.intro")),
    h(
      "table",
      { class: "tt-staff-table" },
      h("thead", {}, h("tr", {}, ...["name", "kind", "periods", "minutes"].map((k) => h("th", { scope: "col" }, t(`tt.staff.${k}`))))),
      h(
        "tbody",
        {},
        st.items.map((x) =>
          h("tr", { "data-testid": "tt-staff-row", "data-id": x.adult_id }, h("td", {}, x.adult_name), h("td", {}, adultKindLabel(x.kind)), num(x.periods), num(x.minutes)),
        ),
      ),
      h("tfoot", {}, h("tr", {}, h("th", { scope: "row", colspan: "2" }, t("tt.staff.total")), num(sum("periods")), num(sum("minutes")))),
    ),
  );
}

definePage({
  id: "timetable",
  nav: "tt.nav.timetable",
  visible: isSchoolAdmin,
  enter: enterTimetable,
  render: renderTimetable,
  reset: resetTimetable,
});
