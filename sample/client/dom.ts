/** Small DOM helpers for the page (no framework). */

/** The element with `id`; throws when the page lacks it (a page/script mismatch). */
export function byId<T extends HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) throw new Error(`The page has no #${id}`);
  return element as T;
}

/** The kind of a status line, for its colour. */
export type StatusKind = 'ok' | 'warn' | 'info';

/** Sets a status line's text and kind. */
export function setStatus(element: HTMLElement, text: string, kind: StatusKind = 'info'): void {
  element.textContent = text;
  element.classList.toggle('ok', kind === 'ok');
  element.classList.toggle('warn', kind === 'warn');
}

/** The local time of day, for log lines. */
export function clock(at: number = Date.now()): string {
  return new Date(at).toLocaleTimeString([], { hour12: false });
}

/** Most lines a log keeps. */
const MAX_LOG_LINES = 200;

/** Appends a line `meta text` to a log list and scrolls it to the end. */
export function appendLog(
  list: HTMLElement,
  meta: string,
  text: string,
  className?: string,
): HTMLLIElement {
  const item = document.createElement('li');
  if (className) item.className = className;
  const label = document.createElement('span');
  label.className = 'meta';
  label.textContent = meta;
  item.append(label, document.createTextNode(text));
  list.append(item);
  while (list.children.length > MAX_LOG_LINES) list.firstElementChild?.remove();
  list.scrollTop = list.scrollHeight;
  return item;
}

/** Reads a JSON response; throws an error with the server's message when it is not 2xx. */
export async function fetchJson<T>(url: string, init?: RequestInit): Promise<T> {
  const response = await fetch(url, init);
  const body: unknown = await response.json().catch(() => undefined);
  if (!response.ok) {
    const message =
      body && typeof body === 'object' && 'message' in body
        ? String((body as { message: unknown }).message)
        : response.statusText;
    throw new Error(`${response.status} ${message}`);
  }
  return body as T;
}

/** POSTs `body` as JSON and reads the JSON answer. */
export function postJson<T>(url: string, body: unknown): Promise<T> {
  return fetchJson<T>(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

/** Parses JSON text, or returns the text itself when it is not JSON. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** A short human rendering of any value. */
export function describe(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}
