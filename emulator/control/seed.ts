// POST /_emulator/mailboxes/:alias/items: put an item straight into a folder, from properties or MIME,
// the way a client's PROPPATCH or PUT would have stored it.
import { z } from 'zod';
import { NS, PropValueError, normalizeValue, storedName, str, type PropMap } from '../store/props.ts';
import type { Folder, Item, Mailbox } from '../store/store.ts';
import { deriveFromMime } from '../mime/derive.ts';
import { CalendarParseError } from '../mime/ical-read.ts';
import { completeCalendarProps } from '../dav/proppatch.ts';
import type { RequestContext } from '../http/context.ts';

export const SeedItemSchema = z.object({
  /** Well-known key (calendar, inbox, …) or folder path. */
  folder: z.string().min(1),
  /** File name; `<random>.EML` when absent. A taken name gets a -2 suffix. */
  name: z.string().min(1).optional(),
  /** Full property name → value (string, or a list for mv.* types). */
  props: z.record(z.string(), z.union([z.string(), z.array(z.string())])).default({}),
  /** Full property name → dt type, for values that are not strings or not typed by default. */
  types: z.record(z.string(), z.string()).default({}),
  /** A message/rfc822 body to derive the properties from (props then override). */
  mime: z.string().optional(),
});

export type SeedItem = z.output<typeof SeedItemSchema>;

export function seedItem(ctx: RequestContext, mailbox: Mailbox, folder: Folder, seed: SeedItem): Item | undefined {
  const { store } = ctx.state;
  let props: PropMap = new Map();
  try {
    if (seed.mime) props = deriveFromMime(seed.mime, str(folder.props.get(`${NS.ex}outlookfolderclass`)) ?? 'IPF.Note', mailbox.config.timeZone).props;
    for (const [name, value] of Object.entries(seed.props)) props.set(storedName(name), normalizeValue(name, seed.types[name], value));
  } catch (err) {
    if (err instanceof PropValueError || err instanceof CalendarParseError) return undefined;
    throw err;
  }
  completeCalendarProps(props);
  const name = store.uniqueName(folder, seed.name ?? `${crypto.randomUUID()}.EML`);
  return store.createItem(folder, name, props, seed.mime);
}
