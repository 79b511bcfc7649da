// Kehou (课后) web shell: local sign-in, the caller's identity, navigation between the pages of the
// signed-in person's roles, and the router (#/page/params). Page modules register with definePage().

import {
  KEYS,
  BASE,
  api,
  dlRow,
  enc,
  errorBox,
  focusMain,
  h,
  hrefOf,
  onSessionExpired,
  pages,
  request,
  roleNames,
  session,
  setRenderer,
  statusBadge,
  t,
  writeStorage,
} from "./kit.js";
import { loadSchools, renderDistrictHome, resetDistrict } from "./page-district.js";
import "./page-parent.js";
import "./page-review.js";
import "./page-admin.js";
import "./page-timetable.js";
import "./page-week.js";

const shell = {
  configError: null,
  phase: "loading", // loading | signin | home
  notice: null, // message key shown on the sign-in page
  users: null,
  usersError: null,
  signingIn: null,
  signinError: null,
  meError: null,
  schoolError: null,
  route: { id: "", params: [] },
};

// ---------------------------------------------------------------------------------------------
// flows

async function boot() {
  setRenderer(render);
  onSessionExpired(expireSession);
  window.addEventListener("hashchange", () => enterRoute(true));
  render();
  try {
    session.config = (await request(`${BASE}/app/config.json`, { auth: false })).data;
  } catch (err) {
    shell.configError = err;
  }
  if (session.token) {
    await loadSession();
  } else {
    shell.phase = "signin";
    render();
    await loadUsers();
  }
}

async function loadUsers() {
  if (!session.config || !session.config.dev_signin || shell.users) return;
  shell.usersError = null;
  try {
    const { data } = await request(`${session.config.issuer}/dev/users`, { auth: false });
    shell.users = data.users || [];
  } catch (err) {
    shell.usersError = err;
  }
  render();
}

async function signIn(sub) {
  shell.signingIn = sub;
  shell.signinError = null;
  shell.notice = null;
  render();
  try {
    const { data } = await request(`${session.config.issuer}/dev/token`, { method: "POST", body: { sub }, auth: false });
    session.token = data.token;
    session.user = data.user;
    writeStorage(sessionStorage, KEYS.token, data.token);
    writeStorage(sessionStorage, KEYS.user, JSON.stringify(data.user));
    shell.signingIn = null;
    await loadSession(true);
  } catch (err) {
    shell.signingIn = null;
    shell.signinError = err;
    render();
  }
}

function resetSession() {
  writeStorage(sessionStorage, KEYS.token, null);
  writeStorage(sessionStorage, KEYS.user, null);
  Object.assign(session, { token: null, user: null, me: null, district: null, school: null });
  Object.assign(shell, { meError: null, schoolError: null, phase: "signin" });
  resetDistrict();
  for (const page of pages) page.reset?.();
}

function signOut() {
  resetSession();
  shell.notice = "signedOut";
  if (location.hash) history.replaceState(null, "", location.pathname + location.search);
  render();
  focusMain();
  loadUsers();
}

function expireSession() {
  resetSession();
  shell.notice = "session.expired";
  render();
  loadUsers();
}

async function loadSession(focus = false) {
  shell.phase = "home";
  session.me = null;
  shell.meError = null;
  render();
  if (focus) focusMain();
  try {
    session.me = (await api("GET", "/me")).data;
  } catch (err) {
    if (session.token) shell.meError = err;
    render();
    return;
  }
  render();
  const me = session.me;
  const jobs = [];
  if (me.district && me.roles.includes("district_admin")) {
    jobs.push(
      api("GET", `/districts/${enc(me.district)}`)
        .then(({ data }) => (session.district = data))
        .catch(() => {}),
    );
    jobs.push(loadSchools(false));
  }
  if (me.tenant) {
    jobs.push(
      api("GET", `/schools/${enc(me.tenant)}`)
        .then(({ data }) => (session.school = data))
        .catch((err) => (shell.schoolError = err)),
    );
  }
  await Promise.all(jobs);
  render();
  await enterRoute(false);
}

