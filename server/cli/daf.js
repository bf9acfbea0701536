#!/usr/bin/env node
// The `daf` command. Daf is written in TypeScript and runs from source through tsx's loader,
// so there is no build step between a clone and a running server.
import { register } from 'tsx/esm/api';

register();
await import('./main.ts');
