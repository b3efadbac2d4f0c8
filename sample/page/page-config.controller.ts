import { Controller, Get, Inject, Optional } from '@nestjs/common';
import { WebTransportServerInfo, type WebTransportKind } from 'nestjs-forge-streaming';
import { SAMPLE_CONFIG, type SampleConfig } from '../config/sample-config.js';

/** What the page needs to know of the server. */
export interface PageConfig {
  /** Interval of ticks and dashboard samples, in ms. */
  readonly tickMs: number;
  readonly webTransport: {
    readonly enabled: boolean;
    /** Port of the WebTransport server. */
    readonly port: number;
    /** Path of the echo session. */
    readonly path: string;
    /** Transports the server offers (`http3` only with the HTTP/3 addon). */
    readonly transports: readonly WebTransportKind[];
  };
}

/** `GET /page-config`: settings the page reads at start-up. */
@Controller()
export class PageConfigController {
  constructor(
    @Inject(SAMPLE_CONFIG) private readonly config: SampleConfig,
    @Optional()
    @Inject(WebTransportServerInfo)
    private readonly webTransport: WebTransportServerInfo | undefined,
  ) {}

  @Get('page-config')
  pageConfig(): PageConfig {
    return {
      tickMs: this.config.tickMs,
      webTransport: {
        enabled: this.webTransport?.running ?? false,
        port: this.webTransport?.running ? this.webTransport.port : this.config.webTransportPort,
        path: '/wt/echo',
        transports: this.webTransport?.running ? this.webTransport.transports : [],
      },
    };
  }
}
