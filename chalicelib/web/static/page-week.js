// The published timetable (课表) as people read it: a teacher's or provider's own week (#/my-week[/<term>]),
// a guardian's child's week and day (#/child-week/<school>/<student>[/<term>]) and, for the school's staff,
// one class's, adult's or venue's week (#/week/<term>/<class|adult|venue>/<id>). Phones first.
//
// Also the pieces the principal's grid (page-timetable.js) shares: texts, the school's terms, labels of
// activities, categories and times, and the localized message of a rule violation.

import {
  addMessages,
  api,
  fetchAll,
  definePage,
  enc,
  errorBox,
  formatDate,
  formatTime,
  go,
  h,
  hrefOf,
  joinList,
  loadInto,
  muted,
  periodLabel,
  rerender,
  select,
  session,
  t,
  tOr,
  today,
  weekdayLabel,
} from "./kit.js";

addMessages({
  "zh-CN": {
    "tt.nav.timetable": "课表",
    "tt.nav.myWeek": "我的课表",
    "tt.homework": "自主作业",
    "tt.term": "学期",
    "tt.termDates": "{from} 至 {to}",
    "tt.noTerms": "学校还没有设置学期。",
    "tt.retry": "重试",
    "tt.time": "{from}–{to}",
    "tt.venue": "地点",
    "tt.class": "班级",
    "tt.adults": "老师",
    "tt.noAdults": "未安排",
    "tt.free": "无安排",
    "tt.today": "今天",
    "tt.version": "已发布课表第 {v} 版",
    "tt.versionAt": "已发布课表第 {v} 版，发布于 {at}",
    "tt.notPublished": "学校尚未发布本学期的课表，发布后将显示在这里。",
    "tt.cat.homework": "自主作业",
    "tt.cat.homework_help": "作业辅导",
    "tt.cat.reading": "阅读",
    "tt.cat.sports": "体育",
    "tt.cat.arts": "艺术",
    "tt.cat.science_technology": "科技",
    "tt.cat.traditional_culture": "传统文化",
    "tt.cat.other_enrichment": "其他拓展",
    "tt.venueType.classroom": "教室",
    "tt.venueType.playground": "操场",
    "tt.venueType.gym": "体育馆",
    "tt.venueType.library": "图书馆",
    "tt.venueType.reading_room": "阅览室",
    "tt.venueType.lab": "实验室",
    "tt.venueType.function_room": "功能教室",
    "tt.kind.teacher": "教师",
    "tt.kind.cadre": "干部",
    "tt.kind.volunteer": "志愿者",
    "tt.kind.specialist": "专业人才",
    "tt.kind.provider_staff": "机构人员",
    // my week
    "tt.my.title": "我的课表",
    "tt.my.intro": "本学期已发布课表中您负责的课时：时间、班级、活动和地点。",
    "tt.my.notOnTimetable": "您的账号还没有登记在本学期课表的老师名单中，所以这里没有您的课时。如有疑问，请联系学校教务。",
    "tt.my.none": "本周没有安排给您的课时。",
    "tt.my.count": "每周共 {n} 个课时",
    // a child's week
    "tt.child.title": "孩子的课表",
    "tt.child.titleNamed": "{name}的课表",
    "tt.child.intro": "学校已发布的课后服务课表：每天每个课时在哪里、做什么、由哪位老师看管。",
    "tt.child.link": "查看课表",
    "tt.child.linkLabel": "查看{name}的课表",
    "tt.child.back": "返回我的孩子",
    "tt.child.week": "每周课表",
    "tt.itin.title": "每日行程",
    "tt.itin.date": "日期",
    "tt.itin.today": "今天",
    "tt.itin.prev": "前一天",
    "tt.itin.next": "后一天",
    "tt.itin.none": "当天无课后服务（周末、节假日或不在本学期内）。",
    "tt.itin.runs": "调休上课：按{weekday}课表",
    "tt.itin.weekday": "{date}（{weekday}）",
    "tt.itin.badDate": "请选择一个日期。",
    "tt.week.title": "周课表",
    "tt.week.subject.class": "班级",
    "tt.week.subject.adult": "老师",
    "tt.week.subject.venue": "场地",
    "tt.week.subject.student": "学生",
    "tt.week.back": "返回课表",
    "tt.week.unknown": "没有这个课表。",
  },
  en: {
    "tt.nav.timetable": "Timetable",
    "tt.nav.myWeek": "My week",
    "tt.homework": "Homework",
    "tt.term": "Term",
    "tt.termDates": "{from} to {to}",
    "tt.noTerms": "The school has no term yet.",
    "tt.retry": "Try again",
    "tt.time": "{from}–{to}",
    "tt.venue": "Where",
    "tt.class": "Class",
    "tt.adults": "With",
    "tt.noAdults": "Nobody yet",
    "tt.free": "Free",
    "tt.today": "Today",
    "tt.version": "Published timetable, version {v}",
    "tt.versionAt": "Published timetable, version {v}, published {at}",
    "tt.notPublished": "The school has not published this term's timetable yet; it will appear here once it has.",
    "tt.cat.homework": "Homework",
    "tt.cat.homework_help": "Homework help",
    "tt.cat.reading": "Reading",
    "tt.cat.sports": "Sports",
    "tt.cat.arts": "Arts",
    "tt.cat.science_technology": "Science and technology",
    "tt.cat.traditional_culture": "Traditional culture",
    "tt.cat.other_enrichment": "Other enrichment",
    "tt.venueType.classroom": "classroom",
    "tt.venueType.playground": "playground",
    "tt.venueType.gym": "gym",
    "tt.venueType.library": "library",
    "tt.venueType.reading_room": "reading room",
    "tt.venueType.lab": "lab",
    "tt.venueType.function_room": "function room",
    "tt.kind.teacher": "teacher",
    "tt.kind.cadre": "cadre",
    "tt.kind.volunteer": "volunteer",
    "tt.kind.specialist": "specialist",
    "tt.kind.provider_staff": "provider staff",
    "tt.my.title": "My week",
    "tt.my.intro": "The periods you lead in this term's published timetable: when, which class, what and where.",
    "tt.my.notOnTimetable": "Your account is not on this term's timetable yet, so there are no periods to show. Ask the school office if this looks wrong.",
    "tt.my.none": "No periods are planned for you this week.",
    "tt.my.count": "{n} periods a week",
    "tt.child.title": "My child's timetable",
    "tt.child.titleNamed": "{name}'s timetable",
    "tt.child.intro": "The school's published after-school timetable: where your child is each period, doing what, with whom.",
    "tt.child.link": "Timetable",
    "tt.child.linkLabel": "Timetable of {name}",
    "tt.child.back": "Back to my children",
    "tt.child.week": "Every week",
    "tt.itin.title": "Day by day",
    "tt.itin.date": "Date",
    "tt.itin.today": "Today",
    "tt.itin.prev": "Previous day",
    "tt.itin.next": "Next day",
    "tt.itin.none": "No after-school service that day (weekend, holiday or outside the term).",
    "tt.itin.runs": "Make-up day: runs {weekday}'s timetable",
    "tt.itin.weekday": "{date} ({weekday})",
    "tt.itin.badDate": "Choose a date.",
    "tt.week.title": "Week",
    "tt.week.subject.class": "Class",
    "tt.week.subject.adult": "Adult",
    "tt.week.subject.venue": "Venue",
    "tt.week.subject.student": "Student",
    "tt.week.back": "Back to the timetable",
    "tt.week.unknown": "There is no such timetable.",
  },
});

