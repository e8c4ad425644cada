// The control API under /_emulator/ (only when controlApi is on): reset, load an organisation, read any
// mailbox's folders and items, the outbound queue, fault rules, session expiry and free/busy delay.
// JSON in, JSON out; no authentication (it is a test tool).
import { z } from 'zod';
import { parseOrg } from '../org.ts';
import { NS, str } from '../store/props.ts';
import { MESSAGE_CLASS } from '../mime/derive.ts';
import { uidOf } from '../transport/rooms.ts';
import { answerRequest } from '../owa/respond.ts';
import { folderHref, itemHref, permanentUrl } from '../store/view.ts';
import type { Folder, Item, Mailbox } from '../store/store.ts';
import { buildMime } from '../mime/build.ts';
import { FaultRuleSchema } from '../faults/faults.ts';
import { HttpError, type RequestContext } from '../http/context.ts';
import { send } from '../http/respond.ts';
import { SeedItemSchema, seedItem } from './seed.ts';

const RespondSchema = z
  .object({
    uid: z.string().min(1),
    response: z.enum(['accept', 'tentative', 'decline']),
    proposedStart: z.string().datetime({ offset: true }).optional(),
    proposedEnd: z.string().datetime({ offset: true }).optional(),
  })
  .strict();

const MailboxPolicySchema = z.object({ autoAccept: z.boolean().optional(), maxConflicts: z.number().int().min(0).nullable().optional() }).strict();

function json(ctx: RequestContext, status: number, body: unknown): void {
  send(ctx.res, status, JSON.stringify(body, null, 2), 'application/json; charset=utf-8');
}

function readJson(ctx: RequestContext): unknown {
  const text = ctx.body.toString('utf8').trim();
  if (!text) return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new HttpError(400, 'Body is not JSON');
  }
}

export function folderView(ctx: RequestContext, f: Folder) {
  const { store } = ctx.state;
  return {
    id: f.id,
    path: store.folderPath(f),
    name: f.name,
    href: folderHref(store, ctx.base, f),
    wellKnown: f.wellKnown ?? null,
    folderClass: str(f.props.get('http://schemas.microsoft.com/exchange/outlookfolderclass')) ?? null,
    itemCount: f.items.size,
  };
}

export function itemView(ctx: RequestContext, item: Item, withMime: boolean) {
  const { store } = ctx.state;
  const props: Record<string, string | string[]> = {};
  const types: Record<string, string> = {};
  for (const [k, v] of item.props) {
    props[k] = v.value;
    if (v.type !== 'string') types[k] = v.type;
  }
  return {
    id: item.id,
    name: item.name,
    folder: store.folderPath(item.folder),
    href: itemHref(store, ctx.base, item),
    permanentUrl: permanentUrl(ctx.base, { kind: 'item', item }),
    etag: item.etag,
    created: item.created.toISOString(),
    modified: item.modified.toISOString(),
    props,
    types,
    responses: item.responses,
    ...(withMime ? { mime: buildMime(item, item.folder.mailbox.config.timeZone) } : {}),
  };
}

function mailboxOf(ctx: RequestContext, alias: string): Mailbox {
  const mailbox = ctx.state.store.mailbox(alias);
  if (!mailbox) throw new HttpError(404, `No mailbox ${alias}`);
  return mailbox;
}

function folderOf(ctx: RequestContext, mailbox: Mailbox, ref: string): Folder {
  const { store } = ctx.state;
  const wk = [...mailbox.root.children.values()].find((f) => f.wellKnown === ref.toLowerCase());
  if (wk) return wk;
  let folder: Folder | undefined = mailbox.root;
  for (const seg of ref.split('/').filter(Boolean)) folder = folder ? store.childFolder(folder, seg) : undefined;
  if (!folder) throw new HttpError(404, `No folder ${ref}`);
  return folder;
}

