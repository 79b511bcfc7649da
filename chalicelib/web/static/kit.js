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

/** Today in the school's zone (Asia/Shanghai unless the school says otherwise), as YYYY-MM-DD. */
export function today(timeZone) {
  const zone = timeZone || (session.school && session.school.time_zone) || "Asia/Shanghai";
  return new Intl.DateTimeFormat("en-CA", { timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit" }).format(new Date());
}

export function roleNames(roles) {
  return (roles || []).map((r) => t(`role.${r}`)).join(session.lang === "en" ? ", " : "、");
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

export function notice(text, testid, kind = "success") {
  if (!text) return null;
  return h("p", { class: `alert alert-${kind}`, role: "status", "data-testid": testid }, text);
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

/** Validation details ({field, type, message}) as a map from API field path to message. */
export function fieldErrors(err) {
  const list = Array.isArray(err?.details) ? err.details : err?.details && typeof err.details === "object" ? [err.details] : [];
  const out = {};
  for (const d of list) {
    if (!d || !d.field || out[d.field]) continue;
    out[d.field] = d.type === "missing" ? t("field.required") : d.message || err.message;
  }
  return out;
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

/** A plain labelled input wired to obj[name]; errors come from a fieldErrors() map. */
export function input(obj, name, { id, label, type = "text", errors = {}, errorKey = null, hint = null, testid = null, ...rest } = {}) {
  const fid = id || `f-${name}`;
  const err = errors[errorKey || name];
  const describedBy = [hint ? `${fid}-hint` : null, err ? `${fid}-error` : null].filter(Boolean).join(" ") || null;
  const control =
    type === "textarea"
      ? h("textarea", { id: fid, name, "data-testid": testid || fid, "aria-invalid": err ? "true" : null, "aria-describedby": describedBy, oninput: (e) => (obj[name] = e.target.value), ...rest }, obj[name] ?? "")
      : h("input", {
          id: fid,
          name,
          type,
          value: obj[name] ?? "",
          "data-testid": testid || fid,
          "aria-invalid": err ? "true" : null,
          "aria-describedby": describedBy,
          oninput: (e) => (obj[name] = type === "checkbox" ? e.target.checked : e.target.value),
          ...rest,
        });
  return h(
    "div",
    { class: `field${err ? " has-error" : ""}` },
    h("label", { for: fid }, label),
    control,
    hint ? h("p", { class: "hint", id: `${fid}-hint` }, hint) : null,
    err ? h("p", { class: "field-error", id: `${fid}-error`, "data-testid": `${testid || fid}-error` }, err) : null,
  );
}
