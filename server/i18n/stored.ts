// Text that is stored and read later by someone else, in their language: a booking's failure reason is written by
// the outbox worker (outside any request) and read by the organizer, reception or an admin, each in their own
// language. So the reason is stored as a reference to a catalog message with its values, and turned into words when
// a page shows it. Values may themselves be references (a reason inside "Sending failed: …").
import { isLocale, translate, type Locale, type MessageValues } from './catalog.ts';
import { currentLocale } from './context.ts';

const PREFIX = 'i18n:';

type StoredValue = string | number | StoredRef;
interface StoredRef {
  k: string;
  v?: Record<string, StoredValue>;
}

/** A reference to a catalog message, as text for a database column. */
export function storedMessage(key: string, values?: Record<string, string | number>): string {
  return PREFIX + JSON.stringify(values ? { k: key, v: values } : { k: key });
}

function parseRef(value: unknown): StoredRef | undefined {
  if (typeof value === 'string' && value.startsWith(PREFIX)) {
    try {
      return parseRef(JSON.parse(value.slice(PREFIX.length)));
    } catch {
      return undefined;
    }
  }
  if (value && typeof value === 'object' && typeof (value as StoredRef).k === 'string') return value as StoredRef;
  return undefined;
}

function render(ref: StoredRef, locale: Locale): string {
  const values: MessageValues = {};
  for (const [name, v] of Object.entries(ref.v ?? {})) {
    const inner = parseRef(v);
    values[name] = inner ? render(inner, locale) : typeof v === 'number' ? v : String(v);
  }
  return translate(locale, ref.k, values);
}

/** Stored text in the reader's language; text stored before references (plain English) is shown as it is. */
export function readStored(text: string, locale: Locale = currentLocale()): string {
  const ref = parseRef(text);
  return ref && isLocale(locale) ? render(ref, locale) : text;
}

export const isStoredMessage = (text: string): boolean => text.startsWith(PREFIX);
