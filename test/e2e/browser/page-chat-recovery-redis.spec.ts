import 'reflect-metadata';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import { forUser, protocol, StreamingManager } from '../../../src/index.js';
import { REDIS_URL } from '../redis/redis-test-env.js';
import { startSample, postJson, type RunningSample } from '../sample/sample-harness.js';
import { ensureBundle, launchBrowser, type TestBrowser } from './browser-harness.js';
import { startSwitchableProxy, type SwitchableProxy } from './switchable-proxy.js';

const TIMEOUT = 30_000;

describe('sample page chat recovers on a second instance (REDIS_URL)', { timeout: 240_000 }, () => {
  const room = `recovery-${randomUUID().slice(0, 8)}`;
  let first: RunningSample;
  let second: RunningSample;
  let proxy: SwitchableProxy;
  let browser: TestBrowser;
  const pages: Record<'alice' | 'bob', Page> = {} as never;
  const contexts: Record<'alice' | 'bob', BrowserContext> = {} as never;

  before(async () => {
    ensureBundle();
    first = await startSample({ HOST: '127.0.0.1', REDIS_URL, TICKER: 'off' });
    second = await startSample({ HOST: '127.0.0.1', REDIS_URL, TICKER: 'off' });
    proxy = await startSwitchableProxy(first.port);
    browser = await launchBrowser();
    for (const name of ['alice', 'bob'] as const) {
      const context = await browser.newContext();
      const page = await context.newPage();
      page.on('pageerror', (error) => console.log(`[${name} page error] ${error.message}`));
      // Alice comes through the proxy (to the first instance); Bob goes to the second directly.
      const origin = name === 'alice' ? `http://127.0.0.1:${proxy.port}` : second.http;
      await page.goto(`${origin}/`);
      await page.waitForSelector('body[data-ready="true"]', { timeout: TIMEOUT });
      await page.fill('#login-user', name);
      await page.click('#login-button');
      await waitForText(page, '#login-status', `Signed in as ${name}`);
      await page.fill('#chat-room', room);
      await page.click('#chat-join');
      await waitForText(page, '#chat-status', `In room ${room}`);
      pages[name] = page;
      contexts[name] = context;
    }
  });

  after(async () => {
    await browser?.close();
    await proxy?.close();
    await first?.close();
    await second?.close();
  });

  async function waitForText(page: Page, selector: string, text: string): Promise<void> {
    await page.waitForFunction(
      ([s, t]) => document.querySelector(s)?.textContent?.includes(t) ?? false,
      [selector, text] as const,
      { timeout: TIMEOUT, polling: 100 },
    );
  }

  async function waitForState(page: Page, state: string): Promise<void> {
    await page.waitForFunction(
      (s) => document.getElementById('chat-connection')?.dataset.state === s,
      state,
      { timeout: TIMEOUT, polling: 50 },
    );
  }

  async function say(page: Page, text: string): Promise<void> {
    await page.fill('#chat-message', text);
    await page.press('#chat-message', 'Enter');
    await waitForText(page, '#chat-log', text);
  }

  async function linesWith(page: Page, text: string): Promise<number> {
    return page.$$eval(
      '#chat-log li',
      (items, t) => items.filter((item) => item.textContent?.endsWith(t)).length,
      text,
    );
  }

  test('a page cut on the first instance reconnects to the second and gets the missed messages once', async () => {
    await say(pages.bob, 'across instances');
    await waitForText(pages.alice, '#chat-log', 'across instances');

    await contexts.alice.setOffline(true);
    proxy.target(second.port);
    const cut = await postJson(`${first.http}/disconnect`, { userId: 'alice', room });
    assert.deepEqual(cut, { status: 200, body: { disconnected: 1 } });
    await waitForState(pages.alice, 'reconnecting');
    const missed = ['missed on one', 'missed on two', 'missed on three'];
    for (const text of missed) await say(pages.bob, text);
    await contexts.alice.setOffline(false);

    await waitForText(pages.alice, '#chat-log', 'missed on three');
    await waitForState(pages.alice, 'open');
    const onSecond = second.app
      .get(StreamingManager, { strict: false })
      .connections(forUser('alice'), protocol('websocket'));
    assert.equal(onSecond.length, 1, 'alice is now on the second instance');
    await say(pages.bob, 'live again');
    await waitForText(pages.alice, '#chat-log', 'live again');
    for (const text of [...missed, 'across instances', 'live again']) {
      assert.equal(await linesWith(pages.alice, text), 1, `"${text}" shown once`);
    }
    assert.equal(await pages.alice.textContent('#chat-notice'), '', 'nothing was lost');
  });
});
