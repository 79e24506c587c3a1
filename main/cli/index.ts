import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { defaultDataDir } from '../config';
import { toQuarryError } from '../util/errors';
import { calibrateCommand } from './calibrate';
import { EXIT, UsageError, type Command } from './command';
import { docsCommand, removeCommand } from './docs';
import { evalCommand } from './eval';
import { ingestCommand } from './ingest';
import { defaultIo, printError, printJson, type Io } from './output';
import { searchCommand } from './search';
import { statusCommand } from './status';
import { askCommand } from './ask-command';
import { demoCommand } from './demo';
import { modelsCommand } from './models';
import { serveCommand } from './serve';

export const commands: Command[] = [
  demoCommand,
  ingestCommand,
  searchCommand,
  askCommand,
  docsCommand,
  removeCommand,
  statusCommand,
  calibrateCommand,
  serveCommand,
  modelsCommand,
  evalCommand,
];

function version(): string {
  try {
    return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

function help(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'Quarry — search and question your own documents, offline.',
    '',
    'Usage: quarry [--data-dir DIR] <command> [options]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Global options:',
    '  --data-dir DIR  the library folder (env QUARRY_DATA_DIR; default: the OS app-data folder)',
    '  -h, --help      help for quarry or a command',
    '  --version       print the version',
    '',
    'Run `quarry <command> --help` for a command\'s options.',
  ].join('\n');
}

function commandHelp(c: Command): string {
  return [`${c.summary}.`, '', `Usage: ${c.usage}`, ...(c.details ? ['', c.details] : [])].join('\n');
}

/** Runs the CLI; returns the exit code (0 ok, 1 usage or fatal error, 2 partial failure). */
export async function main(argv: string[], io: Io = defaultIo): Promise<number> {
  // Global options come before the command name.
  let i = 0;
  let dataDir: string | undefined;
  while (i < argv.length && argv[i].startsWith('-')) {
    const a = argv[i];
    if (a === '--help' || a === '-h') {
      io.out.write(help() + '\n');
      return EXIT.ok;
    }
    if (a === '--version' || a === '-v') {
      io.out.write(version() + '\n');
      return EXIT.ok;
    }
    if (a === '--data-dir') dataDir = argv[++i];
    else if (a.startsWith('--data-dir=')) dataDir = a.slice('--data-dir='.length);
    else {
      io.err.write(`Unknown option ${a}.\n\n${help()}\n`);
      return EXIT.usage;
    }
    i++;
  }
  const name = argv[i];
  if (!name) {
    io.out.write(help() + '\n');
    return EXIT.usage;
  }
  const cmd = commands.find((c) => c.name === name);
  if (!cmd) {
    io.err.write(`Unknown command "${name}".\n\n${help()}\n`);
    return EXIT.usage;
  }
  const rest = argv.slice(i + 1);
  let parsed;
  try {
    parsed = parseArgs({
      args: rest,
      options: { ...cmd.options, help: { type: 'boolean', short: 'h' }, 'data-dir': { type: 'string' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (e) {
    io.err.write(`${(e as Error).message}\n\nUsage: ${cmd.usage}\n`);
    return EXIT.usage;
  }
  if (parsed.values.help) {
    io.out.write(commandHelp(cmd) + '\n');
    return EXIT.ok;
  }
  const dir = (parsed.values['data-dir'] as string | undefined) ?? dataDir ?? defaultDataDir();
  try {
    return await cmd.run({ dataDir: dir, args: parsed.positionals, values: parsed.values as Record<string, string | boolean | string[] | undefined>, io });
  } catch (e) {
    if (e instanceof UsageError) {
      io.err.write(`${e.message}\n\nUsage: ${cmd.usage}\n`);
      return EXIT.usage;
    }
    const err = toQuarryError(e);
    if ((parsed.values as Record<string, unknown>).json) printJson({ ...io, out: io.err }, { error: err.toInfo() });
    else printError(io, err.toInfo());
    if (process.env.QUARRY_DEBUG && err.cause) io.err.write(String((err.cause as Error).stack ?? err.cause) + '\n');
    return EXIT.usage;
  }
}
