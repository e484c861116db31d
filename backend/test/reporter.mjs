// node:test reporter printing one PASS/FAIL line per test (with the failure reason).
export default async function* reporter(source) {
  for await (const event of source) {
    const { type, data } = event;
    if ((type !== 'test:pass' && type !== 'test:fail') || data.details?.type === 'suite') continue;
    const ms = Math.round(data.details?.duration_ms ?? 0);
    if (type === 'test:pass') {
      yield `PASS ${data.name} (${ms} ms)\n`;
    } else {
      const error = data.details?.error;
      const reason = String(error?.cause?.message ?? error?.cause ?? error?.message ?? error);
      yield `FAIL ${data.name} (${ms} ms)\n${reason.replace(/^/gm, '     ')}\n`;
    }
  }
}
