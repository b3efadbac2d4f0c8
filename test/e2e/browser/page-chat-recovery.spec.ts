import 'reflect-metadata';
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import { startSample, postJson, type RunningSample } from '../sample/sample-harness.js';
import { chatLinesWith, openChat, say, waitForChatState, waitForText } from './chat-page.js';
import { ensureBundle, launchBrowser, type TestBrowser } from './browser-harness.js';

const ROOM = 'recovery';

/** One WebSocket a page opened: its URL and the text frames it received, in order. */
interface SeenSocket {
  readonly url: string;
  readonly received: string[];
}

interface ChatUser {
  readonly context: BrowserContext;
  readonly page: Page;
  readonly sockets: SeenSocket[];
}

describe(
  'sample page chat reconnects and recovers in headless Chromium',
  { timeout: 240_000 },
  () => {
    let sample: RunningSample;
    let browser: TestBrowser;
    const users: Record<'alice' | 'bob', ChatUser> = {} as never;

    before(async () => {
      ensureBundle();
      sample = await startSample({ HOST: '127.0.0.1' });
      browser = await launchBrowser();
      for (const name of ['alice', 'bob'] as const) {
        const context = await browser.newContext();
        const page = await context.newPage();
        const sockets: SeenSocket[] = [];
        page.on('websocket', (socket) => {
          const seen: SeenSocket = { url: socket.url(), received: [] };
          sockets.push(seen);
          socket.on('framereceived', (frame) => {
            if (typeof frame.payload === 'string') seen.received.push(frame.payload);
          });
        });
        page.on('pageerror', (error) => console.log(`[${name} page error] ${error.message}`));
        await openChat(page, sample.http, name, ROOM);
        users[name] = { context, page, sockets };
      }
    });

    after(async () => {
      await browser?.close();
      await sample?.close();
    });

    test('a page cut server-side reconnects by itself and shows exactly the missed messages once', async () => {
      const { alice, bob } = users;
      await say(bob.page, 'before the cut');
      await waitForText(alice.page, '#chat-log', 'before the cut');
      // Alice's own message is newer than her room position: the replay carries it, the page skips it.
      await say(alice.page, 'hello from alice first');
      await waitForText(bob.page, '#chat-log', 'hello from alice first');

      // Alice's browser goes offline, so her reconnect attempts fail until the three are sent.
      await alice.context.setOffline(true);
      const cut = await postJson(`${sample.http}/disconnect`, { userId: 'alice', room: ROOM });
      assert.deepEqual(cut, { status: 200, body: { disconnected: 1 } });
      await waitForChatState(alice.page, 'reconnecting');
      const missed = ['missed one', 'missed two', 'missed three'];
      for (const text of missed) await say(bob.page, text);
      const socketsBefore = alice.sockets.length;
      await alice.context.setOffline(false);

      await waitForText(alice.page, '#chat-log', 'missed three');
      await waitForChatState(alice.page, 'open');
      await say(bob.page, 'after the return');
      await waitForText(alice.page, '#chat-log', 'after the return');
      for (const text of [
        ...missed,
        'before the cut',
        'hello from alice first',
        'after the return',
      ]) {
        assert.equal(
          await chatLinesWith(alice.page, text),
          1,
          `"${text}" shown once on alice's page`,
        );
      }
      const log = (await alice.page.textContent('#chat-log')) ?? '';
      assert.ok(
        log.indexOf('missed one') < log.indexOf('missed two') &&
          log.indexOf('missed two') < log.indexOf('missed three') &&
          log.indexOf('missed three') < log.indexOf('after the return'),
        `in order: ${log}`,
      );
      assert.equal(await alice.page.textContent('#chat-notice'), '', 'no notice: nothing was lost');

      // The three came as the replay of the new connection (before `$recovered`), not live.
      const reconnected = alice.sockets
        .slice(socketsBefore)
        .find((s) => s.url.includes('recover='));
      assert.ok(reconnected, `a reconnect with ?recover=: ${alice.sockets.map((s) => s.url)}`);
      const recoveredAt = reconnected.received.findIndex((f) => f.includes('"$recovered"'));
      assert.ok(recoveredAt >= 0, 'the server answered the recovery');
      assert.match(reconnected.received[recoveredAt], /"recovered":true/);
      const replayed = reconnected.received
        .slice(0, recoveredAt)
        .filter((f) => f.includes('missed'));
      assert.equal(replayed.length, 3, `the replay: ${reconnected.received.join('\n')}`);
    });

    test('a restart of the only instance (history in memory) makes the page say history is lost', async () => {
      const { alice, bob } = users;
      await say(bob.page, 'before the restart');
      await waitForText(alice.page, '#chat-log', 'before the restart');
      const port = sample.port;
      await sample.close();
      await waitForChatState(alice.page, 'reconnecting');
      sample = await startSample({ HOST: '127.0.0.1' }, port);

      await waitForText(alice.page, '#chat-notice', 'history lost — reloaded');
      assert.equal(
        await alice.page.getAttribute('#chat-notice', 'data-reason'),
        'epoch-changed',
        'the reason the server gave',
      );
      await waitForText(alice.page, '#chat-log', 'history lost — reloaded');
      await waitForChatState(alice.page, 'open');
      await waitForChatState(bob.page, 'open');
      await say(bob.page, 'after the restart');
      await waitForText(alice.page, '#chat-log', 'after the restart');
    });
  },
);
