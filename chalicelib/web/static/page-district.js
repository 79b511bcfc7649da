// The district admin's Schools page: list, provision (with an Idempotency-Key), suspend and reactivate.

import {
  Idempotency,
  addMessages,
  api,
  confirmForm,
  detailList,
  enc,
  errorBox,
  fetchPage,
  field,
  focusId,
  formatTime,
  h,
  localError,
  muted,
  notice,
  rerender as render,
  session,
  statusBadge,
  t,
  textInput,
  typeMessage,
  upsert,
} from "./kit.js";

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
    provisioned: null,
    copied: false,
  });
  provisioning.done("school");
}

export function renderDistrictHome() {
  return h("div", { class: "district-grid" }, renderSchools(), renderProvision());
}

// The Idempotency-Key reused when the same school data is submitted again after a failure.
const provisioning = new Idempotency();

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

export async function loadSchools(more) {
  const district = session.me && session.me.district;
  if (!district) return;
  state.schoolsLoading = true;
  state.schoolsError = null;
  render();
  try {
    const data = await fetchPage(`/districts/${enc(district)}/schools`, { cursor: more ? state.nextCursor : null });
    if (!more) state.schools = [];
    for (const s of data.items || []) upsert(state.schools, s);
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
  focusId("suspend-reason");
}

function closeSuspend(school) {
  state.suspendFor = null;
  state.suspendError = null;
  render();
  focusId(`suspend-${school.id}`);
}

async function submitSuspend(event, school) {
  event.preventDefault();
  const reason = state.suspendReason.trim();
  if (!reason) {
    state.suspendError = { field: true, message: t("field.required") };
    render();
    focusId("suspend-reason");
    return;
  }
  state.rowBusy = school.id;
  state.suspendError = null;
  render();
  try {
    const { data } = await api("POST", `/schools/${enc(school.id)}/suspend`, { body: { reason } });
    upsert(state.schools, data);
    state.suspendFor = null;
    state.status = { key: "school.suspended", params: { name: data.name } };
  } catch (err) {
    state.suspendError = err;
  } finally {
    state.rowBusy = null;
    render();
  }
  focusId(state.suspendFor ? "suspend-reason" : `reactivate-${school.id}`);
}

async function reactivate(school) {
  state.rowBusy = school.id;
  state.rowError = null;
  state.suspendFor = null;
  render();
  try {
    const { data } = await api("POST", `/schools/${enc(school.id)}/reactivate`);
    upsert(state.schools, data);
    state.status = { key: "school.reactivated", params: { name: data.name } };
  } catch (err) {
    state.rowError = { id: school.id, error: err };
  } finally {
    state.rowBusy = null;
    render();
  }
  focusId(`suspend-${school.id}`);
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
  const out = {};
  for (const d of detailList(err)) {
    const name = FIELD_OF[d.field];
    if (!name || out[name]) continue;
    // Validation details carry a pydantic type (localised here); other errors name the field only.
    out[name] = d.type ? { type: d.type, message: d.message } : { type: err.code, message: err.message, lang: err.lang };
  }
  return out;
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
    state.formError = localError();
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
  const key = provisioning.key("school", body);
  state.formBusy = true;
  state.formErrors = {};
  state.formError = null;
  render();
  try {
    const { status, data } = await api("POST", `/districts/${enc(session.me.district)}/schools`, {
      body,
      headers: { "Idempotency-Key": key },
    });
    provisioning.done("school");
    upsert(state.schools, data.school);
    state.provisioned = { school: data.school, invitation: data.first_admin_invitation, replayed: status === 200 };
    state.form = emptyForm();
  } catch (err) {
    if (err.code === "idempotency_key_reused") provisioning.done("school");
    state.formError = err;
    state.formErrors = fieldErrorsOf(err);
  } finally {
    state.formBusy = false;
    render();
  }
  if (state.provisioned) focusId("provision-result");
  else if (Object.keys(state.formErrors).length) focusFirstInvalid();
  else focusId("provision-error");
}

function focusFirstInvalid() {
  const name = FORM_FIELDS.find((n) => state.formErrors[n]);
  if (name) focusId(`pf-${name}`);
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
  if (state.status) section.append(notice(t(state.status.key, state.status.params), "schools-status"));
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
  if (state.schoolsLoading) section.append(muted(t("schools.loading"), "schools-loading"));
  else if (!state.schools.length && !state.schoolsError) section.append(muted(t("schools.empty"), "schools-empty"));
  if (state.nextCursor && !state.schoolsLoading) {
    section.append(
      h("button", { type: "button", id: "schools-more", class: "btn btn-secondary", "data-testid": "schools-more", onclick: () => loadSchools(true) }, t("common.more")),
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
  const fieldErr = err && (err.field || detailList(err).some((d) => d.field === "reason"));
  const reason = textInput("suspend-reason", state, "suspendReason", { name: "reason", maxlength: "500", required: true, "aria-describedby": "suspend-hint" });
  return confirmForm(
    {
      class: "suspend-form",
      testid: "suspend-form",
      titleId: "suspend-title",
      title: t("suspend.title", { name: s.name }),
      onsubmit: (e) => submitSuspend(e, s),
      busy: state.rowBusy === s.id,
      confirm: { label: t("suspend.confirm"), testid: "suspend-confirm" },
      cancel: { label: t("common.cancel"), testid: "suspend-cancel", onclick: () => closeSuspend(s) },
    },
    h("p", { class: "muted small", id: "suspend-hint" }, t("suspend.hint")),
    field("suspend-reason", t("suspend.reason"), reason, { error: fieldErr ? (err.field ? err.message : t("field.required")) : null, errorTestid: "error-reason" }),
    err && !err.field ? errorBox(err, "suspend-error") : null,
  );
}

function fieldMessage(name, err) {
  const common = typeMessage(err.type);
  if (common) return common;
  if (err.type === "string_pattern_mismatch") return name === "code" ? t("field.codePattern") : t("field.pattern");
  if (err.type === "value_error") {
    if (name === "admin_email") return t("field.email");
    if (name === "time_zone") return t("field.timeZone");
    if (name === "workday_end") return t("field.hhmm");
  }
  return err.message || t("field.pattern");
}

function provisionField(name, { hint = null, ...props } = {}) {
  const id = `pf-${name}`;
  const err = state.formErrors[name];
  return field(id, t(`provision.${name}`), textInput(id, state.form, name, { name, required: true, "data-testid": `provision-${name}`, ...props }), {
    error: err ? fieldMessage(name, err) : null,
    hint: hint ? t(hint) : null,
    errorTestid: `error-${name}`,
    errorLang: err ? err.lang || null : null,
  });
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
    provisionField("name", { maxlength: "120" }),
    provisionField("code", { hint: "provision.codeHint", maxlength: "32", autocomplete: "off" }),
    provisionField("address", { maxlength: "300", autocomplete: "street-address" }),
    h(
      "div",
      { class: "field-row" },
      provisionField("time_zone", { list: "tz-list" }),
      // A text field, not type=time: that one shows the browser's locale (e.g. "05:30 PM"), the API wants HH:MM.
      provisionField("workday_end", { hint: "provision.hhmmHint", maxlength: "5", inputmode: "numeric" }),
    ),
    h("datalist", { id: "tz-list" }, TIME_ZONES.map((z) => h("option", { value: z }))),
    h(
      "fieldset",
      {},
      h("legend", {}, t("provision.firstAdmin")),
      provisionField("admin_name", { maxlength: "80", autocomplete: "off" }),
      provisionField("admin_email", { type: "email", inputmode: "email", autocomplete: "off" }),
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
