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

/**
 * Loads what a phone with `config` needs: `TabPhone` only for a `singleTab` one (the
 * script-tag build leaves it out of a click-to-call visitor's download).
 */
export type EngineLoader = (config: Pick<PhoneConfig, 'singleTab'>) => Promise<EngineModule>;

/** The phone class for `config`: the tabs' shared phone for a `singleTab` one, when loaded. */
export function phoneClass(
  engine: EngineModule,
  config: Pick<PhoneConfig, 'singleTab'>,
): EngineModule['Phone'] {
  return (config.singleTab && engine.TabPhone) || engine.Phone;
}