export async function handleControl(ctx: RequestContext): Promise<void> {
  const { state } = ctx;
  const method = (ctx.req.method ?? 'GET').toUpperCase();
  let parts: string[];
  try {
    parts = ctx.url.pathname
      .split('/')
      .filter(Boolean)
      .slice(1)
      .map((p) => decodeURIComponent(p));
  } catch {
    throw new HttpError(400, 'Bad Request');
  }
  const route = `${method} /${parts.map((p, i) => (i === 1 && ['mailboxes', 'faults'].includes(parts[0] ?? '') ? ':x' : i === 3 ? ':y' : p)).join('/')}`;

  switch (route) {
    case 'GET /':
      return json(ctx, 200, { ok: true, mailboxes: state.store.mailboxes.size });
    case 'POST /reset':
      state.reset();
      ctx.log.info({ event: 'control.reset' }, 'store reset');
      return json(ctx, 200, { ok: true });
    case 'GET /org':
      return json(ctx, 200, state.org);
    case 'PUT /org':
    case 'POST /org': {
      let org;
      try {
        org = parseOrg(readJson(ctx));
      } catch (err) {
        if (err instanceof HttpError) throw err;
        return json(ctx, 400, { error: err instanceof Error ? err.message : 'invalid organisation' });
      }
      state.reset(org);
      ctx.log.info({ event: 'control.org_loaded', mailboxes: org.mailboxes.length }, 'organisation loaded');
      return json(ctx, 200, { ok: true, mailboxes: org.mailboxes.length });
    }
    case 'GET /mailboxes':
      return json(
        ctx,
        200,
        [...state.store.mailboxes.values()].map((m) => {
          const { password: _password, ...config } = m.config;
          return { ...config, href: folderHref(state.store, ctx.base, m.root) };
        }),
      );
    case 'PATCH /mailboxes/:x': {
      // Room policy of one mailbox, changed in place (no reset): { autoAccept?, maxConflicts? }.
      const mailbox = mailboxOf(ctx, parts[1]!);
      const body = MailboxPolicySchema.safeParse(readJson(ctx));
      if (!body.success) return json(ctx, 400, { error: body.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`) });
      if (body.data.autoAccept !== undefined) mailbox.config.autoAccept = body.data.autoAccept;
      if (body.data.maxConflicts !== undefined) mailbox.config.maxConflicts = body.data.maxConflicts;
      ctx.log.info({ event: 'control.mailbox_policy', mailbox: mailbox.config.alias, ...body.data }, 'mailbox policy changed');
      const { password: _password, ...config } = mailbox.config;
      return json(ctx, 200, config);
    }
    case 'GET /mailboxes/:x/folders': {
      const mailbox = mailboxOf(ctx, parts[1]!);
      return json(
        ctx,
        200,
        [...state.store.walkFolders(mailbox.root, true)].map((f) => folderView(ctx, f)),
      );
    }
    case 'GET /mailboxes/:x/items': {
      const mailbox = mailboxOf(ctx, parts[1]!);
      const ref = ctx.url.searchParams.get('folder');
      const folders = ref ? [folderOf(ctx, mailbox, ref)] : [mailbox.root, ...state.store.walkFolders(mailbox.root, true)];
      const withMime = ctx.url.searchParams.get('mime') === '1';
      return json(
        ctx,
        200,
        folders.flatMap((f) => [...f.items.values()].map((i) => itemView(ctx, i, withMime))),
      );
    }
    case 'GET /mailboxes/:x/items/:y': {
      const mailbox = mailboxOf(ctx, parts[1]!);
      const item = state.store.itemIndex.get(parts[3]!);
      if (!item || item.folder.mailbox !== mailbox) throw new HttpError(404, 'No such item');
      return json(ctx, 200, itemView(ctx, item, true));
    }
    case 'POST /mailboxes/:x/items': {
      // Seeds an item as if a client had written it: { folder, name?, props?, types?, mime? }.
      const mailbox = mailboxOf(ctx, parts[1]!);
      const body = SeedItemSchema.safeParse(readJson(ctx));
      if (!body.success) return json(ctx, 400, { error: body.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`) });
      const folder = folderOf(ctx, mailbox, body.data.folder);
      const item = seedItem(ctx, mailbox, folder, body.data);
      if (!item) return json(ctx, 400, { error: 'props or mime could not be read' });
      ctx.log.info({ event: 'control.item_seeded', mailbox: mailbox.config.alias, item: item.name }, 'item seeded');
      return json(ctx, 201, itemView(ctx, item, false));
    }
    case 'DELETE /mailboxes/:x/items/:y': {
      const mailbox = mailboxOf(ctx, parts[1]!);
      const item = state.store.itemIndex.get(parts[3]!);
      if (!item || item.folder.mailbox !== mailbox) throw new HttpError(404, 'No such item');
      state.store.deleteItem(item);
      return json(ctx, 200, { ok: true });
    }
    case 'POST /mailboxes/:x/respond': {
      // Makes this mailbox's owner answer a meeting request in their Inbox as Outlook would (the newest request
      // with that UID): { uid, response: accept|tentative|decline, proposedStart?, proposedEnd? }. With both
      // proposed times it is "Propose New Time": a Resp.Tent (or Resp.Neg) "New Time Proposed: …" with the
      // counter properties (mime/derive.ts COUNTER_PROPS) reaches the organizer's Inbox.
      const mailbox = mailboxOf(ctx, parts[1]!);
      const body = RespondSchema.safeParse(readJson(ctx));
      if (!body.success) return json(ctx, 400, { error: body.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`) });
      const { uid, response, proposedStart, proposedEnd } = body.data;
      if ((proposedStart === undefined) !== (proposedEnd === undefined)) return json(ctx, 400, { error: 'proposedStart and proposedEnd go together' });
      const proposal = proposedStart && proposedEnd ? { start: new Date(proposedStart), end: new Date(proposedEnd) } : undefined;
      if (proposal && proposal.end <= proposal.start) return json(ctx, 400, { error: 'proposedEnd must be after proposedStart' });
      const inbox = state.store.wellKnownFolder(mailbox, 'inbox');
      const request = [...inbox.items.values()]
        .filter((i) => str(i.props.get(`${NS.ex}outlookmessageclass`)) === MESSAGE_CLASS.request && uidOf(i)?.toLowerCase() === uid.toLowerCase())
        .sort((a, b) => b.article - a.article)[0];
      if (!request) return json(ctx, 404, { error: `No meeting request ${uid} in ${mailbox.config.alias}'s Inbox` });
      answerRequest(state.transport, state.store, mailbox, request, response, proposal);
      ctx.log.info({ event: 'control.responded', mailbox: mailbox.config.alias, response, proposal: !!proposal }, 'meeting request answered');
      return json(ctx, 200, { ok: true });
    }
    case 'POST /mailboxes/:x/submit': {
      // Sends MIME from this mailbox as its owner's client would (e.g. a meeting booked in Outlook).
      const mailbox = mailboxOf(ctx, parts[1]!);
      const body = z.object({ mime: z.string().min(1), saveInSent: z.boolean().default(true) }).safeParse(readJson(ctx));
      if (!body.success) return json(ctx, 400, { error: 'mime must be a non-empty string' });
      try {
        state.transport.submitMime(mailbox, body.data.mime, mailbox.config, { saveInSent: body.data.saveInSent });
      } catch (err) {
        return json(ctx, 400, { error: err instanceof Error ? err.message : 'message could not be sent' });
      }
      return json(ctx, 200, { ok: true });
    }
    case 'GET /outbound':
      return json(ctx, 200, state.transport.outbound);
    case 'DELETE /outbound':
      state.transport.outbound.length = 0;
      return json(ctx, 200, { ok: true });
    case 'GET /faults':
      return json(ctx, 200, { rules: state.faults.rules, freeBusyDelayMs: state.freeBusyDelayMs });
    case 'POST /faults': {
      const body = readJson(ctx);
      const parsed = z.union([FaultRuleSchema, z.array(FaultRuleSchema)]).safeParse(body);
      if (!parsed.success) return json(ctx, 400, { error: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`) });
      const rules = (Array.isArray(parsed.data) ? parsed.data : [parsed.data]).map((r) => state.faults.add(r));
      ctx.log.info({ event: 'control.faults_added', count: rules.length }, 'fault rules added');
      return json(ctx, 201, Array.isArray(parsed.data) ? rules : rules[0]);
    }
    case 'DELETE /faults':
      state.faults.clear();
      state.freeBusyDelayMs = 0;
      return json(ctx, 200, { ok: true });
    case 'DELETE /faults/:x':
      if (!state.faults.remove(parts[1]!)) throw new HttpError(404, 'No such rule');
      return json(ctx, 200, { ok: true });
    case 'POST /sessions/expire': {
      const body = z.object({ alias: z.string().optional() }).safeParse(readJson(ctx));
      if (!body.success) return json(ctx, 400, { error: 'alias must be a string' });
      const expired = state.sessions.expire(body.data.alias);
      ctx.log.warn({ event: 'fault.sessions_expired', count: expired }, 'forms sessions expired');
      return json(ctx, 200, { expired });
    }
    case 'PUT /freebusy-delay':
    case 'POST /freebusy-delay': {
      const body = z.object({ ms: z.number().int().min(0) }).safeParse(readJson(ctx));
      if (!body.success) return json(ctx, 400, { error: 'ms must be a non-negative integer' });
      state.freeBusyDelayMs = body.data.ms;
      ctx.log.warn({ event: 'fault.freebusy_delay', ms: body.data.ms }, 'free/busy publication delay set');
      return json(ctx, 200, { freeBusyDelayMs: state.freeBusyDelayMs });
    }
    default:
      throw new HttpError(404, 'Unknown control route');
  }
}
