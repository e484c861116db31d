/**
 * The elements' engine stand-in: the fake phone and calls (engine/test-support/fake-phone.ts)
 * and a loader that provides them.
 */

import { FakePhone } from '../../engine/test-support/fake-phone.js';
import type { EngineLoader } from '../shared/engine-api.js';

export { FakeCall, FakePhone } from '../../engine/test-support/fake-phone.js';

/**
 * An engine loader that counts loads, keeps whether each was for a `singleTab` phone (which
 * the real one loads more for: load-engine.ts), and provides {@link FakePhone}.
 */
export function fakeLoader(): EngineLoader & { loads: number; singleTab: boolean[] } {
  const loader = Object.assign(
    async (config: Parameters<EngineLoader>[0]) => {
      loader.loads++;
      loader.singleTab.push(config.singleTab === true);
      return { Phone: FakePhone };
    },
    { loads: 0, singleTab: [] as boolean[] },
  );
  return loader;
}

/** The phone the element created (the last one). */
export function lastPhone(): FakePhone {
  const phone = FakePhone.instances.at(-1);
  if (!phone) throw new Error('no FakePhone was created');
  return phone;
}
