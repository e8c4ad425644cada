// What a client sees of a folder or item: stored properties plus the ones the server computes (href, etag,
// permanent URL, folder counts, the mailbox root's well-known folder URLs, …).
import { EXCEPTIONS_PROP, INTERNAL_NS } from './recurrence.ts';
import { FLAT_URL_SPACE, SUBMISSION_SEGMENT, WELL_KNOWN_FOLDERS, contentClassForFolderClass, windowsZone } from './folders.ts';
import { NS, formatExchangeDate, type PropMap, type PropValue } from './props.ts';
import type { Folder, Item, Store } from './store.ts';
import { activeLockNode, supportedLockNodes, type Lockable } from './locks.ts';

export type Resource = { kind: 'folder'; folder: Folder } | { kind: 'item'; item: Item };

const KEEP = /%(3A|40|2C|21|24|26|27|28|29|2A|2B|3B|3D|7E)/g;

/** %-encodes one path segment the way Exchange writes hrefs: spaces as %20, `#` as %23, `:` kept (§2). */
export function encodeSegment(segment: string): string {
  return encodeURIComponent(segment).replace(KEEP, (m) => decodeURIComponent(m));
}

export function mailboxHref(base: string, alias: string): string {
  return `${base}/exchange/${encodeSegment(alias)}/`;
}

export function folderHref(store: Store, base: string, folder: Folder): string {
  const segs = store.folderPath(folder).map(encodeSegment);
  return mailboxHref(base, folder.mailbox.config.alias) + segs.map((s) => `${s}/`).join('');
}

export function itemHref(store: Store, base: string, item: Item): string {
  return folderHref(store, base, item.folder) + encodeSegment(item.name);
}

export function resourceHref(store: Store, base: string, r: Resource): string {
  return r.kind === 'folder' ? folderHref(store, base, r.folder) : itemHref(store, base, r.item);
}

export function permanentUrl(base: string, r: Resource): string {
  if (r.kind === 'folder') {
    return `${mailboxHref(base, r.folder.mailbox.config.alias)}${FLAT_URL_SPACE}/${r.folder.id}/`;
  }
  return `${mailboxHref(base, r.item.folder.mailbox.config.alias)}${FLAT_URL_SPACE}/${r.item.folder.id}/${r.item.id}`;
}

export function submissionHref(base: string, alias: string): string {
  return `${mailboxHref(base, alias)}${encodeSegment(SUBMISSION_SEGMENT)}/`;
}

const s = (value: string): PropValue => ({ type: 'string', value });
const b = (value: boolean): PropValue => ({ type: 'boolean', value: value ? '1' : '0' });
const i = (value: number): PropValue => ({ type: 'int', value: String(value) });
const d = (value: Date): PropValue => ({ type: 'dateTime.tz', value: formatExchangeDate(value) });

/** The stored text of a folder's `DAV:resourcetype`; written as `<a:resourcetype><a:collection/></a:resourcetype>`. */
export const RESOURCETYPE_COLLECTION = 'collection';

/** Every property of a resource: computed ones first, then stored ones (stored values win where both exist). */
export function resourceProps(store: Store, base: string, r: Resource): PropMap {
  const p = r.kind === 'folder' ? folderProps(store, base, r.folder) : itemProps(store, base, r.item);
  // RFC 4918 lock properties: the locks that apply here (own and inherited) and the kinds on offer.
  const on: Lockable = r;
  p.set(`${NS.dav}lockdiscovery`, { type: 'string', value: '', xml: store.locks.covering(on).map((l) => activeLockNode(store.locks, l)) });
  p.set(`${NS.dav}supportedlock`, { type: 'string', value: '', xml: supportedLockNodes() });
  return p;
}

