import { Module } from '@nestjs/common';
import { AdminController } from './admin.controller.js';

/** `POST /broadcast`, `POST /disconnect`, `GET /stats`. */
@Module({ controllers: [AdminController] })
export class AdminModule {}
