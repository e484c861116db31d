// The corpus of src/cdn/jssip-grammar/grammar-equivalence.test.ts (issue 16, the JsSIP
// grammar stand-in): SIP as the lab's journeys put it on the widget's WebSocket, and the
// backend fuzz stage's messages (backend/test/security/fuzz-lib.ts). Only message heads
// (start line and headers: what the grammar parses), and only a few messages of each shape
// (its letters and digits folded), so the file stays small but keeps every kind of message.
//
//   SIP_WIRE_CAPTURE=/tmp/wire.jsonl bash backend/lab/lab.sh exec -- npx playwright test …
//   node --import tsx bench/grammar/corpus.ts /tmp/wire.jsonl [more.jsonl …]
//
// Run where backend/run exists (fuzz-lib imports the lab's secrets through its senders).
import { readFileSync, writeFileSync } from 'node:fs';
import { DOMAIN, HOST, MEDIA_SERVERS } from '../../testkit/topology';

const OUTPUT = 'src/cdn/jssip-grammar/test-support/sip-corpus.json';
/** Messages kept per shape. */
const PER_SHAPE = 1;
/** Fuzz messages generated, and the longest head kept (a fuzzed header can be 60 KB). */
const FUZZ_COUNT = 300;
const FUZZ_HEAD_LIMIT = 1_000;

const head = (message: string): string => message.split('\r\n\r\n', 1)[0] ?? '';

function fewOfEachShape(messages: readonly string[]): string[] {
  const counts = new Map<string, number>();
  const kept: string[] = [];
  for (const message of new Set(messages)) {
    const shape = message.replace(/[\w.~+*!%'`/=-]+/g, 'a');
    const count = counts.get(shape) ?? 0;
    if (count >= PER_SHAPE) continue;
    counts.set(shape, count + 1);
    kept.push(message);
  }
  return kept;
}

const captured = process.argv
  .slice(2)
  .flatMap((file) => readFileSync(file, 'utf8').split('\n').filter(Boolean))
  .map((line) => JSON.parse(line) as string)
  .filter((frame) => frame.includes('\r\n'))
  .map(head);

const { fuzzMessage, inDialog } = await import('../../backend/test/security/fuzz-lib');
const media1 = `${HOST}:${MEDIA_SERVERS.find((server) => server.name === 'media1')!.sipPort}`;
const dialog = inDialog(
  {
    target: `sip:media1@${media1}`,
    routes: [],
    fromTag: 'from',
    to: `<sip:echo@${DOMAIN}>;tag=to`,
    callId: 'grammar-corpus',
  },
  'visitor-fuzz',
);
const fuzzed = Array.from({ length: FUZZ_COUNT }, (_, i) =>
  head(
    i % 2
      ? fuzzMessage(1, 'sbc', i, { target: media1 }).text
      : fuzzMessage(1, 'dialog', i, { build: dialog }).text,
  ),
).filter((message) => message.length <= FUZZ_HEAD_LIMIT);

const corpus = { lab: fewOfEachShape(captured), fuzz: fewOfEachShape(fuzzed) };
writeFileSync(OUTPUT, `${JSON.stringify(corpus, null, 1)}\n`);
console.log(
  `${OUTPUT}: ${corpus.lab.length} lab messages (of ${captured.length} captured), ` +
    `${corpus.fuzz.length} fuzz messages (of ${FUZZ_COUNT})`,
);
