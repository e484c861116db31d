/** Recording files that survive a crash and are never overwritten; resource limits for new calls. */
import { mkdtempSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ResourceGuard } from '../../src/limits.js';
import { PortAllocator } from '../../src/media/ports.js';
import { sweepRecordings } from '../../src/media/retention.js';
import { HEADER_UPDATE_MS, parseWav, repairWav, WavWriter } from '../../src/media/wav.js';

const frame = (value: number) => new Int16Array(320).fill(value);

describe('WavWriter', () => {
  it('keeps the header valid while writing, so a killed server leaves a playable file', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'wav-')), 'live.wav');
    let now = 0;
    const writer = new WavWriter(path, 8000, 2, () => now);
    for (let i = 0; i < 60; i++) {
      writer.write(frame(i));
      now += 20;
    }
    // Over a second of frames written: the header caught up without a close (the "kill").
    const live = readFileSync(path);
    expect(now).toBeGreaterThanOrEqual(HEADER_UPDATE_MS);
    expect(live.readUInt32LE(40)).toBeGreaterThanOrEqual(51 * 640);
    expect(live.readUInt32LE(4)).toBe(36 + live.readUInt32LE(40));
    expect(parseWav(live).samples.length).toBe(live.readUInt32LE(40) / 2);
    writer.close();
    expect(parseWav(readFileSync(path)).samples.length).toBe(60 * 320);
  });

  it('never overwrites an existing file', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'wav-')), 'taken.wav');
    writeFileSync(path, 'someone else’s recording');
    expect(() => new WavWriter(path, 8000, 2)).toThrow(/EEXIST/);
    expect(readFileSync(path, 'utf8')).toBe('someone else’s recording');
  });

  it('repairs a header that lags its data, to whole sample frames', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'wav-')), 'cut.wav');
    const writer = new WavWriter(path, 8000, 2, () => 0);
    writer.write(frame(7));
    // Simulates the kill: the header still says 0 bytes; a torn frame follows the data.
    writeFileSync(path, Buffer.concat([readFileSync(path), Buffer.from([1, 2, 3])]));
    expect(repairWav(path)).toEqual({ before: 0, after: 640 });
    const repaired = readFileSync(path);
    expect(parseWav(repaired).samples).toEqual(frame(7));
    expect(repaired.readUInt32LE(4)).toBe(36 + 640);
    // Not ours: left alone.
    const other = join(mkdtempSync(join(tmpdir(), 'wav-')), 'other.wav');
    writeFileSync(other, 'not a wav file at all, but long enough to have a header......');
    expect(repairWav(other)).toBeUndefined();
  });
});

describe('ResourceGuard', () => {
  const ports = new PortAllocator('127.0.0.1', 40000, 40003);

  it('lets a call through while there is room', () => {
    const guard = new ResourceGuard(
      ports,
      2 ** 30,
      1024,
      () => 100,
      () => 2 ** 20,
    );
    expect(guard.check()).toBeUndefined();
  });

  it('refuses when file descriptors run short, and counts why', () => {
    const guard = new ResourceGuard(
      ports,
      2 ** 30,
      1024,
      () => 1000,
      () => 2 ** 20,
    );
    expect(guard.check()).toMatchObject({ reason: 'file-descriptors' });
    expect(guard.check()?.detail).toMatch(/1000 of 1024/);
    expect(guard.refused['file-descriptors']).toBe(2);
  });

  it('refuses above the memory bound', () => {
    const guard = new ResourceGuard(
      ports,
      100 * 2 ** 20,
      1024,
      () => 10,
      () => 200 * 2 ** 20,
    );
    expect(guard.check()).toMatchObject({ reason: 'memory' });
    expect(guard.refused.memory).toBe(1);
  });
});

describe('recordings retention', () => {
  it('deletes recordings older than the retention period and keeps the rest', () => {
    const dir = mkdtempSync(join(tmpdir(), 'retention-'));
    const day = 24 * 60 * 60 * 1000;
    const now = Date.now();
    for (const [name, ageDays] of [
      ['old.wav', 31],
      ['recent.wav', 29],
      ['notes.txt', 400],
    ] as const) {
      writeFileSync(join(dir, name), 'x');
      const when = new Date(now - ageDays * day);
      utimesSync(join(dir, name), when, when);
    }
    expect(sweepRecordings(dir, 30 * day, now)).toEqual(['old.wav']);
    expect(readdirSync(dir).sort()).toEqual(['notes.txt', 'recent.wav']);
  });

  it('is harmless on a missing folder', () => {
    expect(sweepRecordings(join(tmpdir(), 'no-such-recordings-dir'), 1)).toEqual([]);
  });
});
