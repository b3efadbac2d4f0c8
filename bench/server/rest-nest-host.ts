import 'reflect-metadata';
import {
  BadRequestException,
  Body,
  Controller,
  HttpCode,
  Inject,
  Module,
  Post,
  type INestApplication,
  type Type,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { isBroadcastRequest } from './broadcast-request.js';

/** Injection token of the {@link BroadcastSink} a baseline host writes broadcasts to. */
export const BROADCAST_SINK = Symbol('BROADCAST_SINK');

/** What a baseline does with one broadcast message (frame it once, write it to every subscriber). */
export interface BroadcastSink {
  send(message: string): void;
}

/**
 * `POST /broadcast {message, protocol?}` on the same Nest + Express request path as the library's
 * REST controller (body parser, router, `@Body()`, 204), handing the message to the sink.
 */
@Controller()
class SinkBroadcastController {
  constructor(@Inject(BROADCAST_SINK) private readonly sink: BroadcastSink) {}

  @Post('broadcast')
  @HttpCode(204)
  broadcast(@Body() body: unknown): void {
    if (!isBroadcastRequest(body)) throw new BadRequestException('Expected {"message": string}');
    this.sink.send(body.message);
  }
}

/**
 * A Nest application (Express) whose only job is the broadcast endpoint above (plus any
 * `controllers` given): the HTTP side of a REST-triggered baseline, so that the baseline and the
 * library do the same request work and differ only in how a broadcast reaches the subscribers.
 */
export async function createBroadcastHost(
  sink: BroadcastSink,
  controllers: readonly Type[] = [],
): Promise<INestApplication> {
  @Module({
    controllers: [SinkBroadcastController, ...controllers],
    providers: [{ provide: BROADCAST_SINK, useValue: sink }],
  })
  class BroadcastHostModule {}
  return NestFactory.create(BroadcastHostModule, { logger: false });
}
