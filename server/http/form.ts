import type { Express, NextFunction, Request, RequestHandler, Response } from 'express';
import type { z } from 'zod';
import { FieldErrors, type FieldMessages } from '../errors.ts';
import { readStored } from '../i18n/stored.ts';

/**
 * Loads the data a form page needs, so the error handler can re-render it with the user's values and errors.
 * The page's identity (what its form posts to, the record's id, a new form's key) comes from the loader, never
 * from the submitted values, so a re-render posts back to the same route.
 */
export type PageLoader = (req: Request, error?: unknown) => Record<string, unknown> | Promise<Record<string, unknown>>;

export interface FormPage {
  view: string;
  load: PageLoader;
  /** The route's own params (`:id`), as they were when the route matched. */
  params: Request['params'];
}

/**
 * Marks the route as a form: when a later handler throws FieldErrors, the error handler re-renders `view`
 * with `load(req)`, the submitted `values` and the per-field `errors` (Kutt's viewTemplate).
 *
 * The params are kept here because Express gives `req.params` back to the parent router when the error leaves
 * the route's router: by the time the app's error handler runs, `req.params.id` is gone, and a loader reading it
 * would render another page (the new-booking form instead of the change form) or throw (the cancel page).
 */
export function formPage(view: string, load: PageLoader): RequestHandler {
  const mark = (req: Request, res: Response, next: NextFunction) => {
    res.locals.formPage = { view, load, params: { ...req.params } } satisfies FormPage;
    next();
  };
  return Object.assign(mark, { [FORM_VIEW]: view });
}

const FORM_VIEW = Symbol('formView');

interface LayerLike {
  rawPath?: unknown;
  method?: unknown;
  handle?: { stack?: LayerLike[]; [FORM_VIEW]?: string };
  route?: { path: unknown; stack: LayerLike[] };
}

/** Every route of the app, read from its router, with the form view of those marked with formPage(). */
export function appRoutes(app: Express): { method: string; path: string; view?: string }[] {
  const out: { method: string; path: string; view?: string }[] = [];
  const walk = (stack: LayerLike[], prefix: string) => {
    for (const layer of stack) {
      if (layer.route) {
        const path = prefix + String(layer.route.path);
        const methods = new Set(layer.route.stack.map((l) => String(l.method)));
        const view = layer.route.stack.map((l) => l.handle?.[FORM_VIEW]).find(Boolean);
        for (const method of methods) out.push({ method, path: path.length > 1 ? path.replace(/\/$/, '') : path, ...(view ? { view } : {}) });
      } else if (layer.handle?.stack) {
        walk(layer.handle.stack, prefix + (typeof layer.rawPath === 'string' && layer.rawPath !== '/' ? layer.rawPath : ''));
      }
    }
  };
  walk((app as unknown as { router: { stack: LayerLike[] } }).router.stack, '');
  return out;
}

/** Every route marked with formPage() (for the test that walks every error re-render). */
export function formRoutes(app: Express): { method: string; path: string; view: string }[] {
  return appRoutes(app).flatMap((r) => (r.view ? [{ method: r.method, path: r.path, view: r.view }] : []));
}

/** Turns zod issues into one message per field (the first one wins: that is what a person fixes first). */
export function fieldMessages(error: z.ZodError): FieldMessages {
  const fields: FieldMessages = {};
  for (const issue of error.issues) {
    const key = issue.path.length ? String(issue.path[0]) : '_form';
    // Schema messages are catalog references (i18n/zod.ts): words in the request's language.
    fields[key] ??= readStored(issue.message);
  }
  return fields;
}

/** Parses form or query input; throws FieldErrors (422, or `status`) naming every wrong field. */
export function parseForm<S extends z.ZodType>(schema: S, input: unknown, status = 422): z.output<S> {
  const result = schema.safeParse(input ?? {});
  if (!result.success) throw new FieldErrors(fieldMessages(result.error), status);
  return result.data;
}
