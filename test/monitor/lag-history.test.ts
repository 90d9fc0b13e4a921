/** LagHistory keeps one window of points per group and forgets idle groups; the chart draws them. */
import { describe, expect, it } from 'vitest';
import { LagHistory } from '../../src/monitor/lag-history.js';
import { renderLagChart } from '../../src/monitor/lag-chart.js';

describe('LagHistory', () => {
  it('drops points older than the window and groups with none left', () => {
    const h = new LagHistory(1000);
    h.record(0, new Map([['a', 5], ['b', 1]]));
    h.record(600, new Map([['a', 7]]));
    h.record(1500, new Map([['a', 2]]));
    expect(h.points('a')).toEqual([{ t: 600, lag: 7 }, { t: 1500, lag: 2 }]);
    expect(h.points('b')).toEqual([]);
  });
});

describe('renderLagChart', () => {
  it('draws a polyline through the points and escapes the group id', () => {
    const svg = renderLagChart('<g>', [{ t: 0, lag: 0 }, { t: 1800_000, lag: 50 }, { t: 3600_000, lag: 100 }], 3600_000, 3600_000);
    expect(svg).toContain('points="64.0,192.0 404.0,104.0 744.0,16.0"');
    expect(svg).toContain('&lt;g&gt;');
    expect(svg).not.toContain('<g>');
  });
});
