// The part of the `ws` package (8.x, a devDependency) that bench/storm/fleet.ts uses: `ws`
// ships no types of its own, and @types/ws is not a dependency. The client constructor and
// EventEmitter's `on` (its 'open', 'close' and 'error' events), as ws's README documents them.
declare module 'ws' {
  import { EventEmitter } from 'node:events';
  import type { SecureContextOptions } from 'node:tls';

  export interface ClientOptions {
    /** The Origin header of the upgrade request. */
    origin?: string;
    /** CAs to trust (passed on to tls.connect). */
    ca?: SecureContextOptions['ca'];
    perMessageDeflate?: boolean;
  }

  export default class WebSocket extends EventEmitter {
    constructor(address: string | URL, protocols?: string | string[], options?: ClientOptions);
  }
}
