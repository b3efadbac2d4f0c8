import { Injectable } from '@nestjs/common';
import type { WebTransportKind } from '../../interfaces/connection.interface.js';
import { WebTransportUnavailableError } from '../../errors/web-transport-unavailable.error.js';

/** A certificate hash as `serverCertificateHashes` takes it (hex value). */
export interface WebTransportCertificateHash {
  readonly algorithm: 'sha-256';
  /** Lower-case hex SHA-256 of the certificate's DER. */
  readonly value: string;
}

/**
 * What applications need to know about the running WebTransport server: the bound address, the
 * transports in use and the certificate hash clients pin (`serverCertificateHashes`).
 * Inject it anywhere; it is filled when the server has started.
 */
@Injectable()
export class WebTransportServerInfo {
  private state:
    | {
        host: string;
        port: number;
        sha256: string;
        certificateGenerated: boolean;
        transports: WebTransportKind[];
      }
    | undefined;

  /** Whether the server is listening. */
  get running(): boolean {
    return this.state !== undefined;
  }

  /** The bound port (useful with `port: 0`). Throws when the server is not running. */
  get port(): number {
    return this.require().port;
  }

  /** The address the server listens on. */
  get host(): string {
    return this.require().host;
  }

  /** The transports served (`http2` and `websocket` always; `http3` with the addon). */
  get transports(): readonly WebTransportKind[] {
    return this.require().transports;
  }

  /** Whether the certificate was generated for development. */
  get certificateGenerated(): boolean {
    return this.require().certificateGenerated;
  }

  /** The certificate hash for `serverCertificateHashes`: `{ algorithm: 'sha-256', value: hex }`. */
  certificateHash(): WebTransportCertificateHash {
    return { algorithm: 'sha-256', value: this.require().sha256 };
  }

  /** The `https://` URL of a path on this server (loopback host when listening on all addresses). */
  url(path = '/'): string {
    const { host, port } = this.require();
    const shown = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '[::1]' : host;
    const bracketed = shown.includes(':') && !shown.startsWith('[') ? `[${shown}]` : shown;
    return `https://${bracketed}:${port}${path.startsWith('/') ? path : `/${path}`}`;
  }

  /** Called by the transport once it listens. */
  publish(state: {
    host: string;
    port: number;
    sha256: string;
    certificateGenerated: boolean;
    transports: WebTransportKind[];
  }): void {
    this.state = state;
  }

  /** Called by the transport when it stopped. */
  clear(): void {
    this.state = undefined;
  }

  private require(): NonNullable<WebTransportServerInfo['state']> {
    if (!this.state) {
      throw new WebTransportUnavailableError(
        'The WebTransport server is not running (enable it with webTransport.enabled: true)',
      );
    }
    return this.state;
  }
}
