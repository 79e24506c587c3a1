import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { defaultDataDir } from '../config';
import { canAnswer, generateToken, liveRerank, startServer, withAnswers, withSettings, type LogFn, type TransportEngine } from '../server';
import type { Command } from './command';

/** The engine as `quarry serve` needs it: the transport's view plus a way to close it. */
export interface ServableEngine extends TransportEngine {
  close(): Promise<void>;
}

export interface ServeIO {
  stdout: (line: string) => void;
  stderr: (line: string) => void;
  env: NodeJS.ProcessEnv;
  /** Stops the server (Ctrl+C in a terminal; tests abort it). */
  signal: AbortSignal;
  /** Opens the engine; defaults to the real one from main/engine.ts. */
  createEngine?: (opts: { dataDir: string }) => Promise<ServableEngine>;
}

export const SERVE_USAGE = 'quarry serve [--port P] [--host H] [--token T] [--data-dir DIR] [--static DIR] [--verbose]';

const SERVE_DETAILS = `Serves the Quarry web UI and API, and prints the URL that signs a browser in.
  --port P        port to listen on (default 4242; 0 picks a free one)
  --host H        interface to bind (default 127.0.0.1; 0.0.0.0 exposes it to your network)
  --token T       access token (default: $QUARRY_TOKEN, or a random one printed below)
  --data-dir DIR  library folder (default: $QUARRY_DATA_DIR or the app-data folder)
  --static DIR    built web UI (default: out/renderer in the project)
  --verbose       log every request as a JSON line on stderr`;

/** The project's built renderer: <repo>/out/renderer, next to main/. */
function defaultStaticDir(): string {
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'out', 'renderer');
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}

/** Options of `quarry serve`, parsed. */
export interface ServeOptions {
  port: number;
  host: string;
  /** Undefined: $QUARRY_TOKEN, else a random one. */
  token?: string;
  dataDir: string;
  staticDir?: string;
  verbose?: boolean;
}

/** Usage errors exit 1, like every other quarry command. */
const USAGE_EXIT = 1;

const OPTIONS = {
  port: { type: 'string' },
  host: { type: 'string' },
  token: { type: 'string' },
  static: { type: 'string' },
  verbose: { type: 'boolean' },
} as const;

/** Checks raw option values; answers the options or a message for the user. */
export function serveOptions(values: { port?: unknown; host?: unknown; token?: unknown; static?: unknown; verbose?: unknown }, dataDir: string): ServeOptions | string {
  const port = values.port === undefined ? 4242 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) return `--port must be a whole number from 0 to 65535, not "${String(values.port)}".`;
  return {
    port,
    host: typeof values.host === 'string' ? values.host : '127.0.0.1',
    token: typeof values.token === 'string' ? values.token : undefined,
    dataDir,
    staticDir: typeof values.static === 'string' ? values.static : undefined,
    verbose: values.verbose === true,
  };
}

/**
 * `quarry serve` with its arguments as typed: parses them, then runs the server until the
 * signal fires. Returns the exit code.
 *
 * @example
 * const stop = new AbortController();
 * process.once('SIGINT', () => stop.abort());
 * process.exitCode = await serve(['--port', '4242'], { stdout: console.log, stderr: console.error, env: process.env, signal: stop.signal });
 */
export async function serve(args: string[], io: ServeIO): Promise<number> {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({ args, options: { ...OPTIONS, 'data-dir': { type: 'string' }, help: { type: 'boolean', short: 'h' } }, strict: true, allowPositionals: false }));
  } catch (e) {
    io.stderr(`${(e as Error).message}\n\nUsage: ${SERVE_USAGE}`);
    return USAGE_EXIT;
  }
  if (values.help) {
    io.stdout(`Usage: ${SERVE_USAGE}\n\n${SERVE_DETAILS}`);
    return 0;
  }
  const dataDir = typeof values['data-dir'] === 'string' ? path.resolve(values['data-dir']) : defaultDataDir(io.env);
  const opts = serveOptions(values, dataDir);
  if (typeof opts === 'string') {
    io.stderr(opts);
    return USAGE_EXIT;
  }
  return runServe(opts, io);
}