function parseRoute() {
  const parts = location.hash.replace(/^#\/?/, "").split("/").filter(Boolean).map(decodeURIComponent);
  return { id: parts[0] || "", params: parts.slice(1) };
}

function visiblePages() {
  const me = session.me;
  return me ? pages.filter((p) => p.visible(me)) : [];
}

/** The page for the current hash; pages the signed-in person may not see fall back to home. */
function currentPage() {
  const page = visiblePages().find((p) => p.id === shell.route.id);
  return page || null;
}

async function enterRoute(focus) {
  shell.route = parseRoute();
  if (shell.phase !== "home" || !session.me) return;
  const page = currentPage();
  render();
  if (focus) focusMain();
  if (page && page.enter) {
    await page.enter(shell.route.params);
    render();
  }
}

function toggleLanguage() {
  session.lang = session.lang === "en" ? "zh-CN" : "en";
  writeStorage(localStorage, KEYS.lang, session.lang);
  render();
}

// ---------------------------------------------------------------------------------------------
// rendering

function render() {
  const active = document.activeElement;
  const focusId = active && active.id && active !== document.body ? active.id : null;
  const selection = focusId && "selectionStart" in active ? [active.selectionStart, active.selectionEnd] : null;

  document.documentElement.lang = session.lang;
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
  const signedIn = shell.phase === "home" && session.token;
  const other = session.lang === "en" ? "zh-CN" : "en";
  const bar = h(
    "div",
    { class: "topbar-inner" },
    h("a", { class: "brand", href: hrefOf("") }, h("span", { class: "brand-mark", "aria-hidden": "true" }, "课"), " ", t("app.brand")),
    h(
      "div",
      { class: "topbar-actions" },
      signedIn && session.user ? h("span", { class: "whoami", "data-testid": "whoami" }, session.user.name || session.user.sub) : null,
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
      signedIn ? h("button", { type: "button", id: "signout", class: "btn btn-ghost", "data-testid": "signout", onclick: signOut }, t("signout")) : null,
    ),
  );
  const nav = signedIn ? renderNav() : null;
  return nav ? h("div", {}, bar, nav) : bar;
}

function renderNav() {
  const shown = visiblePages().filter((p) => p.nav);
  if (!shown.length) return null;
  const here = currentPage();
  const items = [{ id: "", label: t("nav.home") }, ...shown.map((p) => ({ id: p.id, label: t(p.nav) }))];
  return h(
    "nav",
    { class: "nav", "aria-label": t("nav.label"), "data-testid": "nav" },
    h(
      "ul",
      {},
      items.map((item) => {
        const current = (here ? here.id : "") === item.id;
        return h("li", {}, h("a", { href: hrefOf(item.id), "aria-current": current ? "page" : null, "data-testid": `nav-${item.id || "home"}` }, item.label));
      }),
    ),
  );
}

function renderFooter() {
  const parts = [t("app.tagline")];
  if (session.config && session.config.stage) parts.push(t("app.stage", { stage: session.config.stage }));
  return [
    h("span", {}, parts.join(" · ")),
    " · ",
    h("a", { href: `${BASE}/docs` }, t("app.docs")),
  ];
}

function renderMain() {
  if (shell.configError) return [errorBox(shell.configError, "config-error")];
  if (shell.phase === "loading") return [h("p", { class: "muted", "data-testid": "loading" }, t("app.loading"))];
  if (shell.phase === "signin") return [renderSignin()];
  const page = currentPage();
  if (page && session.me) return [page.render(shell.route.params)].flat();
  return renderHome();
}

function renderSignin() {
  const cfg = session.config;
  const section = h(
    "section",
    { class: "card signin", "aria-labelledby": "signin-title", "data-testid": "signin-page" },
    h("h1", { id: "signin-title" }, t("signin.title")),
  );
  if (shell.notice) {
    section.append(h("p", { class: "alert alert-info", role: "status", "data-testid": "notice" }, t(shell.notice)));
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
  section.append(errorBox(shell.signinError, "signin-error") || "");
  if (shell.usersError) {
    section.append(errorBox(shell.usersError, "users-error"));
    return section;
  }
  if (!shell.users) {
    section.append(h("p", { class: "muted" }, t("signin.loadingUsers")));
    return section;
  }
  if (!shell.users.length) {
    section.append(h("p", {}, t("signin.noUsers")));
    return section;
  }
  const list = h("ul", { class: "user-list", "data-testid": "user-list" });
  for (const u of shell.users) {
    const busy = shell.signingIn === u.sub;
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
            disabled: Boolean(shell.signingIn),
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
  const me = session.me;
  if (!me) return out;
  if (me.district && me.roles.includes("district_admin")) {
    out.push(renderDistrictHome());
  } else if (me.tenant) {
    out.push(renderMySchool());
  } else if (me.roles.includes("platform_admin")) {
    out.push(h("p", { class: "card muted", "data-testid": "platform-note" }, t("platform.note")));
  }
  return out;
}

function renderMe() {
  const section = h(
    "section",
    { class: "card me", "aria-labelledby": "me-title", "data-testid": "me-card" },
    h("h1", { id: "me-title" }, t("me.title")),
  );
  if (shell.meError) {
    section.append(errorBox(shell.meError, "me-error"));
    return section;
  }
  const me = session.me;
  if (!me) {
    section.append(h("p", { class: "muted" }, t("me.loading")));
    return section;
  }
  const withId = (name, id) => (id ? [name ? h("span", {}, name, " ") : null, h("code", { class: "id" }, id)] : null);
  const districtLabel = withId(session.district && session.district.name, me.district);
  const schoolLabel = withId(session.school && session.school.name, me.tenant);
  section.append(
    h(
      "dl",
      { class: "facts" },
      dlRow(t("me.name"), session.user && session.user.name, "me-name"),
      dlRow(t("me.roles"), roleNames(me.roles), "me-roles"),
      dlRow(t("me.district"), districtLabel, "me-district"),
      dlRow(t("me.tenant"), schoolLabel, "me-tenant"),
      dlRow(t("me.tenantStatus"), me.tenant_status ? t(`status.${me.tenant_status}`) : null, "me-tenant-status"),
      dlRow(t("me.sub"), h("code", {}, me.sub), "me-sub"),
    ),
  );
  return section;
}

function renderMySchool() {
  const section = h(
    "section",
    { class: "card my-school", "aria-labelledby": "my-school-title", "data-testid": "my-school" },
    h("h2", { id: "my-school-title" }, t("mySchool.title")),
  );
  if (shell.schoolError) {
    section.append(errorBox(shell.schoolError, "my-school-error"));
    return section;
  }
  const s = session.school;
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
