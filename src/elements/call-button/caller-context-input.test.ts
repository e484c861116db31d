import { describe, expect, it } from 'vitest';
import { type ContextInput, callerContextFrom } from './caller-context-input.js';

const PAGE = { origin: 'https://shop.example', pathname: '/help' };

function input(partial: Partial<ContextInput>): ContextInput {
  return { context: undefined, dataset: {}, sharePageUrl: false, location: PAGE, ...partial };
}

describe('callerContextFrom', () => {
  it('is no context when the page set none', () => {
    expect(callerContextFrom(input({}))).toEqual({ ok: true, context: undefined });
  });

  it('merges data-context-* attributes, the context attribute over them, and the page', () => {
    const result = callerContextFrom(
      input({
        dataset: { contextOrderId: 'A-17', contextPlan: 'silver', other: 'ignored' },
        context: '{"plan":"gold"}',
        sharePageUrl: true,
      }),
    );
    expect(result).toEqual({
      ok: true,
      context: { orderId: 'A-17', plan: 'gold', page: 'https://shop.example/help' },
    });
  });

  it('takes an object set as the property', () => {
    expect(callerContextFrom(input({ context: { orderId: 'A-17' } }))).toEqual({
      ok: true,
      context: { orderId: 'A-17' },
    });
  });

  it.each([
    [
      '{not json',
      `context must be a JSON object of text values, e.g. context='{"orderId":"A-17"}'`,
    ],
    ['[1,2]', `context must be a JSON object of text values, e.g. context='{"orderId":"A-17"}'`],
    ['{"n":5}', "context values must be text: 'n' is not"],
    [`{"a":"${'x'.repeat(1100)}"}`, 'context must be at most 1024 bytes as JSON: got 1108'],
  ])('refuses context=%s with a clear message', (context, message) => {
    expect(callerContextFrom(input({ context }))).toEqual({ ok: false, message });
  });
});
