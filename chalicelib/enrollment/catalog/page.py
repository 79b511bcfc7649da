"""The public program as one HTML page (服务内容公示), for a parent's phone.

Rendered on the server from the same view as the JSON: zh-CN, inline CSS, no JavaScript, no
external assets, every value escaped. Served with a Content-Security-Policy that allows nothing
but the inline style, so even a slip in escaping could not run a script.
"""

from __future__ import annotations

from html import escape
from typing import Any

from .vocabulary import WEEKDAYS, grade_label, period_label

CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
STYLE = """*{box-sizing:border-box}body{margin:0;font:16px/1.6 system-ui,'PingFang SC','Noto Sans CJK SC',
'Microsoft YaHei',sans-serif;color:#222;background:#f6f7f9}main{max-width:44rem;margin:auto;padding:1rem}
h1{font-size:1.35rem;margin:.5rem 0}h2{font-size:1.1rem;margin:1.5rem 0 .5rem;border-left:4px solid #c0392b;
padding-left:.5rem}.sub{color:#555;margin:0}.card{background:#fff;border-radius:8px;padding:.75rem 1rem;
margin:.5rem 0;box-shadow:0 1px 2px rgba(0,0,0,.08)}.card h3{font-size:1rem;margin:0 0 .25rem}
.tag{display:inline-block;font-size:.8rem;background:#eef3fb;color:#24508f;border-radius:4px;padding:0 .4rem;
margin-right:.3rem}.fee{font-weight:600;color:#c0392b}dl{margin:.25rem 0;display:grid;
grid-template-columns:auto 1fr;gap:0 .75rem}dt{color:#666}dd{margin:0}ol{padding-left:1.4rem}
.note{background:#fff8e5;border-radius:8px;padding:.75rem 1rem}footer{color:#777;font-size:.8rem;margin:2rem 0}
@media (min-width:40rem){body{font-size:17px}}"""


def _e(value: Any) -> str:
    return escape(str(value), quote=True)


def render(view: dict[str, Any]) -> str:
    """HTML for a :meth:`PublicProgram.as_json` view in zh-CN."""
    term = view["term"]
    parts = [
        "<!doctype html><html lang='zh-CN'><head><meta charset='utf-8'>",
        "<meta name='viewport' content='width=device-width,initial-scale=1'>",
        f"<title>{_e(view['school']['name'])} 课后服务公示</title><style>{STYLE}</style></head><body><main>",
        f"<h1>{_e(view['school']['name'])}<br>课后服务内容公示</h1>",
        f"<p class='sub'>{_e(term['name'])}（{_e(term['starts_on'])} 至 {_e(term['ends_on'])}）</p>",
        "<p class='note'>课后服务坚持学生自愿参加原则，由家长自主选择、自愿申请，"
        "学校严禁以任何方式强制或变相强制学生参加。</p>",
        _services(view["services"]),
        _activities(view["activities"]),
        _providers(view["providers"]),
        _safety(view["safety_measures"]),
        _procedure(view["procedure"]),
        f"<footer>第 {_e(view['version'])} 版，发布于 {_e(_utc_minute(view['published_at']))}。"
        "午餐费由学校代收；第三方机构收费实行专帐管理。</footer>",
        "</main></body></html>",
    ]
    return "".join(parts)


def not_found() -> str:
    return (
        "<!doctype html><html lang='zh-CN'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width,initial-scale=1'>"
        f"<title>未找到课后服务公示</title><style>{STYLE}</style></head><body><main>"
        "<h1>未找到课后服务公示</h1><p>该学校尚未公示课后服务方案，或链接有误。请联系学校。</p>"
        "</main></body></html>"
    )


def _services(services: list[dict[str, Any]]) -> str:
    cards = "".join(
        f"<div class='card'><h3>{_e(s['label'])}</h3><p class='fee'>{_e(s['fee'])}</p>{_para(s['description'])}</div>"
        for s in services
    )
    return f"<section><h2>服务项目</h2>{cards}</section>"


def _activities(activities: list[dict[str, Any]]) -> str:
    if not activities:
        return ""
    cards = "".join(_activity(a) for a in activities)
    return f"<section><h2>特长发展与拓展活动（{len(activities)} 项）</h2>{cards}</section>"


def _activity(a: dict[str, Any]) -> str:
    days = "、".join(WEEKDAYS[d]["zh-CN"] for d in a["weekdays"])
    grades = "、".join(grade_label(g, "zh-CN") for g in a["grades"])
    return (
        f"<div class='card'><h3>{_e(a['name'])}</h3>"
        f"<p><span class='tag'>{_e(a['category_label'])}</span><span class='fee'>{_e(a['fee'])}</span></p><dl>"
        f"<dt>时间</dt><dd>{_e(days)} {_e(period_label(a['period'], 'zh-CN'))}</dd>"
        f"<dt>年级</dt><dd>{_e(grades)}</dd>"
        f"<dt>地点</dt><dd>{_e(a['venue'])}</dd>"
        f"<dt>名额</dt><dd>{_e(a['capacity'])} 人</dd>"
        f"<dt>实施</dt><dd>{_e(_provider_name(a['provider']))}</dd></dl>"
        f"{_para(a['description'])}</div>"
    )


def _provider_name(provider: dict[str, str]) -> str:
    return "本校" if provider.get("id") == "school" else provider["name"]


def _providers(providers: list[dict[str, str]]) -> str:
    if not providers:
        return ""
    rows = "".join(
        f"<div class='card'><h3>{_e(p['name'])}</h3><p>办学许可证/营业执照编号：{_e(p['licence_number'])}</p></div>"
        for p in providers
    )
    return f"<section><h2>第三方机构</h2>{rows}</section>"


def _safety(text: str) -> str:
    return f"<section><h2>安全保障措施</h2>{_para(text)}</section>" if text else ""


def _procedure(steps: list[dict[str, Any]]) -> str:
    items = "".join(f"<li>{_e(s['label'])}</li>" for s in steps)
    return f"<section><h2>参加办法</h2><ol>{items}</ol></section>"


def _utc_minute(timestamp: str) -> str:
    """``2026-08-20T02:00:00.000000Z`` -> ``2026-08-20 02:00 UTC``."""
    return f"{timestamp[:10]} {timestamp[11:16]} UTC"


def _para(text: str) -> str:
    return f"<p>{_e(text)}</p>" if text else ""
