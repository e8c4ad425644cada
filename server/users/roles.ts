import { t } from '../i18n/context.ts';

export const ROLES = ['employee', 'receptionist', 'admin'] as const;
export type Role = (typeof ROLES)[number];

// Each role includes everything the roles before it may do.
const RANK: Record<Role, number> = { employee: 0, receptionist: 1, admin: 2 };

export function hasRole(actual: Role, needed: Role): boolean {
  return RANK[actual] >= RANK[needed];
}

/** What a person with each role may do, as catalog keys, for the home page and the role picker. */
const ROLE_ABILITY_KEYS: Record<Role, string[]> = {
  employee: ['role.ability.browse', 'role.ability.book'],
  receptionist: ['role.ability.everything_employee', 'role.ability.schedule', 'role.ability.on_behalf'],
  admin: ['role.ability.everything_receptionist', 'role.ability.rooms', 'role.ability.roles', 'role.ability.audit', 'role.ability.sync'],
};

/** A role's abilities in the request's language. */
export const roleAbilities = (role: Role): string[] => ROLE_ABILITY_KEYS[role].map((k) => t(k));

/** A role's name in the request's language ("Administrator", "Adminisztrátor"). */
export const roleLabel = (role: Role): string => t(`role.${role}`);
