// Loaded into the Shoal daemon through NODE_OPTIONS=--require by `bench:scale --profile <dir>` (Node
// refuses --cpu-prof there): profiles the daemon, and on each SIGUSR2 writes the profile so far as
// <dir>/<n>-<phase>.cpuprofile and starts the next one, so that start, list and idle come apart. The
// phase name is read from <dir>/phase. Any other process that loads it (the CLI, apps) does nothing.
const { Session } = require('node:inspector');
const { readFileSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

const dir = process.env.SHOAL_BENCH_PROFILE_DIR;
if (dir && /daemon[\\/]main\.js$/.test(process.argv[1] ?? '')) {
  const session = new Session();
  session.connect();
  let n = 0;
  const begin = () => {
    session.post('Profiler.enable', () => session.post('Profiler.start'));
  };
  const phase = () => {
    try {
      return readFileSync(join(dir, 'phase'), 'utf8').trim() || 'phase';
    } catch {
      return 'phase';
    }
  };
  process.on('SIGUSR2', () => {
    const name = `${String(++n).padStart(2, '0')}-${phase()}.cpuprofile`;
    session.post('Profiler.stop', (err, res) => {
      if (!err) writeFileSync(join(dir, name), JSON.stringify(res.profile));
      begin();
    });
  });
  session.post('Profiler.setSamplingInterval', { interval: 1000 }, begin);
}
