// Workers of one cluster app are meant to listen on the same addresses: the primary shares each listening
// socket among them. A worker that listens elsewhere (a server that moved to another port because it
// found its own port answering, which in cluster mode it always does) serves nobody on the app's
// address. This finds such workers, so that ls, describe and start can say so.
import type { WorkerSnapshot } from '../../protocol/primary-channel.js';

const key = (addresses: string[]) => [...addresses].sort().join(' ');

/** A notice for each online worker whose addresses differ from those most of its siblings listen on. */
export function listeningNotices(workers: WorkerSnapshot[]): Map<number, string> {
  const notices = new Map<number, string>();
  const listening = workers.filter((w) => w.status === 'online' && w.listening.length > 0);
  if (listening.length < 2) return notices;
  const groups = new Map<string, WorkerSnapshot[]>();
  for (const w of listening) groups.set(key(w.listening), [...(groups.get(key(w.listening)) ?? []), w]);
  if (groups.size < 2) return notices;
  const sorted = [...groups.values()].sort((a, b) => b.length - a.length || a[0]!.instance - b[0]!.instance);
  const main = sorted[0]!;
  const why =
    "it serves nobody on the app's address (a server that moves to another port when its port answers does this in cluster mode)";
  if (main.length > sorted[1]!.length) {
    // Most workers agree: the ones that do not are the odd ones out.
    const reference = main[0]!;
    for (const w of listening) {
      if (key(w.listening) === key(reference.listening)) continue;
      notices.set(
        w.id,
        `listens on ${w.listening.join(', ')}, not on ${reference.listening.join(', ')} like instance ${reference.instance}: ${why}`,
      );
    }
    return notices;
  }
  // No majority (two workers, one moved): which one serves the intended address cannot be told here.
  for (const w of listening) {
    const other = listening.find((o) => key(o.listening) !== key(w.listening))!;
    notices.set(
      w.id,
      `listens on ${w.listening.join(', ')}, while instance ${other.instance} listens on ${other.listening.join(', ')}: the workers of an app should listen on the same addresses; one of them ${why.slice(3)}`,
    );
  }
  return notices;
}
