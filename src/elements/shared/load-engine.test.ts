/**
 * What the real engine loader brings: the tabs' sharing (`TabPhone`, engine/tabs/) only for
 * a `singleTab` phone. In the script-tag build these are two chunks, and a click-to-call
 * visitor downloads only the first (vite.config.ts, src/cdn/softphone.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { loadEngine } from './load-engine.js';

describe('loadEngine', () => {
  it('brings the Phone without TabPhone for a phone that is its tab’s own', async () => {
    const engine = await loadEngine({ singleTab: false });
    expect(engine.Phone).toBeTypeOf('function');
    expect(engine.TabPhone).toBeUndefined();
  });

  it('brings TabPhone too for a phone shared between tabs', async () => {
    const engine = await loadEngine({ singleTab: true });
    expect(engine.Phone).toBeTypeOf('function');
    expect(engine.TabPhone).toBeTypeOf('function');
  });
});