// ---------------------------------------------------------------------------------------------
// shared with page-timetable.js

/** Every timetable route of a school starts here (BASE of the API contract). */
export function ttPath(schoolId, rest = "") {
  return `/schools/${enc(schoolId || "")}/timetable${rest}`;
}

/** A violation's message in the reader's language (a string, or a {zh-CN, en} map in older answers). */
export function messageOf(v) {
  const m = v && v.message;
  if (m && typeof m === "object") return m[session.lang] || m["zh-CN"] || "";
  return m || "";
}

export function categoryLabel(category) {
  return tOr(`tt.cat.${category}`, category || "");
}

export function venueTypeLabel(type) {
  return tOr(`tt.venueType.${type}`, type || "");
}

export function adultKindLabel(kind) {
  return tOr(`tt.kind.${kind}`, kind || "");
}

/** What a cell holds: the activity's name, or 自主作业 (supervised homework) when it has none. */
export function activityLabel(entry) {
  return entry.activity_id ? entry.activity_name || entry.activity_id : t("tt.homework");
}

export function adultNames(entry) {
  return joinList((entry.adults || []).map((a) => a.name));
}

export function timeRange(x) {
  return x && x.starts_at && x.ends_at ? t("tt.time", { from: x.starts_at, to: x.ends_at }) : "";
}

