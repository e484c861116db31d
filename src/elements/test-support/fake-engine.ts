/**
 * The elements' engine stand-in: the fake phone and calls (engine/test-support/fake-phone.ts)
 * and a loader that provides them.
 */

import { FakePhone } from '../../engine/test-support/fake-phone.js';
import type { EngineLoader } from '../shared/engine-api.js';

export { FakeCall, FakePhone } from '../../engine/test-support/fake-phone.js';

/** An engine loader that counts loads and provides {@link FakePhone}. */
export function fakeLoader(): EngineLoader & { loads: number } {
  const loader = Object.assign(
    async () => {
      loader.loads++;
      return { Phone: FakePhone };
    },
    { loads: 0 },
  );
  return loader;
}

/** The phone the element created (the last one). */
export function lastPhone(): FakePhone {
  const phone = FakePhone.instances.at(-1);
  if (!phone) throw new Error('no FakePhone was created');
  return phone;
}
