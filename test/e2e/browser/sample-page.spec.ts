import 'reflect-metadata';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { WebTransportServerInfo } from '../../../src/index.js';
import { startSample, postJson, type RunningSample } from '../sample/sample-harness.js';
import {
  ensureBundle,
  launchBrowser,
  repositoryRoot,
  type TestBrowser,
} from './browser-harness.js';

const TIMEOUT = 30_000;

describe('sample page in headless Chromium', { timeout: 240_000 }, () => {
  let sample: RunningSample;
  let browser: TestBrowser;
  let wtPort: number;
  const requested = new Set<string>();
  const pages: Record<'alice' | 'bob' | 'carol', Page> = {} as never;

  before(async () => {
    ensureBundle();
    sample = await startSample({
      HOST: '127.0.0.1',
      WT_ENABLED: 'true',
      WT_PORT: '0',
      TICK_MS: '250',
    });
    wtPort = sample.app.get(WebTransportServerInfo, { strict: false }).port;
    browser = await launchBrowser();
    for (const user of ['alice', 'bob', 'carol'] as const) {
      const context = await browser.newContext();
      context.on('request', (request) => requested.add(request.url()));
      const page = await context.newPage();
      page.on('websocket', (socket) => requested.add(socket.url()));
      page.on('console', (message) => {
        if (message.type() === 'error') console.log(`[${user} console] ${message.text()}`);
      });
      page.on('pageerror', (error) => console.log(`[${user} page error] ${error.message}`));
      await page.goto(`${sample.http}/`);
      await page.waitForSelector('body[data-ready="true"]', { timeout: TIMEOUT });
      await page.fill('#login-user', user);
      await page.click('#login-button');
      await page.waitForFunction(
        (name) => document.getElementById('login-status')?.textContent === `Signed in as ${name}`,
        user,
        { timeout: TIMEOUT, polling: 200 },
      );
      pages[user] = page;
    }
  });

  after(async () => {
    await browser?.close();
    await sample?.close();
  });

  async function joinRoom(page: Page, room: string): Promise<void> {
    await page.fill('#chat-room', room);
    await page.click('#chat-join');
    await page.waitForFunction(
      (r) => document.getElementById('chat-status')?.textContent?.startsWith(`In room ${r}`),
      room,
      { timeout: TIMEOUT, polling: 200 },
    );
  }

  async function waitForText(page: Page, selector: string, text: string): Promise<void> {
    await page.waitForFunction(
      ([s, t]) => document.querySelector(s)?.textContent?.includes(t) ?? false,
      [selector, text] as const,
      { timeout: TIMEOUT, polling: 200 },
    );
  }

  async function waitForTyping(typist: Page, watcher: Page, text: string): Promise<void> {
    for (let attempt = 1; ; attempt += 1) {
      await typist.fill('#chat-message', `typing ${attempt}`);
      try {
        await watcher.waitForFunction(
          (t) => document.getElementById('chat-typing')?.textContent?.includes(t) ?? false,
          text,
          { timeout: 1500, polling: 100 },
        );
        return;
      } catch (error) {
        if (attempt >= 10) throw error;
      }
    }
  }

  async function textOf(page: Page, selector: string): Promise<string> {
    return (await page.textContent(selector)) ?? '';
  }

  test('two pages chat in one room; a page in another room sees nothing', async () => {
    await joinRoom(pages.alice, 'alpha');
    await joinRoom(pages.bob, 'alpha');
    await joinRoom(pages.carol, 'beta');

    await pages.alice.fill('#chat-message', 'hello from alice');
    await pages.alice.press('#chat-message', 'Enter');
    await waitForText(pages.bob, '#chat-log', 'hello from alice');
    await pages.bob.fill('#chat-message', 'hi alice, bob here');
    await pages.bob.click('#chat-send');
    await waitForText(pages.alice, '#chat-log', 'hi alice, bob here');

    // A broadcast to room beta arrives at carol after anything sent before it.
    await postJson(`${sample.http}/broadcast`, { message: 'beta marker', room: 'beta' });
    await waitForText(pages.carol, '#broadcast-log', 'beta marker');
    const carolLog = await textOf(pages.carol, '#chat-log');
    assert.doesNotMatch(carolLog, /hello from alice|bob here/);

    await waitForText(pages.alice, '#presence-list', 'bob');
    assert.match(await textOf(pages.alice, '#presence-list'), /alice \(you\)/);
  });

  test('typing shows on the other page; a too-long message shows the validation error', async () => {
    // Typing is announced at most once a second: keep typing until the other page shows it.
    await waitForTyping(pages.alice, pages.bob, 'alice is typing');
    await pages.alice.fill('#chat-message', 'x'.repeat(600));
    await pages.alice.press('#chat-message', 'Enter');
    await waitForText(pages.alice, '#chat-log', 'VALIDATION_FAILED');
    await waitForText(pages.alice, '#chat-log', 'shorter than or equal to 500 characters');
    assert.doesNotMatch(await textOf(pages.bob, '#chat-log'), /xxxxxxxxxx/);
  });

  test('the dashboard receives SSE updates and its chart changes in place', async () => {
    const page = pages.alice;
    await page.waitForFunction(
      () => Number(document.getElementById('dashboard-chart')?.dataset.samples ?? 0) >= 2,
      undefined,
      { timeout: TIMEOUT, polling: 200 },
    );
    const line = '#dashboard-chart polyline[data-series="websocket"]';
    const before = await page.getAttribute(line, 'points');
    await page.waitForFunction(
      ([selector, previous]) =>
        document.querySelector(selector)?.getAttribute('points') !== previous,
      [line, before] as const,
      { timeout: TIMEOUT, polling: 200 },
    );
    assert.equal(await page.locator('#dashboard-chart polyline').count(), 5, 'lines drawn once');
    await page.waitForFunction(
      () => Number(document.getElementById('stat-websocket')?.textContent) >= 3,
      undefined,
      { timeout: TIMEOUT, polling: 200 },
    );
    assert.equal(await textOf(page, '#dashboard-status'), 'Live');
  });

  test('a notification sent to a user appears on that user’s page only', async () => {
    for (const user of ['alice', 'bob', 'carol'] as const) {
      await waitForText(pages[user], '#notifications-status', 'Listening');
    }
    await pages.alice.fill('#notify-user', 'bob');
    await pages.alice.fill('#notify-text', 'ping bob');
    await pages.alice.click('#notify-send');
    await waitForText(pages.bob, '#notification-list', 'ping bob');
    await waitForText(pages.alice, '#notify-result', '1 open stream');

    // Each other user then gets a notification of their own: "ping bob" would have come first.
    for (const user of ['alice', 'carol'] as const) {
      await postJson(`${sample.http}/notifications/${user}`, {
        text: `ping ${user}`,
        from: 'test',
      });
      await waitForText(pages[user], '#notification-list', `ping ${user}`);
      assert.doesNotMatch(await textOf(pages[user], '#notification-list'), /ping bob/);
    }
  });

  test('the WebTransport panel echoes a message and a stream (ponyfill over the WebSocket mapping)', async () => {
    const page = pages.carol;
    await page.click('#wt-connect');
    await waitForText(page, '#wt-status', 'Connected');
    assert.match(await textOf(page, '#wt-transport'), /WebSocket mapping|native/);
    await page.fill('#wt-message', 'hello wt');
    await page.click('#wt-send');
    await waitForText(page, '#wt-log', 'hello wt');
    await page.fill('#wt-message', 'on a stream');
    await page.click('#wt-stream');
    await waitForText(page, '#wt-log', 'on a stream');
    assert.match(
      await textOf(page, '#wt-log'),
      /message echo.*hello wt[\s\S]*stream echo.*on a stream/,
    );
  });

  test('a screenshot of the page is written under test/artifacts/', async () => {
    const dir = join(repositoryRoot, 'test', 'artifacts');
    mkdirSync(dir, { recursive: true });
    const path = join(dir, 'sample-page.png');
    const image = await pages.alice.screenshot({ path, fullPage: true });
    assert.ok(image.byteLength > 10_000, 'a real screenshot');
  });

  test('no request left for a host other than the app’s', () => {
    const allowed = new Set([`127.0.0.1:${sample.port}`, `127.0.0.1:${wtPort}`]);
    const foreign = [...requested].filter((url) => {
      const parsed = new URL(url);
      if (parsed.protocol === 'data:' || parsed.protocol === 'blob:') return false;
      return !allowed.has(parsed.host);
    });
    assert.ok(requested.size > 5, 'requests were recorded');
    assert.deepEqual(foreign, []);
  });
});
