// Runs in a child process of the CLI: evaluates one JavaScript or TypeScript process file and sends
// the result (or what went wrong) to the parent over IPC. Apart from the CLI, a file that calls
// process.exit, loops or never settles cannot end or hang the command; evaluate-js-config.ts says which.
import { importJsConfig } from './import-js-config.js';

type Send = (message: unknown) => Promise<void>;
const send: Send = (message) =>
  new Promise((resolve) => {
    if (!process.send) return resolve();
    process.send(message, undefined, {}, () => resolve());
  });

const exit = process.exit.bind(process);
// A process file that ends the process itself: say so before leaving, so the CLI can name the cause.
process.exit = ((code?: number | string | null) => {
  process.send?.({ type: 'exit-called', code: code ?? 0 });
  return exit(code ?? undefined);
}) as typeof process.exit;

const file = process.argv[2] ?? '';
try {
  const value = await importJsConfig(file);
  await send({ type: 'result', json: JSON.stringify(value ?? null) ?? 'null' });
} catch (err) {
  const e = err instanceof Error ? err : new Error(String(err));
  await send({
    type: 'error',
    name: e.name,
    message: e.message,
    stack: e.stack ?? '',
    line: (e as { line?: unknown }).line ?? null,
    code: (e as { code?: unknown }).code ?? null,
  });
}
exit(0);
