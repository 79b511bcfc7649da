// Kehou (课后) web kit: the pieces every page module shares. Vanilla ES module, no dependencies.
// Pages register themselves with definePage(); app.js owns the shell (sign-in, top bar, navigation, router)
// and re-renders everything from state on every change, so switching language re-renders all text.

// The API lives next to /app (locally at the root; behind API Gateway under its stage path).
export const BASE = location.pathname.replace(/\/app(?:\/.*)?$/, "");
export const KEYS = { token: "kehou.token", user: "kehou.user", lang: "kehou.lang" };
export const LANGS = ["zh-CN", "en"];

const MESSAGES = {
  "zh-CN": {
    "app.title": "课后 · 课后服务管理",
    "app.brand": "课后",
    "app.tagline": "课后服务管理平台",
    "app.skip": "跳到主要内容",
    "app.loading": "加载中…",
    "app.stage": "环境：{stage}",
    "app.docs": "API 文档",
    "nav.label": "页面",
    "nav.home": "首页",
    "lang.switch": "English",
    "lang.switchLabel": "Switch to English",
    "signin.title": "登录",
    "signin.dev": "本地开发环境：选择一个示例用户直接登录（无需密码）。",
    "signin.cognito": "请通过学校的统一登录（Amazon Cognito）进入。本页面尚未提供该登录方式。",
    "signin.loadingUsers": "正在加载示例用户…",
    "signin.noUsers": "没有可用的示例用户。",
    "signin.as": "以 {name}（{role}）身份登录",
    "signin.busy": "正在登录…",
    "signout": "退出登录",
    "signedOut": "您已退出登录。",
    "session.expired": "登录已过期或无效，请重新登录。",
    "role.platform_admin": "平台管理员",
    "role.district_admin": "区教育局管理员",
    "role.school_admin": "学校管理员",
    "role.teacher": "教师",
    "role.provider_staff": "服务机构人员",
    "role.guardian": "家长",
    "me.title": "我的账户",
    "me.name": "姓名",
    "me.roles": "角色",
    "me.sub": "用户标识",
    "me.district": "所属教育局",
    "me.tenant": "所属学校",
    "me.tenantStatus": "学校状态",
    "me.loading": "正在加载账户信息…",
    "platform.note": "平台管理功能（如创建区教育局）目前请通过 API 使用。",
    "status.active": "正常",
    "status.suspended": "已暂停",
    "form.fix": "请检查标出的字段。",
    "field.required": "此项必填。",
    "field.tooLong": "内容过长。",
    "field.codePattern": "仅限字母、数字、- 和 _。",
    "field.pattern": "格式不正确。",
    "field.email": "请输入有效的电子邮箱地址。",
    "field.timeZone": "未知时区，请使用 IANA 时区名称，如 Asia/Shanghai。",
    "field.hhmm": "请使用 24 小时制 HH:MM，如 17:30。",
    "field.extra": "不支持该字段。",
    "error.network": "无法连接服务器，请检查网络后重试。",
    "error.http": "请求失败（HTTP {status}）。",
    "error.code": "错误代码：{code}",
    "mySchool.title": "我的学校",
    "mySchool.code": "代码",
    "mySchool.address": "地址",
    "mySchool.status": "状态",
    "mySchool.timeZone": "时区",
    "mySchool.workdayEnd": "工作日结束",
    "mySchool.loading": "正在加载学校信息…",
    "common.cancel": "取消",
    "common.more": "加载更多",
    "grade": "{n}年级",
    "weekday.1": "周一",
    "weekday.2": "周二",
    "weekday.3": "周三",
    "weekday.4": "周四",
    "weekday.5": "周五",
    "period": "第{n}课时",
    "money.required": "请输入金额（元）。",
    "money.format": "请输入金额（元），如 12 或 12.50。",
    "money.decimals": "金额最多精确到分（两位小数）。",
    "money.tooLarge": "金额过大（最多 ¥100000.00）。",
  },
  en: {
    "app.title": "Kehou · after-school service",
    "app.brand": "Kehou",
    "app.tagline": "After-school programme service",
    "app.skip": "Skip to main content",
    "app.loading": "Loading…",
    "app.stage": "Stage: {stage}",
    "app.docs": "API reference",
    "nav.label": "Pages",
    "nav.home": "Home",
    "lang.switch": "中文",
    "lang.switchLabel": "切换到中文",
    "signin.title": "Sign in",
    "signin.dev": "Local development: pick a seeded user to sign in (no password).",
    "signin.cognito": "Sign-in goes through your school's Cognito login, which this page does not provide yet.",
    "signin.loadingUsers": "Loading seeded users…",
    "signin.noUsers": "No seeded users are available.",
    "signin.as": "Sign in as {name} ({role})",
    "signin.busy": "Signing in…",
    "signout": "Sign out",
    "signedOut": "You are signed out.",
    "session.expired": "Your session expired or is not valid; please sign in again.",
    "role.platform_admin": "Platform admin",
    "role.district_admin": "District admin",
    "role.school_admin": "School admin",
    "role.teacher": "Teacher",
    "role.provider_staff": "Provider staff",
    "role.guardian": "Guardian",
    "me.title": "My account",
    "me.name": "Name",
    "me.roles": "Roles",
    "me.sub": "User ID",
    "me.district": "District",
    "me.tenant": "School",
    "me.tenantStatus": "School status",
    "me.loading": "Loading your account…",
    "platform.note": "Platform administration (such as creating districts) is available through the API for now.",
    "status.active": "Active",
    "status.suspended": "Suspended",
    "form.fix": "Please check the marked fields.",
    "field.required": "Required.",
    "field.tooLong": "Too long.",
    "field.codePattern": "Letters, digits, - and _ only.",
    "field.pattern": "Not in the expected format.",
    "field.email": "Enter a valid e-mail address.",
    "field.timeZone": "Unknown time zone; use an IANA name such as Asia/Shanghai.",
    "field.hhmm": "Use HH:MM on a 24-hour clock, e.g. 17:30.",
    "field.extra": "This field is not supported.",
    "error.network": "Cannot reach the server; check your connection and try again.",
    "error.http": "The request failed (HTTP {status}).",
    "error.code": "Error code: {code}",
    "mySchool.title": "My school",
    "mySchool.code": "Code",
    "mySchool.address": "Address",
    "mySchool.status": "Status",
    "mySchool.timeZone": "Time zone",
    "mySchool.workdayEnd": "Workday ends",
    "mySchool.loading": "Loading your school…",
    "common.cancel": "Cancel",
    "common.more": "Load more",
    "grade": "Grade {n}",
    "weekday.1": "Mon",
    "weekday.2": "Tue",
    "weekday.3": "Wed",
    "weekday.4": "Thu",
    "weekday.5": "Fri",
    "period": "Period {n}",
    "money.required": "Enter an amount in yuan.",
    "money.format": "Enter an amount in yuan, e.g. 12 or 12.50.",
    "money.decimals": "At most two decimals (fen).",
    "money.tooLarge": "Too large (at most ¥100000.00).",
  },
};

