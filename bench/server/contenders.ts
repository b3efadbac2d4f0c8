import type { BenchServerFactory } from './bench-server.js';
import { startForge } from './forge.server.js';
import { startHttpSse } from './http-sse.server.js';
import { startNestGateway } from './nest-gateway.server.js';
import { startNestSse } from './nest-sse.server.js';
import { startRawWs } from './raw-ws.server.js';
import { startSocketIo } from './socket-io.server.js';
import { startUws } from './uws.server.js';
import { startForgeGateway } from './forge-gateway.server.js';
import { startNestChatGateway } from './nest-chat-gateway.server.js';
import { startSocketIoAck } from './socket-io-ack.server.js';
import { startRestForge } from './rest-forge.server.js';
import { startRestRawWs } from './rest-raw-ws.server.js';
import { startRestHttpSse } from './rest-http-sse.server.js';

/** How a load client talks to a contender's WebSocket endpoints. */
export type WireDialect =
  'plain' | 'socket.io' | 'nest-json' | 'forge-gateway' | 'socket.io-ack' | 'nest-chat';

/** One contender: its label, how to start it, how its clients speak. */
export interface ContenderInfo {
  readonly label: string;
  readonly start: BenchServerFactory;
  readonly dialect: WireDialect;
}

/** Every contender the harness knows, by id. */
export const CONTENDERS = {
  forge: {
    label: 'nestjs-forge-streaming (Express)',
    start: () => startForge('express'),
    dialect: 'plain',
  },
  'forge-sync': {
    label: 'nestjs-forge-streaming (Express), conn.onMessage echo',
    start: () => startForge('express', { syncEcho: true }),
    dialect: 'plain',
  },
  'forge-fastify': {
    label: 'nestjs-forge-streaming (Fastify)',
    start: () => startForge('fastify'),
    dialect: 'plain',
  },
  'forge-webtransport': {
    label: 'nestjs-forge-streaming (WebTransport over HTTP/2 and WebSocket)',
    start: () => startForge('express', { webTransport: true }),
    dialect: 'plain',
  },
  'ws-naive': {
    label: 'raw ws, naive send loop',
    start: () => startRawWs('naive'),
    dialect: 'plain',
  },
  'ws-frame-once': {
    label: 'raw ws, frame once',
    start: () => startRawWs('frame-once'),
    dialect: 'plain',
  },
  'socket.io': {
    label: 'Socket.IO 4 (websocket only)',
    start: startSocketIo,
    dialect: 'socket.io',
  },
  'nest-gateway': {
    label: 'NestJS @WebSocketGateway (platform-ws)',
    start: startNestGateway,
    dialect: 'nest-json',
  },
  uws: { label: 'uWebSockets.js (ceiling)', start: startUws, dialect: 'plain' },
  'http-sse': { label: 'node:http SSE (res.write)', start: startHttpSse, dialect: 'plain' },
  'nest-sse': { label: 'NestJS @Sse()', start: startNestSse, dialect: 'plain' },
  'forge-gateway': {
    label: 'nestjs-forge-streaming @StreamingGateway',
    start: startForgeGateway,
    dialect: 'forge-gateway',
  },
  'socket.io-ack': {
    label: 'Socket.IO 4 with acks (websocket only)',
    start: startSocketIoAck,
    dialect: 'socket.io-ack',
  },
  'nest-chat': {
    label: 'NestJS @SubscribeMessage (platform-ws)',
    start: startNestChatGateway,
    dialect: 'nest-chat',
  },
  'forge-rest': {
    label: 'nestjs-forge-streaming, REST controller calling broadcast',
    start: startRestForge,
    dialect: 'plain',
  },
  'ws-rest': {
    label: 'same Nest controller + raw ws, frame once per request',
    start: startRestRawWs,
    dialect: 'plain',
  },
  'http-sse-rest': {
    label: 'same Nest controller + res.write per request',
    start: startRestHttpSse,
    dialect: 'plain',
  },
} satisfies Record<string, ContenderInfo>;

/** A contender id. */
export type ContenderId = keyof typeof CONTENDERS;

/** True when `id` names a known contender. */
export function isContenderId(id: string): id is ContenderId {
  return Object.hasOwn(CONTENDERS, id);
}
