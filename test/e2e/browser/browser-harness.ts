import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execFileSync } from 'node:child_process';
import { chromium, type BrowserContext } from 'playwright-core';

/** The repository root (tests run from `dist/test/e2e/browser`). */
export const repositoryRoot = resolve(import.meta.dirname, '..', '..', '..', '..');

/** Flags for Debian's Chromium in a sandbox-less, offline CI container. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  // The WebTransport server uses a generated development certificate.
  '--ignore-certificate-errors',
];

/** Bundles the page's script when `sample/public/bundle.js` is missing. */
export function ensureBundle(): void {
  if (existsSync(join(repositoryRoot, 'sample', 'public', 'bundle.js'))) return;
  execFileSync(process.execPath, [join(repositoryRoot, 'scripts', 'bundle-sample-client.mjs')], {
    cwd: repositoryRoot,
    stdio: 'inherit',
  });
}

/** A headless Chromium with a fresh profile, closed (and its profile removed) by `close()`. */
export interface TestBrowser {
  readonly context: BrowserContext;
  close(): Promise<void>;
}

/** Launches Debian's Chromium (`CHROMIUM_PATH`, default `/usr/bin/chromium`) with a temp profile. */
export async function launchBrowser(): Promise<TestBrowser> {
  const profile = mkdtempSync(join(tmpdir(), 'forge-streaming-chromium-'));
  try {
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      headless: true,
      args: CHROMIUM_ARGS,
      ignoreHTTPSErrors: true,
      timeout: 60_000,
      viewport: { width: 1280, height: 900 },
    });
    context.setDefaultTimeout(30_000);
    return {
      context,
      close: async () => {
        await context.close().catch(() => undefined);
        rmSync(profile, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(profile, { recursive: true, force: true });
    throw error;
  }
}
