import { Global, Module, type DynamicModule } from '@nestjs/common';
import { SAMPLE_CONFIG, type SampleConfig } from './sample-config.js';

/** Provides the {@link SampleConfig} to every feature module. */
@Global()
@Module({})
export class SampleConfigModule {
  static forConfig(config: SampleConfig): DynamicModule {
    return {
      module: SampleConfigModule,
      providers: [{ provide: SAMPLE_CONFIG, useValue: config }],
      exports: [SAMPLE_CONFIG],
    };
  }
}
