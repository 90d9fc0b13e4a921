#!/usr/bin/env node
// Runs every bench/*.bench.mjs in order (after `npm run build`), each in its own
// process so one benchmark's heap does not skew the next. Pass names to filter:
//   npm run bench -- crc fetch
import { readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const here = dirname(fileURLToPath(import.meta.url));
const filters = process.argv.slice(2);
const build = spawnSync('npx', ['tsc', '-p', 'tsconfig.json'], { cwd: join(here, '..'), stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);
const files = readdirSync(here).filter((f) => f.endsWith('.bench.mjs')).sort()
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)));
let failed = 0;
for (const f of files) {
  console.log(`\n## ${f}`);
  const r = spawnSync(process.execPath, ['--expose-gc', join(here, f)], { stdio: 'inherit', env: { ...process.env, SLUICE_LOG_LEVEL: 'silent' } });
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