/** Page modules add their own texts (zh-CN first, en) next to the code that uses them. */
export function addMessages(bundle) {
  for (const lang of LANGS) Object.assign(MESSAGES[lang], bundle[lang] || {});
}

export function readStorage(store, key) {
  try {
    return store.getItem(key);
  } catch {
    return null;
  }
}

export function writeStorage(store, key, value) {
  try {
    if (value == null) store.removeItem(key);
    else store.setItem(key, value);
  } catch {
    /* storage disabled: the session just does not survive a reload */
  }
}

function parseUser(raw) {
  try {
    return raw ? JSON.parse(raw) : null;
  } catch {
    return null;
  }
}

/** Who is signed in and where; page modules keep their own state and read this one. */
export const session = {
  lang: LANGS.includes(readStorage(localStorage, KEYS.lang)) ? readStorage(localStorage, KEYS.lang) : "zh-CN",
  config: null,
  token: readStorage(sessionStorage, KEYS.token),
  user: parseUser(readStorage(sessionStorage, KEYS.user)),
  me: null,
  district: null,
  school: null,
};

// ---------------------------------------------------------------------------------------------
// rendering helpers

let renderer = () => {};
let expiry = () => {};

/** app.js installs the whole-page renderer; modules call rerender() after changing their state. */
export function setRenderer(fn) {
  renderer = fn;
}

export function rerender() {
  renderer();
}

export function onSessionExpired(fn) {
  expiry = fn;
}

export function t(key, params) {
  const text = MESSAGES[session.lang][key] ?? MESSAGES["zh-CN"][key] ?? key;
  return params ? text.replace(/\{(\w+)\}/g, (_, name) => String(params[name] ?? "")) : text;
}

/** t() of a key built from API data (a status, a relationship…), or `fallback` when no text exists for it. */
export function tOr(key, fallback, params) {
  const text = t(key, params);
  return text === key ? fallback : text;
}

