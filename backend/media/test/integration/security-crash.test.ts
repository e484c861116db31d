/**
 * A media server killed mid-recording (issue 11 §3): the real bundle in its own process,
 * SIGKILLed while a call records, must leave a valid WAV up to about a second before the
 * kill, and the next start makes the header match every byte that reached the disk.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { freePorts } from '../../../../testkit/ports';
import type { StreamStats } from '../../src/media/rtp-session.js';
import { parseWav } from '../../src/media/wav.js';
import { getHeader } from '../../src/sip/message.js';
import {
  AUTH,
  ensureSounds,
  inDialogText,
  inviteText,
  MEDIA_DIR,
  RawSip,
  TOKEN_FILE,
  waitFor,
  writeTestIvr,
} from '../harness.js';

async function bundle(): Promise<string> {
  const outfile = join(mkdtempSync(join(tmpdir(), 'media-bundle-')), 'server.cjs');
  await build({
    entryPoints: [join(MEDIA_DIR, 'src/main.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    logLevel: 'warning',
  });
  return outfile;
}

interface Child {
  process: ChildProcess;
  sipPort: number;
  httpPort: number;
}

async function startChild(server: string, recordingsDir: string): Promise<Child> {
  const [sipPort, httpPort] = await freePorts(2);
  const [rtpBase] = await freePorts(20);
  const child = spawn(process.execPath, [server], {
    env: {
      SIP_HOST: '127.0.0.1',
      SIP_PORT: String(sipPort),
      HTTP_PORT: String(httpPort),
      RTP_PORT_MIN: String(rtpBase),
      RTP_PORT_MAX: String(rtpBase + 19),
      IVR_FILE: writeTestIvr(),
      SOUNDS_DIR: ensureSounds(),
      RECORDINGS_DIR: recordingsDir,
      MEDIA_API_TOKEN_FILE: TOKEN_FILE,
      TRUSTED_SIP_SOURCES: '127.0.0.1',
      SIP_T1_MS: '100',
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  await waitFor(async () => {
    if (child.exitCode !== null) throw new Error(`server exited: ${stderr}`);
    const response = await fetch(`http://127.0.0.1:${httpPort}/health`).catch(() => undefined);
    return response?.ok || undefined;
  }, 15_000);
  return { process: child, sipPort, httpPort };
}

describe('recordings survive a killed server', { timeout: 60_000 }, () => {
  const children: ChildProcess[] = [];
  afterAll(() => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  });

  it('leaves a valid WAV after SIGKILL, exact after the next start', async () => {
    const server = await bundle();
    const recordings = mkdtempSync(join(tmpdir(), 'media-rec-'));
    const first = await startChild(server, recordings);
    children.push(first.process);
    const sip = await RawSip.open();
    try {
      sip.send(
        inviteText({
          service: 'record-now',
          callId: 'killed-1',
          serverPort: first.sipPort,
          clientPort: sip.port,
        }),
        first.sipPort,
      );
      const ok = await sip.next(
        (m) => m.kind === 'response' && m.status === 200 && getHeader(m, 'call-id') === 'killed-1',
      );
      sip.send(inDialogText('ACK', ok, sip.port, 1, 'z9hG4bKkilledack'), first.sipPort);
      // Record well past one header update (every second), then kill without warning.
      await waitFor(async () => {
        const response = await fetch(`http://127.0.0.1:${first.httpPort}/calls/killed-1`, {
          headers: AUTH,
        });
        const call = response.ok ? ((await response.json()) as { rtp: StreamStats }) : undefined;
        return (call?.rtp.packetsSent ?? 0) >= 120 || undefined;
      }, 20_000);
      first.process.kill('SIGKILL');
      await new Promise((resolve) => first.process.once('exit', resolve));

      const [file] = readdirSync(recordings).filter((name) => name.endsWith('.wav'));
      expect(file).toBeDefined();
      const path = join(recordings, file!);
      const killed = readFileSync(path);
      const declared = killed.readUInt32LE(40);
      // A valid RIFF/WAVE whose header never claims more than is there, and at least a
      // second of the recording (stereo 16-bit at 8 kHz: 32 000 bytes per second).
      expect(killed.readUInt32LE(4)).toBe(36 + declared);
      expect(declared).toBeGreaterThanOrEqual(32_000);
      expect(declared).toBeLessThanOrEqual(killed.length - 44);
      expect(parseWav(killed)).toMatchObject({ sampleRate: 8000, channels: 2 });

      const second = await startChild(server, recordings);
      children.push(second.process);
      const repaired = readFileSync(path);
      const whole = killed.length - 44 - ((killed.length - 44) % 4);
      expect(repaired.readUInt32LE(40)).toBe(whole);
      expect(parseWav(repaired).samples.length).toBe(whole / 2);
      second.process.kill('SIGTERM');
    } finally {
      sip.close();
    }
  });
});
