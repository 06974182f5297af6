import { fc } from '@fast-check/vitest';

// One fast-check seed per test run, shared by every worker (vitest.shared.ts draws and logs it).
fc.configureGlobal({ seed: Number(process.env.FC_SEED) });
