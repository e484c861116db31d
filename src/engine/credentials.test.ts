import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  CredentialStore,
  insecureCredentialsWarning,
  MIN_REFRESH_DELAY_MS,
  parseCredentials,
  refreshDelay,
  userFromUsername,
} from './credentials';

const NOW = 1_700_000_000_000;
const expiresIn = (seconds: number) => NOW / 1000 + seconds;

describe('parseCredentials', () => {
  it('accepts the service answer and extracts the SIP user', () => {
    const result = parseCredentials(
      { username: '1700000600:visitor-ab12', password: 'c2VjcmV0', expires: expiresIn(600) },
      NOW,
    );
    expect(result).toEqual({
      ok: true,
      credentials: {
        username: '1700000600:visitor-ab12',
        password: 'c2VjcmV0',
        user: 'visitor-ab12',
        uri: undefined,
        expiresAt: NOW + 600_000,
      },
    });
  });

  it('keeps the identity the service names, when it is the user of the credentials', () => {
    const result = parseCredentials(
      {
        username: '1700000600:visitor-ab12',
        password: 'c2VjcmV0',
        expires: expiresIn(600),
        uri: 'sip:visitor-ab12@helpline.example',
      },
      NOW,
    );
    expect(result.ok && result.credentials.uri).toBe('sip:visitor-ab12@helpline.example');
  });

  it.each([
    ['sip:visitor-other@helpline.example'],
    ['sip:helpline.example'],
    ['"Eve" <sip:visitor-ab12@helpline.example>'],
    ['sip:visitor-ab12@helpline.example;transport=ws'],
    ['sip:%zz@helpline.example'],
    [42],
  ])('refuses an identity that From could not carry with these credentials: %o', (uri) => {
    const result = parseCredentials(
      { username: '1700000600:visitor-ab12', password: 'p', expires: expiresIn(600), uri },
      NOW,
    );
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error.message).toContain('not sip:visitor-ab12@<domain>');
  });

  it.each([
    [null, 'no JSON object'],
    [{ password: 'p', expires: expiresIn(60) }, 'no username'],
    [{ username: 'u', expires: expiresIn(60) }, 'no password'],
    [{ username: 'u', password: 'p' }, 'no expiry time'],
    [{ username: 'u', password: 'p', expires: '1700000600' }, 'no expiry time'],
    [{ username: 'u', password: 'p', expires: expiresIn(-1) }, 'already expired'],
  ])('refuses %o', (body, expected) => {
    const result = parseCredentials(body, NOW);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('credentials-failed');
    expect(result.error.message).toContain(expected);
  });
});

describe('userFromUsername', () => {
  it('strips the expiry of ephemeral user names only', () => {
    expect(userFromUsername('1700000600:agent1')).toBe('agent1');
    expect(userFromUsername('agent1')).toBe('agent1');
    expect(userFromUsername('a:b')).toBe('a:b');
  });

  it("takes a supervisor's role field off the user", () => {
    expect(userFromUsername('1700000600:agent9:supervisor')).toBe('agent9');
    // Only that role: anything else stays part of the (then refused) user.
    expect(userFromUsername('1700000600:agent9:admin')).toBe('agent9:admin');
  });
});

describe('the role in the credentials', () => {
  const body = (username: string) => ({
    username,
    password: 'secret',
    expires: NOW / 1000 + 600,
    uri: 'sip:agent9@helpline.test',
  });
  it('is supervisor when the username says so, and absent otherwise', () => {
    const supervisor = parseCredentials(body('1700000600:agent9:supervisor'), NOW);
    expect(supervisor).toMatchObject({
      ok: true,
      credentials: { user: 'agent9', role: 'supervisor' },
    });
    const agent = parseCredentials(body('1700000600:agent9'), NOW);
    expect(agent.ok && agent.credentials.role).toBe(undefined);
  });
});

describe('refreshDelay', () => {
  const creds = (lifetimeMs: number) => ({
    username: 'u',
    password: 'p',
    user: 'u',
    uri: undefined,
    expiresAt: NOW + lifetimeMs,
  });
  it('refreshes at 80 % of the lifetime', () => {
    expect(refreshDelay(creds(600_000), NOW)).toBe(480_000);
  });
  it('refreshes at least 15 s before expiry (before a registration capped at it lapses)', () => {
    expect(refreshDelay(creds(60_000), NOW)).toBe(45_000);
    expect(refreshDelay(creds(20_000), NOW)).toBe(MIN_REFRESH_DELAY_MS);
    expect(refreshDelay(creds(30_000), NOW)).toBe(15_000);
  });
  it('never refreshes in a tight loop', () => {
    expect(refreshDelay(creds(1000), NOW)).toBe(MIN_REFRESH_DELAY_MS);
  });
  it('does not refresh credentials that never expire', () => {
    expect(refreshDelay({ ...creds(0), expiresAt: undefined }, NOW)).toBeUndefined();
  });
});

describe('insecureCredentialsWarning', () => {
  it('stays quiet on localhost (the test page) and for fetched credentials', () => {
    expect(location.hostname).toMatch(/^(localhost|127\.0\.0\.1)$/);
    expect(
      insecureCredentialsWarning({ kind: 'static', user: 'a', password: 'p' }),
    ).toBeUndefined();
    expect(insecureCredentialsWarning({ kind: 'url', url: 'https://x/creds' })).toBeUndefined();
  });
});

