export const ROLES = ['employee', 'receptionist', 'admin'] as const;
export type Role = (typeof ROLES)[number];

// Each role includes everything the roles before it may do.
const RANK: Record<Role, number> = { employee: 0, receptionist: 1, admin: 2 };

export function hasRole(actual: Role, needed: Role): boolean {
  return RANK[actual] >= RANK[needed];
}

/** What a person with each role may do, in words for the home page and the role picker. */
export const ROLE_ABILITIES: Record<Role, string[]> = {
  employee: ['Browse the room directory and see each room’s details', 'Find a free room and book it'],
  receptionist: ['Everything an employee can do', 'See every room’s schedule for the building', 'Book on behalf of any employee'],
  admin: ['Everything a receptionist can do', 'Create, edit and deactivate rooms', 'Assign roles to users', 'Read the audit trail', 'Watch and retry what is sent to Exchange'],
};

export const ROLE_LABELS: Record<Role, string> = { employee: 'Employee', receptionist: 'Receptionist', admin: 'Administrator' };
