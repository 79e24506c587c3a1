import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { defaultDataDir } from '../config';
import { generateToken, startServer, type LogFn, type TransportEngine } from '../server';

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

export const SERVE_USAGE = `Usage: quarry serve [--port P] [--host H] [--token T] [--data-dir DIR] [--static DIR] [--verbose]

Serves the Quarry web UI and API.
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

/**
 * `quarry serve`: opens the engine on the data folder and serves the contract over HTTP until
 * the signal fires. Returns the process exit code (2 for usage errors).
 *
 * @example
 * const stop = new AbortController();
 * process.once('SIGINT', () => stop.abort());
 * process.exitCode = await serve(['--port', '4242'], { stdout: console.log, stderr: console.error, env: process.env, signal: stop.signal });
 */
export async function serve(args: string[], io: ServeIO): Promise<number> {
  let values: { port?: string; host?: string; token?: string; 'data-dir'?: string; static?: string; verbose?: boolean; help?: boolean };
  try {
    ({ values } = parseArgs({
      args,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        token: { type: 'string' },
        'data-dir': { type: 'string' },
        static: { type: 'string' },
        verbose: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (e) {
    io.stderr(`${(e as Error).message}\n\n${SERVE_USAGE}`);
    return 2;
  }
  if (values.help) {
    io.stdout(SERVE_USAGE);
    return 0;
  }
  const port = values.port === undefined ? 4242 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    io.stderr(`--port must be a whole number from 0 to 65535, not "${values.port}".`);
    return 2;
  }
  const host = values.host ?? '127.0.0.1';
  const given = values.token ?? io.env.QUARRY_TOKEN;
  if (given !== undefined && given.length < 16) {
    io.stderr('The token must be at least 16 characters: a short token can be guessed. Leave it out to get a random one.');
    return 2;
  }
  const token = given ?? generateToken();
  const dataDir = values['data-dir'] ? path.resolve(values['data-dir']) : defaultDataDir(io.env);
  const staticDir = path.resolve(values.static ?? defaultStaticDir());
  const inboxDir = path.join(dataDir, 'inbox');
  await mkdir(inboxDir, { recursive: true });

  const open = io.createEngine ?? (async (o: { dataDir: string }) => (await import('../engine')).createEngine(o));
  const engine = await open({ dataDir });
  const log: LogFn = (record) => {
    if (values.verbose || record.level !== 'info') io.stderr(JSON.stringify({ time: new Date().toISOString(), ...record }));
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

/** Entry for the CLI dispatcher: runs `serve` until SIGINT/SIGTERM. */
export async function serveCommand(args: string[]): Promise<number> {
  const stop = new AbortController();
  const onSignal = (): void => stop.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    return await serve(args, {
      stdout: (l) => process.stdout.write(`${l}\n`),
      stderr: (l) => process.stderr.write(`${l}\n`),
      env: process.env,
      signal: stop.signal,
    });
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
