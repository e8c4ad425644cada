// Sessions: a signed cookie naming a row of the sessions table, the row's JSON as `req.session`.
//
// This replaces express-session (issue 13). Behind a cached reception page that middleware took a fifth of the page's
// CPU: 0.3–0.4 ms of ~1.5 ms, with 8 signed-in readers. On every request it hashed the session three times (each a
// JSON.stringify with a replacer plus a SHA-1), built a Session and a Cookie with a Date, wrapped res.end and
// res.writeHead in fresh closures, and reached its store through two promises.
//
// The app needs little from a session layer, and each piece below behaves as express-session did with the settings
// the app used:
//  - The cookie: `s:` + id + `.` + base64 HMAC-SHA256 of the id. That is cookie-signature's format, so sessions from
//    before the change stay valid. HttpOnly, SameSite=Lax, Path=/, Secure on HTTPS, expiring with the idle timeout.
//  - A new visitor gets an id, but no row and no cookie until something is stored in the session
//    (saveUninitialized: false). Anonymous pages never touch the table.
//  - A changed session is saved before its answer's headers go out, so the next request (after a redirect) reads it.
//  - passport's regenerate() and save(): a new id at sign-in and at sign-out, so no session fixation. Also destroy().
//  - The idle timeout rolls at most once a minute, and only then is the cookie sent again: a read-only page neither
//    writes the row nor re-signs the cookie, and a page that changes the session (a flash message) writes only the row.
import { createHmac, createSecretKey, randomBytes, timingSafeEqual, type KeyObject } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import onHeaders from 'on-headers';
import { readCookie } from './cookies.ts';

/**
 * What a session holds. Features add their fields by augmenting this interface (session-types.ts). Rows written by
 * express-session also hold a `cookie` object; it is dropped when read.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface SessionData {}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** Set by sessions() on every request after it; a new visitor's session is stored only once it holds something. */
      session: Session & SessionData;
      /** The session's id (secret: it is what the cookie carries). */
      sessionID: string;
    }
  }
}

type Callback = (err?: unknown) => void;

/**
 * The sessions table, synchronously: a write is done when the call returns. That is what lets a session changed by a
 * page be saved from the header hook, just before the answer leaves. The app's connection is better-sqlite3.
 */
export interface SessionRows {
  read(sid: string, now: number): { data: string; expiresAt: number } | undefined;
  write(sid: string, data: string, expiresAt: number): void;
  remove(sid: string): void;
}

export interface SessionOptions {
  /** The cookie's name. */
  name: string;
  secret: string;
  idleMs: number;
  /** How often activity extends the idle timeout: one write and one cookie per period, at most. */
  rollEveryMs: number;
  /** A save that failed while the answer was going out (it still goes out; the next request finds the old session). */
  onSaveError(err: unknown): void;
}

interface State {
  id: string;
  /** The fields as stored (JSON), or null while there is no row. */
  stored: string | null;
  expiresAt: number;
  /** The session's expiry was set during this request (a new row, or a roll): the cookie goes out with it. */
  cookieDue: boolean;
  destroyed: boolean;
}

/** Each session's bookkeeping, off the object: JSON.stringify(session) is then exactly its fields. */
const states = new WeakMap<Session, { state: State; req: Request; layer: SessionLayer }>();
const stateOf = (session: Session) => states.get(session)!;

/** `req.session`: the stored fields as its own properties; the methods passport calls live on the prototype. */
export class Session {
  constructor(req: Request, layer: SessionLayer, state: State, fields: Record<string, unknown>) {
    states.set(this, { state, req, layer });
    Object.assign(this, fields);
  }

  get id(): string {
    return stateOf(this).state.id;
  }

  /** A new id and an empty session (passport: at sign-in and at sign-out). The old row is removed. */
  regenerate(cb: Callback): void {
    const { req, layer } = stateOf(this);
    layer.regenerate(req, cb);
  }

  /** Saves now: passport saves before it redirects. */
  save(cb?: Callback): void {
    const { state, layer } = stateOf(this);
    try {
      layer.write(state, JSON.stringify(this), Date.now());
    } catch (err) {
      return cb?.(err);
    }
    cb?.();
  }

  /** Removes the row; nothing is stored for the rest of the request. */
  destroy(cb?: Callback): void {
    const { state, layer } = stateOf(this);
    try {
      layer.remove(state);
    } catch (err) {
      return cb?.(err);
    }
    state.destroyed = true;
    cb?.();
  }
}

class SessionLayer {
  constructor(
    private readonly rows: SessionRows,
    private readonly options: SessionOptions,
  ) {
    this.key = createSecretKey(Buffer.from(options.secret));
  }

