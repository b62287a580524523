#!/usr/bin/env node
// Entry of `kedge`. Parses the command line, runs one command, and turns any
// failure into one `error:` line, a `hint:` line and a documented exit code.
import { processOutput } from './commands/output';
import { buildProgram } from './program';
import { report } from './report';

try {
  await buildProgram(processOutput).parseAsync(process.argv);
} catch (err) {
  process.exitCode = report(err, (line) => process.stderr.write(`${line}\n`));
}
