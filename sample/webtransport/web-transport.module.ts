import { Module } from '@nestjs/common';
import { CertHashController } from './cert-hash.controller.js';
import { WebTransportEchoController } from './web-transport-echo.controller.js';

/** WebTransport echo on `WT_PORT` and the certificate hash its clients pin. */
@Module({ controllers: [WebTransportEchoController, CertHashController] })
export class WebTransportModule {}
