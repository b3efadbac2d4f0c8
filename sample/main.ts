import { createSampleApp } from './create-sample-app.js';
import { describeEndpoints } from './sample-urls.js';

/** Starts one sample process: builds the app, listens on `PORT`, prints the URLs. */
export async function startSample(): Promise<void> {
  const { app, config } = await createSampleApp();
  app.enableShutdownHooks(['SIGTERM', 'SIGINT'], { useProcessExit: true });
  if (config.host) await app.listen(config.port, config.host);
  else await app.listen(config.port);
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const wtPort = config.webTransportEnabled ? config.webTransportPort : undefined;
  console.log(describeEndpoints(config, port, wtPort).join('\n'));
}

startSample().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
