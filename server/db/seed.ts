import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import { SYSTEM_ACTOR } from '../audit/record.ts';
import { ROLES } from '../users/roles.ts';
import { createRoom, findRoomByAlias, listEquipment, addEquipment } from '../rooms/service.ts';
import { createLocalUser, listUsers } from '../users/service.ts';

const DEMO_FILE = fileURLToPath(new URL('../../db/seed/demo-data.json', import.meta.url));
export const DEMO_PASSWORD = 'demo';

const DemoData = z.object({
  domain: z.string(),
  users: z.array(z.object({ username: z.string(), displayName: z.string(), role: z.enum(ROLES) })),
  equipment: z.array(z.object({ code: z.string(), label: z.string() })),
  rooms: z.array(
    z.object({
      alias: z.string(),
      name: z.string(),
      building: z.string(),
      floor: z.string(),
      capacity: z.number().int(),
      timeZone: z.string(),
      equipment: z.array(z.string()),
    }),
  ),
});

export type DemoData = z.infer<typeof DemoData>;

export function loadDemoData(): DemoData {
  return DemoData.parse(JSON.parse(readFileSync(DEMO_FILE, 'utf8')));
}

/** Adds the demo users, equipment and rooms that are missing; running it twice changes nothing. */
export async function seedDemoData(ctx: Pick<AppContext, 'db' | 'clock' | 'log'>): Promise<void> {
  const demo = loadDemoData();
  const known = new Set(listEquipment(ctx).map((e) => e.code));
  for (const e of demo.equipment) if (!known.has(e.code)) addEquipment(ctx, SYSTEM_ACTOR, e);

  const existing = new Set(listUsers(ctx).map((u) => u.username));
  for (const u of demo.users) {
    if (existing.has(u.username)) continue;
    await createLocalUser(ctx, SYSTEM_ACTOR, { ...u, email: `${u.username}@${demo.domain}`, password: DEMO_PASSWORD });
  }

  for (const r of demo.rooms) {
    if (findRoomByAlias(ctx, r.alias)) continue;
    createRoom(ctx, SYSTEM_ACTOR, {
      ...r,
      email: `${r.alias}@${demo.domain}`,
      opensAt: '07:00',
      closesAt: '20:00',
      maxDurationMinutes: 240,
      horizonDays: 180,
      active: true,
    });
  }
  ctx.log.info({ event: 'db.demo_seeded', users: demo.users.length, rooms: demo.rooms.length }, 'demo data present');
}
