import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  constants,
  type IncomingHttpHeaders,
  type Http2SecureServer,
  type ServerHttp2Stream,
} from 'node:http2';

/** What the page on the WebTransport port shows. */
export interface WebTransportPageInfo {
  /** Lower-case hex SHA-256 of the certificate's DER. */
  readonly sha256: string;
  /** Whether the certificate was generated for development. */
  readonly generated: boolean;
}

/** A plain answer: status, headers and body (empty for HEAD). */
interface PlainAnswer {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

const ALLOW = 'GET, HEAD, CONNECT';

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The HTML page a browser gets for a plain GET on the WebTransport port. */
export function webTransportPageHtml(info: WebTransportPageInfo): string {
  const hash = escapeHtml(info.sha256);
  const bytes = (info.sha256.match(/../g) ?? []).map((pair) => `0x${pair}`).join(', ');
  const kind = info.generated ? 'a development certificate (valid 13 days)' : 'its certificate';
  return (
    '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">' +
    '<title>WebTransport endpoint</title></head><body>\n' +
    '<h1>WebTransport endpoint</h1>\n' +
    `<p>This port serves WebTransport sessions (HTTP/2 extended CONNECT, the WebSocket mapping ` +
    `and, when available, HTTP/3) with ${kind}. Pages open sessions with ` +
    '<code>new WebTransport(url, { serverCertificateHashes })</code>; ordinary requests get ' +
    'this page.</p>\n' +
    `<p>Certificate SHA-256: <code id="sha256">${hash}</code></p>\n` +
    `<pre>serverCertificateHashes: [{ algorithm: 'sha-256', value: new Uint8Array([${bytes}]) }]</pre>\n` +
    '</body></html>\n'
  );
}

/** The answer to a request that is not a session request (`CONNECT`). */
export function plainAnswer(method: string | undefined, info: WebTransportPageInfo): PlainAnswer {
  const common = {
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    'content-security-policy': "default-src 'none'",
  };
  if (method === 'GET' || method === 'HEAD') {
    const body = webTransportPageHtml(info);
    return {
      status: 200,
      headers: { ...common, 'content-type': 'text/html; charset=utf-8' },
      body: method === 'HEAD' ? '' : body,
    };
  }
  return {
    status: 405,
    headers: { ...common, allow: ALLOW, 'content-type': 'text/plain; charset=utf-8' },
    body: `${method ?? 'This method'} is not served here: use CONNECT for a WebTransport session\n`,
  };
}

function answerStream(
  stream: ServerHttp2Stream,
  method: string | undefined,
  info: WebTransportPageInfo,
): void {
  const answer = plainAnswer(method, info);
  try {
    stream.respond({ [constants.HTTP2_HEADER_STATUS]: answer.status, ...answer.headers });
    stream.end(answer.body);
  } catch {
    stream.destroy();
  }
}

function answerHttp1(
  request: IncomingMessage,
  response: ServerResponse,
  info: WebTransportPageInfo,
): void {
  const answer = plainAnswer(request.method, info);
  response.writeHead(answer.status, answer.headers);
  response.end(answer.body);
}

/**
 * Serves the page on the library's HTTP/2 server: a browser's ordinary request (HTTP/2 or
 * HTTP/1.1, `GET`/`HEAD`) gets 200 with the certificate hash instead of the library's 406;
 * other methods get 405 with `Allow`; `CONNECT` streams go to the library's own handlers.
 */
export function servePlainRequests(server: Http2SecureServer, info: WebTransportPageInfo): void {
  const library = server.listeners('stream') as ((...args: unknown[]) => void)[];
  // A `request` listener serves HTTP/1.1; Node also adds a compatibility `stream` listener for
  // it, removed below with the library's so that HTTP/2 streams are dispatched only here.
  server.on('request', (request: IncomingMessage, response: ServerResponse) =>
    answerHttp1(request, response, info),
  );
  server.removeAllListeners('stream');
  server.on(
    'stream',
    (stream: ServerHttp2Stream, headers: IncomingHttpHeaders, flags: number, raw: string[]) => {
      const method = headers[constants.HTTP2_HEADER_METHOD];
      if (method === 'CONNECT') {
        for (const listener of library) listener.call(server, stream, headers, flags, raw);
        return;
      }
      stream.on('error', () => stream.destroy());
      answerStream(stream, typeof method === 'string' ? method : undefined, info);
    },
  );
}
