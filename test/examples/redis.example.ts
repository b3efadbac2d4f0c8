// README: "Scale-out"
import { Module } from '@nestjs/common';
import { ForgeStreamingModule } from 'nestjs-forge-streaming';
import { RedisStreamingAdapter } from 'nestjs-forge-streaming/redis';
import { ConfigModule, ConfigService } from './config-stub.js';

@Module({
  imports: [
    ForgeStreamingModule.forRootAsync({
      imports: [ConfigModule],
      inject: [ConfigService],
      useFactory: (config: ConfigService) => ({
        adapter: new RedisStreamingAdapter({ url: config.get('REDIS_URL'), keyPrefix: 'chat:' }),
      }),
    }),
  ],
})
export class ScaledAppModule {}
