/**
 * The monitor's pages: pure functions from data-source views (plus the latest sampler
 * Sample) to HTML strings, and the live-update payloads (`liveValues`) their
 * [data-live] elements are refreshed with over Server-Sent Events. Every value from the
 * cluster is escaped with `esc`/`url` (html.ts). Keys used in data-live attributes are
 * built the same way on both sides (`liveKey`).
 */
import type {
  AgentView, BrowseResult, GroupDetailView, GroupSummaryView, OverviewView, TopicDetailView, TopicView,
} from './data-source.js';
import { esc, fmtBytes, fmtDuration, fmtNum, fmtRate, fmtTime, layout, showBytes, table, url } from './html.js';
import { renderLagChart } from './lag-chart.js';
import type { LagPoint } from './lag-history.js';
import type { Rates } from './monitor-sampler.js';

export interface PageContext {
  readonly mode: string;
  readonly hasAgent: boolean;
  readonly startedAt: number;
  readonly now: number;
}

const num = (v: string): string => `<span class="num">${v}</span>`;

/** Key of a live value: a JSON array of its parts (unambiguous for any group or topic name). */
export function liveKey(...parts: (string | number)[]): string {
  return JSON.stringify(parts.map(String));
}

function liveSpan(key: string, text: string): string {
  return `<span data-live="${esc(key)}">${esc(text)}</span>`;
}

function card(label: string, value: string): string {
  return `<div class="card"><div class="k">${esc(label)}</div><div class="v">${value}</div></div>`;
}

export function rateTexts(r: Rates | undefined): Record<string, string> {
  return {
    [liveKey('rate', 'recordsIn')]: fmtRate(r?.recordsInPerSec, 'records/s'),
    [liveKey('rate', 'bytesIn')]: fmtRate(r?.bytesInPerSec, 'B/s'),
    [liveKey('rate', 'bytesOut')]: fmtRate(r?.bytesOutPerSec, 'B/s'),
    [liveKey('rate', 'recordsOut')]: fmtRate(r?.recordsOutPerSec, 'records/s'),
    [liveKey('rate', 'agentIn')]: fmtRate(r?.agentEventsInPerSec, 'events/s'),
    [liveKey('rate', 'agentOut')]: fmtRate(r?.agentEventsOutPerSec, 'events/s'),
  };
}

export function overviewPage(ctx: PageContext, o: OverviewView, rates: Rates | undefined): string {
  const r = rateTexts(rates);
  const uptimeKey = liveKey('uptime');
  const cards = [
    card('Mode', esc(o.mode === 'embedded' ? 'embedded broker' : `remote cluster ${o.bootstrap ?? ''}`)),
    card('Process uptime', liveSpan(uptimeKey, fmtDuration(process.uptime() * 1000))),
    card('Topics', `<span id="topic-count">${esc(fmtNum(o.topicCount))}</span>`),
    card('Partitions', esc(fmtNum(o.partitionCount))),
    card('Consumer groups', esc(fmtNum(o.groupCount))),
    card('Produce rate', liveSpan(liveKey('rate', 'recordsIn'), r[liveKey('rate', 'recordsIn')]!)),
    card('Bytes in', liveSpan(liveKey('rate', 'bytesIn'), r[liveKey('rate', 'bytesIn')]!)),
    card('Fetch rate', liveSpan(liveKey('rate', 'recordsOut'), r[liveKey('rate', 'recordsOut')]!)),
    card('Fetch (bytes out)', liveSpan(liveKey('rate', 'bytesOut'), r[liveKey('rate', 'bytesOut')]!)),
  ].join('');
  const brokers = table(['Node', 'Host', 'Port'], o.brokers.map((b) => [esc(b.nodeId), esc(b.host), esc(b.port)]));
  const listeners = table(['Listener', 'Host', 'Port'], o.listeners.map((l) => [esc(l.name), esc(l.host), esc(l.port)]));
  const disks = table(
    ['Log dir', 'Used by logs', 'Filesystem free', 'Filesystem size'],
    o.logDirs.map((d) => [esc(d.path), esc(fmtBytes(d.usedBytes)), esc(fmtBytes(d.fsFreeBytes)), esc(fmtBytes(d.fsTotalBytes))]),
    'disks',
  );
  const body = `<div class="cards">${cards}</div>
<h2>Cluster</h2><p>Cluster id: <code>${esc(o.clusterId ?? '—')}</code></p>${brokers}
<h2>Listeners</h2>${listeners}
${o.mode === 'embedded' ? `<h2>Disk use per log dir</h2>${disks}` : ''}`;
  return layout({ title: 'Overview', active: 'overview', live: 'page=overview', mode: ctx.mode, hasAgent: ctx.hasAgent }, body);
}

