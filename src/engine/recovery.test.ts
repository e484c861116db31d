import { describe, expect, it } from 'vitest';
import { validateConfig } from './config';
import { recoveryAction } from './recovery';

describe('recoveryAction', () => {
  it('keeps a call whose audio kept flowing through the outage', () => {
    expect(recoveryAction({ packetsBefore: 100, packetsAfter: 130, held: false })).toBe('keep');
  });

  it('restarts ICE when audio stopped', () => {
    expect(recoveryAction({ packetsBefore: 100, packetsAfter: 100, held: false })).toBe(
      'ice-restart',
    );
    expect(recoveryAction({ packetsBefore: 0, packetsAfter: 0, held: false })).toBe('ice-restart');
  });

  it('restarts ICE on a held call: silence there proves nothing', () => {
    expect(recoveryAction({ packetsBefore: 100, packetsAfter: 100, held: true })).toBe(
      'ice-restart',
    );
    expect(recoveryAction({ packetsBefore: 100, packetsAfter: 150, held: true })).toBe(
      'ice-restart',
    );
  });
});

describe('connection recovery configuration', () => {
  const base = { servers: ['wss://sbc.example'], domain: 'helpline.example', user: 'agent1' };

  it('has defaults, accepts 0 to turn the keepalive off, and refuses nonsense', () => {
    const defaults = validateConfig(base);
    expect(defaults.ok && defaults.config.keepaliveIntervalMs).toBe(10_000);
    expect(defaults.ok && defaults.config.keepaliveTimeoutMs).toBe(3000);
    expect(defaults.ok && defaults.config.callRecoveryTimeoutMs).toBe(10_000);
    const off = validateConfig({ ...base, keepaliveIntervalMs: 0 });
    expect(off.ok && off.config.keepaliveIntervalMs).toBe(0);
    const bad = validateConfig({ ...base, keepaliveTimeoutMs: -1 });
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.error.message).toContain('keepaliveTimeoutMs');
  });
});