describe('CredentialStore', () => {
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  function serve(bodies: unknown[]) {
    const fetchMock = vi.fn(async () => Response.json(bodies.shift()));
    vi.stubGlobal('fetch', fetchMock);
    return fetchMock;
  }

  it('fetches with the page cookies and shares concurrent requests', async () => {
    const now = Date.now();
    const fetchMock = serve([
      { username: 'x:agent1', password: 'p1', expires: Math.floor(now / 1000) + 600 },
    ]);
    const store = new CredentialStore(
      { kind: 'url', url: 'https://b.example/c' },
      vi.fn(),
      vi.fn(),
    );
    const [a, b] = await Promise.all([store.get(), store.get()]);
    expect(a).toEqual(b);
    expect(fetchMock).toHaveBeenCalledOnce();
    expect(fetchMock).toHaveBeenCalledWith(
      'https://b.example/c',
      expect.objectContaining({ credentials: 'include' }),
    );
    store.stop();
  });

  it('refreshes before expiry and hands the new credentials over', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const now = Date.now();
    const fetchMock = serve([
      { username: 'a:agent1', password: 'p1', expires: Math.floor(now / 1000) + 100 },
      { username: 'b:agent1', password: 'p2', expires: Math.floor(now / 1000) + 700 },
    ]);
    const refreshed = vi.fn();
    const store = new CredentialStore(
      { kind: 'url', url: 'https://b.example/c' },
      refreshed,
      vi.fn(),
    );
    await store.get();
    await vi.advanceTimersByTimeAsync(79_000);
    expect(fetchMock).toHaveBeenCalledOnce();
    await vi.advanceTimersByTimeAsync(2_000);
    // Reading the response body completes outside the fake clock.
    await vi.waitFor(() =>
      expect(refreshed).toHaveBeenCalledWith(expect.objectContaining({ password: 'p2' })),
    );
    expect(store.current?.username).toBe('b:agent1');
    store.stop();
  });

  it('retries a failed refresh with backoff until it gets credentials', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const now = Date.now();
    const answers: Array<() => Response> = [
      () => Response.json({ username: 'a:agent1', password: 'p1', expires: now / 1000 + 100 }),
      () => new Response('down', { status: 503 }),
      () => new Response('down', { status: 503 }),
      () => Response.json({ username: 'b:agent1', password: 'p2', expires: now / 1000 + 700 }),
    ];
    const fetchMock = vi.fn(async () => answers.shift()!());
    vi.stubGlobal('fetch', fetchMock);
    const refreshed = vi.fn();
    const failed = vi.fn();
    const store = new CredentialStore(
      { kind: 'url', url: 'https://b.example/c' },
      refreshed,
      failed,
    );
    await store.get();
    await vi.advanceTimersByTimeAsync(80_000);
    await vi.waitFor(() => expect(failed).toHaveBeenCalledTimes(1));
    // Backoff: 0.5-1 s, then 1-2 s (DEFAULT_BACKOFF).
    await vi.advanceTimersByTimeAsync(1000);
    await vi.waitFor(() => expect(failed).toHaveBeenCalledTimes(2));
    await vi.advanceTimersByTimeAsync(2000);
    await vi.waitFor(() =>
      expect(refreshed).toHaveBeenCalledWith(expect.objectContaining({ password: 'p2' })),
    );
    expect(fetchMock).toHaveBeenCalledTimes(4);
    expect(failed.mock.calls[0]![0].message).toContain('503');
    store.stop();
  });

  it('never names the query string of the credentials URL (it may carry a key)', async () => {
    const url = 'https://b.example/credentials/agent?agent=agent1&key=s3cret#x';
    for (const answer of [
      () => new Response('no', { status: 403, statusText: 'Forbidden' }),
      () => new Response('not json'),
      () => {
        throw new TypeError('Failed to fetch');
      },
    ]) {
      vi.stubGlobal(
        'fetch',
        vi.fn(async () => answer()),
      );
      const result = await new CredentialStore({ kind: 'url', url }, vi.fn(), vi.fn()).get();
      expect(!result.ok && result.error.message).toContain('https://b.example/credentials/agent');
      expect(!result.ok && result.error.message).not.toMatch(/s3cret|agent=|\?|#x/);
    }
  });

  it('reports an HTTP failure clearly', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => new Response('no', { status: 403, statusText: 'Forbidden' })),
    );
    const store = new CredentialStore(
      { kind: 'url', url: 'https://b.example/c' },
      vi.fn(),
      vi.fn(),
    );
    const result = await store.get();
    expect(result).toMatchObject({
      ok: false,
      error: {
        code: 'credentials-failed',
        message: 'The credentials service at https://b.example/c answered 403 Forbidden.',
      },
    });
  });

  it('reports an unreachable service clearly', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => {
        throw new TypeError('Failed to fetch');
      }),
    );
    const store = new CredentialStore(
      { kind: 'url', url: 'https://b.example/c' },
      vi.fn(),
      vi.fn(),
    );
    const result = await store.get();
    expect(result.ok).toBe(false);
    if (!result.ok)
      expect(result.error.message).toBe(
        'Could not reach the credentials service at https://b.example/c.',
      );
  });

  it('uses the user of a static ephemeral user name for the SIP URI', async () => {
    const store = new CredentialStore(
      { kind: 'static', user: '1700000600:agent1', password: 'pw' },
      vi.fn(),
      vi.fn(),
    );
    const result = await store.get();
    expect(result.ok && result.credentials.user).toBe('agent1');
  });

  it('serves static credentials as they are, and cannot refresh them', async () => {
    const store = new CredentialStore(
      { kind: 'static', user: 'agent1', password: 'pw' },
      vi.fn(),
      vi.fn(),
    );
    expect(store.refreshable).toBe(false);
    expect(await store.get()).toEqual({
      ok: true,
      credentials: {
        username: 'agent1',
        password: 'pw',
        user: 'agent1',
        uri: undefined,
        expiresAt: undefined,
      },
    });
  });
});
