// One table of the DAV properties the gateway reads or writes (DavMail dav/Field.java; protocol reference §6).
// Code refers to properties by logical name only; namespaces and types live here.

export const NS = {
  dav: 'DAV:',
  dt: 'urn:uuid:c2f41010-65b3-11d1-a29f-00aa00c14882/',
  mv: 'xml:',
  mail: 'urn:schemas:httpmail:',
  hdr: 'urn:schemas:mailheader:',
  cal: 'urn:schemas:calendar:',
  ex: 'http://schemas.microsoft.com/exchange/',
  mapi: 'http://schemas.microsoft.com/mapi/',
  proptag: 'http://schemas.microsoft.com/mapi/proptag/',
  owa: 'WM',
} as const;

export type Namespace = (typeof NS)[keyof typeof NS];

/** Exchange's data types (`b:dt`), §4.2. Strings carry no type attribute. */
export type DavType = 'string' | 'int' | 'boolean' | 'dateTime.tz' | 'dateTime.rfc1123' | 'mv.string' | 'uri';

export interface PropertyDef {
  ns: Namespace;
  name: string;
  type: DavType;
}

function p(ns: Namespace, name: string, type: DavType = 'string'): PropertyDef {
  return { ns, name, type };
}

export const PROPS = {
  // item identity and class
  href: p(NS.dav, 'href', 'uri'),
  contentClass: p(NS.dav, 'contentclass'),
  isFolder: p(NS.dav, 'isfolder', 'boolean'),
  isHidden: p(NS.dav, 'ishidden', 'boolean'),
  displayName: p(NS.dav, 'displayname'),
  lastModified: p(NS.dav, 'getlastmodified', 'dateTime.rfc1123'),
  // PR_SENSITIVITY (x00360003) under its Exchange name: 0 normal, 1 personal, 2 private, 3 confidential.
  sensitivity: p(NS.ex, 'sensitivity', 'int'),
  etag: p(NS.dav, 'getetag'),
  messageClass: p(NS.ex, 'outlookmessageclass'),
  permanentUrl: p(NS.ex, 'permanenturl', 'uri'),
  // message
  subject: p(NS.mail, 'subject'),
  textBody: p(NS.mail, 'textdescription'),
  htmlBody: p(NS.mail, 'htmldescription'),
  from: p(NS.mail, 'from'),
  dateReceived: p(NS.mail, 'datereceived', 'dateTime.tz'),
  to: p(NS.hdr, 'to'),
  cc: p(NS.hdr, 'cc'),
  bcc: p(NS.hdr, 'bcc'),
  // calendar
  uid: p(NS.cal, 'uid'),
  dtStart: p(NS.cal, 'dtstart', 'dateTime.tz'),
  dtEnd: p(NS.cal, 'dtend', 'dateTime.tz'),
  dtStamp: p(NS.cal, 'dtstamp', 'dateTime.tz'),
  location: p(NS.cal, 'location'),
  instanceType: p(NS.cal, 'instancetype', 'int'),
  busyStatus: p(NS.cal, 'busystatus'),
  meetingStatus: p(NS.cal, 'meetingstatus'),
  allDay: p(NS.cal, 'alldayevent', 'boolean'),
  responseRequested: p(NS.cal, 'responserequested', 'boolean'),
  reminderOffset: p(NS.cal, 'reminderoffset', 'int'),
  sequence: p(NS.cal, 'sequence', 'int'),
  organizer: p(NS.cal, 'organizer'),
  method: p(NS.cal, 'method'),
  transparent: p(NS.cal, 'transparent'),
  isOrganizer: p(NS.cal, 'isorganizer', 'boolean'),
  // MAPI named/tagged
  invited: p(NS.mapi, 'finvited', 'boolean'),
  mapiBusyStatus: p(NS.mapi, 'busystatus', 'int'),
  intendedBusyStatus: p(NS.mapi, 'intendedbusystatus', 'int'),
  responseStatus: p(NS.mapi, 'responsestatus', 'int'),
  apptStateFlags: p(NS.mapi, 'apptstateflags', 'int'),
  // well-known folders on the mailbox root (§5)
  folderCalendar: p(NS.mail, 'calendar', 'uri'),
  folderInbox: p(NS.mail, 'inbox', 'uri'),
  folderDrafts: p(NS.mail, 'drafts', 'uri'),
  folderSentItems: p(NS.mail, 'sentitems', 'uri'),
  folderDeletedItems: p(NS.mail, 'deleteditems', 'uri'),
  folderOutbox: p(NS.mail, 'outbox', 'uri'),
  folderSubmission: p(NS.mail, 'sendmsg', 'uri'),
} as const satisfies Record<string, PropertyDef>;

export type PropName = keyof typeof PROPS;

/** The fully qualified name, as SEARCH SQL and the row maps use it: namespace + local name. */
export function qualifiedName(def: PropertyDef): string {
  return def.ns + def.name;
}

/** Message classes (§6). */
export const MESSAGE_CLASS = {
  appointment: 'IPM.Appointment',
  request: 'IPM.Schedule.Meeting.Request',
  cancelled: 'IPM.Schedule.Meeting.Canceled',
} as const;

export const CONTENT_CLASS = {
  appointment: 'urn:content-classes:appointment',
  calendarMessage: 'urn:content-classes:calendarmessage',
} as const;
