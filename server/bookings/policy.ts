import { hasRole } from '../users/roles.ts';
import type { User } from '../users/service.ts';
import type { Booking } from './repo.ts';

/** One line per rule (Outline's policies). */
export const canChangeBooking = (user: User, b: Booking) => b.organizerId === user.id || hasRole(user.role, 'receptionist');
export const canViewBooking = (user: User, b: Booking) =>
  canChangeBooking(user, b) || b.createdById === user.id || b.attendees.some((a) => a.email.toLowerCase() === user.email.toLowerCase());
export const canBookOnBehalf = (user: User) => hasRole(user.role, 'receptionist');
