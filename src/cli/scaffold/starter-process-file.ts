// The process file `shoal init` writes: one app with the keys people change first, each commented, in
// PM2's CommonJS form so that PM2 and Shoal both read it.
export const STARTER_PROCESS_FILE = `// Shoal process file (PM2 compatible). Start with: shoal start
// Every key: see docs/process-file.md in the Shoal package.
module.exports = {
  apps: [
    {
      name: 'app',
      script: './index.js',
      // args: ['--port', '3000'],

      // Cluster mode: one worker per CPU, zero-downtime "shoal reload app".
      // instances: 'max',
      // exec_mode: 'cluster',

      // Restart when resident memory passes this size.
      // max_memory_restart: '300M',

      // Restart on file changes (development).
      // watch: ['src'],
      // ignore_watch: ['node_modules'],

      env: {
        NODE_ENV: 'development',
      },
      // shoal start --env production
      env_production: {
        NODE_ENV: 'production',
      },
    },
  ],
};
`;
