/**
 * HTML building blocks for the monitor's server-rendered pages: escaping, the page
 * layout, number/byte/time formatters, and the two static assets (CSS and the live-update
 * script) served from /assets/ — no CDN, no inline script (the CSP forbids it).
 *
 * Invariant: every string that did not come from this file (topic names, group ids,
 * keys, header names and values, record values, config values, client ids, error
 * messages) passes through `esc` (element text and attribute values alike) or `url`
 * (path segments and query values) before it reaches the page. Templates only
 * concatenate escaped pieces; nothing here reads state.
 */

const ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for element content and double- or single-quoted attribute values. */
export function esc(v: string | number | null | undefined): string {
  if (v === null || v === undefined) return '';
  return String(v).replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

/** A URL path segment or query value (then HTML-escaped for the attribute). */
export function url(v: string | number): string {
  return encodeURIComponent(String(v));
}

export function fmtNum(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '—';
  return Number.isInteger(n) ? n.toLocaleString('en-US') : n.toLocaleString('en-US', { maximumFractionDigits: 1 });
}

export function fmtBytes(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '—';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${v} B` : `${v.toFixed(1)} ${units[u]}`;
}

export function fmtRate(n: number | null | undefined, unit: string): string {
  if (n === null || n === undefined) return '—';
  return unit === 'B/s' ? `${fmtBytes(n)}/s` : `${fmtNum(Math.round(n * 10) / 10)} ${unit}`;
}

export function fmtDuration(ms: number): string {
  const s = Math.floor(ms / 1000);
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  return d > 0 ? `${d}d ${h}h ${m}m` : h > 0 ? `${h}h ${m}m ${sec}s` : m > 0 ? `${m}m ${sec}s` : `${sec}s`;
}

export function fmtTime(ms: number): string {
  return ms >= 0 && Number.isFinite(ms) ? new Date(ms).toISOString() : '—';
}

/** Bytes as text (UTF-8, invalid sequences shown as U+FFFD) or a hex dump; both escaped. */
export function showBytes(b: Buffer | null, format: 'text' | 'hex', max = 4096): string {
  if (b === null) return '<span class="null">null</span>';
  const part = b.subarray(0, max);
  const more = b.length > max ? ` <span class="more">… ${fmtNum(b.length)} bytes</span>` : '';
  if (format === 'hex') {
    const hex = part.toString('hex').replace(/(..)(?!$)/g, '$1 ');
    return `<code class="hex">${esc(hex)}</code>${more}`;
  }
  return `<code>${esc(part.toString('utf8'))}</code>${more}`;
}

export interface LayoutOptions {
  readonly title: string;
  readonly active: 'overview' | 'topics' | 'groups' | 'agent';
  /** Query string for /events (live updates); absent = a static page. */
  readonly live?: string;
  readonly mode: string;
  readonly hasAgent: boolean;
}

export function layout(o: LayoutOptions, body: string): string {
  const nav = (href: string, key: LayoutOptions['active'], label: string): string =>
    `<a href="${href}"${o.active === key ? ' class="active" aria-current="page"' : ''}>${label}</a>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(o.title)} · Sluice monitor</title>
<link rel="stylesheet" href="/assets/monitor.css"><script src="/assets/monitor.js" defer></script></head>
<body${o.live !== undefined ? ` data-live="${esc(o.live)}"` : ''}>
<header><span class="brand">Sluice</span><nav>${nav('/', 'overview', 'Overview')}${nav('/topics', 'topics', 'Topics')}${nav('/groups', 'groups', 'Consumer groups')}${o.hasAgent ? nav('/agent', 'agent', 'Agent') : ''}</nav>
<span class="mode">${esc(o.mode)}</span><span id="live-status" class="live">${o.live !== undefined ? 'connecting…' : ''}</span></header>
<main>
<h1>${esc(o.title)}</h1>
${body}
</main>
<footer><a href="/metrics">Prometheus /metrics</a> · <a href="/healthz">/healthz</a> · <a href="/readyz">/readyz</a> · <a href="/api/overview">JSON API</a></footer>
</body></html>
`;
}

/** A table from escaped header labels and rows of already-escaped cells. */
export function table(headers: readonly string[], rows: readonly (readonly string[])[], cls = ''): string {
  const head = headers.map((h) => `<th>${h}</th>`).join('');
  const body = rows.length === 0
    ? `<tr><td colspan="${headers.length}" class="empty">none</td></tr>`
    : rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('\n');
  return `<table${cls ? ` class="${cls}"` : ''}><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

export const MONITOR_CSS = `
:root{--fg:#1d2329;--muted:#66707a;--line:#dde2e7;--bg:#f6f8fa;--accent:#0b63c5;--warn:#b35900}
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:#fff}
header{display:flex;gap:1.5rem;align-items:center;padding:.6rem 1.2rem;background:#14202c;color:#fff}
header .brand{font-weight:700;letter-spacing:.04em}
header nav a{color:#c9d6e3;text-decoration:none;margin-right:1rem}
header nav a.active,header nav a:hover{color:#fff;border-bottom:2px solid #5aa9ff}
header .mode{margin-left:auto;color:#9fb3c8;font-size:12px}
header .live{color:#7ee0a1;font-size:12px}
main{padding:1rem 1.2rem;max-width:1200px}
h1{font-size:20px;margin:.2rem 0 1rem}
h2{font-size:16px;margin:1.4rem 0 .5rem}
table{border-collapse:collapse;width:100%;margin:.3rem 0 1rem}
th,td{border-bottom:1px solid var(--line);padding:.3rem .6rem;text-align:left;vertical-align:top}
th{background:var(--bg);font-weight:600;font-size:12px;text-transform:uppercase;color:var(--muted)}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
td.empty{color:var(--muted);font-style:italic}
.cards{display:flex;flex-wrap:wrap;gap:.8rem;margin-bottom:1rem}
.card{border:1px solid var(--line);border-radius:6px;padding:.6rem .9rem;min-width:150px;background:var(--bg)}
.card .k{font-size:12px;color:var(--muted)}.card .v{font-size:20px;font-weight:600;font-variant-numeric:tabular-nums}
code{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:12px;white-space:pre-wrap;word-break:break-all}
.null,.more{color:var(--muted);font-style:italic}
a{color:var(--accent)}
form.browse{display:flex;gap:.6rem;align-items:end;flex-wrap:wrap;margin:.5rem 0}
form.browse label{display:flex;flex-direction:column;font-size:12px;color:var(--muted)}
form.browse input,form.browse select{padding:.25rem .4rem;font:inherit}
.topology{display:flex;gap:2rem;align-items:flex-start}
.topology .col{display:flex;flex-direction:column;gap:.5rem}
.node{border:1px solid var(--line);border-radius:6px;padding:.4rem .7rem;background:var(--bg)}
.node .t{font-size:11px;color:var(--muted);text-transform:uppercase}
.bar{height:6px;background:var(--line);border-radius:3px;overflow:hidden;margin-top:.3rem}.bar span{display:block;height:100%;background:var(--accent)}
.chart svg{max-width:100%;height:auto;border:1px solid var(--line);border-radius:6px;background:#fff}
.lag-pos{color:var(--warn);font-weight:600}
footer{padding:1rem 1.2rem;color:var(--muted);font-size:12px}
`;

/**
 * Live updates: opens /events?<data-live> and, for each message {values, svg, time},
 * sets textContent of [data-live=key] elements and replaces #lag-chart's markup (the
 * server renders and escapes the SVG). Plain ES5; no library.
 */
export const MONITOR_JS = `(function(){
var live=document.body.getAttribute('data-live');
if(live===null||!window.EventSource)return;
var status=document.getElementById('live-status');
var es=new EventSource('/events?'+live);
es.onopen=function(){if(status)status.textContent='live';};
es.onerror=function(){if(status)status.textContent='reconnecting…';};
es.onmessage=function(e){
var d;try{d=JSON.parse(e.data);}catch(x){return;}
var v=d.values||{};
var els=document.querySelectorAll('[data-live]');
for(var i=0;i<els.length;i++){var k=els[i].getAttribute('data-live');if(Object.prototype.hasOwnProperty.call(v,k))els[i].textContent=v[k];}
if(typeof d.svg==='string'){var c=document.getElementById('lag-chart');if(c)c.innerHTML=d.svg;}
if(status)status.textContent='live · '+new Date(d.time).toLocaleTimeString();
document.body.setAttribute('data-live-updates',String(Number(document.body.getAttribute('data-live-updates')||'0')+1));
};
})();
`;
