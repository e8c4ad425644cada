import type { NextFunction, Request, Response } from 'express';
import type { Logger } from '../log.ts';
import { AppError, FieldErrors, NotFoundError, SlotTakenError, TooManyRequestsError } from '../errors.ts';
import type { FormPage } from './form.ts';
import { applyBaseLocals } from './locals.ts';
import { t } from '../i18n/context.ts';

export function notFound(_req: Request, _res: Response, next: NextFunction): void {
  next(new NotFoundError());
}

const wantsJson = (req: Request) => req.path.startsWith('/api/') || req.accepts(['html', 'json']) === 'json';

/** body-parser and friends signal client mistakes with `status`/`statusCode` (413, 400 on bad encoding). */
function clientStatus(err: unknown): number | undefined {
  const e = err as { status?: unknown; statusCode?: unknown; expose?: unknown };
  const status = typeof e.status === 'number' ? e.status : typeof e.statusCode === 'number' ? e.statusCode : undefined;
  return status && status >= 400 && status < 500 ? status : undefined;
}

/** Client mistakes body-parser reports, as catalog keys (API codes stay stable; the words follow the request's language). */
const CLIENT_MESSAGES: Record<number, string> = { 400: 'error.bad_request', 413: 'error.too_large', 415: 'error.unsupported_type' };

/** One place that turns errors into pages or JSON: form errors re-render the form, others get a friendly page. */
export function errorHandler(log: Logger) {
  return async (err: unknown, req: Request, res: Response, next: NextFunction): Promise<void> => {
    if (res.headersSent) return next(err);
    let status: number;
    let code: string;
    let message: string;
    if (err instanceof AppError) {
      ({ status, code, message } = err);
    } else if (clientStatus(err)) {
      status = clientStatus(err)!;
      code = 'bad_request';
      message = t(CLIENT_MESSAGES[status] ?? 'error.unprocessable');
    } else {
      status = 500;
      code = 'internal';
      message = t('error.internal');
      (req.log ?? log).error({ err, requestId: req.id }, 'unhandled error');
    }
    if (err instanceof TooManyRequestsError) res.set('Retry-After', String(err.retryAfterSeconds));
    res.status(status);
    // The error may come from middleware that ran before the page locals were set (CSRF, body parsing).
    if (res.locals.user === undefined) applyBaseLocals(req, res);

    if (wantsJson(req)) {
      res.json({ error: { code, message, ...(err instanceof FieldErrors ? { fields: err.fields } : {}) } });
      return;
    }
    const form = res.locals.formPage as FormPage | undefined;
    if (form && (err instanceof FieldErrors || err instanceof TooManyRequestsError || err instanceof SlotTakenError)) {
      try {
        // The route's params, as the route saw them (Express has given req.params back to the app by now).
        req.params = { ...form.params };
        const model = await form.load(req, err);
        const errors = err instanceof FieldErrors ? err.fields : { _form: message };
        res.render(form.view, { ...model, values: req.body ?? {}, errors });
        return;
      } catch (loadErr) {
        if (loadErr instanceof AppError) {
          // The page itself is not there for this user (a booking that does not exist): that answer, not a 500.
          ({ status, message } = loadErr);
          res.status(status);
          err = loadErr;
        } else {
          (req.log ?? log).error({ err: loadErr, requestId: req.id }, 'form page could not be re-rendered');
          res.status(500);
        }
      }
    }
    const fields = err instanceof FieldErrors ? Object.values(err.fields) : [];
    const model = { title: titleFor(res.statusCode), status: res.statusCode, message, fields, requestId: req.id };
    res.render('errors/error', model, (renderErr: Error | null, html?: string) => {
      if (!renderErr) return void res.send(html);
      // Never fall through to Express's default handler: it would show a stack trace.
      (req.log ?? log).error({ err: renderErr, requestId: req.id }, 'error page could not be rendered');
      res.status(500).type('text/plain').send(t('error.internal_short'));
    });
  };
}

function titleFor(status: number): string {
  if (status === 403) return t('error.title.forbidden');
  if (status === 404) return t('error.title.not_found');
  if (status === 429) return t('error.title.too_many');
  if (status >= 500) return t('error.title.internal');
  return t('error.title.input');
}
