import { describe, expect, it } from 'vitest';
import { validateConfig } from './config';
import { Phone } from './phone';
import { redactUrl } from './redact';

describe('redactUrl', () => {
  it.each([
    [
      'https://b.example/credentials/agent?agent=agent1&key=s3cret',
      'https://b.example/credentials/agent',
    ],
    ['wss://sbc.example:8443/ws?token=abc#frag', 'wss://sbc.example:8443/ws'],
    ['https://b.example/c#access_token=abc', 'https://b.example/c'],
    ['https://user:pw@b.example/c', 'https://b.example/c'],
    ['/relative/path?x=1', '/relative/path'],
    ['wss://127.0.0.1:9', 'wss://127.0.0.1:9'],
    ['not a url ?secret', 'not a url '],
    ['', ''],
  ])('%s → %s', (input, expected) => {
    expect(redactUrl(input)).toBe(expected);
  });
});

describe('URLs in what the engine emits', () => {
  it('config errors name URLs without their query', () => {
    const result = validateConfig({
      servers: ['https://sbc.example/ws?token=s3cret'],
      domain: 'helpline.example',
      credentialsUrl: 'http://b.example/c?key=s3cret',
    });
    expect(!result.ok && result.error.message).toBe(
      "server must start with wss://: got 'https://sbc.example/ws'",
    );
    const credentials = validateConfig({
      servers: ['wss://sbc.example/ws'],
      domain: 'helpline.example',
      credentialsUrl: 'http://b.example/c?key=s3cret',
    });
    expect(!credentials.ok && credentials.error.message).not.toContain('s3cret');
  });

  it('connection errors name the server without its query', async () => {
    // Nothing listens on port 9 in the test's namespace: refused at once.
    const phone = new Phone({
      servers: ['wss://127.0.0.1:9/ws?token=s3cret'],
      domain: 'helpline.test',
      user: 'agent1',
    });
    const errors: string[] = [];
    phone.on('error', (error) => errors.push(error.message));
    await phone.start();
    await phone.stop();
    expect(errors.join('\n')).toContain('wss://127.0.0.1:9/ws');
    expect(errors.join('\n')).not.toMatch(/s3cret|token/);
  });
});
