import type { INestApplication } from '@nestjs/common';
import { createSampleApp } from '../../../sample/create-sample-app.js';
import type { SampleConfig } from '../../../sample/config/sample-config.js';

/** A running in-process sample app on a free loopback port. */
export interface RunningSample {
  readonly app: INestApplication;
  readonly config: SampleConfig;
  readonly port: number;
  /** `http://127.0.0.1:<port>` */
  readonly http: string;
  /** `ws://127.0.0.1:<port>` */
  readonly ws: string;
  close(): Promise<void>;
}

/**
 * Starts the sample app in-process on 127.0.0.1 with a free port (or `port`, to restart an
 * instance where its clients reconnect). Defaults for tests: fast ticks (`TICK_MS=100`) and no
 * WebTransport server unless `WT_ENABLED=true` is given.
 */
export async function startSample(
  env: Record<string, string> = {},
  port = 0,
): Promise<RunningSample> {
  const { app, config } = await createSampleApp({
    env: { PORT: '0', WT_PORT: '0', WT_ENABLED: 'false', TICK_MS: '100', ...env },
    logger: false,
  });
  await app.listen(port, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  const listening = address.port;
  return {
    app,
    config,
    port: listening,
    http: `http://127.0.0.1:${listening}`,
    ws: `ws://127.0.0.1:${listening}`,
    close: () => app.close(),
  };
}

/** POSTs JSON and returns the status and parsed body. */
export async function postJson(
  url: string,
  body: unknown,
): Promise<{ status: number; body: unknown }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: await response.json().catch(() => undefined) };
}

/** A demo token for `userId` from `POST /auth/token`. */
export async function tokenFor(sample: RunningSample, userId: string): Promise<string> {
  const { status, body } = await postJson(`${sample.http}/auth/token`, { userId });
  if (status !== 200) throw new Error(`POST /auth/token answered ${status}`);
  return (body as { token: string }).token;
}
