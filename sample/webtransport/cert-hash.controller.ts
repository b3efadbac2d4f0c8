import { Controller, Get, Inject, Optional, ServiceUnavailableException } from '@nestjs/common';
import { WebTransportServerInfo, type WebTransportCertificateHash } from 'nestjs-forge-streaming';

/**
 * `GET /webtransport/cert-hash`: the SHA-256 of the WebTransport server's certificate, for the
 * clients' `serverCertificateHashes` (`{ algorithm: 'sha-256', value: '<hex>' }`).
 */
@Controller('webtransport')
export class CertHashController {
  constructor(
    @Optional()
    @Inject(WebTransportServerInfo)
    private readonly server: WebTransportServerInfo | undefined,
  ) {}

  @Get('cert-hash')
  certHash(): WebTransportCertificateHash {
    if (!this.server?.running) {
      throw new ServiceUnavailableException('The WebTransport server is not running');
    }
    return this.server.certificateHash();
  }
}
