// Summarizes a V8 .cpuprofile (node --cpu-prof): self time by function + file, top N,
// plus the idle / GC / program shares. Usage: node bench/pipeline-profile-summary.mjs F.cpuprofile [N]
import { readFileSync } from 'node:fs';

const [file, topArg] = process.argv.slice(2);
if (!file) {
  process.stderr.write('usage: node bench/pipeline-profile-summary.mjs FILE.cpuprofile [N]\n');
  process.exit(2);
}
const prof = JSON.parse(readFileSync(file, 'utf8'));
const byId = new Map(prof.nodes.map((n) => [n.id, n]));
const selfUs = new Map();
const dt = prof.timeDeltas;
for (let i = 0; i < prof.samples.length; i++) selfUs.set(prof.samples[i], (selfUs.get(prof.samples[i]) ?? 0) + (dt[i] ?? 0));
const agg = new Map();
let total = 0;
for (const [id, us] of selfUs) {
  const n = byId.get(id);
  const cf = n.callFrame;
  const url = cf.url.replace(/^file:\/\/.*?\/(dist|node_modules)\//, '$1/');
  const key = `${cf.functionName || '(anonymous)'}  ${url}${url ? ':' + (cf.lineNumber + 1) : ''}`;
  agg.set(key, (agg.get(key) ?? 0) + us);
  total += us;
}
const rows = [...agg].sort((a, b) => b[1] - a[1]).slice(0, Number(topArg ?? 30));
console.log(`total sampled ${(total / 1e3).toFixed(0)} ms`);
console.log('| self ms | % | function  location |');
console.log('|---:|---:|---|');
for (const [k, us] of rows) console.log(`| ${(us / 1e3).toFixed(1)} | ${((us * 100) / total).toFixed(1)} | ${k} |`);
