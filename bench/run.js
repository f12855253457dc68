// Entry of `npm run bench` (after `npm run build`): the cluster-mode, CLI/daemon and log benchmarks
// against PM2 and raw Node cluster. The bench is TypeScript run through tsx; see bench/cluster/run.ts.
// Flags: node bench/run.js --help
import { register } from 'tsx/esm/api';

register();
await import('./cluster/run.ts');
