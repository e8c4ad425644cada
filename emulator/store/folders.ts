// Well-known folders of a mailbox and their names per locale. Exchange names them by display name in the
// mailbox language ("Calendar", "Kalender"), so clients discover them from the root (protocol reference §2, §5).

export type Locale = 'en' | 'de' | 'hu';

export interface WellKnownFolder {
  /** The urn:schemas:httpmail: property on the mailbox root that points at it. */
  key: string;
  folderClass: string;
  contentClass: string;
  names: Record<Locale, string>;
}

export const WELL_KNOWN_FOLDERS: readonly WellKnownFolder[] = [
  {
    key: 'inbox',
    folderClass: 'IPF.Note',
    contentClass: 'urn:content-classes:mailfolder',
    names: { en: 'Inbox', de: 'Posteingang', hu: 'Beérkezett üzenetek' },
  },
  {
    key: 'calendar',
    folderClass: 'IPF.Appointment',
    contentClass: 'urn:content-classes:calendarfolder',
    names: { en: 'Calendar', de: 'Kalender', hu: 'Naptár' },
  },
  {
    key: 'contacts',
    folderClass: 'IPF.Contact',
    contentClass: 'urn:content-classes:contactfolder',
    names: { en: 'Contacts', de: 'Kontakte', hu: 'Névjegyalbum' },
  },
  {
    key: 'deleteditems',
    folderClass: 'IPF.Note',
    contentClass: 'urn:content-classes:mailfolder',
    names: { en: 'Deleted Items', de: 'Gelöschte Objekte', hu: 'Törölt elemek' },
  },
  { key: 'drafts', folderClass: 'IPF.Note', contentClass: 'urn:content-classes:mailfolder', names: { en: 'Drafts', de: 'Entwürfe', hu: 'Piszkozatok' } },
  { key: 'journal', folderClass: 'IPF.Journal', contentClass: 'urn:content-classes:journalfolder', names: { en: 'Journal', de: 'Journal', hu: 'Napló' } },
  { key: 'notes', folderClass: 'IPF.StickyNote', contentClass: 'urn:content-classes:notefolder', names: { en: 'Notes', de: 'Notizen', hu: 'Jegyzetek' } },
  {
    key: 'outbox',
    folderClass: 'IPF.Note',
    contentClass: 'urn:content-classes:mailfolder',
    names: { en: 'Outbox', de: 'Postausgang', hu: 'Postázandó üzenetek' },
  },
  {
    key: 'sentitems',
    folderClass: 'IPF.Note',
    contentClass: 'urn:content-classes:mailfolder',
    names: { en: 'Sent Items', de: 'Gesendete Objekte', hu: 'Elküldött elemek' },
  },
  { key: 'tasks', folderClass: 'IPF.Task', contentClass: 'urn:content-classes:taskfolder', names: { en: 'Tasks', de: 'Aufgaben', hu: 'Feladatok' } },
  {
    key: 'junkemail',
    folderClass: 'IPF.Note',
    contentClass: 'urn:content-classes:mailfolder',
    names: { en: 'Junk E-mail', de: 'Junk-E-Mail', hu: 'Levélszemét' },
  },
];

/** Not localized; DavMail SEARCHes it for OWA user options (an empty answer is fine). */
export const NON_IPM_SUBTREE = 'NON_IPM_SUBTREE';

/** The `##DavMailSubmissionURI##` segment: a magic target, not a folder (§2). */
export const SUBMISSION_SEGMENT = '##DavMailSubmissionURI##';

/** The flat URL space segment of permanent URLs (§2). */
export const FLAT_URL_SPACE = '-FlatUrlSpace-';

export function wellKnown(key: string): WellKnownFolder | undefined {
  return WELL_KNOWN_FOLDERS.find((f) => f.key === key);
}

export function contentClassForFolderClass(folderClass: string): string {
  return WELL_KNOWN_FOLDERS.find((f) => f.folderClass === folderClass)?.contentClass ?? 'urn:content-classes:folder';
}

/** Windows time zone names (what OWA shows and Exchange-made VTIMEZONEs use as TZID) for the IANA zones we know. */
export const WINDOWS_ZONES: Record<string, string> = {
  'Europe/London': 'GMT Standard Time',
  'Europe/Dublin': 'GMT Standard Time',
  'Europe/Berlin': 'W. Europe Standard Time',
  'Europe/Amsterdam': 'W. Europe Standard Time',
  'Europe/Vienna': 'W. Europe Standard Time',
  'Europe/Zurich': 'W. Europe Standard Time',
  'Europe/Paris': 'Romance Standard Time',
  'Europe/Budapest': 'Central Europe Standard Time',
  'America/New_York': 'Eastern Standard Time',
  'America/Chicago': 'Central Standard Time',
  'America/Los_Angeles': 'Pacific Standard Time',
  UTC: 'UTC',
};

export function windowsZone(iana: string): string {
  return WINDOWS_ZONES[iana] ?? 'UTC';
}

const LCIDS: Record<Locale, string> = { en: '0x409', de: '0x407', hu: '0x40e' };

export function lcid(locale: Locale): string {
  return LCIDS[locale];
}
