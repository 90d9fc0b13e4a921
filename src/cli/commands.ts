/**
 * The list of sub-commands. Each import registers one command on the program.
 * Add one line per command file; keep them sorted.
 */
import type { Command } from 'commander';
import { register as agent } from './agent.js';
import { register as broker } from './broker.js';
import { register as dumpLog } from './dump-log.js';

type Register = (program: Command) => void;

const registrars: Register[] = [agent, broker, dumpLog];

export function registerAll(program: Command): void {
  for (const r of registrars) r(program);
}