function itemProps(store: Store, base: string, item: Item): PropMap {
  const p: PropMap = new Map();
  const href = itemHref(store, base, item);
  p.set(`${NS.dav}href`, s(href));
  p.set(`${NS.dav}displayname`, s(item.name));
  p.set(`${NS.dav}getetag`, s(item.etag));
  p.set(`${NS.dav}getlastmodified`, d(item.modified));
  p.set(`${NS.dav}creationdate`, d(item.created));
  p.set(`${NS.dav}isfolder`, b(false));
  // SDK "resourcetype Field": empty for items, <DAV:collection/> for folders (multistatus.ts writes the element).
  p.set(`${NS.dav}resourcetype`, s(''));
  p.set(`${NS.dav}iscollection`, b(false));
  p.set(`${NS.dav}ishidden`, b(false));
  p.set(`${NS.dav}isreadonly`, b(false));
  p.set(`${NS.dav}getcontenttype`, s('message/rfc822'));
  p.set(`${NS.dav}contentclass`, s('urn:content-classes:message'));
  p.set(`${NS.dav}parentname`, s(folderHref(store, base, item.folder)));
  p.set(`${NS.dav}uid`, s(item.id));
  p.set(`${NS.ex}permanenturl`, s(permanentUrl(base, { kind: 'item', item })));
  p.set(`${NS.ex}outlookmessageclass`, s('IPM.Note'));
  p.set(`${NS.mail}read`, b(true));
  p.set(`${NS.proptag}x10f3001f`, s(item.name));
  p.set(`${NS.proptag}x0e230003`, i(item.article));
  p.set(`${NS.repl}repl-uid`, s(`rid:${item.id.replace('-', '')}`));
  // MAPI views DavMail's IMAP side reads: PR_MESSAGE_CLASS, PR_MESSAGE_DELIVERY_TIME, PR_MESSAGE_FLAGS (read).
  const messageClass = item.props.get(`${NS.ex}outlookmessageclass`);
  p.set(`${NS.proptag}x001a001f`, s(typeof messageClass?.value === 'string' ? messageClass.value : 'IPM.Note'));
  const received = item.props.get(`${NS.mail}datereceived`);
  p.set(`${NS.proptag}x0e060040`, received ?? d(item.created));
  p.set(`${NS.mail}datereceived`, received ?? d(item.created));
  p.set(`${NS.proptag}x0e070003`, i(item.props.get(`${NS.mail}read`)?.value === '0' ? 0 : 1));
  const size = item.mime !== undefined ? Buffer.byteLength(item.mime) : approximateSize(item);
  p.set(`${NS.dav}getcontentlength`, i(size));
  p.set(`${NS.proptag}x0e080003`, i(size));
  // PR_SENSITIVITY is on every message (0 = normal unless iCalendar CLASS or a PROPPATCH said otherwise):
  // DavMail filters shared calendars with `x00360003 = 0`, so an item without it was invisible to a delegate.
  p.set(`${NS.proptag}x00360003`, i(0));
  // PR_TRANSPORT_MESSAGE_HEADERS of a message that came as MIME (delivered or PUT): DavMail's IMAP FETCH of
  // header fields reads it instead of downloading the whole message.
  if (item.mime) {
    const end = item.mime.search(/\r?\n\r?\n/);
    const block = end < 0 ? item.mime : item.mime.slice(0, end);
    p.set(`${NS.proptag}x007d001f`, s(`Microsoft Mail Internet Headers Version 2.0\r\n${block.replace(/\r?\n/g, '\r\n')}\r\n\r\n`));
  }
  // The emulator's own bookkeeping (a master's exceptions) is no WebDAV property.
  for (const [k, v] of item.props) if (!k.startsWith(INTERNAL_NS)) p.set(k, v);
  // The SDK's name for PR_SENSITIVITY answers the same value (PROPPATCH stores it under the proptag).
  p.set(`${NS.ex}sensitivity`, p.get(`${NS.proptag}x00360003`)!);
  // EXCHANGE: these are the store's, whatever a client wrote (PROPPATCH answers 403 for them).
  p.set(`${NS.dav}getetag`, s(item.etag));
  p.set(`${NS.dav}href`, s(href));
  return p;
}

/** PR_MESSAGE_SIZE for an item without stored MIME: the size of its property values (close enough for clients). */
function approximateSize(item: Item): number {
  let n = 0;
  for (const v of item.props.values()) n += Array.isArray(v.value) ? v.value.join('').length : v.value.length;
  return n;
}

