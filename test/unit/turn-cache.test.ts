// The turn-scoped cache behind executable and directory lookups: one computation per key per turn of the
// event loop, a fresh one in the next turn, so a long-lived daemon never keeps a stale answer.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { describe, it } from '../helpers/node-test.js';
import { TurnCache } from '../../src/config/resolve/turn-cache.js';
import { isDirectory } from '../../src/config/resolve/which.js';

describe('turn cache', () => {
  it('computes a key once per turn and again in the next turn', async () => {
    const cache = new TurnCache<number>();
    let calls = 0;
    const compute = () => ++calls;
    assert.equal(cache.get('a', compute), 1);
    assert.equal(cache.get('a', compute), 1);
    assert.equal(cache.get('b', compute), 2);
    await nextTurn();
    assert.equal(cache.get('a', compute), 3, 'a new turn asks again');
  });

  it('keeps a null answer for the turn too', () => {
    const cache = new TurnCache<string | null>();
    let calls = 0;
    const lookup = (answer: string | null) => () => {
      calls++;
      return answer;
    };
    cache.get('x', lookup(null));
    assert.equal(cache.get('x', lookup('found')), null);
    assert.equal(calls, 1);
  });

  it('lets a directory made after a lookup be seen from the next turn', async (t) => {
    const root = mkdtempSync(join(tmpdir(), 'shoal-turn-'));
    t.after(() => rmSync(root, { recursive: true, force: true }));
    const dir = join(root, 'later');
    assert.equal(isDirectory(dir), false);
    mkdirSync(dir);
    await nextTurn();
    assert.equal(isDirectory(dir), true);
  });
});
