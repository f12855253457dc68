// Per-app file names: one rule, one-to-one, readable for plain names, always within the OS limits.
import assert from 'node:assert/strict';
import { basename } from 'node:path';
import { describe, it } from '../helpers/node-test.js';
import { appFileName, appFiles } from '../../src/supervision/app-files.js';

describe('app files', () => {
  it('keeps plain names as they are', () => {
    for (const name of ['api', 'web-1', 'my_app', 'v1.2', 'A9']) assert.equal(appFileName(name), name);
  });

  it('never maps two names to one file', () => {
    const names = ['c@1', 'c#1', 'c-1', 'c%401', 'c 1', 'c.1', '.c1', '..', 'é', 'e\u0301', 'c%1'];
    const stems = names.map(appFileName);
    assert.equal(new Set(stems).size, names.length, stems.join(' '));
    for (const stem of stems) {
      assert.match(stem, /^[A-Za-z0-9_%~-][A-Za-z0-9_.%~-]*$/, `${stem} is a safe file name`);
      assert.notEqual(stem, '..');
    }
  });

  it('gives every file of an app the same stem, and different apps different files', () => {
    const a = appFiles('/h', 'c@1');
    const b = appFiles('/h', 'c#1');
    for (const key of ['spec', 'socket', 'primaryLog', 'storeSnapshot', 'authSecret'] as const) {
      assert.notEqual(a[key], b[key], key);
      assert.ok(basename(a[key]).startsWith('c%401'), `${key}: ${a[key]}`);
    }
    assert.notEqual(a.defaultLog('out', ''), b.defaultLog('out', ''));
    assert.equal(appFiles('/h', 'api').defaultLog('err', '-2'), '/h/logs/api-error-2.log');
  });

  it('bounds file names and socket paths, and keeps long names apart', () => {
    const long1 = `${'x'.repeat(300)}1`;
    const long2 = `${'x'.repeat(300)}2`;
    assert.ok(appFileName(long1).length <= 160);
    assert.notEqual(appFileName(long1), appFileName(long2));
    const home = `/tmp/${'deep/'.repeat(8)}home`;
    const name = 'a-rather-long-application-name-for-its-socket';
    assert.ok(Buffer.byteLength(`${home}/run/${name}.sock`) > 100, 'the plain socket path would be too long');
    const socket = appFiles(home, name).socket;
    assert.ok(Buffer.byteLength(socket) <= 100, socket);
    assert.notEqual(socket, appFiles(home, `${name}2`).socket);
  });
});