function folderProps(store: Store, base: string, folder: Folder): PropMap {
  const p: PropMap = new Map();
  const href = folderHref(store, base, folder);
  const folderClass = folder.props.get(`${NS.ex}outlookfolderclass`)?.value;
  const cls = typeof folderClass === 'string' ? folderClass : 'IPF.Note';
  const items = [...folder.items.values()];
  p.set(`${NS.dav}href`, s(href));
  p.set(`${NS.dav}displayname`, s(folder.parent ? folder.name : folder.mailbox.config.alias));
  p.set(`${NS.dav}getetag`, s(folder.etag));
  p.set(`${NS.dav}getlastmodified`, d(folder.modified));
  p.set(`${NS.dav}creationdate`, d(folder.created));
  p.set(`${NS.dav}isfolder`, b(true));
  p.set(`${NS.dav}resourcetype`, s(RESOURCETYPE_COLLECTION));
  p.set(`${NS.dav}iscollection`, b(true));
  p.set(`${NS.dav}ishidden`, b(false));
  p.set(`${NS.dav}isreadonly`, b(false));
  p.set(`${NS.dav}hassubs`, b(folder.children.size > 0));
  p.set(`${NS.dav}nosubs`, b(false));
  p.set(`${NS.dav}childcount`, i(folder.children.size));
  p.set(`${NS.dav}objectcount`, i(items.length));
  p.set(`${NS.dav}visiblecount`, i(items.length));
  p.set(`${NS.dav}contentclass`, s(folder.parent ? contentClassForFolderClass(cls) : 'urn:content-classes:folder'));
  p.set(`${NS.dav}uid`, s(folder.id));
  p.set(`${NS.ex}permanenturl`, s(permanentUrl(base, { kind: 'folder', folder })));
  p.set(`${NS.mail}unreadcount`, i(items.filter((it) => it.props.get(`${NS.mail}read`)?.value === '0').length));
  p.set(`${NS.repl}contenttag`, s(folder.etag.replaceAll('"', '')));
  p.set(`${NS.proptag}x10f3001f`, s(folder.name));
  // PR_ARTICLE_NUM_NEXT / PR_IMAP_LAST_ARTICLE_ID: DavMail's IMAP uidNext and highest uid.
  p.set(`${NS.proptag}x67510003`, i(store.counters().article + 1));
  p.set(`${NS.proptag}x67520003`, i(items.reduce((max, it) => Math.max(max, it.article), 0)));
  if (folder.parent) p.set(`${NS.ex}outlookfolderclass`, s(cls));
  if (!folder.parent) {
    const mb = folder.mailbox;
    for (const wk of WELL_KNOWN_FOLDERS) {
      // EXCHANGE: well-known folder URLs come without a trailing slash (XWDCAL §4.2.2 example).
      const f = store.wellKnownFolder(mb, wk.key);
      p.set(`${NS.mail}${wk.key}`, s(folderHref(store, base, f).replace(/\/$/, '')));
    }
    p.set(`${NS.mail}sendmsg`, s(submissionHref(base, mb.config.alias)));
    p.set(`${NS.mail}msgfolderroot`, s(href));
    p.set(`${NS.ex}timezone`, s(windowsZone(mb.config.timeZone)));
  }
  for (const [k, v] of folder.props) p.set(k, v);
  p.set(`${NS.dav}href`, s(href));
  return p;
}

/** Properties a client may not write (PROPPATCH answers 403 for them). */
export const PROTECTED_PROPS: ReadonlySet<string> = new Set([
  EXCEPTIONS_PROP,
  `${NS.dav}href`,
  `${NS.dav}getetag`,
  `${NS.dav}getlastmodified`,
  `${NS.dav}creationdate`,
  `${NS.dav}isfolder`,
  `${NS.dav}iscollection`,
  `${NS.dav}resourcetype`,
  `${NS.dav}lockdiscovery`,
  `${NS.dav}supportedlock`,
  `${NS.dav}hassubs`,
  `${NS.dav}childcount`,
  `${NS.dav}objectcount`,
  `${NS.dav}visiblecount`,
  `${NS.dav}getcontentlength`,
  `${NS.dav}parentname`,
  `${NS.dav}uid`,
  `${NS.ex}permanenturl`,
  `${NS.proptag}x10f3001f`,
  `${NS.proptag}x0e230003`,
  `${NS.repl}repl-uid`,
  `${NS.repl}contenttag`,
]);