  readonly handle = (req: Request, res: Response, next: NextFunction): void => {
    const id = this.idFromCookie(req);
    let row: { data: string; expiresAt: number } | undefined;
    let fields: Record<string, unknown> = {};
    try {
      row = id === undefined ? undefined : this.rows.read(id, Date.now());
    } catch (err) {
      return next(err);
    }
    if (row) {
      try {
        fields = JSON.parse(row.data) as Record<string, unknown>;
      } catch {
        // CASE: a row that is not JSON (damaged or written by hand): no session; it is replaced if one is saved.
        row = undefined;
      }
    }
    if (row && 'cookie' in fields) {
      // CASE: a row written by express-session: its cookie settings are not fields (the expiry is in the row).
      delete fields.cookie;
      row = { ...row, data: JSON.stringify(fields) };
    }
    const state: State = row
      ? { id: id!, stored: row.data, expiresAt: row.expiresAt, cookieDue: false, destroyed: false }
      : { id: newId(), stored: null, expiresAt: 0, cookieDue: false, destroyed: false };
    this.attach(req, state, fields);
    onHeaders(res, () => this.beforeHeaders(req, res));
    next();
  };

  regenerate(req: Request, cb: Callback): void {
    try {
      this.remove(stateOf(req.session).state);
    } catch (err) {
      return cb(err);
    }
    this.attach(req, { id: newId(), stored: null, expiresAt: 0, cookieDue: false, destroyed: false }, {});
    cb();
  }

  /**
   * Stores the fields. The expiry moves only for a new row or when the roll is due, and then the cookie goes out with
   * it, so the row and the browser's cookie always expire together. A change alone (a flash message) keeps both: it
   * re-signed and re-sent the cookie on every form post before.
   */
  write(state: State, json: string, now: number): void {
    const expiresAt = state.stored === null || this.rollDue(state, now) ? now + this.options.idleMs : state.expiresAt;
    this.rows.write(state.id, json, expiresAt);
    if (expiresAt !== state.expiresAt) state.cookieDue = true;
    state.stored = json;
    state.expiresAt = expiresAt;
    state.destroyed = false;
  }

  /** Saved more than a period ago (its expiry is the save time plus the idle timeout): due to be saved with a later one. */
  private rollDue(state: State, now: number): boolean {
    return state.stored !== null && now - (state.expiresAt - this.options.idleMs) >= this.options.rollEveryMs;
  }

  remove(state: State): void {
    if (state.stored !== null) this.rows.remove(state.id);
    state.stored = null;
  }

  private attach(req: Request, state: State, fields: Record<string, unknown>): void {
    req.sessionID = state.id;
    req.session = new Session(req, this, state, fields) as Request['session'];
  }

  /** Saves a session whose fields changed or whose idle timeout is due to roll; sends the cookie when it was saved. */
  private beforeHeaders(req: Request, res: Response): void {
    const session = req.session;
    const { state } = stateOf(session);
    if (state.destroyed) return;
    const json = JSON.stringify(session);
    const now = Date.now();
    // CASE: a session nobody stored anything in gets no row and no cookie.
    const changed = json !== (state.stored ?? '{}');
    if (changed || this.rollDue(state, now)) {
      try {
        this.write(state, json, now);
      } catch (err) {
        this.options.onSaveError(err);
        return;
      }
    }
    if (state.cookieDue) {
      res.cookie(this.options.name, `s:${state.id}.${this.sign(state.id)}`, {
        httpOnly: true,
        sameSite: 'lax',
        secure: req.secure,
        path: '/',
        maxAge: this.options.idleMs,
      });
    }
  }

  /** The secret as a key object, made once: turning the string into a key on every request was part of the HMAC's cost. */
  private readonly key: KeyObject;

  private sign(id: string): string {
    return createHmac('sha256', this.key).update(id).digest('base64').replace(/=+$/, '');
  }

  /**
   * Cookies whose signature checked out, with their id: a reader's 30-second refreshes carry the same cookie, and the
   * HMAC was a tenth of the session layer's cost on a cached page (issue 13). Only a verified cookie is remembered, so a
   * forged one is always checked; whether its session still exists is the row's to say.
   */
  private readonly verified = new Map<string, string>();

  /** The id in a correctly signed session cookie; undefined without one (or with a forged or damaged one). */
  private idFromCookie(req: Request): string | undefined {
    const raw = readCookie(req.headers.cookie, this.options.name);
    if (!raw?.startsWith('s:')) return undefined;
    const known = this.verified.get(raw);
    if (known !== undefined) return known;
    const dot = raw.lastIndexOf('.');
    if (dot <= 2) return undefined;
    const id = raw.slice(2, dot);
    const given = Buffer.from(raw.slice(dot + 1));
    const expected = Buffer.from(this.sign(id));
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    if (this.verified.size >= VERIFIED_COOKIES) this.verified.delete(this.verified.keys().next().value!);
    this.verified.set(raw, id);
    return id;
  }
}

/** The session layer over `rows`: mount it before anything that reads `req.session` (passport, CSRF, flash). */
export function sessions(rows: SessionRows, options: SessionOptions): RequestHandler {
  return new SessionLayer(rows, options).handle;
}

/** Verified cookies remembered (oldest out first): more than the people signed in at once on a large site. */
const VERIFIED_COOKIES = 4096;

/** A new session id: 24 random bytes, URL-safe (as express-session made them). */
const newId = () => randomBytes(24).toString('base64url');