function topicTotals(t: TopicView): { end: number; size: number | null; segments: number | null } {
  let end = 0;
  let size: number | null = 0;
  let segments: number | null = 0;
  for (const p of t.partitions) {
    end += Math.max(0, p.logEndOffset);
    size = size === null || p.sizeBytes === null ? null : size + p.sizeBytes;
    segments = segments === null || p.segmentCount === null ? null : segments + p.segmentCount;
  }
  return { end, size, segments };
}

export function topicsPage(ctx: PageContext, topics: readonly TopicView[]): string {
  const rows = topics.map((t) => {
    const s = topicTotals(t);
    return [
      `<a href="/topics/${esc(url(t.name))}" class="topic-link">${esc(t.name)}</a>${t.internal ? ' <span class="null">internal</span>' : ''}`,
      num(esc(fmtNum(t.partitions.length))),
      `<span data-topic-end="${esc(t.name)}">${esc(fmtNum(s.end))}</span>`,
      num(esc(fmtBytes(s.size))),
      num(esc(fmtNum(s.segments))),
    ];
  });
  return layout({ title: 'Topics', active: 'topics', mode: ctx.mode, hasAgent: ctx.hasAgent },
    table(['Topic', 'Partitions', 'Records (sum of end offsets)', 'Size', 'Segments'], rows, 'topics'));
}

const RETENTION_KEYS = ['cleanup.policy', 'retention.ms', 'retention.bytes', 'segment.bytes', 'segment.ms', 'max.message.bytes', 'message.timestamp.type', 'min.insync.replicas'];

export interface BrowseView {
  readonly partition: number;
  readonly offset: string;
  readonly time: string;
  readonly format: 'text' | 'hex';
  readonly result: BrowseResult | undefined;
  readonly error: string | undefined;
}

export function topicPage(ctx: PageContext, t: TopicDetailView, b: BrowseView): string {
  const parts = table(
    ['Partition', 'Leader', 'Log start offset', 'Log end offset', 'High watermark', 'Size', 'Segments', ''],
    t.partitions.map((p) => [
      esc(p.partition), esc(p.leader ?? '—'),
      `<span data-start="${p.partition}">${esc(p.logStartOffset)}</span>`,
      `<span data-end="${p.partition}">${esc(p.logEndOffset)}</span>`,
      esc(p.highWatermark), esc(fmtBytes(p.sizeBytes)), esc(fmtNum(p.segmentCount)),
      `<a href="/topics/${esc(url(t.name))}?partition=${p.partition}&amp;offset=${p.logStartOffset}">browse</a>`,
    ]),
    'partitions',
  );
  const keys = Object.keys(t.configs).sort((a, b2) => (RETENTION_KEYS.indexOf(a) + 1 || 99) - (RETENTION_KEYS.indexOf(b2) + 1 || 99) || a.localeCompare(b2));
  const configs = table(['Config', 'Value'], keys.map((k) => [esc(k), `<code>${esc(t.configs[k])}</code>`]), 'configs');
  const options = t.partitions.map((p) => `<option value="${p.partition}"${p.partition === b.partition ? ' selected' : ''}>${p.partition}</option>`).join('');
  const form = `<form class="browse" method="get" action="/topics/${esc(url(t.name))}">
<label>Partition<select name="partition">${options}</select></label>
<label>From offset<input name="offset" inputmode="numeric" value="${esc(b.offset)}" placeholder="log start"></label>
<label>or from time (ISO or ms)<input name="time" value="${esc(b.time)}" placeholder="2026-01-01T00:00:00Z"></label>
<label>Show as<select name="format"><option value="text"${b.format === 'text' ? ' selected' : ''}>text</option><option value="hex"${b.format === 'hex' ? ' selected' : ''}>hex</option></select></label>
<button type="submit">Browse</button></form>`;
  let records = '';
  if (b.error) records = `<p class="error">${esc(b.error)}</p>`;
  else if (b.result) {
    const r = b.result;
    const rows = r.records.map((rec) => [
      num(esc(rec.offset)), esc(fmtTime(rec.timestamp)),
      showBytes(rec.key, b.format),
      rec.headers.length === 0 ? '' : rec.headers.map((h) => `<div><code>${esc(h.key)}</code>: ${showBytes(h.value, b.format, 512)}</div>`).join(''),
      showBytes(rec.value, b.format),
    ]);
    const nextHref = `/topics/${esc(url(t.name))}?partition=${r.partition}&amp;offset=${r.nextOffset}&amp;format=${b.format}`;
    records = `<p>Partition ${esc(r.partition)}: offsets ${esc(r.startOffset)}–${esc(Math.max(r.startOffset, r.nextOffset - 1))} of [${esc(r.logStartOffset)}, ${esc(r.highWatermark)})${r.nextOffset < r.highWatermark ? ` · <a href="${nextHref}" id="next-page">next page</a>` : ''}</p>
${table(['Offset', 'Timestamp', 'Key', 'Headers', 'Value'], rows, 'records')}`;
  }
  const body = `<h2>Partitions</h2>${parts}<h2>Configuration</h2>${configs}<h2>Messages</h2>${form}${records}`;
  return layout({ title: `Topic ${t.name}`, active: 'topics', mode: ctx.mode, hasAgent: ctx.hasAgent }, body);
}

