// Names of delivered items: a leaf module, so room processing (rooms.ts) and OWA's getcancel name items as the
// transport does without importing the transport, which imports them.

/** `Re: foo` → `Re: foo.EML`; `/` becomes `_xF8FF_` as in Exchange item names (§2). */
export function deliveryName(subject: string): string {
  const clean = (subject.trim() || 'Untitled')
    .replace(/\//g, '_xF8FF_')
    .replace(/[\\\u0000-\u001f]/g, ' ')
    .slice(0, 200);
  return `${clean}.EML`;
}
