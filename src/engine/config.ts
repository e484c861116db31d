/**
 * Configuration validation and defaults. Deliberately free of JsSIP: the elements import
 * this module statically to check their attributes before the SIP stack is loaded.
 */
import { configuredAvailability, configuredWrapUpSeconds } from './availability';
import { DEFAULT_LOG_LEVEL, isLogLevel, LOG_LEVELS, type LogHook, type LogLevel } from './log';
import { DEFAULT_THRESHOLDS } from './quality/thresholds';
import { redactUrl } from './redact';
import { insecureHttpUrl, insecureSocketUrl, parseUrl } from './secure-url';
import type { Availability, DtmfMode, PhoneError, QualityThresholds } from './types';

/** Where the SIP credentials come from. */
export type CredentialSource =
  | { kind: 'url'; url: string }
  | { kind: 'static'; user: string; password: string | undefined };

/** A validated {@link PhoneConfig} with every default filled in. */
export interface ResolvedConfig {
  servers: string[];
  domain: string;
  credentials: CredentialSource;
  displayName: string | undefined;
  register: boolean;
  dtmfMode: DtmfMode;
  dtmfDurationMs: number;
  dtmfGapMs: number;
  iceServers: RTCIceServer[];
  iceGatheringTimeoutMs: number;
  holdMusicUrl: string | null;
  ringtoneUrl: string | null;
  ringbackUrl: string | null;
  callWaitingUrl: string | null;
  speakerTestUrl: string | null;
  autoSwitchDevices: boolean;
  maxCalls: number;
  registerExpires: number;
  availability: Availability;
  wrapUpSeconds: number;
  statsIntervalMs: number;
  qualityThresholds: QualityThresholds;
  statsUrl: string | null;
  keepaliveIntervalMs: number;
  keepaliveTimeoutMs: number;
  callRecoveryTimeoutMs: number;
  confirmPageExit: boolean;
  singleTab: boolean;
  logLevel: LogLevel;
  /** The host's hook; undefined: the console. */
  logger: LogHook | undefined;
}

export type ConfigResult = { ok: true; config: ResolvedConfig } | { ok: false; error: PhoneError };

export const DEFAULTS = {
  register: true,
  dtmfMode: 'auto' as DtmfMode,
  dtmfDurationMs: 100,
  dtmfGapMs: 70,
  iceGatheringTimeoutMs: 500,
  registerExpires: 300,
  soundsBase: '/sounds/',
  statsIntervalMs: 1000,
  keepaliveIntervalMs: 10_000,
  keepaliveTimeoutMs: 3000,
  callRecoveryTimeoutMs: 10_000,
  confirmPageExit: true,
  singleTab: false,
  maxCalls: 1,
} as const;

/** More calls than this at once is no longer a phone an agent can follow. */
export const MAX_CALLS_LIMIT = 4;

const DTMF_MODES: readonly DtmfMode[] = ['auto', 'rfc4733', 'info'];
// A host name or IPv4 literal; SIP domains never carry a scheme, port or path.
const DOMAIN_PATTERN =
  /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/i;
// The user part of a SIP URI, optionally as pasted ephemeral credentials ("<expiry>:<user>").
const USER_PATTERN = /^(\d+:)?[a-z0-9_.!~*'()&=+$,;?/%-]+$/i;

class ConfigError extends Error {}

function fail(message: string): never {
  throw new ConfigError(message);
}

function orFail<T>(result: { ok: true; value: T } | { ok: false; message: string }): T {
  return result.ok ? result.value : fail(result.message);
}

function shown(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'an object' : String(value);
}

function checkServer(value: unknown, label: string): string {
  if (typeof value !== 'string' || value.trim() === '') {
    fail(`${label} must be a wss:// URL: got ${shown(value)}`);
  }
  const problem = insecureSocketUrl(parseUrl(value.trim()));
  if (problem === 'not-ws') fail(`${label} must start with wss://: got '${redactUrl(value)}'`);
  if (problem === 'ws-not-local') {
    fail(
      `${label} must start with wss:// (ws:// is only allowed for localhost): got '${redactUrl(value)}'`,
    );
  }
  return value.trim();
}

function checkServers(value: unknown): string[] {
  if (!Array.isArray(value) || value.length === 0) {
    fail(`servers must be a non-empty list of wss:// URLs: got ${shown(value)}`);
  }
  return value.map((server, i) =>
    checkServer(server, value.length === 1 ? 'server' : `servers[${i}]`),
  );
}

function checkDomain(value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') {
    fail(`domain is required (the SIP domain, e.g. 'helpline.example'): got ${shown(value)}`);
  }
  const domain = value.trim();
  if (!DOMAIN_PATTERN.test(domain)) {
    fail(`domain must be a host name such as 'helpline.example': got '${value}'`);
  }
  return domain;
}

function optionalString(input: Record<string, unknown>, key: string): string | undefined {
  const value = input[key];
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') fail(`${key} must be text: got ${shown(value)}`);
  return value;
}

