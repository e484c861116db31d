/**
 * The declarative IVR file: services (the numbers callers dial), menus (prompt, digit →
 * action, timeouts) and the agent queue. Validated as a whole at start so every mistake
 * is reported at once with its path in the file.
 */
import { readFileSync } from 'node:fs';

export type Action = { goto: string } | { service: string } | { play: string } | { hangup: true };

export interface Menu {
  prompt: string[];
  timeoutMs: number;
  maxAttempts: number;
  invalidPrompt: string;
  timeoutPrompt: string;
  options: Record<string, Action>;
  /** What happens after maxAttempts without a valid choice. */
  onFailure: Action;
}

export type HoldDirection = 'sendonly' | 'inactive';

export type ServiceConfig =
  | { type: 'ivr'; menu: string; ringMs: number }
  | { type: 'music'; ringMs: number }
  | { type: 'echo'; prompt: string | undefined; ringMs: number }
  | { type: 'record'; prompt: string | undefined; maxSeconds: number; ringMs: number }
  | { type: 'queue'; prompt: string | undefined; ringMs: number }
  | { type: 'hold'; prompt: string | undefined; direction: HoldDirection; ringMs: number };

export interface QueueConfig {
  agents: string[];
  /** Agents are rung one at a time in list order; see services/queue.ts for why. */
  ringTimeoutMs: number;
  retryPrompt: string;
}

export interface IvrConfig {
  music: string;
  services: Record<string, ServiceConfig>;
  menus: Record<string, Menu>;
  queue: QueueConfig;
}

/**
 * The service a dialled user selects. Only the file's own entries count: the user part of
 * the Request-URI is the caller's choice, and `constructor` or `__proto__` would otherwise
 * find Object's prototype members on a plain object.
 */
export function lookupService(config: IvrConfig, name: string): ServiceConfig | undefined {
  return Object.hasOwn(config.services, name) ? config.services[name] : undefined;
}

export class IvrConfigError extends Error {
  override name = 'IvrConfigError';

  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    super(`invalid IVR file ${source}:\n  - ${problems.join('\n  - ')}`);
  }
}

type Json = Record<string, unknown>;

const DIGIT_KEY = /^[0-9*#]$/;
const SOUND_NAME = /^[a-z0-9][a-z0-9_-]*$/i;

export function loadIvrConfig(path: string): IvrConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new IvrConfigError(path, [`cannot read: ${(error as Error).message}`]);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new IvrConfigError(path, [`not valid JSON: ${(error as Error).message}`]);
  }
  return validateIvrConfig(json, path);
}

export function validateIvrConfig(json: unknown, source = 'ivr.json'): IvrConfig {
  const problems: string[] = [];
  const v = new Validator(problems);
  const root = v.object(json, '(root)') ?? {};
  const music = v.sound(root.music, 'music') ?? '';
  const menus: Record<string, Menu> = {};
  const rawMenus = v.object(root.menus, 'menus') ?? {};
  for (const [id, raw] of Object.entries(rawMenus)) menus[id] = v.menu(raw, `menus.${id}`);
  const services: Record<string, ServiceConfig> = {};
  const rawServices = v.object(root.services, 'services') ?? {};
  for (const [name, raw] of Object.entries(rawServices)) {
    const service = v.service(raw, `services.${name}`);
    if (service) services[name] = service;
  }
  const queue = v.queue(root.queue, 'queue');
  if (Object.keys(services).length === 0) problems.push('services: at least one service is needed');
  checkReferences(menus, services, problems);
  if (problems.length > 0) throw new IvrConfigError(source, problems);
  return { music, services, menus, queue };
}

function checkReferences(
  menus: Record<string, Menu>,
  services: Record<string, ServiceConfig>,
  problems: string[],
): void {
  const checkAction = (action: Action, path: string): void => {
    if ('goto' in action && !Object.hasOwn(menus, action.goto))
      problems.push(`${path}: unknown menu "${action.goto}"`);
    if ('service' in action) {
      const target = Object.hasOwn(services, action.service) ? services[action.service] : undefined;
      if (!target) problems.push(`${path}: unknown service "${action.service}"`);
      else if (target.type === 'ivr')
        problems.push(`${path}: use goto to enter a menu, not service "${action.service}"`);
    }
  };
  for (const [id, menu] of Object.entries(menus)) {
    for (const [digit, action] of Object.entries(menu.options))
      checkAction(action, `menus.${id}.options.${digit}`);
    checkAction(menu.onFailure, `menus.${id}.onFailure`);
  }
  for (const [name, service] of Object.entries(services)) {
    if (service.type === 'ivr' && !Object.hasOwn(menus, service.menu)) {
      problems.push(`services.${name}.menu: unknown menu "${service.menu}"`);
    }
  }
}

class Validator {
  constructor(private readonly problems: string[]) {}

  object(value: unknown, path: string): Json | undefined {
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Json;
    this.problems.push(`${path}: expected an object`);
    return undefined;
  }

  sound(value: unknown, path: string): string | undefined {
    if (typeof value === 'string' && SOUND_NAME.test(value)) return value;
    this.problems.push(
      `${path}: expected a sound name (letters, digits, - and _), got ${JSON.stringify(value)}`,
    );
    return undefined;
  }

  optionalSound(value: unknown, path: string): string | undefined {
    return value === undefined ? undefined : this.sound(value, path);
  }

