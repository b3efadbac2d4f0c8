// README: "Scale-out" → "NATS"
import { Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { ForgeStreamingModule } from 'nestjs-forge-streaming';
import { NatsStreamingAdapter } from 'nestjs-forge-streaming/nats';

@Module({
  imports: [
    ForgeStreamingModule.forRootAsync({
      imports: [ConfigModule.forRoot()],
      inject: [ConfigService],
      useFactory: (config: ConfigService) => ({
        adapter: new NatsStreamingAdapter({
          servers: config.get<string>('NATS_URL') ?? 'nats://127.0.0.1:4222',
          prefix: 'chat',
        }),
      }),
    }),
  ],
})
export class NatsScaledAppModule {}
