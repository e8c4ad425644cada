// Fault injection: rules a test adds through /_emulator/faults to make the server slow, fail, drop
// connections or answer an OWA error page. Every injected fault is logged.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';

export const FaultRuleSchema = z.object({
  /** latency: delay then answer normally; status: answer `status`; drop: destroy the socket;
   *  owa-error: 200 with an OWA error page; downlevel: answer as the plain-HTML OWA does for non-IE
   *  browsers (Cmd=freebusy then returns its colour-coded HTML table instead of XML, §14); login-page: 200 with the
   *  OWA logon form (what an expired forms session or an ISA front end answers); empty-multistatus: 207 with no
   *  response in it. Neither carries the request out. */
  kind: z.enum(['latency', 'status', 'drop', 'truncate', 'owa-error', 'downlevel', 'login-page', 'empty-multistatus']),
  /** HTTP method to match (any when absent). */
  method: z.string().optional(),
  /** Substring of the decoded request path to match, case-insensitive (any when absent). */
  path: z.string().optional(),
  /** How many matching requests it applies to (every one when absent). */
  count: z.number().int().positive().optional(),
  status: z.number().int().min(100).max(599).optional(),
  latencyMs: z.number().int().min(0).max(120_000).optional(),
});

export type FaultRuleInput = z.input<typeof FaultRuleSchema>;
export type FaultRule = z.output<typeof FaultRuleSchema> & { id: string; hits: number };

export class FaultState {
  rules: FaultRule[] = [];

  add(input: FaultRuleInput): FaultRule {
    const rule: FaultRule = { ...FaultRuleSchema.parse(input), id: randomUUID(), hits: 0 };
    this.rules.push(rule);
    return rule;
  }

  remove(id: string): boolean {
    const before = this.rules.length;
    this.rules = this.rules.filter((r) => r.id !== id);
    return this.rules.length !== before;
  }

  clear(): void {
    this.rules = [];
  }

  /** The faults that apply to this request (consuming one use of each counted rule). */
  take(method: string, path: string): FaultRule[] {
    const lowered = path.toLowerCase();
    const hits: FaultRule[] = [];
    for (const rule of this.rules) {
      if (rule.method && rule.method.toUpperCase() !== method.toUpperCase()) continue;
      if (rule.path && !lowered.includes(rule.path.toLowerCase())) continue;
      rule.hits += 1;
      hits.push(rule);
      if (rule.count !== undefined) rule.count -= 1;
    }
    this.rules = this.rules.filter((r) => r.count === undefined || r.count > 0);
    return hits;
  }
}