/** Opens the engine on the data folder and serves the contract over HTTP until the signal fires. */
export async function runServe(opts: ServeOptions, io: ServeIO): Promise<number> {
  const given = opts.token ?? io.env.QUARRY_TOKEN;
  if (given !== undefined && given.length < 16) {
    io.stderr('The token must be at least 16 characters: a short token can be guessed. Leave it out to get a random one.');
    return USAGE_EXIT;
  }
  const token = given ?? generateToken();
  const { dataDir, host, port } = opts;
  const staticDir = path.resolve(opts.staticDir ?? defaultStaticDir());
  const inboxDir = path.join(dataDir, 'inbox');
  await mkdir(inboxDir, { recursive: true });

  const open = io.createEngine ?? (async (o: { dataDir: string }) => (await import('../engine')).createEngine(o));
  const opened = await open({ dataDir });
  // Answering (chat.*) is added on top of the engine when it has an answerer, and the Settings
  // methods over settings.json; a server keeps API keys in its environment only.
  const engine: ServableEngine = withSettings(canAnswer(opened) ? withAnswers(opened) : opened, { dataDir, keyStorage: 'environment', env: io.env, applyRerank: liveRerank(opened) });
  const log: LogFn = (record) => {
    if (opts.verbose || record.level !== 'info') io.stderr(JSON.stringify({ time: new Date().toISOString(), ...record }));
  };
  let server;
  try {
    server = await startServer({ engine, token, host, port, staticDir: existsSync(staticDir) ? staticDir : undefined, inboxDir, log });
  } catch (e) {
    await engine.close();
    const code = (e as NodeJS.ErrnoException).code;
    io.stderr(code === 'EADDRINUSE' ? `Port ${port} is in use: pick another with --port.` : `Could not start the server: ${(e as Error).message}`);
    return 1;
  }

  io.stdout(`Quarry is serving ${dataDir}`);
  // The token travels in the fragment, which browsers never send to the server or in Referer.
  io.stdout(`Open ${server.loginUrl}`);
  if (given === undefined) io.stdout('(A new access token was generated for this run; set QUARRY_TOKEN or --token to keep one.)');
  if (!existsSync(staticDir)) io.stdout(`The web UI is not built (${staticDir}); the API works. Build it with: npx vite build -c vite.renderer.config.ts`);
  if (!isLoopback(host)) io.stderr(`Warning: listening on ${host}. Anyone who can reach this machine and has the token can read the library; put it behind TLS.`);

  await new Promise<void>((resolve) => {
    if (io.signal.aborted) resolve();
    else io.signal.addEventListener('abort', () => resolve(), { once: true });
  });
  await server.close();
  await engine.close();
  io.stdout('Stopped.');
  return 0;
}

/** Runs until SIGINT/SIGTERM with the process's streams. */
async function untilSignal(fn: (io: ServeIO) => Promise<number>, out: (l: string) => void, err: (l: string) => void): Promise<number> {
  const stop = new AbortController();
  const onSignal = (): void => stop.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    return await fn({ stdout: out, stderr: err, env: process.env, signal: stop.signal });
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** `quarry serve` for the CLI dispatcher (main/cli/index.ts loads it as a plugin). */
export const serveCommand: Command = {
  name: 'serve',
  summary: 'Serve the web UI and API on this machine (token-protected)',
  usage: SERVE_USAGE,
  details: SERVE_DETAILS,
  options: { ...OPTIONS },
  run({ dataDir, values, io }) {
    const opts = serveOptions(values, dataDir);
    if (typeof opts === 'string') {
      io.err.write(`${opts}\n`);
      return Promise.resolve(USAGE_EXIT);
    }
    return untilSignal(
      (sio) => runServe(opts, sio),
      (l) => void io.out.write(`${l}\n`),
      (l) => void io.err.write(`${l}\n`),
    );
  },
};
