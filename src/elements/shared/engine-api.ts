import type { PhoneConfig, PhoneHandle } from '../../engine/types.js';

/**
 * The engine's phone as the elements use it: the contract (`PhoneHandle`, engine/types.ts),
 * not the JsSIP-backed class, which stays in a lazily loaded chunk.
 */
export type PhoneApi = PhoneHandle;

/** What the lazily imported engine module provides. */
export interface EngineModule {
  Phone: new (config: PhoneConfig) => PhoneApi;
  /** The phone shared by the tabs of one origin and user (`singleTab`). */
  TabPhone?: new (
    config: PhoneConfig,
  ) => PhoneApi;
}

export type EngineLoader = () => Promise<EngineModule>;
