// Form schemas are built once, at start-up, but their messages must be in the language of each request. So a
// schema's message is a reference to a catalog message (stored.ts), and parseForm() turns it into words for the
// request (http/form.ts fieldMessages). Labels are references too: msg('form.required', { label: msg('field.date') }).
import { storedMessage } from './stored.ts';

export const msg = (key: string, values?: Record<string, string | number>): string => storedMessage(key, values);