/** A CSS class for the colour of a category (homework, reading, sports, …). */
export function categoryClass(entry) {
  return `tt-cat-${String(entry.category || "other").replace(/[^a-z_]/g, "")}`;
}

// The school's terms, per school: { loading, loaded, items, error }. Every member of the school may list them.
const termsBySchool = {};

export function termsOf(schoolId) {
  if (!termsBySchool[schoolId]) termsBySchool[schoolId] = { loading: false, loaded: false, items: [], error: null };
  return termsBySchool[schoolId];
}

export async function loadTermsOf(schoolId, force = false) {
  const entry = termsOf(schoolId);
  if ((entry.loaded && !force) || entry.loading) return entry;
  entry.loading = true;
  entry.error = null;
  await loadInto(entry, async () => {
    const items = await fetchAll(`/schools/${enc(schoolId)}/terms`);
    entry.items = items.sort((a, b) => (a.starts_on < b.starts_on ? 1 : -1));
    entry.loaded = true;
  });
  return entry;
}

/** The term people most likely mean: the current one, else the next, else the latest. */
export function defaultTermId(items) {
  const now = today();
  const current = items.find((x) => x.starts_on <= now && now <= x.ends_on);
  if (current) return current.id;
  const upcoming = items.filter((x) => x.starts_on > now).sort((a, b) => (a.starts_on < b.starts_on ? -1 : 1));
  if (upcoming.length) return upcoming[0].id;
  return items.length ? items[0].id : null;
}

/** A term select with the chosen term's dates under it; `onChoose(id)` when another is picked. */
export function termPicker(id, items, selected, onChoose) {
  const term = items.find((x) => x.id === selected);
  return h(
    "div",
    { class: "field tt-term-field" },
    h("label", { for: id }, t("tt.term")),
    select(id, selected, items.map((x) => ({ value: x.id, label: x.name })), onChoose, { "aria-describedby": term ? `${id}-hint` : null }),
    term ? h("p", { class: "hint", id: `${id}-hint` }, t("tt.termDates", { from: formatDate(term.starts_on), to: formatDate(term.ends_on) })) : null,
  );
}

/** ISO weekday (1 = Monday … 7 = Sunday) of a YYYY-MM-DD date. */
export function isoWeekday(isoDate) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(isoDate || "");
  if (!m) return null;
  const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3])).getUTCDay();
  return d === 0 ? 7 : d;
}

function addDays(isoDate, n) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(isoDate || "");
  if (!m) return isoDate;
  const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3] + n));
  return d.toISOString().slice(0, 10);
}

function dayName(weekday) {
  if (weekday >= 1 && weekday <= 5) return weekdayLabel(weekday);
  const zh = { 6: "周六", 7: "周日" };
  const en = { 6: "Sat", 7: "Sun" };
  return (session.lang === "en" ? en : zh)[weekday] || "";
}

// ---------------------------------------------------------------------------------------------
// a week and a day, as lists (phone first; five columns on a wide screen)

/** What a period line shows: `show` picks the class (an adult's or venue's week) and the adults. */
function entryLine(entry, show) {
  return h(
    "li",
    {
      class: `tt-period ${categoryClass(entry)}`,
      "data-testid": "week-period",
      "data-weekday": String(entry.weekday),
      "data-period": String(entry.period),
      "data-class-id": entry.class_id,
    },
    h(
      "div",
      { class: "tt-when" },
      h("span", { class: "tt-pno" }, periodLabel(entry.period)),
      h("span", { class: "tt-time", "data-testid": "week-time" }, timeRange(entry)),
    ),
    h(
      "div",
      { class: "tt-what" },
      h("strong", { "data-testid": "week-activity" }, activityLabel(entry)),
      entry.activity_id ? h("span", { class: "tt-chip" }, categoryLabel(entry.category)) : null,
    ),
    h(
      "dl",
      { class: "tt-where" },
      show.klass ? [h("dt", {}, t("tt.class")), h("dd", { "data-testid": "week-class" }, entry.class_name)] : null,
      show.venue === false ? null : [h("dt", {}, t("tt.venue")), h("dd", { "data-testid": "week-venue" }, entry.venue_name)],
      show.adults ? [h("dt", {}, t("tt.adults")), h("dd", { "data-testid": "week-adults" }, adultNames(entry) || t("tt.noAdults"))] : null,
    ),
  );
}

