import { describe, expect, it } from 'vitest';
import recorded from './fixtures/chromium-loopback.json';
import { readSnapshot } from './stats-snapshot';

/**
 * The path of a call relayed by TURN (issue 15): the recorded loopback report of
 * sample.test.ts with its selected pair's local candidate turned into a relay candidate,
 * as Chromium reports one allocated over TURN/TLS (`relayProtocol`, RTCIceCandidateStats).
 */
type Entry = Record<string, unknown>;
const [, second] = recorded as unknown as [Record<string, Entry>, Record<string, Entry>];

function withLocalCandidate(changes: Entry): Map<string, Entry> {
  const copy = structuredClone(second);
  const pair = Object.values(copy).find(
    (entry) =>
      entry.type === 'candidate-pair' && (entry.selected === true || entry.nominated === true),
  )!;
  Object.assign(copy[String(pair.localCandidateId)]!, changes);
  return new Map(Object.entries(copy));
}

describe('readSnapshot path through a TURN relay', () => {
  it('says relay and the transport to the TURN server', () => {
    const snapshot = readSnapshot(
      withLocalCandidate({ candidateType: 'relay', protocol: 'udp', relayProtocol: 'tls' }),
    );
    expect(snapshot.path).toEqual({
      localType: 'relay',
      remoteType: 'host',
      protocol: 'udp',
      relay: true,
      relayProtocol: 'tls',
    });
  });

  it('leaves relayProtocol out of a path that is not ours through a relay', () => {
    const snapshot = readSnapshot(withLocalCandidate({ relayProtocol: 'tcp' }));
    expect(snapshot.path?.relay).toBe(false);
    expect(snapshot.path).not.toHaveProperty('relayProtocol');
  });
});
