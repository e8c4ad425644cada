import { z } from 'zod';
import { checkbox, integer } from '../http/fields.ts';
import { RELEASE_ACTIONS } from './rules.ts';
import { msg } from '../i18n/zod.ts';

/** A select whose blank choice means "as the building" (null). */
const inherit = <T extends z.ZodType>(inner: T) => z.preprocess((v) => (v === '' || v === undefined ? null : v), inner.nullable());

const action = z.enum(RELEASE_ACTIONS, { error: msg('checkin.err.action') });
const required = z.enum(['yes', 'no'], { error: msg('checkin.err.yes_no') }).transform((v) => v === 'yes');

/** The room form's check-in section: every field may be left to the building's default. */
export const RoomCheckinForm = z.object({
  required: inherit(required),
  opensBeforeMin: inherit(integer('checkin.room.opens_before_short', 0, 120)),
  closesAfterMin: inherit(integer('checkin.room.closes_after_short', 1, 120)),
  releaseAction: inherit(action),
});

/** A building's default: every field set. */
export const BuildingCheckinForm = z.object({
  required: checkbox,
  opensBeforeMin: integer('checkin.room.opens_before_short', 0, 120),
  closesAfterMin: integer('checkin.room.closes_after_short', 1, 120),
  releaseAction: action,
  // The series rule: dates in a row without a check-in before a series loses the room (0 = never).
  // Left out (an older form): the stored number stays.
  seriesMisses: z.preprocess((v) => (v === '' ? undefined : v), integer('checkin.room.series_misses', 0, 52).optional()),
});

export const ExemptForm = z.object({ exempt: checkbox });

/** An admin's "exempt from check-in by name" list: one person added (exempt=on) or taken off. */
export const ExemptPersonForm = z.object({ userId: integer('field.name', 1, Number.MAX_SAFE_INTEGER), exempt: checkbox });

/** A display token's actions (admin, displays page): may it act, and who organizes its "Book now" meetings. */
export const DisplayActingForm = z.object({
  canAct: checkbox,
  walkinUserId: z.preprocess((v) => (v === '' || v === undefined ? null : v), integer('checkin.display.walkin', 1, Number.MAX_SAFE_INTEGER).nullable()),
  // The named people Book now may be for (a multiple select: one value or a list; none = the walk-in account).
  peopleIds: z.preprocess(
    (v) => (v === undefined || v === '' ? [] : Array.isArray(v) ? v : [v]),
    z.array(integer('checkin.display.people', 1, Number.MAX_SAFE_INTEGER)).max(200),
  ),
});
