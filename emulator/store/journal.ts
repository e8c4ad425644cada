// What each calendar looked like at an earlier moment, for free/busy with a publication delay (§14: free/busy
// lags the calendars). Every write to a well-known Calendar folder records the item's properties (or its
// removal); a delayed free/busy reads the state as of `now - delay`, so a meeting booked a minute ago is not
// yet busy, and one cancelled a minute ago is still busy.
import type { PropMap } from './props.ts';
import type { Item, Mailbox } from './model.ts';

interface Entry {
  at: number;
  props: PropMap | null;
}

/** Enough history per item for any delay a test would set. */
const MAX_ENTRIES = 20;

export class CalendarJournal {
  private readonly byMailbox = new Map<Mailbox, Map<string, Entry[]>>();

  /** Records the item's current state (or its removal) if it lives in a well-known calendar. */
  record(item: Item, at: number, removed = false): void {
    if (item.folder.wellKnown !== 'calendar') return;
    let items = this.byMailbox.get(item.folder.mailbox);
    if (!items) this.byMailbox.set(item.folder.mailbox, (items = new Map()));
    const entries = items.get(item.id) ?? [];
    entries.push({ at, props: removed ? null : new Map(item.props) });
    if (entries.length > MAX_ENTRIES) entries.splice(0, entries.length - MAX_ENTRIES);
    items.set(item.id, entries);
  }

  /**
   * The calendar's items as of `cutoff`: the last recorded state at or before it for every item ever
   * recorded, and live items with no record (e.g. restored from disk) that were last changed before it.
   */
  stateAt(mailbox: Mailbox, live: Iterable<Item>, cutoff: number): { props: PropMap }[] {
    const recorded = this.byMailbox.get(mailbox) ?? new Map<string, Entry[]>();
    const out: { props: PropMap }[] = [];
    for (const entries of recorded.values()) {
      const last = entries.filter((e) => e.at <= cutoff).at(-1);
      if (last?.props) out.push({ props: last.props });
    }
    for (const item of live) {
      if (!recorded.has(item.id) && item.modified.getTime() <= cutoff) out.push(item);
    }
    return out;
  }
}
