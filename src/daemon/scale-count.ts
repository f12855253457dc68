// What `shoal scale <app> <count>` asks for: N, +N, -N or max, resolved against the current count.
import { ShoalError } from '../errors.js';
import { MAX_INSTANCES } from '../protocol/limits.js';

export function scaleCount(name: string, current: number, instances: number | string, cpus: number): number {
  let wanted: number;
  if (typeof instances === 'number') wanted = instances;
  else if (/^[+-]\d+$/.test(instances)) wanted = current + Number(instances);
  else if (instances === 'max') wanted = cpus;
  else if (/^\d+$/.test(instances)) wanted = Number(instances);
  else {
    throw new ShoalError(
      'SHOAL_ERR_SCALE_INVALID',
      `Cannot scale ${name} to "${instances}": expected N, +N, -N or max.`,
      {
        app: name,
        instances,
      },
    );
  }
  if (!Number.isSafeInteger(wanted) || wanted > MAX_INSTANCES) {
    throw new ShoalError(
      'SHOAL_ERR_SCALE_INVALID',
      `Cannot scale ${name} to ${instances}: at most ${MAX_INSTANCES} instances.`,
      { app: name, instances },
    );
  }
  if (wanted < 1) {
    throw new ShoalError(
      'SHOAL_ERR_SCALE_INVALID',
      `Cannot scale ${name} to ${wanted}: at least 1 instance (use "shoal stop" to stop it).`,
      { app: name, instances },
    );
  }
  return wanted;
}

/**
 * The worker slots after scaling to `instances`: the slots below that instance number keep their ids,
 * missing instance numbers get new ones, in instance order.
 */
export function scaledSlots<S extends { id: number; instance: number }>(
  slots: readonly S[],
  instances: number,
  nextId: () => number,
): Array<{ id: number; instance: number }> {
  const keep: Array<{ id: number; instance: number }> = slots.filter((s) => s.instance < instances);
  const used = new Set(keep.map((s) => s.instance));
  for (let i = 0; keep.length < instances; i++) if (!used.has(i)) keep.push({ id: nextId(), instance: i });
  return keep.sort((a, b) => a.instance - b.instance);
}