export function groupsPage(ctx: PageContext, groups: readonly GroupSummaryView[]): string {
  const rows = groups.map((g) => [
    `<a href="/groups/${esc(url(g.groupId))}">${esc(g.groupId)}</a>`,
    `<span data-live="${esc(liveKey('state', g.groupId))}">${esc(g.state)}</span>`,
    esc(g.protocolType), num(esc(g.members)),
    `<span data-live="${esc(liveKey('lag', g.groupId))}" data-group-lag="${esc(g.groupId)}">${esc(g.totalLag)}</span>`,
  ]);
  return layout({ title: 'Consumer groups', active: 'groups', live: 'page=groups', mode: ctx.mode, hasAgent: ctx.hasAgent },
    table(['Group', 'State', 'Protocol type', 'Members', 'Total lag'], rows, 'groups'));
}

export function groupsLive(groups: readonly GroupSummaryView[]): Record<string, string> {
  const v: Record<string, string> = {};
  for (const g of groups) {
    v[liveKey('lag', g.groupId)] = String(g.totalLag);
    v[liveKey('state', g.groupId)] = g.state;
  }
  return v;
}

export function groupPage(ctx: PageContext, g: GroupDetailView, history: readonly LagPoint[], windowMs: number): string {
  const members = table(
    ['Member', 'Client id', 'Host', 'Assignment'],
    g.members.map((m) => [
      `<code>${esc(m.memberId)}</code>${m.groupInstanceId ? `<div class="null">instance ${esc(m.groupInstanceId)}</div>` : ''}`,
      esc(m.clientId), esc(m.clientHost),
      m.assignment.map((a) => `${esc(a.topic)}: ${esc(a.partitions.join(', '))}`).join('<br>'),
    ]),
    'members',
  );
  const parts = table(
    ['Topic', 'Partition', 'Committed offset', 'End offset', 'Lag', 'Member'],
    g.partitions.map((p) => [
      `<a href="/topics/${esc(url(p.topic))}">${esc(p.topic)}</a>`, esc(p.partition),
      `<span data-live="${esc(liveKey('committed', p.topic, p.partition))}">${esc(p.committedOffset < 0 ? '-' : p.committedOffset)}</span>`,
      `<span data-live="${esc(liveKey('end', p.topic, p.partition))}">${esc(p.logEndOffset < 0 ? '-' : p.logEndOffset)}</span>`,
      `<span data-live="${esc(liveKey('lag', p.topic, p.partition))}" data-lag="${esc(p.topic)}:${p.partition}">${esc(p.committedOffset < 0 ? '-' : p.lag)}</span>`,
      p.memberId ? `<code>${esc(p.memberId)}</code>` : '-',
    ]),
    'group-partitions',
  );
  const total = g.partitions.reduce((s, p) => s + p.lag, 0);
  const body = `<div class="cards">${card('State', liveSpan(liveKey('state'), g.state))}${card('Protocol', esc(`${g.protocolType} ${g.protocol}`.trim() || '—'))}${card('Members', esc(g.members.length))}${card('Total lag', liveSpan(liveKey('total'), String(total)))}</div>
<h2>Lag, last hour</h2><div class="chart" id="lag-chart">${renderLagChart(g.groupId, history, ctx.now, windowMs)}</div>
<h2>Partitions</h2>${parts}<h2>Members</h2>${members}`;
  return layout({ title: `Group ${g.groupId}`, active: 'groups', live: `page=group&group=${url(g.groupId)}`, mode: ctx.mode, hasAgent: ctx.hasAgent }, body);
}

