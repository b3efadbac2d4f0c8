import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { StreamingConfig } from './interfaces/streaming-config.interface.js';

/** Module-level flags given beside the config. */
export interface StreamingModuleExtras {
  /** Register the module globally. Default `true`. */
  isGlobal: boolean;
}

export const {
  ConfigurableModuleClass: ConfigurableStreamingModule,
  MODULE_OPTIONS_TOKEN: STREAMING_MODULE_OPTIONS,
  OPTIONS_TYPE: STREAMING_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: STREAMING_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<StreamingConfig>()
  .setClassMethodName('forRoot')
  .setExtras<StreamingModuleExtras>({ isGlobal: true }, (definition, extras) => ({
    ...definition,
    global: extras.isGlobal,
  }))
  .build();
