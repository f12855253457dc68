// The notes example in cluster mode on the embedded store (kept in the app's cluster primary):
//   npx shoal start examples/notes/ecosystem.config.cjs
// Values read from the environment can be changed at start: PORT=4000 npx shoal start ...
module.exports = {
  apps: [
    {
      name: 'notes',
      script: 'server.js',
      cwd: __dirname,
      exec_mode: 'cluster',
      // One worker per core; INSTANCES=4 npx shoal start ... to choose.
      instances: process.env.INSTANCES ? Number(process.env.INSTANCES) : 'max',
      // Ready means "listening and said ready()", not just "forked".
      wait_ready: true,
      kill_timeout: 5000,
      env: {
        PORT: process.env.PORT || '3000',
        DEMO_PASSWORD: process.env.DEMO_PASSWORD || 'shoal-demo',
        TOKEN_TTL: process.env.TOKEN_TTL || '15m',
        RATE_LIMIT: process.env.RATE_LIMIT || '120',
        RATE_WINDOW_MS: process.env.RATE_WINDOW_MS || '60000',
      },
    },
  ],
};
