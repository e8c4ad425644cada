import type { Db } from '../db/connection.ts';

export interface AuditEvent {
  id: number;
  at: string;
  actorId: number | null;
  actorName: string;
  action: string;
  entityType: string;
  entityId: string;
  before: unknown;
  after: unknown;
}

interface AuditRow {
  id: number;
  at: string;
  actor_id: number | null;
  actor_name: string;
  action: string;
  entity_type: string;
  entity_id: string;
  before_json: string | null;
  after_json: string | null;
}

export type NewAuditEvent = Omit<AuditEvent, 'id'>;

export function insertAuditEvent(db: Db, e: NewAuditEvent): void {
  db.prepare(
    `INSERT INTO audit_events (at, actor_id, actor_name, action, entity_type, entity_id, before_json, after_json)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    e.at,
    e.actorId,
    e.actorName,
    e.action,
    e.entityType,
    e.entityId,
    e.before === null || e.before === undefined ? null : JSON.stringify(e.before),
    e.after === null || e.after === undefined ? null : JSON.stringify(e.after),
  );
}

export interface AuditQuery {
  entityType?: string | undefined;
  entityId?: string | undefined;
  limit: number;
  offset: number;
}

export function listAuditEvents(db: Db, q: AuditQuery): { events: AuditEvent[]; total: number } {
  // CAST: PostgreSQL must know a parameter's type where it is first used (both engines accept it).
  const where = ['(CAST(@entityType AS TEXT) IS NULL OR entity_type = @entityType)', '(CAST(@entityId AS TEXT) IS NULL OR entity_id = @entityId)'].join(
    ' AND ',
  );
  const params = { entityType: q.entityType ?? null, entityId: q.entityId ?? null };
  const total = db.prepare<typeof params, { n: number }>(`SELECT count(*) AS n FROM audit_events WHERE ${where}`).get(params)!.n;
  const rows = db
    .prepare<typeof params & { limit: number; offset: number }, AuditRow>(
      `SELECT * FROM audit_events WHERE ${where} ORDER BY at DESC, id DESC LIMIT @limit OFFSET @offset`,
    )
    .all({ ...params, limit: q.limit, offset: q.offset });
  return {
    total,
    events: rows.map((r) => ({
      id: r.id,
      at: r.at,
      actorId: r.actor_id,
      actorName: r.actor_name,
      action: r.action,
      entityType: r.entity_type,
      entityId: r.entity_id,
      before: r.before_json === null ? null : (JSON.parse(r.before_json) as unknown),
      after: r.after_json === null ? null : (JSON.parse(r.after_json) as unknown),
    })),
  };
}
