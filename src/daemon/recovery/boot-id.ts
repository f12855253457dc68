// Which boot of the machine this is, so a restarted daemon can tell "the daemon died" (apps may still
// run: take them back) from "the machine rebooted" (nothing runs: that is resurrect's job).
import { readFileSync } from 'node:fs';
import { uptime } from 'node:os';

export function bootId(): string {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    // Elsewhere: the boot time, rounded so clock jitter does not change it.
    return `boot-${Math.round((Date.now() / 1000 - uptime()) / 60)}`;
  }
}
