// The district admin's Schools page: list, provision (with an Idempotency-Key), suspend and reactivate.

import { addMessages, api, enc, errorBox, formatTime, h, rerender as render, session, statusBadge, t, uuid } from "./kit.js";

addMessages({
  "zh-CN": {
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
  },
  en: {
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
  },
});

const state = {
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
  form: null,
  formErrors: {},
  formError: null,
  formBusy: false,
  pending: null, // { fingerprint, key }: the Idempotency-Key reused when the same data is submitted again
  provisioned: null,
  copied: false,
};

export function resetDistrict() {
  Object.assign(state, {
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
    copied: false,
  });
}

export function renderDistrictHome() {
  return h("div", { class: "district-grid" }, renderSchools(), renderProvision());
}

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

function upsertSchool(school) {
  const i = state.schools.findIndex((s) => s.id === school.id);
  if (i >= 0) state.schools[i] = school;
  else state.schools.push(school);
}

export async function loadSchools(more) {
  const district = session.me && session.me.district;
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
    const { status, data } = await api("POST", `/districts/${enc(session.me.district)}/schools`, {
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

function renderSchools() {
  const districtName = session.district ? session.district.name : (session.me && session.me.district) || "";
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


resetDistrict();
