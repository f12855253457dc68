// max_memory_restart's decision as a pure function of the figures: when a process is replaced, when not.
import assert from 'node:assert/strict';
import { describe, it } from '../helpers/node-test.js';
import { decideMemoryRestart, type MemoryCheckInput } from '../../src/daemon/features/memory-limit-policy.js';

const MB = 1024 * 1024;

describe('memory limit decision', () => {
  const base: MemoryCheckInput = {
    limit: 300 * MB,
    status: 'online',
    memory: 312 * MB,
    lastMemoryRestartAt: null,
    replacing: false,
    now: 10_000,
    minGapMs: 2_000,
  };
  const cases: Array<[string, Partial<MemoryCheckInput>, 'keep' | 'replace']> = [
    ['over the limit', {}, 'replace'],
    ['exactly at the limit', { memory: 300 * MB }, 'keep'],
    ['under the limit', { memory: 100 * MB }, 'keep'],
    ['no limit', { limit: null }, 'keep'],
    ['a zero limit', { limit: 0 }, 'keep'],
    ['launching', { status: 'launching' }, 'keep'],
    ['stopping', { status: 'stopping' }, 'keep'],
    ['stopped', { status: 'stopped' }, 'keep'],
    ['a replacement in progress', { replacing: true }, 'keep'],
    ['replaced less than one interval ago', { lastMemoryRestartAt: 9_000 }, 'keep'],
    ['replaced one interval ago', { lastMemoryRestartAt: 8_000 }, 'replace'],
  ];
  for (const [what, change, expected] of cases) {
    it(`${expected}s a process ${what}`, () => {
      assert.equal(decideMemoryRestart({ ...base, ...change }).action, expected);
    });
  }

  it('names the figures in the reason', () => {
    const d = decideMemoryRestart(base);
    assert.deepEqual(d, { action: 'replace', reason: 'memory limit: 312 MB over max_memory_restart 300 MB' });
  });
});
