import { t } from '../i18n/context.ts';

/** Booking states, shared by the SQL CHECK and TypeScript (see CONTEXT.md for what each means). */
export const BOOKING_STATES = ['pending', 'booked', 'updating', 'cancelling', 'cancelled', 'declined', 'failed'] as const;
export type BookingState = (typeof BOOKING_STATES)[number];

/** States in which the booking holds the room. */
export const ACTIVE_STATES: readonly BookingState[] = ['pending', 'booked', 'updating'];

/** States of a booking whose meeting is in Exchange and meant to stay: the reconciler reads their room and answers. */
export const RECONCILED_STATES: readonly BookingState[] = ['booked', 'updating', 'declined'];

const TRANSITIONS: Record<BookingState, readonly BookingState[]> = {
  pending: ['booked', 'updating', 'cancelling', 'cancelled', 'declined', 'failed'],
  booked: ['updating', 'cancelling', 'declined', 'cancelled', 'failed'],
  updating: ['booked', 'updating', 'cancelling', 'declined', 'failed'],
  cancelling: ['cancelled', 'failed'],
  cancelled: [],
  // booked: the room holds the meeting after all; updating: the organizer moved it elsewhere.
  declined: ['booked', 'updating', 'pending', 'cancelling', 'cancelled'],
  failed: ['pending', 'updating', 'cancelling', 'cancelled'],
};

export function canMove(from: BookingState, to: BookingState): boolean {
  return TRANSITIONS[from].includes(to);
}

/** Can the organizer still change or cancel it? */
export const isChangeable = (s: BookingState) => s === 'pending' || s === 'booked' || s === 'updating' || s === 'declined' || s === 'failed';

/** A state as people read it, in the request's language (locales/*.json booking.state.*). */
export const stateLabel = (s: BookingState): string => t(`booking.state.${s}`);
