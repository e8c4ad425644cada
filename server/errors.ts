import { t } from './i18n/context.ts';

/** Errors that carry an HTTP status and a stable code (STYLE 2.7). */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export type FieldMessages = Record<string, string>;

/** The form or the rules rejected the input; one message per field. */
export class FieldErrors extends AppError {
  constructor(
    readonly fields: FieldMessages,
    status = 422,
  ) {
    super(status, 'invalid_input', t('error.invalid_input'));
  }
}

export class ForbiddenError extends AppError {
  constructor(message = t('error.forbidden')) {
    super(403, 'forbidden', message);
  }
}

export class NotFoundError extends AppError {
  constructor(what = 'page') {
    super(404, 'not_found', t('error.not_found', { what }));
  }
}

export class BadRequestError extends AppError {
  constructor(message: string) {
    super(400, 'bad_request', message);
  }
}

export class TooManyRequestsError extends AppError {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(429, 'too_many_requests', message);
  }
}

export function throwNotFound(what: string): never {
  throw new NotFoundError(what);
}

/** Someone else holds the room for (part of) the slot; found inside the BEGIN IMMEDIATE or by Exchange free/busy. */
export class SlotTakenError extends AppError {
  constructor(readonly roomName: string) {
    super(409, 'slot_taken', t('error.slot_taken', { room: roomName }));
  }
}

/** The request conflicts with the record's current state (e.g. changing a cancelled booking). */
export class ConflictError extends AppError {
  constructor(message: string) {
    super(409, 'conflict', message);
  }
}
