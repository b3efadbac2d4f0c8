import type { Page } from 'playwright-core';

/** How long a step on the page may take. */
export const PAGE_TIMEOUT = 30_000;

/** Waits until the element at `selector` contains `text`. */
export async function waitForText(page: Page, selector: string, text: string): Promise<void> {
  await page.waitForFunction(
    ([s, t]) => document.querySelector(s)?.textContent?.includes(t) ?? false,
    [selector, text] as const,
    { timeout: PAGE_TIMEOUT, polling: 100 },
  );
}

/** Waits until the chat panel shows the client state `state` (`open`, `reconnecting`, …). */
export async function waitForChatState(page: Page, state: string): Promise<void> {
  await page.waitForFunction(
    (s) => document.getElementById('chat-connection')?.dataset.state === s,
    state,
    { timeout: PAGE_TIMEOUT, polling: 50 },
  );
}

/** Opens the page at `origin`, signs in as `userId` and joins `room`. */
export async function openChat(
  page: Page,
  origin: string,
  userId: string,
  room: string,
): Promise<void> {
  await page.goto(`${origin}/`);
  await page.waitForSelector('body[data-ready="true"]', { timeout: PAGE_TIMEOUT });
  await page.fill('#login-user', userId);
  await page.click('#login-button');
  await waitForText(page, '#login-status', `Signed in as ${userId}`);
  await page.fill('#chat-room', room);
  await page.click('#chat-join');
  await waitForText(page, '#chat-status', `In room ${room}`);
  await waitForChatState(page, 'open');
}

/** Sends a chat message from `page` and waits for its own confirmation line. */
export async function say(page: Page, text: string): Promise<void> {
  await page.fill('#chat-message', text);
  await page.press('#chat-message', 'Enter');
  await waitForText(page, '#chat-log', text);
}

/** How many lines of `page`'s chat log end with `text`. */
export function chatLinesWith(page: Page, text: string): Promise<number> {
  return page.$$eval(
    '#chat-log li',
    (items, t) => items.filter((item) => item.textContent?.endsWith(t)).length,
    text,
  );
}
