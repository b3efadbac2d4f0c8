// The soak's traffic: gateway chat senders and receivers (acknowledged requests), echo churn and
// SSE streams that resume with Last-Event-ID. Every counter the report needs lives here.
import http from 'node:http';
import WebSocket from 'ws';
import { createParser } from 'eventsource-parser';
import { createStreamingClient, StreamingRequestError } from '../../dist/src/client/index.js';

/** Request failures the client itself produces (no reply came): not a refusal by the server. */
const CLIENT_SIDE_FAILURES = new Set(['TIMEOUT', 'DISCONNECTED', 'CLOSED']);

/** Asks any running instance for a demo token of `userId`. */
export async function tokenFor(instances, userId) {
  for (const instance of instances.filter((i) => i.running)) {
    const response = await fetch(`http://127.0.0.1:${instance.port}/auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ userId }),
    }).catch(() => undefined);
    if (response?.ok) return (await response.json()).token;
  }
  throw new Error('no instance issued a token');
}

/** Chat rooms with senders on both instances and receivers on both. */
export class ChatTraffic {
  constructor(instances, rooms, receiversPerInstance) {
    this.instances = instances;
    this.rooms = rooms;
    this.receiversPerInstance = receiversPerInstance;
    this.senders = [];
    this.receivers = [];
    this.acked = [];
    this.unacked = 0;
    /** Error replies (e.g. UNAVAILABLE: not accepted), by code; each is sent again later. */
    this.refused = {};
    this.retried = 0;
    this.sequence = 0;
  }

  async start() {
    const tokens = new Map();
    const token = async (user) => {
      if (!tokens.has(user)) tokens.set(user, await tokenFor(this.instances, user));
      return tokens.get(user);
    };
    for (const room of this.rooms) {
      for (const instance of this.instances) {
        const user = `sender-${room}-${instance.name}`;
        await token(user);
        this.senders.push({
          room,
          retry: [],
          client: this.open(instance, room, () => token(user)),
        });
        for (let i = 0; i < this.receiversPerInstance; i += 1) {
          const receiverUser = `receiver-${room}-${instance.name}-${i}`;
          await token(receiverUser);
          const receiver = {
            room,
            name: `${instance.name}/${receiverUser}`,
            got: new Set(),
            outcomes: [],
            client: this.open(instance, room, () => token(receiverUser)),
          };
          receiver.client.on('chat.message', (message) => receiver.got.add(message.text));
          receiver.client.on('recovered', (outcome) =>
            receiver.outcomes.push({ ...outcome, at: Date.now() }),
          );
          this.receivers.push(receiver);
        }
      }
    }
    const deadline = Date.now() + 15_000;
    while ([...this.senders, ...this.receivers].some((s) => s.client.state !== 'open')) {
      if (Date.now() > deadline) throw new Error('chat clients did not open');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }

  open(instance, room, getToken) {
    return createStreamingClient(`ws://127.0.0.1:${instance.port}/ws/rooms/${room}`, {
      WebSocket,
      getToken,
      reconnect: { initialDelayMs: 100, maxDelayMs: 1000 },
      requestTimeoutMs: 5_000,
    });
  }

  /**
   * One `chat.send` from every sender; an acknowledged one is recorded with its time. A message
   * refused with an error reply was not accepted: the sender sends it again on a later tick
   * (one retry per tick, before its new message).
   */
  tick() {
    for (const sender of this.senders) {
      const { room, client } = sender;
      if (client.state !== 'open') continue;
      const again = sender.retry.shift();
      if (again !== undefined) this.retried += 1;
      const text = again ?? `m${(this.sequence += 1)}`;
      const at = Date.now();
      client.request('chat.send', { text }).then(
        (reply) => this.acked.push({ room, text, at, offset: reply?.offset }),
        (error) => {
          const code = error instanceof StreamingRequestError ? error.error.code : undefined;
          if (code !== undefined && !CLIENT_SIDE_FAILURES.has(code)) {
            this.refused[code] = (this.refused[code] ?? 0) + 1;
            sender.retry.push(text);
          } else this.unacked += 1;
        },
      );
    }
  }

  close() {
    for (const { client } of [...this.senders, ...this.receivers]) client.close();
  }

  /**
   * Every acknowledged message each receiver of its room did not get, classified by the fault
   * window it was sent in (`windows`: [{ name, from, to }]); `recoveryGaps` counts the receivers'
   * explicit `recovered: false` outcomes.
   */
  losses(windows) {
    const missing = [];
    for (const receiver of this.receivers) {
      for (const message of this.acked) {
        if (message.room !== receiver.room || receiver.got.has(message.text)) continue;
        const window = windows.find((w) => message.at >= w.from && message.at <= w.to);
        missing.push({ receiver: receiver.name, text: message.text, window: window?.name });
      }
    }
    const recoveryGaps = this.receivers.reduce(
      (sum, r) => sum + r.outcomes.filter((o) => o.recovered === false).length,
      0,
    );
    const recoveries = this.receivers.reduce((sum, r) => sum + r.outcomes.length, 0);
    return { missing, recoveryGaps, recoveries };
  }
}

/** Opens `/ws/echo`, sends one message, waits for it back, closes. */
export function echoOnce(port, text, timeoutMs = 3_000) {
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/ws/echo`);
    const timer = setTimeout(() => finish('timeout'), timeoutMs);
    function finish(outcome) {
      clearTimeout(timer);
      ws.removeAllListeners();
      ws.on('error', () => undefined);
      ws.terminate();
      resolve(outcome);
    }
    ws.on('open', () => ws.send(text));
    ws.on('message', (data) => data.toString() === text && finish('ok'));
    ws.on('unexpected-response', (_request, response) => finish(`http ${response.statusCode}`));
    ws.on('error', (error) => finish(error.code ?? 'error'));
    ws.on('close', () => finish('closed'));
  });
}

/** An SSE stream of `/events` that the soak cuts and resumes with Last-Event-ID. */
export class SseResumer {
  constructor(instance) {
    this.instance = instance;
    this.lastEventId = undefined;
    this.events = 0;
    this.resets = 0;
    this.resumes = 0;
    this.failures = 0;
    this.request = undefined;
  }

  open() {
    const headers = this.lastEventId ? { 'last-event-id': this.lastEventId } : {};
    if (this.lastEventId) this.resumes += 1;
    const parser = createParser({
      onEvent: (event) => {
        if (event.id) this.lastEventId = event.id;
        if (event.event === 'stream-reset') this.resets += 1;
        else this.events += 1;
      },
    });
    this.request = http.get(
      { host: '127.0.0.1', port: this.instance.port, path: '/events', headers },
      (response) => {
        if (response.statusCode !== 200) {
          this.failures += 1;
          response.resume();
          return;
        }
        response.setEncoding('utf8');
        response.on('data', (chunk) => parser.feed(chunk));
        response.on('error', () => undefined);
      },
    );
    this.request.on('error', () => (this.failures += 1));
  }

  /** Cuts the stream and resumes it from the last id seen. */
  cycle() {
    this.request?.destroy();
    this.open();
  }

  close() {
    this.request?.destroy();
  }
}
