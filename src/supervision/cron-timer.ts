// Runs a function on a cron pattern, for log files that rotate by time. croner is loaded the first time a
// file asks for a schedule: by default no file does, and a cluster primary then never loads it. Patterns
// reach here validated (config and daemon defaults check them with croner), so the schedule starts a few
// milliseconds later, once croner is loaded, and a pattern croner refuses leaves the file without one.
export interface CronTimer {
  stop(): void;
}

export function cronTimer(pattern: string, fn: () => void): CronTimer {
  let stopped = false;
  let stopCron: (() => void) | null = null;
  void import('croner').then(({ Cron }) => {
    if (stopped) return;
    try {
      const cron = new Cron(pattern, { unref: true, catch: true }, fn);
      stopCron = () => cron.stop();
    } catch {
      // refused pattern: no time rotation (see above)
    }
  });
  return {
    stop() {
      stopped = true;
      stopCron?.();
    },
  };
}
