import { WebTransportServerInfo } from 'nestjs-forge-streaming';
import { runCluster, workersFromEnv } from './cluster.js';
import { createSampleApp } from './create-sample-app.js';
import { describeEndpoints } from './sample-urls.js';
import { DefaultSecretInProductionError, jwtSecretNotice } from './config/jwt-secret-policy.js';

function webTransportPort(info: WebTransportServerInfo | undefined): number | undefined {
  return info?.running ? info.port : undefined;
}

/** Starts one sample process: builds the app, listens on `PORT`, prints the URLs. */
async function startSample(): Promise<void> {
  const { app, config } = await createSampleApp();
  app.enableShutdownHooks(['SIGTERM', 'SIGINT'], { useProcessExit: true });
  if (config.host) await app.listen(config.port, config.host);
  else await app.listen(config.port);
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  let info: WebTransportServerInfo | undefined;
  try {
    info = app.get(WebTransportServerInfo, { strict: false });
  } catch {
    info = undefined;
  }
  const worker = process.env.FORGE_WORKER_INDEX;
  if (worker === undefined || worker === '0') {
    console.log(describeEndpoints(config, port, webTransportPort(info)).join('\n'));
  }
}

/**
 * Refuses the default secret under `NODE_ENV=production` (one line on stderr, exit 1) and says
 * once, from the first process, when the default secret is in use otherwise.
 */
function checkJwtSecret(): void {
  try {
    const notice = jwtSecretNotice(process.env);
    if (notice && process.env.FORGE_WORKER_INDEX === undefined) console.warn(notice);
  } catch (error) {
    if (!(error instanceof DefaultSecretInProductionError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
}

checkJwtSecret();

/**
 * `WORKERS=n` runs n processes on one port (give them `REDIS_URL` to share state). Only the first
 * worker runs the shared tick and the WebTransport server (each process would otherwise generate
 * its own development certificate).
 */
runCluster({
  workers: workersFromEnv(process.env),
  start: startSample,
  workerEnv: (index): Record<string, string> =>
    index === 0 ? {} : { TICKER: 'off', WT_ENABLED: 'false' },
}).catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