  number(value: unknown, path: string, min: number, max: number, fallback?: number): number {
    if (value === undefined && fallback !== undefined) return fallback;
    if (typeof value === 'number' && Number.isFinite(value) && value >= min && value <= max)
      return value;
    this.problems.push(
      `${path}: expected a number from ${min} to ${max}, got ${JSON.stringify(value)}`,
    );
    return fallback ?? min;
  }

  action(value: unknown, path: string): Action {
    const raw = this.object(value, path);
    const fallback: Action = { hangup: true };
    if (!raw) return fallback;
    const keys = Object.keys(raw);
    if (keys.length !== 1) {
      this.problems.push(`${path}: an action has exactly one of goto, service, play, hangup`);
      return fallback;
    }
    if (typeof raw.goto === 'string') return { goto: raw.goto };
    if (typeof raw.service === 'string') return { service: raw.service };
    if (raw.play !== undefined) return { play: this.sound(raw.play, `${path}.play`) ?? '' };
    if (raw.hangup === true) return { hangup: true };
    this.problems.push(`${path}: unknown action ${JSON.stringify(raw)}`);
    return fallback;
  }

  menu(value: unknown, path: string): Menu {
    const raw = this.object(value, path) ?? {};
    const prompts = Array.isArray(raw.prompt) ? raw.prompt : [raw.prompt];
    const options: Record<string, Action> = {};
    for (const [digit, action] of Object.entries(
      this.object(raw.options, `${path}.options`) ?? {},
    )) {
      if (!DIGIT_KEY.test(digit))
        this.problems.push(`${path}.options: "${digit}" is not a single DTMF digit`);
      else options[digit] = this.action(action, `${path}.options.${digit}`);
    }
    return {
      prompt: prompts.map((p, i) => this.sound(p, `${path}.prompt[${i}]`) ?? ''),
      timeoutMs: this.number(raw.timeoutMs, `${path}.timeoutMs`, 500, 120_000, 6000),
      maxAttempts: this.number(raw.maxAttempts, `${path}.maxAttempts`, 1, 20, 3),
      invalidPrompt: this.sound(raw.invalidPrompt, `${path}.invalidPrompt`) ?? '',
      timeoutPrompt: this.sound(raw.timeoutPrompt, `${path}.timeoutPrompt`) ?? '',
      options,
      onFailure:
        raw.onFailure === undefined
          ? { hangup: true }
          : this.action(raw.onFailure, `${path}.onFailure`),
    };
  }

  service(value: unknown, path: string): ServiceConfig | undefined {
    const raw = this.object(value, path);
    if (!raw) return undefined;
    const ringMs = this.number(raw.ringMs, `${path}.ringMs`, 0, 60_000, 0);
    switch (raw.type) {
      case 'ivr':
        if (typeof raw.menu !== 'string') this.problems.push(`${path}.menu: expected a menu id`);
        return { type: 'ivr', menu: String(raw.menu), ringMs };
      case 'music':
        return { type: 'music', ringMs };
      case 'echo':
        return { type: 'echo', prompt: this.optionalSound(raw.prompt, `${path}.prompt`), ringMs };
      case 'record':
        return {
          type: 'record',
          prompt: this.optionalSound(raw.prompt, `${path}.prompt`),
          maxSeconds: this.number(raw.maxSeconds, `${path}.maxSeconds`, 1, 3600, 300),
          ringMs,
        };
      case 'queue':
        return { type: 'queue', prompt: this.optionalSound(raw.prompt, `${path}.prompt`), ringMs };
      case 'hold': {
        const direction = raw.direction;
        if (direction !== 'sendonly' && direction !== 'inactive') {
          this.problems.push(`${path}.direction: expected "sendonly" or "inactive"`);
        }
        return {
          type: 'hold',
          prompt: this.optionalSound(raw.prompt, `${path}.prompt`),
          direction: direction === 'inactive' ? 'inactive' : 'sendonly',
          ringMs,
        };
      }
      default:
        this.problems.push(
          `${path}.type: expected one of ivr, music, echo, record, queue, hold, got ${JSON.stringify(raw.type)}`,
        );
        return undefined;
    }
  }

  queue(value: unknown, path: string): QueueConfig {
    const raw = this.object(value, path) ?? {};
    const agents = Array.isArray(raw.agents) ? raw.agents : [];
    if (agents.length === 0)
      this.problems.push(`${path}.agents: expected a non-empty list of SIP user names`);
    for (const [i, agent] of agents.entries()) {
      if (typeof agent !== 'string' || !/^[A-Za-z0-9._-]+$/.test(agent)) {
        this.problems.push(
          `${path}.agents[${i}]: expected a SIP user name, got ${JSON.stringify(agent)}`,
        );
      }
    }
    return {
      agents: agents.map(String),
      ringTimeoutMs: this.number(raw.ringTimeoutMs, `${path}.ringTimeoutMs`, 1000, 120_000, 15_000),
      retryPrompt: this.sound(raw.retryPrompt, `${path}.retryPrompt`) ?? '',
    };
  }
}

/** Every sound the file refers to, so all can be loaded (and checked) at start. */
export function referencedSounds(config: IvrConfig): Set<string> {
  const names = new Set<string>([config.music, config.queue.retryPrompt]);
  for (const menu of Object.values(config.menus)) {
    for (const p of menu.prompt) names.add(p);
    names.add(menu.invalidPrompt);
    names.add(menu.timeoutPrompt);
    for (const action of [...Object.values(menu.options), menu.onFailure]) {
      if ('play' in action) names.add(action.play);
    }
  }
  for (const service of Object.values(config.services)) {
    if ('prompt' in service && service.prompt) names.add(service.prompt);
  }
  return names;
}
