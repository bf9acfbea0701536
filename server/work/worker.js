// A worker thread of the pool (pool.ts). Daf runs from TypeScript source, so the thread registers
// tsx's loader before it loads the tasks, as the `daf` command does.
import { register } from 'tsx/esm/api';

register();
await import('./worker-main.ts');
