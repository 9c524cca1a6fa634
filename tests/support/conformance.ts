// What a conformance case module sees: which server it runs against and a REST caller for it.
// The entry file starts one server per target; the case modules only describe behaviour.
import { Rest } from './rest.ts';
import type { TargetName, TestServer } from './servers.ts';

export class Conformance {
  server?: TestServer;
  constructor(readonly target: TargetName) {}

  /** The caller for the running server; case modules read it in their beforeAll hooks. */
  get api(): Rest {
    if (!this.server) throw new Error(`the ${this.target} server is not running`);
    return new Rest(this.server.url);
  }
}
