import { Module } from '@nestjs/common';
import { EchoController } from './echo.controller.js';

/** WebSocket echo: WS `/ws/echo`. */
@Module({ controllers: [EchoController] })
export class EchoModule {}
