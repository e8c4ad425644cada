import { DateTime } from 'luxon';
import { fastFbData, parseFreeBusy } from '../server/exchange/owa/freebusy-data.ts';
const n = 360;
const digits = (k: number) => { const a = new Array(156).fill('0'); for (let j = 0; j < 10; j++) { const s = (k * 7 + j * 15) % 150; for (let x = s; x < s + 4; x++) a[x] = '2'; } return a.join(''); };
const items = Array.from({ length: n }, (_, k) => `<a:item><a:displayname>Bench Room ${k}</a:displayname><a:email type="SMTP">bench${k}@example.com</a:email><a:type>1</a:type><a:fbdata>${digits(k)}</a:fbdata></a:item>`);
const body = `<?xml version="1.0"?><a:response xmlns:a="WM"><a:recipients><a:item><a:displayname>All Attendees</a:displayname><a:type>1</a:type><a:fbdata>${digits(0)}</a:fbdata></a:item>${items.join('')}</a:recipients></a:response>`;
const emails = Array.from({ length: n }, (_, k) => `bench${k}@example.com`);
const w = { start: DateTime.fromISO('2030-01-01T07:00:00Z', { zone: 'utc' }), end: DateTime.fromISO('2030-01-01T20:00:00Z', { zone: 'utc' }) };
for (let r = 0; r < 3; r++) {
  let t = performance.now(); for (let i = 0; i < 200; i++) fastFbData(body); const a = (performance.now() - t) / 200;
  t = performance.now(); for (let i = 0; i < 200; i++) parseFreeBusy(body, emails, w, 5); const b = (performance.now() - t) / 200;
  console.log(`fast ${a.toFixed(3)} ms, parse ${b.toFixed(3)} ms per ${n}-room batch (${body.length} chars)`);
}
