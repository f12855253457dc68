// What a ManagedProcess tells its owner: every state transition with its reason, the messages of its
// process, each exit of an OS process, and each address it starts listening on.
import type { ProcessStatus } from './process-state.js';

export interface TransitionEvent {
  id: number;
  name: string;
  from: ProcessStatus;
  to: ProcessStatus;
  reason: string;
}

export interface ManagedProcessEvents {
  transition: [TransitionEvent];
  message: [unknown];
  /** The OS process of one run exited (its pid is free again). */
  exit: [{ pid: number | null }];
  /** The current run listens on one more address. */
  listening: [string];
}
