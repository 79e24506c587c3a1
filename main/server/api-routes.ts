import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { api, isMethod, type Method, type ParsedInput } from '../../contract';
import { QuarryError } from '../util/errors';
import { readJson, sendError, sendJson } from './http-util';
import type { TransportEngine } from './types';

/**
 * Parses a method's input with its contract schema. Bad input becomes a typed INVALID_INPUT
 * error that names the offending fields, never an exception from deep inside the engine.
 */
export function parseInput<M extends Method>(method: M, raw: unknown): ParsedInput<M> {
  const result = api[method].input.safeParse(raw);
  if (!result.success) {
    throw new QuarryError('INVALID_INPUT', `Invalid input for ${method}: ${z.prettifyError(result.error)}`, {
      hint: 'Check the request against the contract (contract/api.ts).',
    });
  }
  return result.data as ParsedInput<M>;
}

/** Calls one contract method with already-parsed input. */
export async function callMethod<M extends Method>(engine: TransportEngine, method: M, input: ParsedInput<M>): Promise<unknown> {
  // The handler map is indexed by a union of method names; TypeScript cannot correlate the
  // handler's parameter with `input` across that union, so the call goes through one cast.
  const handler = engine.handlers[method] as ((input: ParsedInput<M>) => Promise<unknown>) | undefined;
  if (!handler) {
    throw new QuarryError('NOT_FOUND', `${method} is not available: this engine was built without it.`, {
      hint: 'Update Quarry, or use the command line for this feature.',
    });
  }
  return handler(input);
}

/**
 * `POST /api/<method>`: a JSON body in, the method's output (or `{ error }`) out. Only
 * application/json is accepted, which also means a cross-site form or `text/plain` request can
 * never reach a handler without a CORS preflight, and the server answers no preflight.
 */
export async function handleApiCall(
  engine: TransportEngine,
  name: string,
  req: IncomingMessage,
  res: ServerResponse,
  maxJsonBytes: number,
): Promise<void> {
  if (!isMethod(name)) {
    sendError(res, new QuarryError('NOT_FOUND', `Unknown method "${name}".`, { hint: 'See contract/api.ts for the methods.' }));
    return;
  }
  if (req.method !== 'POST') {
    sendError(res, new QuarryError('INVALID_INPUT', `Use POST for /api/${name}.`), { Allow: 'POST' }, 405);
    return;
  }
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  const length = Number(req.headers['content-length'] ?? 0);
  if (type !== 'application/json' && (length > 0 || req.headers['transfer-encoding'])) {
    sendError(res, new QuarryError('UNSUPPORTED_TYPE', 'The request body must be JSON.', {
      hint: 'Send Content-Type: application/json.',
    }));
    return;
  }
  try {
    const raw = await readJson(req, maxJsonBytes);
    const input = parseInput(name, raw);
    const output = await callMethod(engine, name, input);
    sendJson(res, 200, output);
  } catch (e) {
    sendError(res, e);
  }
}
