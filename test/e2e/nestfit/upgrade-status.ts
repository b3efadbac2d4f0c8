import { randomBytes } from 'node:crypto';
import net from 'node:net';

/** The answer to a WebSocket upgrade request: status, lower-cased headers, body. */
export interface UpgradeAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * Sends one WebSocket upgrade request on a raw socket and reads the answer's head (and body,
 * for a refusal). The socket is closed once the head of a 101 arrives.
 */
export function upgradeStatus(
  port: number,
  path: string,
  headers: Record<string, string> = {},
): Promise<UpgradeAnswer> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    let data = '';
    const finish = (): void => {
      const end = data.indexOf('\r\n\r\n');
      const [statusLine = '', ...lines] = data
        .slice(0, end === -1 ? data.length : end)
        .split('\r\n');
      const parsed: Record<string, string> = {};
      for (const line of lines) {
        const colon = line.indexOf(':');
        if (colon > 0)
          parsed[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      resolve({
        status: Number(statusLine.split(' ')[1] ?? 0),
        headers: parsed,
        body: end === -1 ? '' : data.slice(end + 4),
      });
      socket.destroy();
    };
    socket.on('data', (chunk: Buffer) => {
      data += chunk.toString('latin1');
      if (data.startsWith('HTTP/1.1 101') && data.includes('\r\n\r\n')) finish();
    });
    socket.on('end', finish);
    socket.on('error', reject);
    const extra = Object.entries(headers)
      .map(([name, value]) => `${name}: ${value}\r\n`)
      .join('');
    socket.write(
      `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n${extra}\r\n`,
    );
  });
}
