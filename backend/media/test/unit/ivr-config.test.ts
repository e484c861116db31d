import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { IvrConfigError, referencedSounds, validateIvrConfig } from '../../src/ivr/config.js';

const shipped = JSON.parse(
  readFileSync(join(import.meta.dirname, '../../ivr.json'), 'utf8'),
) as Record<string, unknown>;

function problemsOf(json: unknown): string[] {
  try {
    validateIvrConfig(json);
  } catch (error) {
    if (error instanceof IvrConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('IVR file validation', () => {
  it('accepts the shipped ivr.json and lists every sound it needs', () => {
    const config = validateIvrConfig(shipped);
    expect(config.services.ivr).toMatchObject({ type: 'ivr', menu: 'main' });
    expect(config.menus.main!.options['0']).toEqual({ service: 'queue' });
    expect(referencedSounds(config)).toContain('queue-still-waiting');
  });

  it('reports every problem with its path', () => {
    const broken = structuredClone(shipped) as {
      menus: Record<string, { options: Record<string, unknown>; timeoutMs?: unknown }>;
      services: Record<string, unknown>;
    };
    broken.menus.main!.options['1'] = { goto: 'nowhere' };
    broken.menus.main!.options['12'] = { hangup: true };
    broken.menus.main!.timeoutMs = -5;
    broken.menus.info!.options['2'] = { service: 'fax' };
    broken.services.music = { type: 'jukebox' };
    expect(problemsOf(broken)).toEqual(
      expect.arrayContaining([
        'menus.main.options: "12" is not a single DTMF digit',
        'menus.main.timeoutMs: expected a number from 500 to 120000, got -5',
        'services.music.type: expected one of ivr, music, echo, record, queue, hold, got "jukebox"',
        'menus.main.options.1: unknown menu "nowhere"',
        'menus.info.options.2: unknown service "fax"',
      ]),
    );
  });

  it('rejects sound names that could escape the sounds directory', () => {
    expect(problemsOf({ ...shipped, music: '../../etc/passwd' })).toEqual([
      'music: expected a sound name (letters, digits, - and _), got "../../etc/passwd"',
    ]);
  });

  it('rejects an empty queue and actions with two verbs', () => {
    const broken = structuredClone(shipped) as {
      queue: { agents: unknown[] };
      menus: { main: { onFailure: unknown } };
    };
    broken.queue.agents = [];
    broken.menus.main.onFailure = { hangup: true, goto: 'main' };
    expect(problemsOf(broken)).toEqual([
      'menus.main.onFailure: an action has exactly one of goto, service, play, hangup',
      'queue.agents: expected a non-empty list of SIP user names',
    ]);
  });

  it('rejects a file that is not an object', () => {
    expect(problemsOf([])).toContain('(root): expected an object');
  });
});