function freeLine(weekday, period) {
  return h(
    "li",
    { class: "tt-period tt-free", "data-testid": "week-free", "data-weekday": String(weekday), "data-period": String(period.number) },
    h("div", { class: "tt-when" }, h("span", { class: "tt-pno" }, periodLabel(period.number)), h("span", { class: "tt-time" }, timeRange(period))),
    h("div", { class: "tt-what muted" }, t("tt.free")),
  );
}

/** The periods of one day, in order; a period with nothing for the subject reads "无安排". */
function dayLines(weekday, periods, entries, show) {
  const lines = [];
  for (const p of periods) {
    const here = entries.filter((e) => e.weekday === weekday && e.period === p.number);
    here.sort((a, b) => (a.class_name < b.class_name ? -1 : 1));
    if (here.length) lines.push(...here.map((e) => entryLine(e, show)));
    else if (show.free) lines.push(freeLine(weekday, p));
  }
  return lines;
}

/** A published Week ({days, entries}) as one card per weekday; today's weekday is marked. */
export function renderWeekDays(week, show, todayWeekday = null) {
  const days = (week.days || []).slice().sort((a, b) => a.weekday - b.weekday);
  return h(
    "div",
    { class: "tt-days", "data-testid": "week-days" },
    days.map((d) => {
      const titleId = `week-day-${d.weekday}`;
      const isToday = d.weekday === todayWeekday;
      const lines = dayLines(d.weekday, d.periods || [], week.entries || [], show);
      return h(
        "section",
        { class: `card tt-day${isToday ? " is-today" : ""}`, "aria-labelledby": titleId, "data-testid": "week-day", "data-weekday": String(d.weekday) },
        h("h2", { id: titleId }, weekdayLabel(d.weekday), isToday ? h("span", { class: "tt-today" }, t("tt.today")) : null),
        lines.length ? h("ol", { class: "tt-periods" }, lines) : muted(t("tt.free")),
      );
    }),
  );
}

function versionLine(data) {
  if (!data || !data.version) return null;
  const text = data.published_at ? t("tt.versionAt", { v: data.version, at: formatTime(data.published_at) }) : t("tt.version", { v: data.version });
  return h("p", { class: "muted small", "data-testid": "week-version", "data-version": String(data.version) }, text);
}

// ---------------------------------------------------------------------------------------------
// the pages' state: one view at a time ({ page, school, term, … }), its week and (a guardian's) day

const wk = {};
const KINDS = ["class", "adult", "venue"]; // #/week/<term>/<kind>/<id>
const PLURAL = { class: "classes", adult: "adults", venue: "venues" }; // …/published/<plural>/<id>/week

function resetWeek() {
  Object.assign(wk, {
    view: null, // { page, school, termParam, subject: {kind, id}, term }
    week: null, // { key, loading, data, error, lang }
    itin: null, // { key, date, loading, data, error, lang }
  });
}
resetWeek();

const isStaff = (me) => Boolean(me && me.tenant && ["school_admin", "teacher", "provider_staff"].some((r) => (me.roles || []).includes(r)));
const isGuardian = (me) => Boolean(me && me.tenant && (me.roles || []).includes("guardian"));

function viewKey(v) {
  return v ? [v.page, v.school, v.term, v.subject.kind, v.subject.id].join("|") : "";
}

/** The published path of the view's week ("/published/my-week", "/published/students/{id}/week", …). */
function weekPath(v) {
  const base = `/terms/${enc(v.term)}/published`;
  switch (v.subject.kind) {
    case "me":
      return `${base}/my-week`;
    case "student":
      return `${base}/students/${enc(v.subject.id)}/week`;
    default:
      return `${base}/${PLURAL[v.subject.kind]}/${enc(v.subject.id)}/week`;
  }
}

