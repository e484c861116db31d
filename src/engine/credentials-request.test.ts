import { afterEach, describe, expect, it, vi } from 'vitest';
import { fetchCredentials } from './credentials';
import { EARLY_REQUEST_KEPT_MS, requestCredentialsEarly } from './credentials-request';

const URL_A = 'https://credentials.test/visitor';

/** A service that mints `visitor-N` on its N-th request (or fails them, `down`). */
function serve(down = false) {
  let serial = 0;
  const fetchMock = vi.fn(async () => {
    serial += 1;
    if (down) throw new TypeError('Failed to fetch');
    return Response.json({
      username: `${Math.floor(Date.now() / 1000) + 600}:visitor-${serial}`,
      password: `pw-${serial}`,
      expires: Math.floor(Date.now() / 1000) + 600,
    });
  });
  vi.stubGlobal('fetch', fetchMock);
  return fetchMock;
}

describe('credentials requested early', () => {
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it('are the ones the phone gets, from one request started before it asked', async () => {
    const fetchMock = serve();
    requestCredentialsEarly(URL_A);
    requestCredentialsEarly(URL_A);
    expect(fetchMock).toHaveBeenCalledOnce();
    expect(fetchMock).toHaveBeenCalledWith(
      URL_A,
      expect.objectContaining({ credentials: 'include', cache: 'no-store' }),
    );
    const first = await fetchCredentials(URL_A);
    expect(first.ok && first.credentials.user).toBe('visitor-1');
    expect(fetchMock).toHaveBeenCalledOnce();
    // Taken once: the next phone (or a refresh) asks again.
    const second = await fetchCredentials(URL_A);
    expect(second.ok && second.credentials.user).toBe('visitor-2');
  });

  it('are only for their own service', async () => {
    const fetchMock = serve();
    requestCredentialsEarly(URL_A);
    const other = await fetchCredentials('https://other.test/visitor');
    expect(other.ok && other.credentials.user).toBe('visitor-2');
    expect(fetchMock).toHaveBeenCalledTimes(2);
    const own = await fetchCredentials(URL_A);
    expect(own.ok && own.credentials.user).toBe('visitor-1');
  });

  it('are dropped when no phone took them in time', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const fetchMock = serve();
    requestCredentialsEarly(URL_A);
    await vi.advanceTimersByTimeAsync(EARLY_REQUEST_KEPT_MS);
    const late = await fetchCredentials(URL_A);
    expect(late.ok && late.credentials.user).toBe('visitor-2');
    expect(fetchMock).toHaveBeenCalledTimes(2);
  });

  it('report their failure to the phone that takes them', async () => {
    serve(true);
    requestCredentialsEarly(URL_A);
    const result = await fetchCredentials(URL_A);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error.message).toBe(
      'Could not reach the credentials service at https://credentials.test/visitor.',
    );
  });
});
