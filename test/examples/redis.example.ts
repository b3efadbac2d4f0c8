// README: "Scale-out"
import { Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { ForgeStreamingModule } from 'nestjs-forge-streaming';
import { RedisStreamingAdapter } from 'nestjs-forge-streaming/redis';

@Module({
  imports: [
    ForgeStreamingModule.forRootAsync({
      imports: [ConfigModule.forRoot()],
      inject: [ConfigService],
      useFactory: (config: ConfigService) => ({
        adapter: new RedisStreamingAdapter({
          url: config.get<string>('REDIS_URL'),
          keyPrefix: 'chat:',
        }),
      }),
    }),
  ],
})
export class ScaledAppModule {}
