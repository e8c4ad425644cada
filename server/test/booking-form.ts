// Test support: booking a room the way a person does, in two requests: open the booking form (which hands out the
// idempotency key a double click is recognised by), then post it. Integration tests of bookings, series, check-in and
// the send path all book like this; the defaults are a plain one-hour meeting with bob.
import type { TestBrowser } from './test-app.ts';

export interface BookingFormFields {
  roomId: string | number;
  date: string;
  start?: string;
  end?: string;
  subject?: string;
  description?: string;
  required?: string;
  optional?: string;
  /** Anything else the form posts: Repeats (repeat, repeatDays, repeatEnd, repeatCount), on behalf of, etc. */
  [field: string]: string | string[] | number | undefined;
}

/** The booking form's idempotency key for this room and time, read from the page as a browser would. */
export async function formKey(browser: TestBrowser, f: Pick<BookingFormFields, 'roomId' | 'date' | 'start' | 'end'>): Promise<string> {
  const query = new URLSearchParams({ roomId: String(f.roomId), date: f.date, start: f.start ?? '10:00', end: f.end ?? '11:00' });
  const page = await (await browser.get(`/bookings/new?${query}`)).text();
  const key = /name="idempotencyKey" value="([^"]+)"/.exec(page)?.[1];
  if (!key) throw new Error(`the booking form for room ${f.roomId} has no idempotency key`);
  return key;
}

/** Opens the form and posts it; the answer is the app's (303 to the booking on success, the form again on errors). */
export async function postBookingForm(browser: TestBrowser, fields: BookingFormFields): Promise<Response> {
  const form: Record<string, string | string[]> = {
    start: '10:00',
    end: '11:00',
    subject: 'Planning',
    description: '',
    required: 'bob@example.com',
    optional: '',
  };
  for (const [k, v] of Object.entries(fields)) if (v !== undefined) form[k] = Array.isArray(v) ? v : String(v);
  form.idempotencyKey = await formKey(browser, { roomId: fields.roomId, date: fields.date, start: form.start as string, end: form.end as string });
  return browser.post('/bookings', form);
}

/** The booking a successful post redirected to (NaN when it did not redirect to one). */
export const bookingIdOf = (res: Response): number => Number(/\/bookings\/(\d+)/.exec(res.headers.get('location') ?? '')?.[1]);
