/**
 * The element asks for the phone's credentials as it starts loading the engine, not once
 * the engine is in (engine/credentials-request.ts): the two downloads overlap.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { VISITOR_CREDENTIALS_URL } from '../../../../testkit/topology.js';
import { create, mount, resetElements, shadow, VALID_CONFIG } from '../../test-support/dom.js';
import '../../call-button/sip-call-button.js';

afterEach(() => {
  resetElements();
  vi.unstubAllGlobals();
});

/** A button whose engine never finishes loading, and the page's `fetch`. */
async function buttonLoadingForever(attributes: Record<string, string>) {
  const fetchMock = vi.fn(async () => Response.json({}));
  vi.stubGlobal('fetch', fetchMock);
  const el = create('sip-call-button', { target: 'ivr', ...attributes });
  let loads = 0;
  el.engine.loader = () => {
    loads += 1;
    return new Promise(() => {});
  };
  await mount(el);
  return { el, fetchMock, loads: () => loads };
}

describe('credentials requested early', () => {
  it('go out with the engine download, on intent, and not before it', async () => {
    const { el, fetchMock, loads } = await buttonLoadingForever(VALID_CONFIG);
    expect(fetchMock).not.toHaveBeenCalled();
    shadow<HTMLButtonElement>(el, 'button.main').focus();
    await expect.poll(loads).toBe(1);
    expect(fetchMock).toHaveBeenCalledOnce();
    expect(fetchMock).toHaveBeenCalledWith(
      VISITOR_CREDENTIALS_URL,
      expect.objectContaining({ credentials: 'include' }),
    );
  });

  it('are not asked for when the configuration has none to fetch', async () => {
    const { server, domain } = VALID_CONFIG;
    const { el, fetchMock, loads } = await buttonLoadingForever({
      server,
      domain,
      user: 'visitor1',
      password: 'secret',
    });
    shadow<HTMLButtonElement>(el, 'button.main').focus();
    await expect.poll(loads).toBe(1);
    expect(fetchMock).not.toHaveBeenCalled();
  });
});
