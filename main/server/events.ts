import type { IncomingMessage, ServerResponse } from 'node:http';
import { eventNames, type EventName } from '../../contract';
import type { TransportEngine } from './types';

/** A client that stops reading is dropped past this much unsent data; it reconnects and re-reads the snapshot. */
const MAX_BUFFERED_BYTES = 8 * 1024 * 1024;

/** Formats one server-sent event. JSON never contains a raw newline, so one data line suffices. */
export function formatEvent(name: string, payload: unknown): string {
  return `event: ${name}\ndata: ${JSON.stringify(payload)}\n\n`;
}

/**
 * `GET /api/events`: every contract event as server-sent events, with keep-alive comments so
 * proxies and idle timers do not cut the stream. Clients that reconnect re-read `jobs.list`
 * for the current state, so nothing depends on replaying missed events.
 */
export function handleEvents(
  engine: TransportEngine,
  req: IncomingMessage,
  res: ServerResponse,
  heartbeatMs: number,
  open: Set<ServerResponse>,
): void {
  res.writeHead(200, {
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-store',
    Connection: 'keep-alive',
    'X-Content-Type-Options': 'nosniff',
    // Tells buffering reverse proxies (nginx) to pass events through as they come.
    'X-Accel-Buffering': 'no',
  });
  res.write('retry: 2000\n: connected\n\n');
  open.add(res);

  const send = (name: EventName, payload: unknown): void => {
    if (res.writableEnded || res.destroyed) return;
    if (res.writableLength > MAX_BUFFERED_BYTES) {
      res.destroy();
      return;
    }
    res.write(formatEvent(name, payload));
  };
  const unsubscribers = eventNames.map((name) => engine.on(name, (payload) => send(name, payload)));
  const heartbeat = setInterval(() => {
    if (!res.writableEnded) res.write(': ping\n\n');
  }, heartbeatMs);
  heartbeat.unref();

  const cleanup = (): void => {
    clearInterval(heartbeat);
    for (const off of unsubscribers) off();
    open.delete(res);
  };
  req.on('close', cleanup);
  res.on('close', cleanup);
}
