/**
 * Browser and server plumbing for the UI benchmarks: Debian's Chromium through playwright-core
 * (never a downloaded browser), the real HTTP transport in front of an engine, and pages with
 * the probes installed.
 */
import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { Engine } from '../../main/engine';
import { canAnswer, startServer, withAnswers, withSettings, type QuarryServer } from '../../main/server';
import { installProbes, type ProbeState } from './probes';

/** The flags the e2e suite uses: no sandbox (containers), software rendering, no background traffic. */
export const CHROMIUM_FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Launches Chromium (QUARRY_E2E_CHROMIUM or /usr/bin/chromium), headless. */
export async function launchChromium(): Promise<Browser> {
  const executablePath = process.env.QUARRY_E2E_CHROMIUM ?? '/usr/bin/chromium';
  return chromium.launch({ executablePath, headless: true, args: CHROMIUM_FLAGS });
}

/**
 * A browser context whose pages carry the probes. tsx compiles this module with esbuild's
 * keepNames, which wraps inner functions in `__name(...)`; the page has no such helper, so
 * the init script defines a pass-through one first.
 */
export async function probedContext(browser: Browser): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await context.addInitScript({ content: `globalThis.__name = (f) => f;\n(${installProbes.toString()})();` });
  return context;
}

/** Reads the probes' state from the page. */
export function probes(page: Page): Promise<ProbeState> {
  return page.evaluate(() => (window as unknown as { __qb: ProbeState }).__qb);
}

/** A running HTTP transport over an engine, as `quarry serve` builds it. */
export interface BenchServer {
  server: QuarryServer;
  token: string;
  loginUrl: string;
}

/**
 * Starts the HTTP transport on 127.0.0.1 (ephemeral port) with a fresh token, wrapping the
 * engine exactly as main/cli/serve.ts does (answers when it can answer, settings over
 * settings.json with keys from the environment only).
 */
export async function serveEngine(engine: Engine, staticDir: string): Promise<BenchServer> {
  const token = randomBytes(24).toString('base64url');
  const inboxDir = path.join(engine.dataDir, 'inbox');
  await mkdir(inboxDir, { recursive: true });
  const wrapped = withSettings(canAnswer(engine) ? withAnswers(engine) : engine, { dataDir: engine.dataDir, keyStorage: 'environment', env: process.env });
  const server = await startServer({ engine: wrapped, token, host: '127.0.0.1', port: 0, staticDir, inboxDir });
  return { server, token, loginUrl: server.loginUrl };
}

/** Opens the app signed in, and waits for the SSE connection and the library to be shown. */
export async function openApp(context: BrowserContext, loginUrl: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(loginUrl);
  await page.getByTestId('connection').filter({ hasText: 'Connected' }).waitFor({ timeout: 60_000 });
  await page.waitForFunction(() => (window as unknown as { __qb: ProbeState }).__qb.usableAt !== undefined, undefined, { timeout: 60_000 });
  return page;
}

/** Waits `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