export function groupLive(g: GroupDetailView): Record<string, string> {
  const v: Record<string, string> = { [liveKey('state')]: g.state, [liveKey('total')]: String(g.partitions.reduce((s, p) => s + p.lag, 0)) };
  for (const p of g.partitions) {
    v[liveKey('committed', p.topic, p.partition)] = p.committedOffset < 0 ? '-' : String(p.committedOffset);
    v[liveKey('end', p.topic, p.partition)] = p.logEndOffset < 0 ? '-' : String(p.logEndOffset);
    v[liveKey('lag', p.topic, p.partition)] = p.committedOffset < 0 ? '-' : String(p.lag);
  }
  return v;
}

export function agentPage(ctx: PageContext, a: AgentView, rates: Rates | undefined): string {
  const r = rateTexts(rates);
  const counterTable = (kind: string, name: string): string => {
    const c = a.components.find((x) => x.kind === kind && x.name === name);
    if (!c) return '';
    const rows = Object.entries(c.counters).map(([k, v]) => [esc(k), `<span class="num" data-live="${esc(liveKey('c', kind, name, k))}" data-counter="${esc(`${kind}.${name}.${k}`)}">${esc(fmtNum(v))}</span>`]);
    return table(['Counter', 'Value'], rows, 'counters');
  };
  const sources = a.sources.map((s) => `<div class="node"><div class="t">source</div><b>${esc(s.name)}</b><div class="null">→ ${esc(s.channels.join(', '))}</div></div>`).join('');
  const channels = a.channels.map((c) => {
    const pct = c.capacity > 0 ? Math.min(100, (c.size / c.capacity) * 100) : 0;
    return `<div class="node"><div class="t">channel</div><b>${esc(c.name)}</b><div><span data-live="${esc(liveKey('fill', c.name))}">${esc(`${fmtNum(c.size)} / ${fmtNum(c.capacity)}`)}</span></div><div class="bar"><span style="width:${pct.toFixed(1)}%"></span></div></div>`;
  }).join('');
  const sinks = a.sinks.map((s) => `<div class="node"><div class="t">sink</div><b>${esc(s.name)}</b><div class="null">← ${esc(s.channel ?? '—')}</div></div>`).join('');
  const details = [
    ...a.sources.map((s) => `<h3>Source ${esc(s.name)}</h3>${counterTable('SOURCE', s.name)}`),
    ...a.channels.map((c) => `<h3>Channel ${esc(c.name)}</h3>${counterTable('CHANNEL', c.name)}`),
    ...a.sinks.map((s) => `<h3>Sink ${esc(s.name)}</h3>${counterTable('SINK', s.name)}`),
  ].join('\n');
  const body = `<div class="cards">${card('Agent', esc(a.name))}${card('Events in', liveSpan(liveKey('rate', 'agentIn'), r[liveKey('rate', 'agentIn')]!))}${card('Events out', liveSpan(liveKey('rate', 'agentOut'), r[liveKey('rate', 'agentOut')]!))}</div>
<h2>Topology</h2><div class="topology"><div class="col">${sources || '<span class="null">no sources</span>'}</div><div class="col">${channels || '<span class="null">no channels</span>'}</div><div class="col">${sinks || '<span class="null">no sinks</span>'}</div></div>
<h2>Counters</h2>${details}`;
  return layout({ title: 'Agent', active: 'agent', live: 'page=agent', mode: ctx.mode, hasAgent: ctx.hasAgent }, body);
}

export function agentLive(a: AgentView): Record<string, string> {
  const v: Record<string, string> = {};
  for (const c of a.components) for (const [k, n] of Object.entries(c.counters)) v[liveKey('c', c.kind, c.name, k)] = fmtNum(n);
  for (const c of a.channels) v[liveKey('fill', c.name)] = `${fmtNum(c.size)} / ${fmtNum(c.capacity)}`;
  return v;
}

export function errorPage(ctx: PageContext, status: number, message: string): string {
  return layout({ title: `Error ${status}`, active: 'overview', mode: ctx.mode, hasAgent: ctx.hasAgent }, `<p class="error">${esc(message)}</p>`);
}
