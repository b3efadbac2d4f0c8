// README: "Configuration"
import { Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { ForgeStreamingModule, type StreamingConfig } from 'nestjs-forge-streaming';

export const streamingConfig: StreamingConfig = {
  websocket: {
    enabled: true,
    readBufferSize: 1024 * 1024,
    writeBufferSize: 1024 * 1024,
    checkOrigin: ['https://app.example.com', 'https://*.example.com'],
    handshakeTimeout: 10_000,
    pingPeriod: 30_000,
    pongWait: 10_000,
    maxMessageSize: 64 * 1024,
    maxConnections: 10_000,
    perMessageDeflate: false,
  },
  sse: {
    enabled: true,
    retryInterval: 3_000,
    maxConnections: 10_000,
    bufferSize: 1024 * 1024,
    historySize: 1_000,
    heartbeatInterval: 15_000,
  },
  webTransport: {
    enabled: true,
    host: '0.0.0.0',
    port: 4433,
    maxConnections: 1_000,
    maxStreams: 100,
    bufferSize: 1024 * 1024,
    http3: 'auto',
  },
  slowConsumer: 'drop-oldest',
  shutdownTimeout: 5_000,
  headersTimeout: 10_000,
  jwt: { secret: 'change-me' },
};

@Module({ imports: [ForgeStreamingModule.forRoot(streamingConfig)] })
export class StaticConfigModule {}

@Module({
  imports: [
    ForgeStreamingModule.forRootAsync({
      imports: [ConfigModule.forRoot()],
      inject: [ConfigService],
      useFactory: (config: ConfigService): StreamingConfig => ({
        websocket: { maxConnections: Number(config.get('WS_MAX_CONNECTIONS') ?? 10_000) },
        jwt: { secret: config.get<string>('JWT_SECRET') ?? 'dev-secret' },
      }),
    }),
  ],
})
export class AsyncConfigModule {}