async function enterView(view) {
  const terms = await loadTermsOf(view.school);
  view.term = view.termParam || defaultTermId(terms.items);
  wk.view = view;
  rerender();
  if (!view.term) return;
  const jobs = [loadWeek()];
  if (view.subject.kind === "student") jobs.push(loadItinerary(wk.itin && wk.itin.key === viewKey(view) ? wk.itin.date : today()));
  await Promise.all(jobs);
}

async function loadWeek() {
  const v = wk.view;
  const key = viewKey(v);
  const entry = { key, loading: true, data: null, error: null, lang: session.lang };
  wk.week = entry;
  rerender();
  await loadInto(entry, async () => {
    entry.data = (await api("GET", ttPath(v.school, weekPath(v)))).data;
  });
}

async function loadItinerary(date) {
  const v = wk.view;
  const key = viewKey(v);
  const entry = { key, date, loading: true, data: null, error: null, lang: session.lang };
  wk.itin = entry;
  rerender();
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date || "")) {
    entry.loading = false;
    rerender();
    return;
  }
  const path = `/terms/${enc(v.term)}/published/students/${enc(v.subject.id)}/itinerary?${new URLSearchParams({ date })}`;
  try {
    const { data } = await api("GET", ttPath(v.school, path));
    if (wk.itin === entry) entry.data = data;
  } catch (err) {
    if (wk.itin === entry) entry.error = err;
  } finally {
    entry.loading = false;
    rerender();
  }
}

/** Texts from the API (names of activities stay as they are, messages do not) follow a language switch. */
function refreshOnLanguage() {
  const v = wk.view;
  if (!v) return;
  if (wk.week && !wk.week.loading && wk.week.lang !== session.lang && wk.week.key === viewKey(v)) queueMicrotask(loadWeek);
  if (wk.itin && !wk.itin.loading && wk.itin.lang !== session.lang && wk.itin.key === viewKey(v)) queueMicrotask(() => loadItinerary(wk.itin.date));
}

function chooseTerm(id) {
  const v = wk.view;
  if (!v || id === v.term) return;
  if (v.page === "my-week") go(`my-week/${enc(id)}`);
  else if (v.page === "child-week") go(`child-week/${enc(v.school)}/${enc(v.subject.id)}/${enc(id)}`);
  else go(`week/${enc(id)}/${enc(v.subject.kind)}/${enc(v.subject.id)}`);
}

function termBlock(v, testid) {
  const terms = termsOf(v.school);
  if (terms.error) return [errorBox(terms.error, `${testid}-terms-error`), h("button", { type: "button", class: "btn btn-secondary btn-small", onclick: () => loadTermsOf(v.school, true) }, t("tt.retry"))];
  if (!terms.loaded) return muted(t("app.loading"));
  if (!terms.items.length) return muted(t("tt.noTerms"), `${testid}-no-terms`);
  if (terms.items.length === 1) return versionTermLine(terms.items[0]);
  return termPicker(`${testid}-term`, terms.items, v.term, chooseTerm);
}

function versionTermLine(term) {
  return h("p", { class: "muted small", "data-testid": "week-term" }, term.name, " · ", t("tt.termDates", { from: formatDate(term.starts_on), to: formatDate(term.ends_on) }));
}

/** The week's state as a node: loading, not published / not on the timetable, an error, or the days. */
function weekBody(v, show, { notOn = "tt.my.notOnTimetable" } = {}) {
  const w = wk.week;
  if (!w || w.key !== viewKey(v) || (w.loading && !w.data)) return muted(t("app.loading"), "week-loading");
  if (w.error) {
    if (w.error.code === "not_published") return h("p", { class: "alert alert-info", role: "status", "data-testid": "week-not-published" }, t("tt.notPublished"));
    if (w.error.code === "not_on_timetable") return h("p", { class: "alert alert-info", role: "status", "data-testid": "week-not-on-timetable" }, t(notOn));
    return h("div", {}, errorBox(w.error, "week-error"), h("button", { type: "button", class: "btn btn-secondary btn-small", onclick: loadWeek }, t("tt.retry")));
  }
  const todayWd = isoWeekday(today());
  return h("div", { class: "tt-week-body" }, versionLine(w.data), renderWeekDays(w.data, show, todayWd));
}

