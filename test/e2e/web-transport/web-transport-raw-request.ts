import { connect, constants } from 'node:http2';
import WebSocket from 'ws';

/**
 * Sends a WebTransport-over-HTTP/2 session request (extended CONNECT, `:protocol webtransport`)
 * and returns the response status. Certificate checks are off: this only reads the status.
 */
export async function http2SessionStatus(
  url: string,
  headers: Record<string, string> = {},
): Promise<number> {
  const target = new URL(url);
  const client = connect(target.origin, { rejectUnauthorized: false });
  client.on('error', () => undefined);
  try {
    await new Promise<void>((resolve, reject) => {
      client.once('remoteSettings', (settings) => {
        if (settings.enableConnectProtocol) resolve();
        else reject(new Error('server did not enable extended CONNECT'));
      });
      client.once('error', reject);
    });
    const stream = client.request({
      [constants.HTTP2_HEADER_METHOD]: 'CONNECT',
      ':protocol': 'webtransport',
      [constants.HTTP2_HEADER_SCHEME]: 'https',
      [constants.HTTP2_HEADER_PATH]: target.pathname + target.search,
      [constants.HTTP2_HEADER_AUTHORITY]: target.host,
      ...headers,
    });
    stream.on('error', () => undefined);
    return await new Promise<number>((resolve, reject) => {
      stream.once('response', (response) => {
        resolve(Number(response[constants.HTTP2_HEADER_STATUS]));
        stream.close();
      });
      stream.once('close', () => reject(new Error('stream closed without a response')));
    });
  } finally {
    client.close();
    client.destroy();
  }
}

/**
 * Opens the WebTransport WebSocket mapping over HTTP/1.1 (subprotocol `webtransport_kDraft2`)
 * and returns the HTTP status of the answer (101 when the session was accepted).
 */
export async function webSocketMappingStatus(
  url: string,
  headers: Record<string, string> = {},
): Promise<number> {
  const target = new URL(url);
  const ws = new WebSocket(
    `wss://${target.host}${target.pathname}${target.search}`,
    'webtransport_kDraft2',
    {
      rejectUnauthorized: false,
      headers,
    },
  );
  return new Promise<number>((resolve, reject) => {
    ws.once('upgrade', (response) => {
      resolve(response.statusCode ?? 0);
      ws.terminate();
    });
    ws.once('unexpected-response', (_request, response) => {
      resolve(response.statusCode ?? 0);
      response.resume();
      ws.terminate();
    });
    ws.once('error', reject);
  });
}