/** Lists read "甲、乙" in Chinese and "A, B" in English. */
export function listSep() {
  return session.lang === "en" ? ", " : "、";
}

export function joinList(items) {
  return items.join(listSep());
}

const ZH_NUMERALS = "一二三四五六七八九";

/** 三年级 in Chinese, Grade 3 in English. */
export function gradeLabel(n) {
  return t("grade", { n: session.lang === "en" ? n : ZH_NUMERALS[n - 1] || n });
}

/** 周一 … 周五 (1 = Monday). */
export function weekdayLabel(d) {
  return t(`weekday.${d}`);
}

export function periodLabel(n) {
  return t("period", { n });
}

export function h(tag, props, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(props || {})) {
    if (value == null || value === false) continue;
    if (name.startsWith("on")) el.addEventListener(name.slice(2), value);
    else if (name === "class") el.className = value;
    else if (name === "value") el.value = value;
    else if (name === "checked") el.checked = Boolean(value);
    else el.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child == null || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
  return el;
}

export function uuid() {
  if (globalThis.crypto?.randomUUID) return crypto.randomUUID();
  // crypto.randomUUID needs a secure context; getRandomValues does not.
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const hex = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export function formatTime(iso) {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleString(session.lang, { dateStyle: "medium", timeStyle: "short" });
}

/** A calendar date (YYYY-MM-DD) shown in the reader's language, without time-zone shifts. */
export function formatDate(isoDate) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(isoDate || "");
  if (!m) return isoDate || "";
  const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]));
  return d.toLocaleDateString(session.lang, { dateStyle: "medium", timeZone: "UTC" });
}

/** Money is integer fen everywhere; only the page turns it into yuan text. */
export function formatFen(fen) {
  const n = Number(fen) || 0;
  const sign = n < 0 ? "-" : "";
  const abs = Math.abs(n);
  return `${sign}¥${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, "0")}`;
}

const MAX_FEN = 10_000_000;

/** What people type on a phone, as ASCII: full-width digits and the Chinese full stop; trimmed. */
export function toAscii(text) {
  return String(text ?? "")
    .replace(/[\uFF10-\uFF19]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/\uFF0E|。/g, ".")
    .trim();
}

/** Yuan text to integer fen, exactly: "12.5" -> 1250; three decimals, signs and words are refused. */
export function yuanToFen(text) {
  const s = toAscii(text).replace(/^[¥￥]\s*/, "");
  if (!s) return { error: "money.required" };
  const m = /^(\d{1,7})(?:\.(\d{1,2}))?$/.exec(s);
  if (!m) return { error: /^\d+\.\d{3,}$/.test(s) ? "money.decimals" : "money.format" };
  const fen = Number(m[1]) * 100 + Number((m[2] || "").padEnd(2, "0"));
  if (fen > MAX_FEN) return { error: "money.tooLarge" };
  return { fen };
}

/** Integer fen to the yuan text a form shows: 1250 -> "12.50", 1500 -> "15". */
export function fenToYuan(fen) {
  const n = Math.max(0, Math.trunc(Number(fen) || 0));
  const cents = n % 100;
  return cents ? `${Math.floor(n / 100)}.${String(cents).padStart(2, "0")}` : String(Math.floor(n / 100));
}