// ---------------------------------------------------------------------------------------------
// #/my-week[/<term>]: the signed-in adult's periods (teachers, provider staff, the principal too)

function renderMyWeek() {
  refreshOnLanguage();
  const v = wk.view && wk.view.page === "my-week" ? wk.view : null;
  const out = h(
    "div",
    { class: "tt-view", "data-testid": "my-week-page" },
    h("header", { class: "tt-head" }, h("h1", {}, t("tt.my.title")), h("p", { class: "muted" }, t("tt.my.intro"))),
  );
  if (!v) return [out, muted(t("app.loading"))];
  out.append(h("section", { class: "card tt-term-card" }, termBlock(v, "my-week")));
  if (!v.term) return out;
  const w = wk.week;
  if (w && w.data && w.key === viewKey(v)) {
    const n = (w.data.entries || []).length;
    out.append(h("p", { class: "tt-subject", "data-testid": "my-week-subject" }, w.data.subject?.name || "", " · ", n ? t("tt.my.count", { n }) : t("tt.my.none")));
  }
  out.append(weekBody(v, { klass: true, adults: false, free: true }));
  return out;
}

definePage({
  id: "my-week",
  // A principal reaches it from the 课表 page; teachers and provider staff have it as a tab.
  get nav() {
    return session.me && (session.me.roles || []).includes("school_admin") ? null : "tt.nav.myWeek";
  },
  visible: isStaff,
  enter: (params) => enterView({ page: "my-week", school: session.me.tenant, termParam: params[0] || null, subject: { kind: "me", id: "" } }),
  render: renderMyWeek,
  reset: resetWeek,
});

// ---------------------------------------------------------------------------------------------
// #/week/<term>/<class|adult|venue>/<id>: one class's, adult's or venue's week (the school's staff)


function renderOneWeek(params) {
  refreshOnLanguage();
  const v = wk.view && wk.view.page === "week" ? wk.view : null;
  const kind = v ? v.subject.kind : params[1];
  const w = wk.week;
  const subject = w && v && w.key === viewKey(v) && w.data ? w.data.subject : null;
  const out = h(
    "div",
    { class: "tt-view", "data-testid": "week-page", "data-kind": kind || "" },
    h(
      "header",
      { class: "tt-head" },
      h("p", { class: "tt-back" }, h("a", { href: hrefOf(v ? `timetable/${enc(v.term || "")}` : "timetable") }, "← ", t("tt.week.back"))),
      h("h1", { "data-testid": "week-title" }, subject ? `${tOr(`tt.week.subject.${kind}`, "")} ${subject.name}` : t("tt.week.title")),
    ),
  );
  if (!KINDS.includes(params[1]) || !params[2]) return [out, muted(t("tt.week.unknown"), "week-unknown")];
  if (!v) return [out, muted(t("app.loading"))];
  out.append(weekBody(v, { klass: kind !== "class", adults: kind !== "adult", venue: kind !== "venue", free: kind !== "venue" }));
  return out;
}

definePage({
  id: "week",
  nav: null,
  visible: isStaff,
  enter: (params) => {
    const [term, kind, id] = params;
    if (!term || !KINDS.includes(kind) || !id) return null;
    return enterView({ page: "week", school: session.me.tenant, termParam: term, subject: { kind, id } });
  },
  render: renderOneWeek,
  reset: resetWeek,
});

// ---------------------------------------------------------------------------------------------
// #/child-week/<school>/<student>[/<term>]: a guardian's child's week and the day's itinerary (行程)

