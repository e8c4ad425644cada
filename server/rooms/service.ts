import type { AppContext } from '../context.ts';
import { toDbTime } from '../context.ts';
import { recordAudit, type Actor } from '../audit/record.ts';
import { FieldErrors, throwNotFound, type FieldMessages } from '../errors.ts';
import * as repo from './repo.ts';
export type { MailboxProblem } from './repo.ts';
import type { DirectoryFilter, RoomFormInput as FormInput } from './schema.ts';

/** A room's fields as the service takes them (the form's "save anyway" is the route's business). */
export type RoomFormInput = Omit<FormInput, 'saveAnyway'> & { saveAnyway?: boolean };
import type { MailboxCheck } from '../exchange/gateway.ts';
import { t } from '../i18n/context.ts';

export type { Room, Equipment } from './repo.ts';

// Getters and functions: the words are read per request, in the reader's language.
const messages = {
  get aliasTaken() {
    return t('rooms.alias_taken');
  },
  get emailTaken() {
    return t('rooms.email_taken');
  },
  unknownEquipment: (code: string) => t('rooms.unknown_equipment', { code }),
  get equipmentExists() {
    return t('equipment.exists');
  },
  mailboxUnknown: (alias: string) => t('rooms.mailbox_unknown', { alias }),
  mailboxNoAccess: (alias: string) => t('rooms.mailbox_no_access', { alias }),
};

/** A mailbox check that blocks saving unless the admin ticks "save anyway". */
export class MailboxCheckFailed extends FieldErrors {
  constructor(
    readonly check: repo.MailboxProblem,
    alias: string,
  ) {
    super({ alias: check === 'unknown' ? messages.mailboxUnknown(alias) : messages.mailboxNoAccess(alias) });
  }
}

type Ctx = Pick<AppContext, 'db' | 'clock'>;

function checkRoomFields(ctx: Ctx, input: RoomFormInput, exceptId: number | null): void {
  const problems: FieldMessages = {};
  const clash = repo.findMailboxClash(ctx.db, input.alias, input.email, exceptId);
  if (clash.alias) problems.alias = messages.aliasTaken;
  if (clash.email) problems.email = messages.emailTaken;
  const known = new Set(repo.listEquipment(ctx.db).map((e) => e.code));
  const unknown = input.equipment.find((c) => !known.has(c));
  if (unknown) problems.equipment = messages.unknownEquipment(unknown);
  if (Object.keys(problems).length) throw new FieldErrors(problems);
}

export function getRoom(ctx: Ctx, id: number): repo.Room {
  return repo.findRoom(ctx.db, id) ?? throwNotFound('room');
}

export function findRoomByAlias(ctx: Ctx, alias: string): repo.Room | undefined {
  return repo.findRoomByAlias(ctx.db, alias);
}

/** Active rooms matching the directory filter. */
export function listRooms(ctx: Ctx, filter: Partial<DirectoryFilter> = {}): repo.Room[] {
  return repo.queryRooms(ctx.db, { building: filter.building, minCapacity: filter.capacity, equipment: filter.equipment });
}

export function listAllRooms(ctx: Ctx): repo.Room[] {
  return repo.queryRooms(ctx.db, { includeInactive: true });
}

export function listBuildings(ctx: Ctx): string[] {
  return repo.listBuildings(ctx.db);
}

export function listEquipment(ctx: Ctx): repo.Equipment[] {
  return repo.listEquipment(ctx.db);
}

/**
 * Asks Exchange about the room's mailbox before saving (STYLE: network outside the DB transaction). Unknown mailbox or
 * no delegate access → MailboxCheckFailed unless `saveAnyway`; unreachable never blocks (Exchange may be down for
 * hours, admins still need to work). Returns what to store: null when verified, else why not.
 */
export async function checkMailbox(ctx: Ctx & Pick<AppContext, 'gateway'>, input: RoomFormInput, exceptId: number | null): Promise<repo.MailboxProblem | null> {
  // The local checks first: a clash or a typo in the equipment needs no round trip to Exchange to be reported.
  checkRoomFields(ctx, input, exceptId);
  const check: MailboxCheck = await ctx.gateway.checkMailbox(input.alias);
  if (check === 'ok') return null;
  if (check === 'unreachable' || input.saveAnyway === true) return check;
  throw new MailboxCheckFailed(check, input.alias);
}

/** The stored fields: the form's, plus what the mailbox check said. */
function fieldsOf(input: RoomFormInput, mailboxUnverified: repo.MailboxProblem | null): repo.RoomFields {
  const { saveAnyway: _saveAnyway, ...fields } = input;
  return { ...fields, mailboxUnverified };
}

export function createRoom(ctx: Ctx, actor: Actor, input: RoomFormInput, mailboxUnverified: repo.MailboxProblem | null = null): repo.Room {
  return ctx.db
    .transaction(() => {
      checkRoomFields(ctx, input, null);
      const room = repo.insertRoom(ctx.db, fieldsOf(input, mailboxUnverified), toDbTime(ctx.clock.now()));
      recordAudit(ctx, actor, 'room.created', { type: 'room', id: room.id }, null, room);
      return room;
    })
    .immediate();
}

export function updateRoom(ctx: Ctx, actor: Actor, id: number, input: RoomFormInput, mailboxUnverified: repo.MailboxProblem | null = null): repo.Room {
  return ctx.db
    .transaction(() => {
      const before = getRoom(ctx, id);
      checkRoomFields(ctx, input, id);
      const after = repo.updateRoomRow(ctx.db, id, fieldsOf(input, mailboxUnverified), toDbTime(ctx.clock.now()));
      recordAudit(ctx, actor, 'room.updated', { type: 'room', id }, before, after);
      return after;
    })
    .immediate();
}

/** Deactivated rooms disappear from the directory and cannot be booked; their history stays. */
export function setRoomActive(ctx: Ctx, actor: Actor, id: number, active: boolean): repo.Room {
  return ctx.db
    .transaction(() => {
      const before = getRoom(ctx, id);
      if (before.active === active) return before;
      repo.setRoomActiveRow(ctx.db, id, active, toDbTime(ctx.clock.now()));
      const after = getRoom(ctx, id);
      recordAudit(ctx, actor, active ? 'room.activated' : 'room.deactivated', { type: 'room', id }, before, after);
      return after;
    })
    .immediate();
}

export function addEquipment(ctx: Ctx, actor: Actor, e: repo.Equipment): void {
  ctx.db
    .transaction(() => {
      if (repo.findEquipment(ctx.db, e.code)) throw new FieldErrors({ code: messages.equipmentExists });
      repo.insertEquipment(ctx.db, e);
      recordAudit(ctx, actor, 'equipment.created', { type: 'equipment', id: e.code }, null, e);
    })
    .immediate();
}
