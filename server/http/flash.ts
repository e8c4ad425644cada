import type { Request } from 'express';
import type { FlashMessage } from './session-types.ts';

/** Queues a message for the next page this session renders (after a redirect). */
export function flash(req: Request, type: FlashMessage['type'], message: string): void {
  (req.session.flash ??= []).push({ type, message });
}

/** Returns and clears the queued messages. */
export function takeFlash(req: Request): FlashMessage[] {
  const messages = req.session?.flash ?? [];
  if (messages.length && req.session) delete req.session.flash;
  return messages;
}
