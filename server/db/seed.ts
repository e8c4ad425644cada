import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import { SYSTEM_ACTOR } from '../audit/record.ts';
import { ROLES } from '../users/roles.ts';
import { createRoom, findRoomByAlias, listEquipment, addEquipment } from '../rooms/service.ts';
import { createLocalUser, listUsers, setPreferredLocale } from '../users/service.ts';
import { LOCALES } from '../i18n/catalog.ts';
import { saveWorkHours } from '../scheduling/service.ts';
import { DEFAULT_WORK_DAYS } from '../scheduling/slots.ts';

const DEMO_FILE = fileURLToPath(new URL('../../db/seed/demo-data.json', import.meta.url));
export const DEMO_PASSWORD = 'demo';

const DemoData = z.object({
  domain: z.string(),
  users: z.array(
    z.object({
      username: z.string(),
      displayName: z.string(),
      role: z.enum(ROLES),
      // A demo person who works in another language and zone (eszter: Hungarian, Europe/Budapest, issue 17): their
      // saved language and their working hours (09:00–17:00 Mon–Fri) in that zone. Absent: the browser's language
      // and the office's zone.
      locale: z.enum(LOCALES).optional(),
      timeZone: z.string().optional(),
    }),
  ),
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
    const { locale, timeZone, ...person } = u;
    const email = `${u.username}@${demo.domain}`;
    const created = await createLocalUser(ctx, SYSTEM_ACTOR, { ...person, email, password: DEMO_PASSWORD });
    if (locale) setPreferredLocale(ctx, created.id, locale);
    if (timeZone) saveWorkHours(ctx, email, { timeZone, start: '09:00', end: '17:00', days: DEFAULT_WORK_DAYS });
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
