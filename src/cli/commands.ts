/**
 * The list of sub-commands. Each import registers one command on the program.
 * Add one line per command file; keep them sorted.
 */
import type { Command } from 'commander';
import { register as agent } from './agent.js';
import { register as broker } from './broker.js';
import { register as consoleConsumer } from './console-consumer.js';
import { register as consoleProducer } from './console-producer.js';
import { register as consumerGroups } from './consumer-groups.js';
import { register as dumpLog } from './dump-log.js';
import { register as getOffsets } from './get-offsets.js';
import { register as monitor } from './monitor.js';
import { register as topics } from './topics.js';

type Register = (program: Command) => void;

const registrars: Register[] = [agent, broker, consoleConsumer, consoleProducer, consumerGroups, dumpLog, getOffsets, monitor, topics];

export function registerAll(program: Command): void {
  for (const r of registrars) r(program);
}
