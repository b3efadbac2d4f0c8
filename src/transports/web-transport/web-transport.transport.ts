import { Inject, Injectable } from '@nestjs/common';
import { MissingDependencyError } from '../../errors/missing-dependency.error.js';
import { HandshakeGate } from '../../handshake/handshake-gate.service.js';
import { headerValue } from '../../handshake/handshake-request.js';
import type { HandshakeRefusal } from '../../handshake/refusal.js';
import type { RouteDefinition } from '../../handshake/route-definition.js';
import type { HandshakeRequest, WebTransportKind } from '../../interfaces/connection.interface.js';
import type { WebTransportRouteOptions } from '../../interfaces/route-options.interface.js';
import type { ResolvedStreamingConfig } from '../../interfaces/streaming-config.interface.js';
import { RouteTable } from '../../routing/route-table.service.js';
import { StreamingStatsCollector } from '../../stats/streaming-stats-collector.service.js';
import { STREAMING_RESOLVED_CONFIG } from '../../streaming.constants.js';
import { BaseTransport } from '../base.transport.js';
import { HTTP3_ADDON, loadWebTransportLibrary } from './load-web-transport-library.js';
import {
  certificateFromPem,
  generateDevelopmentCertificate,
  type WebTransportCertificate,
} from './web-transport-certificate.js';
import { flowControlWindows } from './web-transport-flow-control.js';
import { handshakeRequestFromSessionHeader, kindOfProtocol } from './web-transport-request.js';
import { WebTransportServerInfo } from './web-transport-server-info.service.js';
import { WebTransportServer, type PendingSessionRequest } from './web-transport-server.js';
import { WebTransportSessionImpl } from './web-transport.connection.js';

/**
 * Serves WebTransport routes on a server of their own (`webTransport.host/port`) with
 * `@fails-components/webtransport`: HTTP/2 and the WebSocket mapping always, HTTP/3 when the
 * addon loads. Guards run on the session request; refusals are HTTP statuses (origin 403,
 * limit 503, guards 401/403, unknown path 404) and no session is created.
 */
@Injectable()
export class WebTransportTransport extends BaseTransport<WebTransportSessionImpl> {
  readonly protocol = 'webtransport' as const;
  private server: WebTransportServer | undefined;

  constructor(
    @Inject(STREAMING_RESOLVED_CONFIG) config: ResolvedStreamingConfig,
    @Inject(RouteTable) routes: RouteTable,
    @Inject(HandshakeGate) gate: HandshakeGate,
    @Inject(StreamingStatsCollector) stats: StreamingStatsCollector,
    @Inject(WebTransportServerInfo) private readonly info: WebTransportServerInfo,
  ) {
    super(config, routes, gate, stats);
  }

  protected get enabled(): boolean {
    return this.config.webTransport.enabled;
  }

  protected get disabledNote(): string {
    return 'WebTransport routes are declared but webTransport.enabled is false: they are not served';
  }

  protected async listen(): Promise<boolean> {
    const settings = this.config.webTransport;
    const loaded = await loadWebTransportLibrary();
    if (settings.http3 === 'required' && !loaded.http3Available) {
      throw new MissingDependencyError(
        HTTP3_ADDON,
        `WebTransport over HTTP/3 (webTransport.http3: 'required'; ${loaded.http3Problem})`,
      );
    }
    const http3 = settings.http3 !== 'off' && loaded.http3Available;
    const certificate = await this.certificate();
    this.server = new WebTransportServer(
      http3 ? loaded.library.HttpServer : loaded.library.Http2Server,
      {
        host: settings.host,
        port: settings.port,
        cert: certificate.cert,
        privateKey: certificate.privateKey,
        windows: flowControlWindows(settings),
        page: { sha256: certificate.sha256, generated: certificate.generated },
      },
      (request) => this.handleRequest(request),
    );
    const address = await this.server.listen();
    const transports: WebTransportKind[] = http3
      ? ['http3', 'http2', 'websocket']
      : ['http2', 'websocket'];
    this.info.publish({
      host: settings.host,
      port: address.port,
      sha256: certificate.sha256,
      certificateGenerated: certificate.generated,
      transports,
    });
    const http3Note = http3
      ? 'HTTP/3 on'
      : settings.http3 === 'off'
        ? 'HTTP/3 off (webTransport.http3: off)'
        : `HTTP/3 off (${HTTP3_ADDON} not available)`;
    this.logger.log(
      `WebTransport on ${this.info.url()}: HTTP/2 + WebSocket mapping, ${http3Note}; ` +
        `${certificate.generated ? 'development certificate' : 'certificate'} sha-256 ${certificate.sha256}`,
    );
    return true;
  }

  protected release(): void {
    this.server?.stop();
    this.server = undefined;
    this.info.clear();
  }

  /** Sessions still open at the drain deadline end when the server stops. */
  protected terminate(): void {}

  private async certificate(): Promise<WebTransportCertificate> {
    const { cert, privateKey, host } = this.config.webTransport;
    if (cert !== undefined && privateKey !== undefined) return certificateFromPem(cert, privateKey);
    return generateDevelopmentCertificate(host);
  }

  private handleRequest(pending: PendingSessionRequest): void {
    const { event } = pending;
    const responder = { refuse: (answer: HandshakeRefusal) => answerRefusal(pending, answer) };
    const request = handshakeRequestFromSessionHeader(event.header, event.peerAddress, {});
    const match = this.routes.match('webtransport', request.path);
    if (!match) {
      this.refuseUnrouted(responder, `No WebTransport route for ${request.path}`);
      return;
    }
    if (!this.admits(responder)) return;
    const matched = { ...request, params: match.params };
    const kind = kindOfProtocol(event.protocol);
    this.gate.run({
      protocol: 'webtransport',
      match,
      request: matched,
      origin: headerValue(matched.headers, 'origin'),
      host: headerValue(matched.headers, 'host'),
      settings: this.config.webTransport,
      timeoutMs: this.config.headersTimeout,
      responder,
      accept: (values) => this.accept(pending, match.route, matched, values, kind),
    });
  }

  private async accept(
    pending: PendingSessionRequest,
    route: RouteDefinition,
    request: HandshakeRequest,
    values: Map<string, unknown>,
    kind: WebTransportKind,
  ): Promise<WebTransportSessionImpl> {
    const librarySession = await pending.accept();
    await librarySession.ready;
    const options = route.options as WebTransportRouteOptions;
    const settings = this.config.webTransport;
    const bufferSize = options.bufferSize ?? settings.bufferSize;
    const session = new WebTransportSessionImpl(
      librarySession,
      this.connectionInit(route, request, values, bufferSize),
      {
        kind,
        maxStreams: options.maxStreams ?? settings.maxStreams,
        idleTimeout: settings.idleTimeout,
        maxMessageSize: bufferSize,
      },
    );
    return this.track(session);
  }
}

/** Answers a session request with a refusal, unless it was already answered. */
function answerRefusal(pending: PendingSessionRequest, answer: HandshakeRefusal): void {
  try {
    pending.refuse(answer);
  } catch {
    // already answered (accepted, or refused on timeout)
  }
}
