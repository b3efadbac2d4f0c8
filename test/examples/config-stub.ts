// A minimal configuration module for the examples (stands in for @nestjs/config).
import { Injectable, Module } from '@nestjs/common';

@Injectable()
export class ConfigService {
  get(key: string): string | undefined {
    return process.env[key];
  }
}

@Module({ providers: [ConfigService], exports: [ConfigService] })
export class ConfigModule {}
