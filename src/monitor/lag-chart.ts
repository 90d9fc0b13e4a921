/**
 * Draws a group's lag history (LagHistory points) as an inline SVG line chart: x is the
 * last `windowMs` ending now, y runs from 0 to a rounded maximum, with gridlines and
 * axis labels. Output is a self-contained <svg> string; the only variable text is
 * numbers and the (escaped) group id in the <title>. Pure.
 */
import type { LagPoint } from './lag-history.js';
import { esc, fmtNum } from './html.js';

const W = 760;
const H = 220;
const PAD_L = 64;
const PAD_R = 16;
const PAD_T = 16;
const PAD_B = 28;

/** A "nice" upper bound ≥ v (1, 2, 5 × 10^k). */
function niceMax(v: number): number {
  if (v <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

export function renderLagChart(groupId: string, points: readonly LagPoint[], now: number, windowMs: number): string {
  const x0 = now - windowMs;
  // a multiple of 4 so the four gridline steps are whole numbers of records
  const maxLag = Math.ceil(niceMax(Math.max(4, points.reduce((m, p) => Math.max(m, p.lag), 0))) / 4) * 4;
  const pw = W - PAD_L - PAD_R;
  const ph = H - PAD_T - PAD_B;
  const sx = (t: number): number => PAD_L + (Math.max(0, t - x0) / windowMs) * pw;
  const sy = (v: number): number => PAD_T + ph - (v / maxLag) * ph;
  let grid = '';
  for (let i = 0; i <= 4; i++) {
    const v = (maxLag * i) / 4;
    const y = sy(v).toFixed(1);
    grid += `<line x1="${PAD_L}" y1="${y}" x2="${W - PAD_R}" y2="${y}" stroke="#e3e7eb"/>`;
    grid += `<text x="${PAD_L - 6}" y="${y}" text-anchor="end" dominant-baseline="middle">${esc(fmtNum(v))}</text>`;
  }
  for (let m = 0; m <= 60; m += 10) {
    const x = (PAD_L + (m / 60) * pw).toFixed(1);
    grid += `<line x1="${x}" y1="${PAD_T}" x2="${x}" y2="${PAD_T + ph}" stroke="#f0f2f4"/>`;
    grid += `<text x="${x}" y="${H - 8}" text-anchor="middle">${m === 60 ? 'now' : `-${60 - m}m`}</text>`;
  }
  const pts = points.filter((p) => p.t >= x0).map((p) => `${sx(p.t).toFixed(1)},${sy(p.lag).toFixed(1)}`);
  const last = points[points.length - 1];
  const line = pts.length > 1 ? `<polyline fill="none" stroke="#0b63c5" stroke-width="2" points="${pts.join(' ')}"/>` : '';
  const dot = last && last.t >= x0 ? `<circle cx="${sx(last.t).toFixed(1)}" cy="${sy(last.lag).toFixed(1)}" r="3.5" fill="#0b63c5"><title>lag ${esc(fmtNum(last.lag))}</title></circle>` : '';
  const empty = points.length === 0 ? `<text x="${W / 2}" y="${H / 2}" text-anchor="middle" fill="#66707a">collecting samples…</text>` : '';
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="lag of ${esc(groupId)} over the last hour" data-points="${points.length}" font-family="system-ui,sans-serif" font-size="11" fill="#66707a"><title>Lag of ${esc(groupId)}, last hour</title>${grid}<line x1="${PAD_L}" y1="${PAD_T + ph}" x2="${W - PAD_R}" y2="${PAD_T + ph}" stroke="#99a3ad"/>${line}${dot}${empty}</svg>`;
}
