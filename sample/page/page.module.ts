import { Module } from '@nestjs/common';
import { PageConfigController } from './page-config.controller.js';

/** The page's settings endpoint (the page itself is served from `sample/public`). */
@Module({ controllers: [PageConfigController] })
export class PageModule {}