/** An https:// URL (http:// on localhost), relative ones resolved against the page. */
function checkHttpsUrl(key: string, value: string): string {
  const url = parseUrl(value, globalThis.location?.href);
  const problem = insecureHttpUrl(url);
  if (problem === 'http-not-local') {
    fail(`${key} must use https:// (http:// only for localhost): got '${redactUrl(value)}'`);
  }
  if (!url || problem) fail(`${key} must be an https:// URL: got '${redactUrl(value)}'`);
  return url.href;
}

/**
 * `value` as an https:// URL (http:// on localhost), by the rules of `credentialsUrl`; for
 * the elements' own URL attributes (`<sip-call-button callback-url>`).
 */
export function httpsUrlOf(
  key: string,
  value: string,
): { ok: true; url: string } | { ok: false; message: string } {
  try {
    return { ok: true, url: checkHttpsUrl(key, value) };
  } catch (error) {
    if (error instanceof ConfigError) return { ok: false, message: error.message };
    throw error;
  }
}

function checkCredentials(input: Record<string, unknown>): CredentialSource {
  const credentialsUrl = optionalString(input, 'credentialsUrl');
  if (credentialsUrl !== undefined)
    return { kind: 'url', url: checkHttpsUrl('credentialsUrl', credentialsUrl) };
  const user = optionalString(input, 'user');
  if (user === undefined) {
    fail('either credentialsUrl or user (with password) is required');
  }
  if (!USER_PATTERN.test(user)) {
    fail(`user must be a SIP user name without spaces or '@': got '${user}'`);
  }
  return { kind: 'static', user, password: optionalString(input, 'password') };
}

function positiveNumber(
  input: Record<string, unknown>,
  key: string,
  fallback: number,
  max = Number.POSITIVE_INFINITY,
): number {
  const value = input[key];
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    fail(`${key} must be a positive number: got ${shown(value)}`);
  }
  if (value > max) fail(`${key} must be at most ${max}: got ${value}`);
  return value;
}

function checkBoolean(input: Record<string, unknown>, key: string, fallback: boolean): boolean {
  const value = input[key];
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'boolean') fail(`${key} must be true or false: got ${shown(value)}`);
  return value;
}

function checkDtmfMode(value: unknown): DtmfMode {
  if (value === undefined || value === null) return DEFAULTS.dtmfMode;
  if (!DTMF_MODES.includes(value as DtmfMode)) {
    fail(`dtmfMode must be one of ${DTMF_MODES.join(', ')}: got ${shown(value)}`);
  }
  return value as DtmfMode;
}

function checkIceServers(value: unknown): RTCIceServer[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) fail(`iceServers must be a list: got ${shown(value)}`);
  return value.map((server: unknown, i) => {
    const urls = (server as { urls?: unknown } | null)?.urls;
    const list = Array.isArray(urls) ? urls : [urls];
    if (
      typeof server !== 'object' ||
      list.length === 0 ||
      !list.every((u) => typeof u === 'string' && /^(stuns?|turns?):/.test(u))
    ) {
      fail(`iceServers[${i}] must have urls starting with stun: or turn: (got ${shown(urls)})`);
    }
    return server as RTCIceServer;
  });
}

function checkSoundsBase(value: unknown): string {
  if (value === undefined || value === null || value === '') return DEFAULTS.soundsBase;
  if (typeof value !== 'string') fail(`soundsBase must be a URL: got ${shown(value)}`);
  return value.endsWith('/') ? value : `${value}/`;
}

/** Below 100 ms getStats() itself becomes a load on the page; above a minute it says little. */
function checkStatsInterval(input: Record<string, unknown>): number {
  const value = positiveNumber(input, 'statsIntervalMs', DEFAULTS.statsIntervalMs, 60_000);
  if (value < 100) fail(`statsIntervalMs must be at least 100: got ${value}`);
  return value;
}

function checkThresholds(value: unknown): QualityThresholds {
  if (value === undefined || value === null) return { ...DEFAULT_THRESHOLDS };
  if (typeof value !== 'object' || Array.isArray(value)) {
    fail(`qualityThresholds must be an object: got ${shown(value)}`);
  }
  const input = value as Record<string, unknown>;
  for (const key of Object.keys(input)) {
    if (!(key in DEFAULT_THRESHOLDS)) {
      fail(
        `qualityThresholds has no '${key}' (known: ${Object.keys(DEFAULT_THRESHOLDS).join(', ')})`,
      );
    }
  }
  const pick = (key: keyof QualityThresholds, max?: number) =>
    positiveNumber(input, key, DEFAULT_THRESHOLDS[key], max);
  return {
    rttMs: pick('rttMs'),
    jitterMs: pick('jitterMs'),
    lossFraction: pick('lossFraction', 1),
    mos: pick('mos', 4.5),
    audioLevel: pick('audioLevel', 1),
  };
}

function checkLogLevel(value: unknown): LogLevel {
  if (value === undefined || value === null || value === '') return DEFAULT_LOG_LEVEL;
  if (!isLogLevel(value)) {
    fail(`logLevel must be one of ${LOG_LEVELS.join(', ')}: got ${shown(value)}`);
  }
  return value;
}

