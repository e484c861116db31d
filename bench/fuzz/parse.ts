// Parse time of the media server's SIP code on the fuzz corpus (issue 10): the mutated
// messages of backend/test/security/fuzz-lib.ts, out of dialog and in dialog, through the
// parser and the helpers the user agent calls on what it accepted (URIs, name-addrs, Via,
// CSeq, the request check, INFO digits). Per message the fastest of 3 runs counts, so a
// busy machine's pauses do not land on one message; prints the worst, p99 and whether
// anything threw other than the parser's own refusal (which would be a bug).
//
//   node --import tsx bench/fuzz/parse.ts [seed] [count]
import os from 'node:os';
import type { DialogCall } from '../../backend/test/security/fuzz-lib';
import { DOMAIN, HOST, MEDIA_SERVERS, SBC } from '../../testkit/topology';
import { loadSipParser } from '../media/sip-parser';

const sip = await loadSipParser();
// fuzz-lib imports the lab's secrets through backend/test/lib.ts only for its senders;
// the corpus itself needs none, but the import must resolve: run where backend/run exists.
const { fuzzMessage, inDialog, percentile, wire } = await import(
  '../../backend/test/security/fuzz-lib'
);

const seed = Number(process.argv[2] ?? 1);
const count = Number(process.argv[3] ?? 20_000);
/** The lab's media1, to which the SBC relays what the corpus models. */
const MEDIA1 = `${HOST}:${MEDIA_SERVERS.find((server) => server.name === 'media1')!.sipPort}`;
const call: DialogCall = {
  target: `sip:media1@${MEDIA1}`,
  routes: [],
  fromTag: 'from',
  to: `<sip:echo@${DOMAIN}>;tag=to`,
  callId: 'fuzz-parse',
};
const corpus = Array.from({ length: count }, (_, i) =>
  wire(
    (i % 2
      ? fuzzMessage(seed, 'sbc', i, { target: MEDIA1 })
      : fuzzMessage(seed, 'dialog', i, {
          methods: ['INFO', 'INFO', 'OPTIONS', 'INVITE', 'MESSAGE'],
          build: inDialog(call, 'visitor-fuzz'),
        })
    ).text,
    `${SBC.host}:${SBC.sipPort}`,
  ),
);

/** What the media server does with a datagram from the SBC, short of answering it. */
function handle(bytes: Buffer): 'parsed' {
  const message = sip.parseSipMessage(bytes);
  if (message.kind !== 'request') return 'parsed';
  const header = (name: string) => sip.getHeader(message, name);
  sip.findRequestProblem(message);
  for (const via of sip.getHeaderValues(message, 'via')) sip.parseVia(via);
  for (const name of ['from', 'to', 'contact']) {
    const value = header(name);
    const nameAddr = value === undefined ? undefined : sip.parseNameAddr(value);
    if (nameAddr) sip.resolveUri(nameAddr.uri, { address: SBC.host, port: SBC.sipPort });
  }
  sip.parseSipUri(message.uri);
  sip.parseCSeq(header('cseq'));
  if (message.method === 'INFO')
    sip.infoDigit(header('content-type') ?? '', message.body.toString('latin1'));
  return 'parsed';
}

const outcome = { parsed: 0, refused: 0, threw: 0 };
const thrown: string[] = [];
const times = corpus.map(() => Number.POSITIVE_INFINITY);
for (let round = 0; round < 3; round++) {
  corpus.forEach((bytes, i) => {
    const started = performance.now();
    let result: keyof typeof outcome;
    try {
      result = handle(bytes);
    } catch (error) {
      result = error instanceof sip.SipParseError ? 'refused' : 'threw';
      if (result === 'threw' && round === 0) {
        const stack = error instanceof Error ? error.stack : undefined;
        thrown.push(`#${i}: ${(stack ?? String(error)).split('\n')[0]}`);
      }
    }
    times[i] = Math.min(times[i], performance.now() - started);
    if (round === 0) outcome[result]++;
  });
}
/** Milliseconds as whole microseconds; null (an empty corpus's percentile) as 0. */
const us = (ms: number | null) => `${((ms ?? 0) * 1000).toFixed(0)} µs`;
const worst = times.indexOf(Math.max(...times));
console.log(
  `media server SIP parse on the fuzz corpus (seed ${seed}, ${count} messages, ${os.cpus().length} cores, load ${os.loadavg()[0].toFixed(1)}): ` +
    `${outcome.parsed} parsed, ${outcome.refused} refused, ${outcome.threw} threw; ` +
    `per message p50 ${us(percentile(times, 50))}, p99 ${us(percentile(times, 99))}, max ${us(times[worst])} (#${worst}, ${corpus[worst].length} bytes)`,
);
for (const line of thrown.slice(0, 5)) console.log(`  threw ${line}`);
process.exitCode = outcome.threw === 0 ? 0 : 1;
