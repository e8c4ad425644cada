import { NotFoundError } from '../errors.ts';

/** A positive integer id from the URL; anything else is a page that does not exist. */
export function idParam(value: unknown, what: string): number {
  if (typeof value !== 'string' || !/^[1-9]\d{0,15}$/.test(value)) throw new NotFoundError(what);
  return Number(value);
}