function checkLogger(value: unknown): LogHook | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'function') {
    fail(`logger must be a function (level, message, context): got ${shown(value)}`);
  }
  return value as LogHook;
}

function checkMaxCalls(value: unknown): number {
  if (value === undefined || value === null) return DEFAULTS.maxCalls;
  if (
    typeof value !== 'number' ||
    !Number.isInteger(value) ||
    value < 1 ||
    value > MAX_CALLS_LIMIT
  ) {
    fail(`maxCalls must be a whole number from 1 to ${MAX_CALLS_LIMIT}: got ${shown(value)}`);
  }
  return value;
}

/** An explicit URL wins; `null` turns the sound off; otherwise the default file under soundsBase. */
function soundUrl(input: Record<string, unknown>, key: string, base: string, file: string) {
  const value = input[key];
  if (value === null) return null;
  if (value === undefined || value === '') return `${base}${file}`;
  if (typeof value !== 'string') fail(`${key} must be a URL or null: got ${shown(value)}`);
  return value;
}

function resolve(input: Record<string, unknown>): ResolvedConfig {
  const soundsBase = checkSoundsBase(input.soundsBase);
  const statsUrl = optionalString(input, 'statsUrl');
  return {
    servers: checkServers(input.servers),
    domain: checkDomain(input.domain),
    credentials: checkCredentials(input),
    displayName: optionalString(input, 'displayName'),
    register: checkBoolean(input, 'register', DEFAULTS.register),
    dtmfMode: checkDtmfMode(input.dtmfMode),
    // RTCDTMFSender accepts 40-6000 ms tones; JsSIP's INFO path clamps the same way.
    dtmfDurationMs: positiveNumber(input, 'dtmfDurationMs', DEFAULTS.dtmfDurationMs, 6000),
    dtmfGapMs: positiveNumber(input, 'dtmfGapMs', DEFAULTS.dtmfGapMs, 6000),
    iceServers: checkIceServers(input.iceServers),
    iceGatheringTimeoutMs: positiveNumber(
      input,
      'iceGatheringTimeoutMs',
      DEFAULTS.iceGatheringTimeoutMs,
      30_000,
    ),
    holdMusicUrl: soundUrl(input, 'holdMusicUrl', soundsBase, 'hold-music.wav'),
    ringtoneUrl: soundUrl(input, 'ringtoneUrl', soundsBase, 'ringtone.wav'),
    ringbackUrl: soundUrl(input, 'ringbackUrl', soundsBase, 'ringback.wav'),
    callWaitingUrl: soundUrl(input, 'callWaitingUrl', soundsBase, 'call-waiting.wav'),
    speakerTestUrl: soundUrl(input, 'speakerTestUrl', soundsBase, 'speaker-test.wav'),
    autoSwitchDevices: checkBoolean(input, 'autoSwitchDevices', true),
    maxCalls: checkMaxCalls(input.maxCalls),
    registerExpires: Math.round(
      positiveNumber(input, 'registerExpires', DEFAULTS.registerExpires, 86_400),
    ),
    availability: orFail(configuredAvailability(input.availability)),
    wrapUpSeconds: orFail(configuredWrapUpSeconds(input.wrapUpSeconds)),
    statsIntervalMs: checkStatsInterval(input),
    qualityThresholds: checkThresholds(input.qualityThresholds),
    statsUrl: statsUrl === undefined ? null : checkHttpsUrl('statsUrl', statsUrl),
    // 0 is allowed here only: it turns the keepalive off.
    keepaliveIntervalMs:
      input.keepaliveIntervalMs === 0
        ? 0
        : positiveNumber(input, 'keepaliveIntervalMs', DEFAULTS.keepaliveIntervalMs, 600_000),
    keepaliveTimeoutMs: positiveNumber(
      input,
      'keepaliveTimeoutMs',
      DEFAULTS.keepaliveTimeoutMs,
      60_000,
    ),
    callRecoveryTimeoutMs: positiveNumber(
      input,
      'callRecoveryTimeoutMs',
      DEFAULTS.callRecoveryTimeoutMs,
      120_000,
    ),
    confirmPageExit: checkBoolean(input, 'confirmPageExit', DEFAULTS.confirmPageExit),
    singleTab: checkBoolean(input, 'singleTab', DEFAULTS.singleTab),
    logLevel: checkLogLevel(input.logLevel),
    logger: checkLogger(input.logger),
  };
}

/**
 * Check a configuration (typed loosely, since it often comes from HTML attributes or
 * JSON) and fill in the defaults. Never throws: a bad value gives a `config-invalid`
 * error whose message names the field and the value.
 */
export function validateConfig(input: unknown): ConfigResult {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return {
      ok: false,
      error: {
        code: 'config-invalid',
        message: `configuration must be an object: got ${shown(input)}`,
      },
    };
  }
  try {
    return { ok: true, config: resolve(input as Record<string, unknown>) };
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return { ok: false, error: { code: 'config-invalid', message: error.message } };
  }
}
