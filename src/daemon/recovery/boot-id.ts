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

/** The kernel's start time of a process (clock ticks since boot), to tell a pid from a reused one. */
export function processStartTime(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}
