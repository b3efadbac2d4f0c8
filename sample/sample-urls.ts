import type { SampleConfig } from './config/sample-config.js';

/** The lines `npm start` prints: where each endpoint of the sample answers. */
export function describeEndpoints(
  config: SampleConfig,
  httpPort: number,
  webTransportPort: number | undefined,
): string[] {
  const host =
    !config.host || config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  const http = `http://${host}:${httpPort}`;
  const ws = `ws://${host}:${httpPort}`;
  const lines = [
    `Sample app listening on ${http}`,
    `  Page                  ${http}/`,
    `  Login                 POST ${http}/auth/token {"userId":"alice"}`,
    `  WebSocket echo        ${ws}/ws/echo`,
    `  WebSocket chat        ${ws}/ws/chat/:room?access_token=<token>`,
    `  Chat gateway          ${ws}/ws/rooms/:room?access_token=<token>`,
    `  AsyncAPI              ${http}/asyncapi.json`,
    `  SSE ticks             ${http}/events`,
    `  SSE dashboard         ${http}/dashboard`,
    `  SSE notifications     ${http}/notifications?access_token=<token>`,
    `  Notify a user         POST ${http}/notifications/:userId {...}`,
    `  Broadcast             POST ${http}/broadcast {"message":...,"protocol"?,"room"?}`,
    `  Cut a user's sockets  POST ${http}/disconnect {"userId":...,"room"?}`,
    `  Statistics            ${http}/stats`,
  ];
  if (webTransportPort !== undefined) {
    lines.push(
      `  WebTransport echo     https://${host}:${webTransportPort}/wt/echo`,
      `  Certificate hash      ${http}/webtransport/cert-hash`,
    );
  }
  lines.push(
    `  Backend               ${config.redisUrl ? `Redis (${redact(config.redisUrl)})` : 'in-memory'}`,
  );
  return lines;
}

function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'invalid URL';
  }
}
