// The watchdog thread of worker/hang-watchdog.ts. It reads the main thread's last heartbeat from shared
// memory; once the heartbeat is older than hang_timeout, it pauses the main thread through the
// inspector (a pause interrupts even a busy loop), writes Node's diagnostic report from inside the
// paused frame, whose JavaScript stack is then the code that blocks the loop, and resumes it. One
// report per hang: it waits for the heartbeat to move again before it watches for the next.
import { closeSync, openSync } from 'node:fs';
import { Session } from 'node:inspector';
import { workerData } from 'node:worker_threads';

interface WatchdogData {
  beat: SharedArrayBuffer;
  timeoutMs: number;
  reportPath: string;
}

const { beat: buffer, timeoutMs, reportPath } = workerData as WatchdogData;
const beat = new BigInt64Array(buffer);

function post(session: Session, method: string, params: object = {}): Promise<unknown> {
  return new Promise((resolve, reject) =>
    session.post(method, params, (err, result) => (err ? reject(err) : resolve(result))),
  );
}

/**
 * Connected only for the report (connecting works while the loop is blocked): a session left connected
 * would make Node print "Waiting for the debugger to disconnect..." into the app's output at every exit.
 */
async function writeReport(): Promise<void> {
  const session = new Session();
  session.connectToMainThread();
  try {
    await reportFrom(session);
  } finally {
    session.disconnect();
  }
}

async function reportFrom(session: Session): Promise<void> {
  // The report lists the environment, secrets included: the file is made private before Node fills it.
  closeSync(openSync(reportPath, 'w', 0o600));
  const paused = new Promise<string | undefined>((resolve) =>
    session.once('Debugger.paused', (event) => resolve(event.params.callFrames[0]?.callFrameId)),
  );
  await post(session, 'Debugger.enable');
  await post(session, 'Debugger.pause');
  const frame = await paused;
  try {
    if (frame !== undefined) {
      await post(session, 'Debugger.evaluateOnCallFrame', {
        callFrameId: frame,
        expression: `process.report.writeReport(${JSON.stringify(reportPath)})`,
        silent: true,
      });
    }
  } finally {
    await post(session, 'Debugger.resume');
    await post(session, 'Debugger.disable');
  }
}

let reportedBeat = -1n;
setInterval(
  () => {
    const last = Atomics.load(beat, 0);
    if (last === reportedBeat || Date.now() - Number(last) < timeoutMs) return;
    reportedBeat = last;
    writeReport().catch(() => {});
  },
  Math.max(50, Math.floor(timeoutMs / 10)),
);
