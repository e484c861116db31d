import { describe, expect, it } from 'vitest';
import { decodeCallerContext, encodeCallerContext, MAX_CONTEXT_BYTES } from './caller-context';
import type { Phone } from './phone';
import { header } from './test-support/fake-sbc';
import { useFakeSbc } from './test-support/fake-sbc-suite';
import { reach } from './test-support/waits';
import type { PhoneConfig } from './types';

describe('caller context', () => {
  it('encodes an object of text values as ASCII JSON, and decodes it back', () => {
    const context = { orderId: 'A-17', name: 'María Núñez', page: 'https://shop.example/help' };
    const encoded = encodeCallerContext(context);
    expect(encoded).toEqual({
      ok: true,
      header:
        '{"orderId":"A-17","name":"Mar\\u00eda N\\u00fa\\u00f1ez","page":"https://shop.example/help"}',
    });
    expect(encoded.ok && /^[\x20-\x7e]+$/.test(encoded.header)).toBe(true);
    expect(decodeCallerContext(encoded.ok ? encoded.header : '')).toEqual(context);
  });

  it('keeps line breaks and quotes inside the JSON string, never in the header', () => {
    const encoded = encodeCallerContext({ note: 'a\r\nInjected: 1"' });
    expect(encoded.ok && encoded.header).toBe('{"note":"a\\r\\nInjected: 1\\""}');
  });

  it.each([
    [null, 'context must be an object of text values'],
    [['a'], 'context must be an object of text values'],
    [{ 'a b': 'x' }, "context names are letters, digits, '_', '.' or '-' (at most 64): got 'a b'"],
    [{ n: 5 }, "context values must be text: 'n' is not"],
    [
      { big: 'x'.repeat(MAX_CONTEXT_BYTES) },
      `context must be at most ${MAX_CONTEXT_BYTES} bytes as JSON: got ${MAX_CONTEXT_BYTES + 10}`,
    ],
  ])('refuses %j', (context, message) => {
    expect(encodeCallerContext(context)).toEqual({ ok: false, message });
  });

  it('counts the escapes in the size: the header on the wire is what is capped', () => {
    const nonAscii = 'é'.repeat(200); // 6 bytes each once escaped
    expect(encodeCallerContext({ a: nonAscii }).ok).toBe(false);
  });

  it.each([
    undefined,
    '',
    'not json',
    '[1]',
    '"text"',
    '{"n":1}',
    '{"a b":"x"}',
    `{"a":"${'x'.repeat(MAX_CONTEXT_BYTES)}"}`,
  ])('decodes %j as no context', (header) => {
    expect(decodeCallerContext(header)).toBeUndefined();
  });
});

describe('caller context on the wire (fake SBC)', () => {
  const fake = useFakeSbc();
  const phone = (config: Partial<PhoneConfig> = {}): Phone => fake.phone(config);

  it('sends the context in the INVITE, also when the INVITE is sent again after a challenge', async () => {
    const call = phone().call('queue', { context: { orderId: 'A-17', plan: 'gold' } });
    await reach(call, 'active');
    const invites = fake.sbc.requests('INVITE');
    expect(invites.length).toBeGreaterThanOrEqual(2);
    for (const invite of invites) {
      expect(header(invite, 'x-context')).toBe('{"orderId":"A-17","plan":"gold"}');
    }
    expect(call.context).toEqual({ orderId: 'A-17', plan: 'gold' });
  });

  it('a context against the rules fails the call with the reason; nothing is sent', async () => {
    const call = phone().call('queue', { context: { 'bad name': 'x' } });
    const ended = new Promise<{ message: string }>((resolve) => call.on('ended', resolve));
    expect((await ended).message).toBe(
      "The call was not placed: context names are letters, digits, '_', '.' or '-' (at most 64): got 'bad name'.",
    );
    expect(fake.sbc.requests('INVITE')).toEqual([]);
  });

  it("reads an incoming call's context; a malformed one is no context", async () => {
    const agent = phone({ user: 'agent1', register: true, maxCalls: 2 });
    await agent.start();
    await fake.sbc.ring('agent1', [
      'X-Context: {"orderId":"A-17","page":"https://shop.example/help"}',
    ]);
    await expect.poll(() => agent.calls.length).toBe(1);
    expect(agent.calls[0]?.context).toEqual({
      orderId: 'A-17',
      page: 'https://shop.example/help',
    });

    await fake.sbc.ring('agent1', ['X-Context: {"orderId":{"nested":true}}']);
    await expect.poll(() => agent.calls.length).toBe(2);
    expect(agent.calls[1]?.context).toBeUndefined();
  });
});
