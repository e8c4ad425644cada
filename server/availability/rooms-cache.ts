// Find-a-room reads every active room on every search; over 5,000 rooms that query and its row mapping cost more than
// the rest of the search (issue 13). The room list only changes when rooms or their equipment do, and both tables
// bump the schedule data version by trigger (server/schedule/invalidation.ts), so the list is kept per connection
// and building until that version moves. The cached rooms are shared between searches: callers must not change them.
import type { AppContext } from '../context.ts';
import { listRooms, type Room } from '../rooms/service.ts';
import { scheduleVersion } from '../schedule/queries.ts';

type Ctx = Pick<AppContext, 'db' | 'clock'>;

interface Entry {
  version: number;
  byBuilding: Map<string, readonly Room[]>;
}

const cache = new WeakMap<AppContext['db'], Entry>();

/** The active rooms (optionally of one building), as listRooms answers, cached until the data version changes. */
export function roomsForSearch(ctx: Ctx, building: string | undefined): readonly Room[] {
  const version = scheduleVersion(ctx.db);
  // Without the version table (a database before migration 0003) nothing can say when the list is stale.
  if (version === null) return listRooms(ctx, { building });
  let entry = cache.get(ctx.db);
  if (!entry || entry.version !== version) cache.set(ctx.db, (entry = { version, byBuilding: new Map() }));
  const key = building ?? '';
  let rooms = entry.byBuilding.get(key);
  if (!rooms) entry.byBuilding.set(key, (rooms = listRooms(ctx, { building })));
  return rooms;
}
