import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { z } from 'zod';
import { FieldErrors, type FieldMessages } from '../errors.ts';

/** Loads the data a form page needs, so the error handler can re-render it with the user's values and errors. */
export type PageLoader = (req: Request, error?: unknown) => Record<string, unknown> | Promise<Record<string, unknown>>;

export interface FormPage {
  view: string;
  load: PageLoader;
}

/**
 * Marks the route as a form: when a later handler throws FieldErrors, the error handler re-renders `view`
 * with `load(req)`, the submitted `values` and the per-field `errors` (Kutt's viewTemplate).
 */
export function formPage(view: string, load: PageLoader): RequestHandler {
  return (_req: Request, res: Response, next: NextFunction) => {
    res.locals.formPage = { view, load } satisfies FormPage;
    next();
  };
}

/** Turns zod issues into one message per field (the first one wins: that is what a person fixes first). */
export function fieldMessages(error: z.ZodError): FieldMessages {
  const fields: FieldMessages = {};
  for (const issue of error.issues) {
    const key = issue.path.length ? String(issue.path[0]) : '_form';
    fields[key] ??= issue.message;
  }
  return fields;
}

/** Parses form or query input; throws FieldErrors (422, or `status`) naming every wrong field. */
export function parseForm<S extends z.ZodType>(schema: S, input: unknown, status = 422): z.output<S> {
  const result = schema.safeParse(input ?? {});
  if (!result.success) throw new FieldErrors(fieldMessages(result.error), status);
  return result.data;
}
