// The same app on Redis, for several machines (or several Shoal homes) sharing one state: one setting.
//   REDIS_URL=redis://127.0.0.1:6379 npx shoal start examples/notes/ecosystem.redis.config.cjs
// Every machine must sign tokens with the same secret: set SHOAL_AUTH_SECRET (32+ bytes) in the
// environment of `shoal start`, or an `auth: { secret }` setting, on each of them.
const base = require('./ecosystem.config.cjs');

module.exports = {
  apps: base.apps.map((app) => ({
    ...app,
    store: { backend: 'redis', url: process.env.REDIS_URL || 'redis://127.0.0.1:6379' },
  })),
};
