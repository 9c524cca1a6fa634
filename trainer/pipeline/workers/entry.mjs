// Worker thread entry: workers do not inherit the tsx loader the CLI registered, so register it here,
// then load the TypeScript task module.
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
