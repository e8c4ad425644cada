// "Exchange is not answering since 10:42": what booking pages and find-a-room say while the gateway cannot reach
// Exchange, so nobody reads "Sending to Exchange…" for an hour and wonders. Set once, here, from the gateway's own
// health (the last request failed at the network level or with a 5xx; the readiness probe counts as a request too).
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { DateTime } from 'luxon';
import type { AppContext } from '../context.ts';
import { t } from '../i18n/context.ts';
import { formatDate } from '../i18n/format.ts';

export interface ExchangeOutage {
  /** When the current run of failures began (UTC ISO), for a <time> element. */
  since: string;
  /** The banner's sentence. */
  message: string;
}

export function exchangeOutage(gateway: AppContext['gateway']): ExchangeOutage | null {
  const h = gateway.health();
  if (h.reachable) return null;
  const since = h.unreachableSince ?? h.lastError?.at ?? DateTime.utc().toISO();
  const at = DateTime.fromISO(since, { zone: 'utc' });
  // UTC, named as such: the app has no one zone of its own (rooms each have theirs).
  const when = at.isValid ? `${formatDate(at, at.hasSame(DateTime.utc(), 'day') ? 'time' : 'dateTime')} UTC` : t('outage.moment_ago');
  return { since, message: t('outage.banner', { when }) };
}

/** Puts `exchangeOutage` on res.locals (views/partials/exchange-banner.ejs shows it; null shows nothing). */
export function exchangeBanner(ctx: Pick<AppContext, 'gateway'>): RequestHandler {
  return (_req: Request, res: Response, next: NextFunction) => {
    res.locals.exchangeOutage = exchangeOutage(ctx.gateway);
    next();
  };
}
