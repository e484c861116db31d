// node:test reporter printing one PASS/FAIL line per test (with the failure reason).
// Plain JavaScript: Node 20 loads a --test-reporter module without the --import hooks
// (tsx), so it cannot be TypeScript (seen: ERR_UNKNOWN_FILE_EXTENSION for reporter.ts).

/**
 * @param {AsyncIterable<import('node:test/reporters').TestEvent>} source
 * @returns {AsyncGenerator<string>}
 */
export default async function* reporter(source) {
  for await (const event of source) {
    const { type, data } = event;
    if ((type !== 'test:pass' && type !== 'test:fail') || data.details?.type === 'suite') continue;
    const ms = Math.round(data.details?.duration_ms ?? 0);
    if (type === 'test:pass') {
      yield `PASS ${data.name} (${ms} ms)\n`;
    } else {
      const error = data.details?.error;
      // What the test threw (any value), by its message when it has one.
      const cause = error?.cause;
      const hasMessage = typeof cause === 'object' && cause !== null && 'message' in cause;
      const reason = String(
        (hasMessage ? cause.message : undefined) ?? cause ?? error?.message ?? error,
      );
      yield `FAIL ${data.name} (${ms} ms)\n${reason.replace(/^/gm, '     ')}\n`;
    }
  }
}
