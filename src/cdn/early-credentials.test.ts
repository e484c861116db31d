import { afterEach, describe, expect, it, vi } from 'vitest';
import { fetchCredentials } from '../engine/credentials';
import { requestCredentialsOf } from './early-credentials';

afterEach(() => vi.unstubAllGlobals());

function phoneWith(credentialsUrl: string | undefined): Element {
  const el = document.createElement('sip-phone');
  if (credentialsUrl !== undefined) el.setAttribute('credentials-url', credentialsUrl);
  return el;
}

describe("a phone element's credentials asked for by the core", () => {
  it('go to its credentials-url, resolved against the page, and its phone takes them', async () => {
    const fetchMock = vi.fn(async () => Response.json({}));
    vi.stubGlobal('fetch', fetchMock);
    requestCredentialsOf(phoneWith('/credentials/agent'));
    const url = new URL('/credentials/agent', location.href).href;
    expect(fetchMock).toHaveBeenCalledWith(
      url,
      expect.objectContaining({ credentials: 'include' }),
    );
    await fetchCredentials(url);
    expect(fetchMock).toHaveBeenCalledOnce();
  });

  it('are not asked for from a URL the configuration check refuses, or without one', () => {
    const fetchMock = vi.fn(async () => Response.json({}));
    vi.stubGlobal('fetch', fetchMock);
    for (const url of ['http://credentials.example/agent', 'javascript:alert(1)', undefined]) {
      requestCredentialsOf(phoneWith(url));
    }
    expect(fetchMock).not.toHaveBeenCalled();
  });
});