function renderItinerary(v) {
  const it = wk.itin && wk.itin.key === viewKey(v) ? wk.itin : null;
  const date = it ? it.date : today();
  const pick = (d) => loadItinerary(d);
  const section = h(
    "section",
    { class: "card tt-itin", "aria-labelledby": "itin-title", "data-testid": "itinerary" },
    h("h2", { id: "itin-title" }, t("tt.itin.title")),
    h(
      "div",
      { class: "tt-itin-controls" },
      h(
        "div",
        { class: "field" },
        h("label", { for: "itinerary-date" }, t("tt.itin.date")),
        h("input", { id: "itinerary-date", type: "date", value: date || "", "data-testid": "itinerary-date", onchange: (e) => pick(e.target.value) }),
      ),
      h(
        "div",
        { class: "tt-itin-buttons" },
        h("button", { type: "button", class: "btn btn-ghost btn-small", "data-testid": "itinerary-prev", "aria-label": t("tt.itin.prev"), onclick: () => pick(addDays(date, -1)) }, "‹"),
        h("button", { type: "button", class: "btn btn-secondary btn-small", "data-testid": "itinerary-today", onclick: () => pick(today()) }, t("tt.itin.today")),
        h("button", { type: "button", class: "btn btn-ghost btn-small", "data-testid": "itinerary-next", "aria-label": t("tt.itin.next"), onclick: () => pick(addDays(date, 1)) }, "›"),
      ),
    ),
  );
  if (!it || it.loading) {
    section.append(muted(t("app.loading"), "itinerary-loading"));
    return section;
  }
  if (!/^\d{4}-\d{2}-\d{2}$/.test(it.date || "")) {
    section.append(h("p", { class: "field-error" }, t("tt.itin.badDate")));
    return section;
  }
  if (it.error) {
    if (it.error.code === "not_published") section.append(h("p", { class: "alert alert-info", role: "status", "data-testid": "itinerary-not-published" }, t("tt.notPublished")));
    else section.append(errorBox(it.error, "itinerary-error"));
    return section;
  }
  const d = it.data;
  const wd = isoWeekday(d.date || it.date);
  section.append(h("p", { class: "tt-itin-date", "data-testid": "itinerary-day" }, t("tt.itin.weekday", { date: formatDate(d.date || it.date), weekday: dayName(wd) })));
  if (d.runs_weekday == null) {
    section.append(h("p", { class: "alert alert-info", role: "status", "data-testid": "itinerary-none" }, t("tt.itin.none")));
    return section;
  }
  if (d.runs_weekday !== wd) section.append(h("p", { class: "pp-warn tt-runs", "data-testid": "itinerary-runs" }, t("tt.itin.runs", { weekday: weekdayLabel(d.runs_weekday) })));
  const entries = (d.entries || []).slice().sort((a, b) => a.period - b.period);
  section.append(h("ol", { class: "tt-periods", "data-testid": "itinerary-periods" }, entries.map((e) => entryLine(e, { adults: true }))));
  return section;
}

function renderChildWeek() {
  refreshOnLanguage();
  const v = wk.view && wk.view.page === "child-week" ? wk.view : null;
  const w = wk.week;
  const name = v && w && w.key === viewKey(v) && w.data && w.data.subject ? w.data.subject.name : null;
  const out = h(
    "div",
    { class: "tt-view parent-page", "data-testid": "child-week-page" },
    h(
      "header",
      { class: "tt-head" },
      h("p", { class: "tt-back" }, h("a", { href: hrefOf("children"), "data-testid": "child-week-back" }, "← ", t("tt.child.back"))),
      h("h1", { "data-testid": "child-week-title" }, name ? t("tt.child.titleNamed", { name }) : t("tt.child.title")),
      h("p", { class: "muted small" }, t("tt.child.intro")),
    ),
  );
  if (!v) return [out, muted(t("app.loading"))];
  out.append(h("section", { class: "card tt-term-card" }, termBlock(v, "child-week")));
  if (!v.term) return out;
  out.append(
    renderItinerary(v),
    h("section", { class: "tt-week-section", "aria-labelledby": "child-week-heading" }, h("h2", { id: "child-week-heading", class: "tt-section-title" }, t("tt.child.week")), weekBody(v, { adults: true, free: false })),
  );
  return out;
}

definePage({
  id: "child-week",
  nav: null,
  visible: isGuardian,
  enter: (params) => {
    const [school, student, term] = params;
    if (!school || !student) return null;
    return enterView({ page: "child-week", school, termParam: term || null, subject: { kind: "student", id: student } });
  },
  render: renderChildWeek,
  reset: resetWeek,
});

