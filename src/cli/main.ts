#!/usr/bin/env node
/**
 * `sluice` command-line entry point (bin). Each sub-command lives in its own file
 * under src/cli/ and exports `register(program)`; `commands.ts` lists them.
 * Exit codes: 0 success, 1 runtime failure, 2 bad usage or invalid configuration.
 */
import { Command, CommanderError } from 'commander';
import { registerAll } from './commands.js';
import { exitCodeFor, reportFatal } from './exit.js';

const program = new Command();
program
  .name('sluice')
  .description('Flume-compatible log-pipeline agent with an embedded Kafka-compatible broker')
  .version('0.1.0')
  .showHelpAfterError()
  .exitOverride();

registerAll(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    process.exitCode = err.exitCode === 0 ? 0 : 2;
  } else {
    reportFatal(err);
    process.exitCode = exitCodeFor(err);
  }
}
