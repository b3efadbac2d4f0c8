import { BadRequestException } from '@nestjs/common';

const USER_ID = /^[\p{L}\p{N}_.@-]{1,64}$/u;

/** Checks a user id from a request (1–64 letters, digits, `_ . @ -`); throws 400 otherwise. */
export function parseUserId(value: unknown, field = 'userId'): string {
  const text = typeof value === 'string' ? value.trim() : '';
  if (!USER_ID.test(text)) {
    throw new BadRequestException(
      `${field} must be 1 to 64 letters, digits or the characters _ . @ -`,
    );
  }
  return text;
}
