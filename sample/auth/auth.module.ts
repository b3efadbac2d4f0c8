import { Module } from '@nestjs/common';
import { AuthController } from './auth.controller.js';
import { TokenService } from './token.service.js';

/** Demo login: `POST /auth/token`. */
@Module({ controllers: [AuthController], providers: [TokenService], exports: [TokenService] })
export class AuthModule {}
