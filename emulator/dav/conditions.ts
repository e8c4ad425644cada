// If-Match / If-None-Match on writes: 412 Precondition Failed when they fail (§4.1).
import { HttpError, header, type RequestContext } from '../http/context.ts';

function etags(value: string): string[] {
  return value
    .split(',')
    .map((v) => v.trim().replace(/^W\//, ''))
    .filter(Boolean);
}

/** Throws 412 unless the request's conditions hold for a resource with `currentEtag` (undefined = missing). */
export function checkPreconditions(ctx: RequestContext, currentEtag: string | undefined): void {
  const ifMatch = header(ctx, 'if-match');
  if (ifMatch !== undefined) {
    const list = etags(ifMatch);
    const ok = currentEtag !== undefined && (list.includes('*') || list.includes(currentEtag));
    if (!ok) throw new HttpError(412, 'Precondition Failed');
  }
  const ifNoneMatch = header(ctx, 'if-none-match');
  if (ifNoneMatch !== undefined) {
    const list = etags(ifNoneMatch);
    const clash = currentEtag !== undefined && (list.includes('*') || list.includes(currentEtag));
    if (clash) throw new HttpError(412, 'Precondition Failed');
  }
}
