// The gateway's field problems in the reader's language (issue 17). The gateway (server/exchange/meeting-props.ts)
// checks every Meeting before anything is sent and says what is wrong in technical English ("must be a single
// line."), keyed by the Meeting's field path ("requiredAttendees.0.email"). An employee reads the reason on the
// booking page, so each problem is stored as a catalog reference: the field's name and the problem in words, in
// whichever language the reader has. A problem this table does not know is kept as the gateway wrote it.
import { storedMessage } from './stored.ts';

/** The gateway's messages (meeting-props.ts, text-rules.ts) → catalog keys; format.test.ts checks they still match. */
export const GATEWAY_PROBLEMS: Readonly<Record<string, string>> = {
  'must be a single line.': 'gateway.problem.single_line',
  'must not contain control characters.': 'gateway.problem.control',
  'must be an email address.': 'gateway.problem.email',
  'must be 1-200 printable characters without spaces.': 'gateway.problem.uid',
  'must be an IANA time zone such as Europe/London.': 'gateway.problem.zone',
  'must be after the start.': 'gateway.problem.order',
  'must be a valid date and time.': 'gateway.problem.date',
  'must be a BCP-47 language tag such as en or hu.': 'gateway.problem.language',
};

/** The Meeting's top-level fields, as the select arms of `gateway.field`. */
const FIELDS = new Set([
  'uid',
  'organizer',
  'subject',
  'textBody',
  'htmlBody',
  'location',
  'start',
  'end',
  'timeZone',
  'requiredAttendees',
  'optionalAttendees',
  'room',
  'sequence',
  'reminderMinutes',
  'busyStatus',
  'language',
]);

/** One field problem as a stored reference: "Subject: must be a single line." / "Tárgy: csak egy sor lehet." */
function problemRef(path: string, message: string): string {
  const top = path.split('.')[0] ?? path;
  const field = FIELDS.has(top) ? storedMessage('gateway.field', { field: top }) : path;
  const key = GATEWAY_PROBLEMS[message];
  return storedMessage('gateway.field_problem', { field, problem: key ? storedMessage(key) : message });
}

/** Every field problem, as one stored reference (each joined to the next by `gateway.problems`). */
export function gatewayProblemsRef(fields: Readonly<Record<string, string>>): string {
  const refs = Object.entries(fields).map(([path, message]) => problemRef(path, message));
  if (!refs.length) return storedMessage('gateway.problem.unknown');
  return refs.reduceRight((rest, first) => storedMessage('gateway.problems', { first, rest }));
}