/** Today in the school's zone (Asia/Shanghai unless the school says otherwise), as YYYY-MM-DD. */
export function today(timeZone) {
  const zone = timeZone || (session.school && session.school.time_zone) || "Asia/Shanghai";
  return new Intl.DateTimeFormat("en-CA", { timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit" }).format(new Date());
}

export function roleNames(roles) {
  return joinList((roles || []).map((r) => t(`role.${r}`)));
}

export function dlRow(label, value, testid) {
  if (value == null || value === "" || (Array.isArray(value) && !value.length)) return null;
  return [h("dt", {}, label), h("dd", { "data-testid": testid || null }, value)];
}

export function statusBadge(status, testid, label) {
  return h("span", { class: `badge badge-${status}`, "data-testid": testid, "data-status": status }, label ?? t(`status.${status}`));
}

export function errorBox(err, testid, id) {
  if (!err) return null;
  return h(
    "div",
    {
      class: "alert alert-error",
      role: "alert",
      id: id || null,
      tabindex: id ? "-1" : null,
      "data-testid": testid,
      "data-error-code": err.code || null,
    },
    h("p", { lang: err.lang || null }, err.message),
    err.code && !err.local && err.status !== 0 ? h("p", { class: "alert-code" }, t("error.code", { code: err.code })) : null,
  );
}

/** An announcement; with an `id` it can take focus (tabindex -1) after the action it reports. */
export function notice(text, testid, kind = "success", id = null) {
  if (!text) return null;
  return h("p", { class: `alert alert-${kind}`, role: "status", id, tabindex: id ? "-1" : null, "data-testid": testid }, text);
}

export function card(testid, titleId, title, ...children) {
  return h(
    "section",
    { class: "card", "aria-labelledby": titleId, "data-testid": testid },
    h("h2", { id: titleId }, title),
    ...children,
  );
}

export function muted(text, testid) {
  return h("p", { class: "muted", "data-testid": testid || null }, text);
}

export function focusId(id) {
  document.getElementById(id)?.focus();
}

export function focusMain() {
  document.getElementById("main")?.focus({ preventScroll: true });
}

// ---------------------------------------------------------------------------------------------
// the API

export class ApiError extends Error {
  constructor(status, code, message, details, lang) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
    this.lang = lang;
  }
}

export async function request(url, { method = "GET", body, headers = {}, auth = true } = {}) {
  const lang = session.lang;
  const h2 = { Accept: "application/json", "Accept-Language": lang, ...headers };
  if (auth && session.token) h2.Authorization = `Bearer ${session.token}`;
  if (body !== undefined) h2["Content-Type"] = "application/json";
  let resp;
  try {
    resp = await fetch(url, { method, headers: h2, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    throw new ApiError(0, "network_error", t("error.network"), null, lang);
  }
  const data = await resp.json().catch(() => null);
  if (!resp.ok) {
    const e = (data && data.error) || {};
    const err = new ApiError(resp.status, e.code || `http_${resp.status}`, e.message || t("error.http", { status: resp.status }), e.details, lang);
    if (auth && resp.status === 401 && session.token) expiry();
    throw err;
  }
  return { status: resp.status, data, etag: resp.headers.get("ETag") };
}

export const api = (method, path, options = {}) => request(BASE + path, { ...options, method });
export const enc = encodeURIComponent;
/** The signed-in person's school: every school route starts here. */
export const schoolPath = (rest = "") => `/schools/${enc(session.me?.tenant || "")}${rest}`;

/** One Idempotency-Key per (purpose, body): resubmitting the same data after a failure reuses it. */
export class Idempotency {
  constructor() {
    this.pending = new Map();
  }

  key(purpose, body) {
    const fingerprint = JSON.stringify(body);
    const known = this.pending.get(purpose);
    if (known && known.fingerprint === fingerprint) return known.key;
    const key = uuid();
    this.pending.set(purpose, { fingerprint, key });
    return key;
  }

  done(purpose) {
    this.pending.delete(purpose);
  }
}

/** One page of a listing, `limit` items from `cursor` on: the API's { items, next_cursor, … }. */
export async function fetchPage(path, { limit = 20, cursor = null, ...params } = {}) {
  const q = new URLSearchParams({ ...params, limit: String(limit) });
  if (cursor) q.set("cursor", cursor);
  return (await api("GET", `${path}?${q}`)).data;
}

/** Every item of a listing, read 100 at a time (at most `maxPages` pages). */
export async function fetchAll(path, maxPages = 20) {
  const items = [];
  let cursor = null;
  for (let i = 0; i < maxPages; i += 1) {
    const data = await fetchPage(path, { limit: 100, cursor });
    items.push(...(data.items || []));
    cursor = data.next_cursor;
    if (!cursor) break;
  }
  return items;
}

/** Runs `run()` for what keeps its own { loading, error } (a list, a cache entry): a failure is kept as its
 * `error`; then `loading` is over and the page re-renders. */
export async function loadInto(target, run) {
  try {
    await run();
  } catch (err) {
    target.error = err;
  } finally {
    target.loading = false;
    rerender();
  }
}

/** Replace the item with the same id in a list, or add it at the end. */
export function upsert(list, item) {
  const i = list.findIndex((x) => x.id === item.id);
  if (i >= 0) list[i] = item;
  else list.push(item);
}

/** Validation details as a list ({field, message, type}); a single object becomes a list. */
export function detailList(err) {
  const d = err && err.details;
  if (Array.isArray(d)) return d.filter((x) => x && typeof x === "object");
  return d && typeof d === "object" ? [d] : [];
}

/** Validation details as a map from API field path to message. */
export function fieldErrors(err) {
  const out = {};
  for (const d of detailList(err)) {
    if (!d.field || out[d.field]) continue;
    out[d.field] = d.type === "missing" ? t("field.required") : d.message || err.message;
  }
  return out;
}

/** The words for the validation types every form says the same way; null for the others. */
export function typeMessage(type) {
  switch (type) {
    case "missing":
    case "string_too_short":
      return t("field.required");
    case "string_too_long":
      return t("field.tooLong");
    case "extra_forbidden":
      return t("field.extra");
    default:
      return null;
  }
}

/** A problem the page found itself, shaped like an ApiError for errorBox() (which shows no code for it). */
export function localError(key = "form.fix", params) {
  return { code: "client_validation", message: t(key, params), local: true };
}

// ---------------------------------------------------------------------------------------------
// pages and the router (#/page/param/param)

/** Each page: { id, nav (message key or null), visible(me) -> bool, enter(params), render(params), reset() }. */
export const pages = [];

export function definePage(page) {
  pages.push(page);
  return page;
}

export function hrefOf(path) {
  return `#/${path}`;
}

export function go(path) {
  const target = hrefOf(path);
  if (location.hash === target) window.dispatchEvent(new HashChangeEvent("hashchange"));
  else location.hash = target;
}

export function link(path, text, props = {}) {
  return h("a", { href: hrefOf(path), ...props }, text);
}

export function hasRole(role) {
  return Boolean(session.me && session.me.roles.includes(role));
}

// ---------------------------------------------------------------------------------------------
// forms: every control carries its id as data-testid, and re-renders keep focus by that id

/** A labelled control: label, control, hint and error, wired with aria-describedby / aria-invalid. What the
 * control is described by already (a hint elsewhere in its form) stays first. */
export function field(id, label, control, { error = null, hint = null, className = "", errorTestid = null, errorLang = null } = {}) {
  const describedBy = [control.getAttribute("aria-describedby"), hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(" ");
  if (describedBy) control.setAttribute("aria-describedby", describedBy);
  if (error) control.setAttribute("aria-invalid", "true");
  return h(
    "div",
    { class: `field${error ? " has-error" : ""}${className ? ` ${className}` : ""}` },
    h("label", { for: id }, label),
    control,
    hint ? h("p", { class: "hint", id: `${id}-hint` }, hint) : null,
    error ? h("p", { class: "field-error", id: `${id}-error`, "data-testid": errorTestid || `${id}-error`, lang: errorLang }, error) : null,
  );
}

/** Typing into a control writes obj[name]; `props.onedit` runs after each change. */
function edits(obj, name, props) {
  return (e) => {
    obj[name] = e.target.value;
    props.onedit?.();
  };
}

/** A text input wired to obj[name]. Props override the defaults (null drops an attribute). */
export function textInput(id, obj, name, props = {}) {
  return h("input", { id, name: id, type: "text", autocomplete: "off", value: obj[name] ?? "", "data-testid": id, oninput: edits(obj, name, props), ...props, onedit: null });
}

export function textArea(id, obj, name, props = {}) {
  return h("textarea", { id, name: id, "data-testid": id, oninput: edits(obj, name, props), ...props, onedit: null }, obj[name] ?? "");
}

/** A select of [{value, label, disabled?, lang?}]; onchange gets the chosen value. */
export function select(id, value, options, onchange, props = {}) {
  return h(
    "select",
    { id, name: id, "data-testid": id, onchange: (e) => onchange(e.target.value), ...props },
    options.map((o) => h("option", { value: o.value, lang: o.lang || null, selected: String(o.value) === String(value) ? true : null, disabled: o.disabled || null }, o.label)),
  );
}

export function formActions(...buttons) {
  return h("div", { class: "form-actions" }, ...buttons);
}

/** An inline form confirming one action (suspend, reject, drop, withdraw): an optional title, the fields,
 * then confirm (danger unless `confirm.class` says otherwise) and cancel; `busy` disables both. */
export function confirmForm({ class: className = null, testid = null, titleId = null, title = null, onsubmit, busy = false, confirm, cancel }, ...body) {
  return h(
    "form",
    { class: className, "data-testid": testid, "aria-labelledby": title ? titleId : null, novalidate: true, onsubmit },
    title ? h("h3", { id: titleId }, title) : null,
    ...body,
    formActions(
      h(
        "button",
        { type: "submit", class: confirm.class || "btn btn-danger", "data-testid": confirm.testid, disabled: busy || Boolean(confirm.disabled), "aria-busy": busy ? "true" : null },
        confirm.label,
      ),
      h("button", { type: "button", class: "btn btn-ghost", "data-testid": cancel.testid, disabled: busy, onclick: cancel.onclick }, cancel.label),
    ),
  );
}
