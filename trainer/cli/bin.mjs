#!/usr/bin/env node
// The `pixal` executable: registers tsx so the TypeScript sources run as they are, then hands over.
import { register } from 'tsx/esm/api';

// OpenCV's binding reads this once, with getenv, when it loads (also in worker threads, which do
// not see later process.env changes): it keeps V8 from collecting inside OpenCV's parallel loops.
process.env.OPENCV4NODEJS_DISABLE_EXTERNAL_MEM_TRACKING ??= '1';
register();
await import('./main.ts');
