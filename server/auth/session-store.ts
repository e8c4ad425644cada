/**
 * Where sessions live: the app's own database, so sign-ins survive a restart. The session layer
 * (server/http/session.ts) reads and writes through `sessionRows`; expired rows are deleted by the purge job
 * (server/ops/purge.ts), which reaches auth's table only through this module.
 */
export { deleteExpiredSessions, sessionRows } from './session.repo.ts';
