// GET /api/pixal/mirror and the `mirror` server event: the server's own type (types only, erased at build).
export type { MirrorStatus } from '../../../server/mirror/status.ts';
