import 'reflect-metadata';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import { forUser, protocol, StreamingManager } from '../../../src/index.js';
import { REDIS_URL } from '../redis/redis-test-env.js';
import { startSample, postJson, type RunningSample } from '../sample/sample-harness.js';
import { chatLinesWith, openChat, say, waitForChatState, waitForText } from './chat-page.js';
import { ensureBundle, launchBrowser, type TestBrowser } from './browser-harness.js';
import { startSwitchableProxy, type SwitchableProxy } from './switchable-proxy.js';

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
      await openChat(page, origin, name, room);
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

  test('a page cut on the first instance reconnects to the second and gets the missed messages once', async () => {
    await say(pages.bob, 'across instances');
    await waitForText(pages.alice, '#chat-log', 'across instances');

    await contexts.alice.setOffline(true);
    proxy.target(second.port);
    const cut = await postJson(`${first.http}/disconnect`, { userId: 'alice', room });
    assert.deepEqual(cut, { status: 200, body: { disconnected: 1 } });
    await waitForChatState(pages.alice, 'reconnecting');
    const missed = ['missed on one', 'missed on two', 'missed on three'];
    for (const text of missed) await say(pages.bob, text);
    await contexts.alice.setOffline(false);

    await waitForText(pages.alice, '#chat-log', 'missed on three');
    await waitForChatState(pages.alice, 'open');
    const onSecond = second.app
      .get(StreamingManager, { strict: false })
      .connections(forUser('alice'), protocol('websocket'));
    assert.equal(onSecond.length, 1, 'alice is now on the second instance');
    await say(pages.bob, 'live again');
    await waitForText(pages.alice, '#chat-log', 'live again');
    for (const text of [...missed, 'across instances', 'live again']) {
      assert.equal(await chatLinesWith(pages.alice, text), 1, `"${text}" shown once`);
    }
    assert.equal(await pages.alice.textContent('#chat-notice'), '', 'nothing was lost');
  });
});
