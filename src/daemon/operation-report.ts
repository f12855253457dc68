// What an operation that starts processes (start, restart, reload, scale) tells the user: it waits for
// them to come online or fail (start-settle.ts), and collects the warnings worth reading: workers that
// listen elsewhere than their siblings, and the known cause of a failure.
import type { ProcessDetail } from '../protocol/process-info.js';
import { failureHint, type StartFailure, settle } from './start-settle.js';

export interface OperationReport {
  warnings: string[];
  failures: StartFailure[];
}

export async function reportOn(
  details: () => ProcessDetail[],
  since: number,
  wait: boolean,
): Promise<OperationReport> {
  const failures = wait ? await settle(details, since) : [];
  const now = details();
  const warnings: string[] = [];
  for (const d of now)
    if (d.notice) warnings.push(`${d.name} (id ${d.id}, instance ${d.instance}) ${d.notice}.`);
  const hint = failureHint(failures, now);
  if (hint) warnings.push(hint);
  return { warnings, failures };
}
