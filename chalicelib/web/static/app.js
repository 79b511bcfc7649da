// Kehou (课后) web shell: local sign-in, the caller's identity, and the district admin's Schools page.
// Vanilla ES module, no dependencies, no external assets. All text is in MESSAGES (zh-CN first, en).
// The whole page is re-rendered from `state` on every change, so switching language re-renders all text.

// The API lives next to /app (locally at the root; behind API Gateway under its stage path).
const BASE = location.pathname.replace(/\/app(?:\/.*)?$/, "");
const KEYS = { token: "kehou.token", user: "kehou.user", lang: "kehou.lang" };
const LANGS = ["zh-CN", "en"];

const MESSAGES = {
  "zh-CN": {
    "app.title": "课后 · 课后服务管理",
    "app.brand": "课后",
    "app.tagline": "课后服务管理平台",
    "app.skip": "跳到主要内容",
    "app.loading": "加载中…",
    "app.stage": "环境：{stage}",
    "app.docs": "API 文档",
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
    "schools.title": "学校",
    "schools.caption": "{district}的学校",
    "schools.col.name": "名称",
    "schools.col.code": "代码",
    "schools.col.status": "状态",
    "schools.col.workdayEnd": "工作日结束",
    "schools.col.actions": "操作",
    "schools.loading": "正在加载学校…",
    "schools.empty": "本区还没有学校。",
    "schools.more": "加载更多",
    "schools.count": "已显示 {n} 所",
    "status.active": "正常",
    "status.suspended": "已暂停",
    "school.suspend": "暂停",
    "school.suspendLabel": "暂停 {name}",
    "school.reactivate": "恢复",
    "school.reactivateLabel": "恢复 {name}",
    "school.reason": "暂停原因：{reason}",
    "school.suspended": "已暂停 {name}。",
    "school.reactivated": "已恢复 {name}。",
    "suspend.title": "暂停 {name}",
    "suspend.reason": "暂停原因",
    "suspend.hint": "该校教职工和家长将无法使用系统，数据不会被删除。",
    "suspend.confirm": "确认暂停",
    "suspend.cancel": "取消",
    "provision.title": "开通学校",
    "provision.intro": "新学校使用默认设置开通，并为首位学校管理员生成一次性邀请码。",
    "provision.name": "学校名称",
    "provision.code": "学校代码",
    "provision.codeHint": "本区内唯一；仅限字母、数字、- 和 _",
    "provision.address": "地址",
    "provision.time_zone": "时区",
    "provision.workday_end": "工作日结束时间",
    "provision.hhmmHint": "24 小时制 HH:MM",
    "provision.firstAdmin": "首位学校管理员",
    "provision.admin_name": "姓名",
    "provision.admin_email": "电子邮箱",
    "provision.submit": "开通学校",
    "provision.busy": "正在开通…",
    "provision.done": "已开通“{name}”。",
    "provision.codeIntro": "请将以下一次性邀请码交给首位管理员 {email}。邀请码只显示这一次，有效期至 {expires}。",
    "provision.replayed": "该请求此前已成功处理：学校已存在，邀请码已在当时显示。",
    "provision.copy": "复制邀请码",
    "provision.copied": "已复制",
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
    "schools.title": "Schools",
    "schools.caption": "Schools of {district}",
    "schools.col.name": "Name",
    "schools.col.code": "Code",
    "schools.col.status": "Status",
    "schools.col.workdayEnd": "Workday ends",
    "schools.col.actions": "Actions",
    "schools.loading": "Loading schools…",
    "schools.empty": "This district has no schools yet.",
    "schools.more": "Load more",
    "schools.count": "{n} shown",
    "status.active": "Active",
    "status.suspended": "Suspended",
    "school.suspend": "Suspend",
    "school.suspendLabel": "Suspend {name}",
    "school.reactivate": "Reactivate",
    "school.reactivateLabel": "Reactivate {name}",
    "school.reason": "Reason: {reason}",
    "school.suspended": "{name} is suspended.",
    "school.reactivated": "{name} is active again.",
    "suspend.title": "Suspend {name}",
    "suspend.reason": "Reason for suspension",
    "suspend.hint": "Its staff and guardians lose access; nothing is deleted.",
    "suspend.confirm": "Suspend school",
    "suspend.cancel": "Cancel",
    "provision.title": "Provision school",
    "provision.intro": "The new school gets default settings and a one-time invitation code for its first school admin.",
    "provision.name": "School name",
    "provision.code": "School code",
    "provision.codeHint": "Unique in the district; letters, digits, - and _ only",
    "provision.address": "Address",
    "provision.time_zone": "Time zone",
    "provision.workday_end": "Workday ends at",
    "provision.hhmmHint": "24-hour clock, HH:MM",
    "provision.firstAdmin": "First school admin",
    "provision.admin_name": "Name",
    "provision.admin_email": "E-mail",
    "provision.submit": "Provision school",
    "provision.busy": "Provisioning…",
    "provision.done": "{name} is provisioned.",
    "provision.codeIntro": "Give this one-time invitation code to the first admin, {email}. It is shown only once and expires {expires}.",
    "provision.replayed": "This request was already processed: the school exists and its invitation code was shown then.",
    "provision.copy": "Copy code",
    "provision.copied": "Copied",
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

const TIME_ZONES = ["Asia/Shanghai", "Asia/Urumqi", "Asia/Hong_Kong", "Asia/Macau", "Asia/Taipei"];
const FORM_FIELDS = ["name", "code", "address", "time_zone", "workday_end", "admin_name", "admin_email"];
// API field paths (pydantic `loc`) to form fields.
const FIELD_OF = {
  name: "name",
  code: "code",
  address: "address",
  time_zone: "time_zone",
  workday_end: "workday_end",
  "first_admin.name": "admin_name",
  "first_admin.email": "admin_email",
  first_admin: "admin_name",
};

function readStorage(store, key) {
  try {
    return store.getItem(key);
  } catch {
    return null;
  }
}

function writeStorage(store, key, value) {
  try {
    if (value == null) store.removeItem(key);
    else store.setItem(key, value);
  } catch {
    /* storage disabled: the session just does not survive a reload */
  }
}

function emptyForm() {
  return {
    name: "",
    code: "",
    address: "",
    time_zone: "Asia/Shanghai",
    workday_end: "17:30",
    admin_name: "",
    admin_email: "",
  };
}

function parseUser(raw) {
  try {
    return raw ? JSON.parse(raw) : null;
  } catch {
    return null;
  }
}

const state = {
  lang: LANGS.includes(readStorage(localStorage, KEYS.lang)) ? readStorage(localStorage, KEYS.lang) : "zh-CN",
  config: null,
  configError: null,
  phase: "loading", // loading | signin | home
  notice: null, // message key shown on the sign-in page
  users: null,
  usersError: null,
  signingIn: null,
  signinError: null,
  token: readStorage(sessionStorage, KEYS.token),
  user: parseUser(readStorage(sessionStorage, KEYS.user)),
  me: null,
  meError: null,
  district: null,
  school: null,
  schoolError: null,
  schools: [],
  nextCursor: null,
  schoolsLoading: false,
  schoolsError: null,
  status: null, // { key, params } announced after an action
  rowBusy: null,
  rowError: null, // { id, error }
  suspendFor: null,
  suspendReason: "",
  suspendError: null,
  form: emptyForm(),
  formErrors: {},
  formError: null,
  formBusy: false,
  pending: null, // { fingerprint, key }: the Idempotency-Key reused when the same data is submitted again
  provisioned: null,
  copied: false,
};

// ---------------------------------------------------------------------------------------------
// helpers

function t(key, params) {
  const text = MESSAGES[state.lang][key] ?? MESSAGES["zh-CN"][key] ?? key;
  return params ? text.replace(/\{(\w+)\}/g, (_, name) => String(params[name] ?? "")) : text;
}

function h(tag, props, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(props || {})) {
    if (value == null || value === false) continue;
    if (name.startsWith("on")) el.addEventListener(name.slice(2), value);
    else if (name === "class") el.className = value;
    else if (name === "value") el.value = value;
    else el.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child == null || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
  return el;
}

function uuid() {
  if (globalThis.crypto?.randomUUID) return crypto.randomUUID();
  // crypto.randomUUID needs a secure context; getRandomValues does not.
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const hex = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function formatTime(iso) {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleString(state.lang, { dateStyle: "medium", timeStyle: "short" });
}

function roleNames(roles) {
  return (roles || []).map((r) => t(`role.${r}`)).join(state.lang === "en" ? ", " : "、");
}

class ApiError extends Error {
  constructor(status, code, message, details, lang) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
    this.lang = lang;
  }
}

async function request(url, { method = "GET", body, headers = {}, auth = true } = {}) {
  const lang = state.lang;
  const h2 = { Accept: "application/json", "Accept-Language": lang, ...headers };
  if (auth && state.token) h2.Authorization = `Bearer ${state.token}`;
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
    if (auth && resp.status === 401 && state.token) expireSession();
    throw err;
  }
  return { status: resp.status, data };
}

const api = (method, path, options = {}) => request(BASE + path, { ...options, method });
const enc = encodeURIComponent;

// ---------------------------------------------------------------------------------------------
// flows

async function boot() {
  render();
  try {
    state.config = (await request(`${BASE}/app/config.json`, { auth: false })).data;
  } catch (err) {
    state.configError = err;
  }
  if (state.token) {
    await loadSession();
  } else {
    state.phase = "signin";
    render();
    await loadUsers();
  }
}

async function loadUsers() {
  if (!state.config || !state.config.dev_signin || state.users) return;
  state.usersError = null;
  try {
    const { data } = await request(`${state.config.issuer}/dev/users`, { auth: false });
    state.users = data.users || [];
  } catch (err) {
    state.usersError = err;
  }
  render();
}

async function signIn(sub) {
  state.signingIn = sub;
  state.signinError = null;
  state.notice = null;
  render();
  try {
    const { data } = await request(`${state.config.issuer}/dev/token`, { method: "POST", body: { sub }, auth: false });
    state.token = data.token;
    state.user = data.user;
    writeStorage(sessionStorage, KEYS.token, data.token);
    writeStorage(sessionStorage, KEYS.user, JSON.stringify(data.user));
    state.signingIn = null;
    await loadSession(true);
  } catch (err) {
    state.signingIn = null;
    state.signinError = err;
    render();
  }
}

function resetSession() {
  state.token = null;
  state.user = null;
  writeStorage(sessionStorage, KEYS.token, null);
  writeStorage(sessionStorage, KEYS.user, null);
  Object.assign(state, {
    me: null,
    meError: null,
    district: null,
    school: null,
    schoolError: null,
    schools: [],
    nextCursor: null,
    schoolsLoading: false,
    schoolsError: null,
    status: null,
    rowBusy: null,
    rowError: null,
    suspendFor: null,
    suspendReason: "",
    suspendError: null,
    form: emptyForm(),
    formErrors: {},
    formError: null,
    formBusy: false,
    pending: null,
    provisioned: null,
    phase: "signin",
  });
}

function signOut() {
  resetSession();
  state.notice = "signedOut";
  render();
  focusMain();
  loadUsers();
}

function expireSession() {
  resetSession();
  state.notice = "session.expired";
  render();
  loadUsers();
}

async function loadSession(focus = false) {
  state.phase = "home";
  state.me = null;
  state.meError = null;
  render();
  if (focus) focusMain();
  try {
    state.me = (await api("GET", "/me")).data;
  } catch (err) {
    if (state.token) state.meError = err;
    render();
    return;
  }
  render();
  const me = state.me;
  const jobs = [];
  if (me.district && me.roles.includes("district_admin")) {
    jobs.push(
      api("GET", `/districts/${enc(me.district)}`)
        .then(({ data }) => (state.district = data))
        .catch(() => {}),
    );
    jobs.push(loadSchools(false));
  }
  if (me.tenant) {
    jobs.push(
      api("GET", `/schools/${enc(me.tenant)}`)
        .then(({ data }) => (state.school = data))
        .catch((err) => (state.schoolError = err)),
    );
  }
  await Promise.all(jobs);
  render();
}

function upsertSchool(school) {
  const i = state.schools.findIndex((s) => s.id === school.id);
  if (i >= 0) state.schools[i] = school;
  else state.schools.push(school);
}

async function loadSchools(more) {
  const district = state.me && state.me.district;
  if (!district) return;
  state.schoolsLoading = true;
  state.schoolsError = null;
  render();
  const query = new URLSearchParams({ limit: "20" });
  if (more && state.nextCursor) query.set("cursor", state.nextCursor);
  try {
    const { data } = await api("GET", `/districts/${enc(district)}/schools?${query}`);
    if (!more) state.schools = [];
    for (const s of data.items || []) upsertSchool(s);
    state.nextCursor = data.next_cursor || null;
  } catch (err) {
    state.schoolsError = err;
  } finally {
    state.schoolsLoading = false;
    render();
  }
}

function openSuspend(school) {
  state.suspendFor = school.id;
  state.suspendReason = "";
  state.suspendError = null;
  state.rowError = null;
  render();
  document.getElementById("suspend-reason")?.focus();
}

function closeSuspend(school) {
  state.suspendFor = null;
  state.suspendError = null;
  render();
  document.getElementById(`suspend-${school.id}`)?.focus();
}

async function submitSuspend(event, school) {
  event.preventDefault();
  const reason = state.suspendReason.trim();
  if (!reason) {
    state.suspendError = { field: true, message: t("field.required") };
    render();
    document.getElementById("suspend-reason")?.focus();
    return;
  }
  state.rowBusy = school.id;
  state.suspendError = null;
  render();
  try {
    const { data } = await api("POST", `/schools/${enc(school.id)}/suspend`, { body: { reason } });
    upsertSchool(data);
    state.suspendFor = null;
    state.status = { key: "school.suspended", params: { name: data.name } };
  } catch (err) {
    state.suspendError = err;
  } finally {
    state.rowBusy = null;
    render();
  }
  document.getElementById(state.suspendFor ? "suspend-reason" : `reactivate-${school.id}`)?.focus();
}

async function reactivate(school) {
  state.rowBusy = school.id;
  state.rowError = null;
  state.suspendFor = null;
  render();
  try {
    const { data } = await api("POST", `/schools/${enc(school.id)}/reactivate`);
    upsertSchool(data);
    state.status = { key: "school.reactivated", params: { name: data.name } };
  } catch (err) {
    state.rowError = { id: school.id, error: err };
  } finally {
    state.rowBusy = null;
    render();
  }
  document.getElementById(`suspend-${school.id}`)?.focus();
}

function validateLocally(form) {
  const errors = {};
  for (const name of FORM_FIELDS) if (!form[name].trim()) errors[name] = { type: "missing" };
  if (form.code.trim() && !/^[A-Za-z0-9_-]+$/.test(form.code.trim())) errors.code = { type: "string_pattern_mismatch" };
  if (form.workday_end.trim() && !/^(?:[01]\d|2[0-3]):[0-5]\d$/.test(form.workday_end.trim())) {
    errors.workday_end = { type: "value_error" };
  }
  return errors;
}

function fieldErrorsOf(err) {
  const list = Array.isArray(err.details) ? err.details : err.details && typeof err.details === "object" ? [err.details] : [];
  const out = {};
  for (const d of list) {
    const name = FIELD_OF[d && d.field];
    if (!name || out[name]) continue;
    // Validation details carry a pydantic type (localised here); other errors name the field only.
    out[name] = d.type ? { type: d.type, message: d.message } : { type: err.code, message: err.message, lang: err.lang };
  }
  return out;
}

function idempotencyKeyFor(body) {
  const fingerprint = JSON.stringify(body);
  if (!state.pending || state.pending.fingerprint !== fingerprint) state.pending = { fingerprint, key: uuid() };
  return state.pending.key;
}

async function submitProvision(event) {
  event.preventDefault();
  if (state.formBusy) return;
  const f = state.form;
  state.provisioned = null;
  state.copied = false;
  const local = validateLocally(f);
  if (Object.keys(local).length) {
    state.formErrors = local;
    state.formError = { code: "client_validation", message: t("form.fix"), local: true };
    render();
    focusFirstInvalid();
    return;
  }
  const body = {
    name: f.name.trim(),
    code: f.code.trim(),
    address: f.address.trim(),
    time_zone: f.time_zone.trim(),
    workday_end: f.workday_end.trim(),
    first_admin: { name: f.admin_name.trim(), email: f.admin_email.trim() },
  };
  const key = idempotencyKeyFor(body);
  state.formBusy = true;
  state.formErrors = {};
  state.formError = null;
  render();
  try {
    const { status, data } = await api("POST", `/districts/${enc(state.me.district)}/schools`, {
      body,
      headers: { "Idempotency-Key": key },
    });
    state.pending = null;
    upsertSchool(data.school);
    state.provisioned = { school: data.school, invitation: data.first_admin_invitation, replayed: status === 200 };
    state.form = emptyForm();
  } catch (err) {
    if (err.code === "idempotency_key_reused") state.pending = null;
    state.formError = err;
    state.formErrors = fieldErrorsOf(err);
  } finally {
    state.formBusy = false;
    render();
  }
  if (state.provisioned) document.getElementById("provision-result")?.focus();
  else if (Object.keys(state.formErrors).length) focusFirstInvalid();
  else document.getElementById("provision-error")?.focus();
}

function focusFirstInvalid() {
  const name = FORM_FIELDS.find((n) => state.formErrors[n]);
  if (name) document.getElementById(`pf-${name}`)?.focus();
}

function focusMain() {
  document.getElementById("main")?.focus({ preventScroll: true });
}

function toggleLanguage() {
  state.lang = state.lang === "en" ? "zh-CN" : "en";
  writeStorage(localStorage, KEYS.lang, state.lang);
  render();
}

async function copyCode(code) {
  try {
    await navigator.clipboard.writeText(code);
    state.copied = true;
  } catch {
    const out = document.getElementById("invitation-code");
    if (out) getSelection()?.selectAllChildren(out);
  }
  render();
}

// ---------------------------------------------------------------------------------------------
// rendering

function render() {
  const active = document.activeElement;
  const focusId = active && active.id && active !== document.body ? active.id : null;
  const selection = focusId && "selectionStart" in active ? [active.selectionStart, active.selectionEnd] : null;

  document.documentElement.lang = state.lang;
  document.title = t("app.title");
  const skip = document.getElementById("skip-link");
  if (skip) skip.textContent = t("app.skip");
  document.getElementById("topbar").replaceChildren(renderTopbar());
  document.getElementById("main").replaceChildren(...renderMain());
  document.getElementById("footer").replaceChildren(...renderFooter());

  if (focusId && document.activeElement?.id !== focusId) {
    const el = document.getElementById(focusId);
    if (el) {
      el.focus({ preventScroll: true });
      if (selection && "setSelectionRange" in el) {
        try {
          el.setSelectionRange(selection[0], selection[1]);
        } catch {
          /* inputs like type=time have no selection */
        }
      }
    }
  }
}

function renderTopbar() {
  const signedIn = state.phase === "home" && state.token;
  const other = state.lang === "en" ? "zh-CN" : "en";
  return h(
    "div",
    { class: "topbar-inner" },
    h("span", { class: "brand" }, h("span", { class: "brand-mark", "aria-hidden": "true" }, "课"), " ", t("app.brand")),
    h(
      "div",
      { class: "topbar-actions" },
      signedIn && state.user
        ? h("span", { class: "whoami", "data-testid": "whoami" }, state.user.name || state.user.sub)
        : null,
      h(
        "button",
        {
          type: "button",
          id: "lang-toggle",
          class: "btn btn-ghost",
          lang: other,
          "aria-label": t("lang.switchLabel"),
          "data-testid": "lang-toggle",
          onclick: toggleLanguage,
        },
        t("lang.switch"),
      ),
      signedIn
        ? h("button", { type: "button", id: "signout", class: "btn btn-ghost", "data-testid": "signout", onclick: signOut }, t("signout"))
        : null,
    ),
  );
}

function renderFooter() {
  const parts = [t("app.tagline")];
  if (state.config && state.config.stage) parts.push(t("app.stage", { stage: state.config.stage }));
  return [
    h("span", {}, parts.join(" · ")),
    " · ",
    h("a", { href: `${BASE}/docs` }, t("app.docs")),
  ];
}

function renderMain() {
  if (state.configError) return [errorBox(state.configError, "config-error")];
  if (state.phase === "loading") return [h("p", { class: "muted", "data-testid": "loading" }, t("app.loading"))];
  if (state.phase === "signin") return [renderSignin()];
  return renderHome();
}

function errorBox(err, testid, id) {
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

function renderSignin() {
  const cfg = state.config;
  const section = h(
    "section",
    { class: "card signin", "aria-labelledby": "signin-title", "data-testid": "signin-page" },
    h("h1", { id: "signin-title" }, t("signin.title")),
  );
  if (state.notice) {
    section.append(h("p", { class: "alert alert-info", role: "status", "data-testid": "notice" }, t(state.notice)));
  }
  if (!cfg) {
    section.append(h("p", { class: "muted" }, t("app.loading")));
    return section;
  }
  if (!cfg.dev_signin) {
    section.append(h("p", { "data-testid": "signin-cognito" }, t("signin.cognito")));
    return section;
  }
  section.append(h("p", { class: "muted" }, t("signin.dev")));
  section.append(errorBox(state.signinError, "signin-error") || "");
  if (state.usersError) {
    section.append(errorBox(state.usersError, "users-error"));
    return section;
  }
  if (!state.users) {
    section.append(h("p", { class: "muted" }, t("signin.loadingUsers")));
    return section;
  }
  if (!state.users.length) {
    section.append(h("p", {}, t("signin.noUsers")));
    return section;
  }
  const list = h("ul", { class: "user-list", "data-testid": "user-list" });
  for (const u of state.users) {
    const busy = state.signingIn === u.sub;
    list.append(
      h(
        "li",
        {},
        h(
          "button",
          {
            type: "button",
            id: `signin-${u.sub}`,
            class: "user-btn",
            "data-testid": `signin-user-${u.sub}`,
            "aria-label": t("signin.as", { name: u.name || u.sub, role: t(`role.${u.role}`) }),
            disabled: Boolean(state.signingIn),
            "aria-busy": busy ? "true" : null,
            onclick: () => signIn(u.sub),
          },
          h("span", { class: "user-name" }, u.name || u.sub),
          h("span", { class: `role-chip role-${u.role}` }, t(`role.${u.role}`)),
          h("span", { class: "user-sub" }, busy ? t("signin.busy") : u.sub),
        ),
      ),
    );
  }
  section.append(list);
  return section;
}

function renderHome() {
  const out = [renderMe()];
  const me = state.me;
  if (!me) return out;
  if (me.district && me.roles.includes("district_admin")) {
    out.push(h("div", { class: "district-grid" }, renderSchools(), renderProvision()));
  } else if (me.tenant) {
    out.push(renderMySchool());
  } else if (me.roles.includes("platform_admin")) {
    out.push(h("p", { class: "card muted", "data-testid": "platform-note" }, t("platform.note")));
  }
  return out;
}

function dlRow(label, value, testid) {
  if (value == null || value === "" || (Array.isArray(value) && !value.length)) return null;
  return [h("dt", {}, label), h("dd", { "data-testid": testid || null }, value)];
}

function renderMe() {
  const section = h(
    "section",
    { class: "card me", "aria-labelledby": "me-title", "data-testid": "me-card" },
    h("h1", { id: "me-title" }, t("me.title")),
  );
  if (state.meError) {
    section.append(errorBox(state.meError, "me-error"));
    return section;
  }
  const me = state.me;
  if (!me) {
    section.append(h("p", { class: "muted" }, t("me.loading")));
    return section;
  }
  const withId = (name, id) => (id ? [name ? h("span", {}, name, " ") : null, h("code", { class: "id" }, id)] : null);
  const districtLabel = withId(state.district && state.district.name, me.district);
  const schoolLabel = withId(state.school && state.school.name, me.tenant);
  section.append(
    h(
      "dl",
      { class: "facts" },
      dlRow(t("me.name"), state.user && state.user.name, "me-name"),
      dlRow(t("me.roles"), roleNames(me.roles), "me-roles"),
      dlRow(t("me.district"), districtLabel, "me-district"),
      dlRow(t("me.tenant"), schoolLabel, "me-tenant"),
      dlRow(t("me.tenantStatus"), me.tenant_status ? t(`status.${me.tenant_status}`) : null, "me-tenant-status"),
      dlRow(t("me.sub"), h("code", {}, me.sub), "me-sub"),
    ),
  );
  return section;
}

function statusBadge(status, testid) {
  return h("span", { class: `badge badge-${status}`, "data-testid": testid, "data-status": status }, t(`status.${status}`));
}

function renderSchools() {
  const districtName = state.district ? state.district.name : (state.me && state.me.district) || "";
  const section = h(
    "section",
    { class: "card schools", id: "schools", "aria-labelledby": "schools-title", "data-testid": "schools-page" },
    h(
      "div",
      { class: "card-head" },
      h("h2", { id: "schools-title" }, t("schools.title")),
      state.schools.length ? h("span", { class: "muted small" }, t("schools.count", { n: state.schools.length })) : null,
    ),
  );
  if (state.status) {
    section.append(h("p", { class: "alert alert-success", role: "status", "data-testid": "schools-status" }, t(state.status.key, state.status.params)));
  }
  section.append(errorBox(state.schoolsError, "schools-error") || "");
  const labels = {
    name: t("schools.col.name"),
    code: t("schools.col.code"),
    status: t("schools.col.status"),
    end: t("schools.col.workdayEnd"),
    actions: t("schools.col.actions"),
  };
  const tbody = h("tbody", {});
  for (const s of state.schools) tbody.append(...renderSchoolRows(s, labels));
  if (state.schools.length) {
    section.append(
      h(
        "table",
        { class: "table", "data-testid": "schools-table" },
        h("caption", { class: "visually-hidden" }, t("schools.caption", { district: districtName })),
        h(
          "thead",
          {},
          h(
            "tr",
            {},
            h("th", { scope: "col" }, labels.name),
            h("th", { scope: "col" }, labels.code),
            h("th", { scope: "col" }, labels.status),
            h("th", { scope: "col" }, labels.end),
            h("th", { scope: "col" }, labels.actions),
          ),
        ),
        tbody,
      ),
    );
  }
  if (state.schoolsLoading) section.append(h("p", { class: "muted", "data-testid": "schools-loading" }, t("schools.loading")));
  else if (!state.schools.length && !state.schoolsError) section.append(h("p", { class: "muted", "data-testid": "schools-empty" }, t("schools.empty")));
  if (state.nextCursor && !state.schoolsLoading) {
    section.append(
      h("button", { type: "button", id: "schools-more", class: "btn btn-secondary", "data-testid": "schools-more", onclick: () => loadSchools(true) }, t("schools.more")),
    );
  }
  return section;
}

function renderSchoolRows(s, labels) {
  const busy = state.rowBusy === s.id;
  const actions =
    s.status === "suspended"
      ? h(
          "button",
          {
            type: "button",
            id: `reactivate-${s.id}`,
            class: "btn btn-secondary btn-small",
            "data-testid": "school-reactivate",
            "aria-label": t("school.reactivateLabel", { name: s.name }),
            disabled: busy,
            onclick: () => reactivate(s),
          },
          t("school.reactivate"),
        )
      : h(
          "button",
          {
            type: "button",
            id: `suspend-${s.id}`,
            class: "btn btn-danger-ghost btn-small",
            "data-testid": "school-suspend",
            "aria-label": t("school.suspendLabel", { name: s.name }),
            "aria-expanded": state.suspendFor === s.id ? "true" : "false",
            disabled: busy || state.suspendFor === s.id,
            onclick: () => openSuspend(s),
          },
          t("school.suspend"),
        );
  const rowError = state.rowError && state.rowError.id === s.id ? errorBox(state.rowError.error, "row-error") : null;
  const row = h(
    "tr",
    { "data-testid": "school-row", "data-id": s.id, "data-code": s.code, class: s.status === "suspended" ? "is-suspended" : null },
    h("td", { "data-label": labels.name }, h("span", { class: "school-name", "data-testid": "school-name" }, s.name), h("span", { class: "school-address" }, s.address)),
    h("td", { "data-label": labels.code }, h("code", { "data-testid": "school-code" }, s.code)),
    h(
      "td",
      { "data-label": labels.status },
      h(
        "div",
        {},
        statusBadge(s.status, "school-status"),
        s.status === "suspended" && s.suspended_reason ? h("span", { class: "reason", "data-testid": "school-reason" }, t("school.reason", { reason: s.suspended_reason })) : null,
      ),
    ),
    h("td", { "data-label": labels.end }, h("span", { "data-testid": "school-workday-end" }, s.workday_end), s.time_zone !== "Asia/Shanghai" ? h("span", { class: "muted small" }, ` ${s.time_zone}`) : null),
    h("td", { "data-label": labels.actions, class: "actions" }, actions, rowError),
  );
  if (state.suspendFor !== s.id) return [row];
  return [row, h("tr", { class: "row-form" }, h("td", { colspan: "5" }, renderSuspendForm(s)))];
}

function renderSuspendForm(s) {
  const err = state.suspendError;
  const fieldErr = err && (err.field || (Array.isArray(err.details) && err.details.some((d) => d.field === "reason")));
  const busy = state.rowBusy === s.id;
  return h(
    "form",
    { class: "suspend-form", "data-testid": "suspend-form", "aria-labelledby": "suspend-title", novalidate: true, onsubmit: (e) => submitSuspend(e, s) },
    h("h3", { id: "suspend-title" }, t("suspend.title", { name: s.name })),
    h("p", { class: "muted small", id: "suspend-hint" }, t("suspend.hint")),
    h(
      "div",
      { class: `field${fieldErr ? " has-error" : ""}` },
      h("label", { for: "suspend-reason" }, t("suspend.reason")),
      h("input", {
        id: "suspend-reason",
        name: "reason",
        type: "text",
        maxlength: "500",
        required: true,
        autocomplete: "off",
        value: state.suspendReason,
        "data-testid": "suspend-reason",
        "aria-invalid": fieldErr ? "true" : null,
        "aria-describedby": fieldErr ? "suspend-hint suspend-reason-error" : "suspend-hint",
        oninput: (e) => (state.suspendReason = e.target.value),
      }),
      fieldErr ? h("p", { class: "field-error", id: "suspend-reason-error", "data-testid": "error-reason" }, err.field ? err.message : t("field.required")) : null,
    ),
    err && !err.field ? errorBox(err, "suspend-error") : null,
    h(
      "div",
      { class: "form-actions" },
      h("button", { type: "submit", class: "btn btn-danger", "data-testid": "suspend-confirm", disabled: busy, "aria-busy": busy ? "true" : null }, t("suspend.confirm")),
      h("button", { type: "button", class: "btn btn-ghost", "data-testid": "suspend-cancel", disabled: busy, onclick: () => closeSuspend(s) }, t("suspend.cancel")),
    ),
  );
}

function fieldMessage(name, err) {
  switch (err.type) {
    case "missing":
    case "string_too_short":
      return t("field.required");
    case "string_too_long":
      return t("field.tooLong");
    case "extra_forbidden":
      return t("field.extra");
    case "string_pattern_mismatch":
      return name === "code" ? t("field.codePattern") : t("field.pattern");
    case "value_error":
      if (name === "admin_email") return t("field.email");
      if (name === "time_zone") return t("field.timeZone");
      if (name === "workday_end") return t("field.hhmm");
      return err.message || t("field.pattern");
    default:
      return err.message || t("field.pattern");
  }
}

function field(name, { type = "text", autocomplete = "off", hint = null, list = null, inputmode = null, maxlength = null } = {}) {
  const id = `pf-${name}`;
  const err = state.formErrors[name];
  const describedBy = [hint ? `${id}-hint` : null, err ? `${id}-error` : null].filter(Boolean).join(" ") || null;
  return h(
    "div",
    { class: `field${err ? " has-error" : ""}` },
    h("label", { for: id }, t(`provision.${name}`)),
    h("input", {
      id,
      name,
      type,
      autocomplete,
      list,
      inputmode,
      maxlength,
      required: true,
      value: state.form[name],
      "data-testid": `provision-${name}`,
      "aria-invalid": err ? "true" : null,
      "aria-describedby": describedBy,
      oninput: (e) => (state.form[name] = e.target.value),
    }),
    hint ? h("p", { class: "hint", id: `${id}-hint` }, t(hint)) : null,
    err ? h("p", { class: "field-error", id: `${id}-error`, "data-testid": `error-${name}`, lang: err.lang || null }, fieldMessage(name, err)) : null,
  );
}

function renderProvision() {
  const busy = state.formBusy;
  const section = h(
    "section",
    { class: "card provision", id: "provision", "aria-labelledby": "provision-title", "data-testid": "provision-section" },
    h("h2", { id: "provision-title" }, t("provision.title")),
    h("p", { class: "muted small" }, t("provision.intro")),
  );
  if (state.provisioned) section.append(renderProvisioned(state.provisioned));
  const form = h(
    "form",
    { id: "provision-form", "data-testid": "provision-form", novalidate: true, "aria-busy": busy ? "true" : null, onsubmit: submitProvision },
    errorBox(state.formError, "provision-error", "provision-error"),
    field("name", { maxlength: "120" }),
    field("code", { hint: "provision.codeHint", maxlength: "32", autocomplete: "off" }),
    field("address", { maxlength: "300", autocomplete: "street-address" }),
    h(
      "div",
      { class: "field-row" },
      field("time_zone", { list: "tz-list" }),
      // A text field, not type=time: that one shows the browser's locale (e.g. "05:30 PM"), the API wants HH:MM.
      field("workday_end", { hint: "provision.hhmmHint", maxlength: "5", inputmode: "numeric" }),
    ),
    h("datalist", { id: "tz-list" }, TIME_ZONES.map((z) => h("option", { value: z }))),
    h(
      "fieldset",
      {},
      h("legend", {}, t("provision.firstAdmin")),
      field("admin_name", { maxlength: "80", autocomplete: "off" }),
      field("admin_email", { type: "email", inputmode: "email", autocomplete: "off" }),
    ),
    h(
      "div",
      { class: "form-actions" },
      h("button", { type: "submit", id: "provision-submit", class: "btn btn-primary", "data-testid": "provision-submit", disabled: busy }, busy ? t("provision.busy") : t("provision.submit")),
    ),
  );
  section.append(form);
  return section;
}

function renderProvisioned(p) {
  const box = h("div", { class: "alert alert-success result", id: "provision-result", tabindex: "-1", role: "status", "data-testid": "provision-result" });
  box.append(h("p", { class: "result-title" }, t("provision.done", { name: p.school.name })));
  if (p.invitation) {
    box.append(
      h("p", {}, t("provision.codeIntro", { email: p.invitation.email, expires: formatTime(p.invitation.invitation_expires_at) })),
      h(
        "div",
        { class: "code-box" },
        h("output", { id: "invitation-code", class: "invitation-code", "data-testid": "invitation-code" }, p.invitation.invitation_code),
        h(
          "button",
          { type: "button", class: "btn btn-secondary btn-small", "data-testid": "copy-code", onclick: () => copyCode(p.invitation.invitation_code) },
          state.copied ? t("provision.copied") : t("provision.copy"),
        ),
      ),
    );
  } else if (p.replayed) {
    box.append(h("p", { "data-testid": "provision-replayed" }, t("provision.replayed")));
  }
  return box;
}

function renderMySchool() {
  const section = h(
    "section",
    { class: "card my-school", "aria-labelledby": "my-school-title", "data-testid": "my-school" },
    h("h2", { id: "my-school-title" }, t("mySchool.title")),
  );
  if (state.schoolError) {
    section.append(errorBox(state.schoolError, "my-school-error"));
    return section;
  }
  const s = state.school;
  if (!s) {
    section.append(h("p", { class: "muted" }, t("mySchool.loading")));
    return section;
  }
  section.append(
    h("p", { class: "school-title", "data-testid": "my-school-name" }, s.name),
    h(
      "dl",
      { class: "facts" },
      dlRow(t("mySchool.code"), h("code", {}, s.code), "my-school-code"),
      dlRow(t("mySchool.address"), s.address, "my-school-address"),
      dlRow(t("mySchool.status"), statusBadge(s.status, "my-school-status"), null),
      dlRow(t("mySchool.timeZone"), s.time_zone, "my-school-time-zone"),
      dlRow(t("mySchool.workdayEnd"), s.workday_end, "my-school-workday-end"),
    ),
  );
  return section;
}

boot();
