import { Controller, Get, Inject } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { StreamingAsyncApi, type AsyncApiDocument } from 'nestjs-forge-streaming';

/** `GET /asyncapi.json`: the AsyncAPI 3.0 document of the sample's event gateways. */
@Controller()
export class AsyncApiController {
  private document: Promise<AsyncApiDocument> | undefined;

  constructor(@Inject(ModuleRef) private readonly moduleRef: ModuleRef) {}

  @Get('asyncapi.json')
  asyncApi(): Promise<AsyncApiDocument> {
    this.document ??= StreamingAsyncApi.document(this.moduleRef, {
      title: 'nestjs-forge-streaming sample',
      version: '1.0.0',
      description: 'The chat rooms gateway of the sample app.',
    });
    return this.document;
  }
}
