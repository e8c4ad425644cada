import { z } from 'zod';
import { checkbox, integer } from '../http/fields.ts';
import { RELEASE_ACTIONS } from './rules.ts';

/** A select whose blank choice means "as the building" (null). */
const inherit = <T extends z.ZodType>(inner: T) => z.preprocess((v) => (v === '' || v === undefined ? null : v), inner.nullable());

const action = z.enum(RELEASE_ACTIONS, { error: 'Choose what happens to a no-show.' });
const required = z.enum(['yes', 'no'], { error: 'Choose yes or no.' }).transform((v) => v === 'yes');

/** The room form's check-in section: every field may be left to the building's default. */
export const RoomCheckinForm = z.object({
  required: inherit(required),
  opensBeforeMin: inherit(integer('Window opens (minutes before)', 0, 120)),
  closesAfterMin: inherit(integer('Window closes (minutes after)', 1, 120)),
  releaseAction: inherit(action),
});

/** A building's default: every field set. */
export const BuildingCheckinForm = z.object({
  required: checkbox,
  opensBeforeMin: integer('Window opens (minutes before)', 0, 120),
  closesAfterMin: integer('Window closes (minutes after)', 1, 120),
  releaseAction: action,
});

export const ExemptForm = z.object({ exempt: checkbox });

/** A display token's actions (admin, displays page): may it act, and who organizes its "Book now" meetings. */
export const DisplayActingForm = z.object({
  canAct: checkbox,
  walkinUserId: z.preprocess((v) => (v === '' || v === undefined ? null : v), integer('Walk-in account', 1, Number.MAX_SAFE_INTEGER).nullable()),
});
