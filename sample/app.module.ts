import { Module, type DynamicModule } from '@nestjs/common';
import { ForgeStreamingModule, type StreamingAdapter } from 'nestjs-forge-streaming';
import { AdminModule } from './admin/admin.module.js';
import { AuthModule } from './auth/auth.module.js';
import { ChatModule } from './chat/chat.module.js';
import type { SampleConfig } from './config/sample-config.js';
import { SampleConfigModule } from './config/sample-config.module.js';
import { streamingConfigFor } from './config/streaming-config.factory.js';
import { DashboardModule } from './dashboard/dashboard.module.js';
import { EchoModule } from './echo/echo.module.js';
import { EventsModule } from './events/events.module.js';
import { NotificationsModule } from './notifications/notifications.module.js';
import { OpsModule } from './ops/ops.module.js';
import { PageModule } from './page/page.module.js';
import { WebTransportModule } from './webtransport/web-transport.module.js';

/** The sample application: every feature, configured from a {@link SampleConfig}. */
@Module({})
export class SampleAppModule {
  /** Builds the module for `config`; `adapter` replaces the in-memory backend (Redis). */
  static forConfig(config: SampleConfig, adapter?: StreamingAdapter): DynamicModule {
    return {
      module: SampleAppModule,
      imports: [
        SampleConfigModule.forConfig(config),
        ForgeStreamingModule.forRoot(streamingConfigFor(config, adapter)),
        AuthModule,
        EchoModule,
        ChatModule,
        EventsModule,
        DashboardModule,
        NotificationsModule,
        AdminModule,
        WebTransportModule,
        PageModule,
        OpsModule,
      ],
    };
  }
}
