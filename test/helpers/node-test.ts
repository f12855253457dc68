// node:test's test functions with a default timeout on every test and hook, so that a hung test fails
// with its own name instead of hanging the run. (Node 20's --test-timeout bounds a whole file, and a
// suite's timeout bounds the suite's total, so neither can serve as a per-test bound.) Test files import
// it, test, describe and the hooks from here; test/unit/test-files.test.ts checks that they do.
import {
  after as nodeAfter,
  afterEach as nodeAfterEach,
  before as nodeBefore,
  beforeEach as nodeBeforeEach,
  describe as nodeDescribe,
  type HookFn,
  type HookOptions,
  test as nodeTest,
  type TestFn,
  type TestOptions,
} from 'node:test';

/** Generous: the slowest tests take well under a minute; a test or hook may set a timeout of its own. */
export const TEST_TIMEOUT_MS = Number(process.env.SHOAL_TEST_TIMEOUT_MS ?? 120_000);

const withTimeout = <T extends { timeout?: number | undefined }>(options: T | undefined): T =>
  ({ ...options, timeout: options?.timeout ?? TEST_TIMEOUT_MS }) as T;

export function test(name: string, fn: TestFn): Promise<void>;
export function test(name: string, options: TestOptions, fn: TestFn): Promise<void>;
export function test(name: string, a: TestFn | TestOptions, b?: TestFn): Promise<void> {
  return typeof a === 'function' ? nodeTest(name, withTimeout({}), a) : nodeTest(name, withTimeout(a), b);
}

export const it = test;

/** Suites get no timeout of their own (it would bound their total); each of their tests has one. */
export const describe = nodeDescribe;

export const before = (fn: HookFn, options?: HookOptions) => nodeBefore(fn, withTimeout(options));
export const after = (fn: HookFn, options?: HookOptions) => nodeAfter(fn, withTimeout(options));
export const beforeEach = (fn: HookFn, options?: HookOptions) => nodeBeforeEach(fn, withTimeout(options));
export const afterEach = (fn: HookFn, options?: HookOptions) => nodeAfterEach(fn, withTimeout(options));
