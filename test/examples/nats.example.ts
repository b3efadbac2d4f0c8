// README: "Scale-out" → "NATS"
import { Module } from '@nestjs/common';
import { ForgeStreamingModule } from 'nestjs-forge-streaming';
import { NatsStreamingAdapter } from 'nestjs-forge-streaming/nats';
import { ConfigModule, ConfigService } from './config-stub.js';

@Module({
  imports: [
    ForgeStreamingModule.forRootAsync({
      imports: [ConfigModule],
      inject: [ConfigService],
      useFactory: (config: ConfigService) => ({
        adapter: new NatsStreamingAdapter({
          servers: config.get('NATS_URL') ?? 'nats://127.0.0.1:4222',
          prefix: 'chat',
        }),
      }),
    }),
  ],
})
export class NatsScaledAppModule {}
