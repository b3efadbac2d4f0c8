import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  BadRequestException,
  ForbiddenException,
  HttpException,
  ServiceUnavailableException,
  ValidationPipe,
} from '@nestjs/common';
import { IsString } from 'class-validator';
import { StreamingException } from '../../../src/errors/streaming.exception.js';
import { codeForStatus, toMessageError } from '../../../src/gateway/message-error.js';

class Dto {
  @IsString()
  text!: string;
}

describe('message error mapping', () => {
  it('turns ValidationPipe failures into VALIDATION_FAILED with the messages as details', async () => {
    const pipe = new ValidationPipe();
    const error = await pipe.transform({ text: 1 }, { type: 'body', metatype: Dto }).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    const mapped = toMessageError(error);
    assert.equal(mapped.internal, false);
    assert.equal(mapped.error.code, 'VALIDATION_FAILED');
    assert.equal(mapped.error.status, 400);
    assert.deepEqual(mapped.error.details, ['text must be a string']);
  });

  it('keeps an HttpException status, message and an own code from its body', () => {
    assert.deepEqual(toMessageError(new ForbiddenException('Nope')).error, {
      status: 403,
      code: 'FORBIDDEN',
      message: 'Nope',
    });
    assert.deepEqual(toMessageError(new BadRequestException('Bad thing')).error, {
      status: 400,
      code: 'BAD_REQUEST',
      message: 'Bad thing',
    });
    const own = new HttpException({ code: 'ROOM_FULL', message: 'Room is full' }, 409);
    assert.deepEqual(toMessageError(own).error, {
      status: 409,
      code: 'ROOM_FULL',
      message: 'Room is full',
    });
  });

  it('maps a StreamingException by its status and anything else to INTERNAL', () => {
    assert.deepEqual(toMessageError(new StreamingException('Slow down', 1008, 429)).error, {
      status: 429,
      code: 'RATE_LIMITED',
      message: 'Slow down',
    });
    const internal = toMessageError(new TypeError('x is undefined at secret.ts:12'));
    assert.equal(internal.internal, true);
    assert.deepEqual(internal.error, {
      status: 500,
      code: 'INTERNAL',
      message: 'Internal server error',
    });
    assert.equal(toMessageError(new HttpException('db down', 502)).error.code, 'INTERNAL');
    assert.equal(toMessageError(new StreamingException('db down', 1011, 500)).internal, true);
  });

  it('maps a 503 to UNAVAILABLE with its message (the request may be sent again)', () => {
    const unavailable = toMessageError(new ServiceUnavailableException('History unavailable'));
    assert.equal(unavailable.internal, false);
    assert.deepEqual(unavailable.error, {
      status: 503,
      code: 'UNAVAILABLE',
      message: 'History unavailable',
    });
    assert.deepEqual(toMessageError(new StreamingException('Try later', 1013, 503)).error, {
      status: 503,
      code: 'UNAVAILABLE',
      message: 'Try later',
    });
  });

  it('names statuses', () => {
    assert.equal(codeForStatus(401), 'UNAUTHORIZED');
    assert.equal(codeForStatus(429), 'RATE_LIMITED');
    assert.equal(codeForStatus(502), 'INTERNAL');
    assert.equal(codeForStatus(503), 'UNAVAILABLE');
    assert.equal(codeForStatus(418), 'ERROR');
  });
});
