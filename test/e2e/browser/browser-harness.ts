import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { execFileSync } from 'node:child_process';
import { chromium, type BrowserContext } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../support/chromium.js';

/** The repository root (tests run from `dist/test/e2e/browser`). */
export const repositoryRoot = resolve(import.meta.dirname, '..', '..', '..', '..');

/** Bundles the page's script when `sample/public/bundle.js` is missing. */
export function ensureBundle(): void {
  if (existsSync(join(repositoryRoot, 'sample', 'public', 'bundle.js'))) return;
  execFileSync(process.execPath, [join(repositoryRoot, 'scripts', 'bundle-sample-client.mjs')], {
    cwd: repositoryRoot,
    stdio: 'inherit',
  });
}

/** A headless Chromium (fresh temporary profile), closed by `close()`. */
export interface TestBrowser {
  /** A new isolated context (its own window, cookies and storage): one per simulated user. */
  newContext(): Promise<BrowserContext>;
  close(): Promise<void>;
}

/**
 * Launches Debian's Chromium (`CHROMIUM_PATH`, default `/usr/bin/chromium`). Playwright gives the
 * browser a new temporary user-data-dir and removes it on close.
 */
export async function launchBrowser(): Promise<TestBrowser> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [...CHROMIUM_ARGS],
    timeout: 60_000,
  });
  return {
    newContext: async () => {
      const context = await browser.newContext({
        ignoreHTTPSErrors: true,
        viewport: { width: 1280, height: 900 },
      });
      context.setDefaultTimeout(30_000);
      return context;
    },
    close: () => browser.close(),
  };
}
