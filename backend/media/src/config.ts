/** Server settings from the environment, checked up front with readable errors. */
import { readFileSync } from 'node:fs';
import { isIPv4 } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import type { Endpoint, TrustedSource } from './sip/transport.js';

export interface ServerConfig {
  serverName: string;
  sipHost: string;
  sipPort: number;
  httpHost: string;
  httpPort: number;
  /** Bearer token every API request must carry (read from MEDIA_API_TOKEN_FILE). */
  apiToken: string;
  /** Host header names the API answers to besides loopback and HTTP_HOST (DNS rebinding). */
  apiAllowedHosts: string[];
  /** Origins that get CORS headers; none by default. */
  apiCorsOrigins: string[];
  /** Who may send SIP: PROXY plus TRUSTED_SIP_SOURCES. */
  trustedSipSources: TrustedSource[];
  /** New calls are refused (503) while the process's RSS is above this. */
  maxRssBytes: number;
  rtpPortMin: number;
  rtpPortMax: number;
  proxy: Endpoint;
  domain: string;
  recordingsDir: string;
  recordingsRetentionMs: number;
  ivrFile: string;
  soundsDir: string;
  rtpTimeoutMs: number;
  /** The RTP timeout while the far end holds the call (it may send nothing meanwhile). */
  rtpHoldTimeoutMs: number;
  statsIntervalMs: number;
  rtcpIntervalMs: number;
  minSessionExpires: number;
  historySize: number;
  t1Ms: number;
  /** How long a transferor may take to hang up after a successful transfer. */
  transferorByeTimeoutMs: number;
  logLevel: string;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

type Env = Record<string, string | undefined>;

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be an integer from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

function endpoint(env: Env, name: string, fallback: string): Endpoint {
  const raw = env[name] || fallback;
  const match = /^(\d{1,3}(?:\.\d{1,3}){3}):(\d{1,5})$/.exec(raw);
  if (!match || Number(match[2]) > 65535)
    throw new ConfigError(`${name} must be IPv4:port, got "${raw}"`);
  return { address: match[1]!, port: Number(match[2]) };
}

/** Space- or comma-separated list. */
function list(env: Env, name: string): string[] {
  return (env[name] ?? '').split(/[\s,]+/).filter((item) => item !== '');
}

/** `IP` (any port) or `IP:port` entries. */
function trustedSources(env: Env, name: string): TrustedSource[] {
  return list(env, name).map((item) => {
    const [address = '', port] = item.split(':');
    if (!isIPv4(address) || (port !== undefined && !/^\d{1,5}$/.test(port))) {
      throw new ConfigError(`${name} entries must be IPv4 or IPv4:port, got "${item}"`);
    }
    return port === undefined ? { address } : { address, port: Number(port) };
  });
}

/**
 * The API token lives in a file (mounted read-only, generated at first start by
 * backend/lab/common.sh) rather than in the environment, where `docker inspect` and
 * /proc/<pid>/environ would show it. Without one the server does not start: an open
 * control API is how calls get read and hung up by strangers.
 */
function apiToken(env: Env): string {
  const file = env.MEDIA_API_TOKEN_FILE;
  if (!file) throw new ConfigError('MEDIA_API_TOKEN_FILE must name the API token file');
  let token: string;
  try {
    token = readFileSync(file, 'utf8').trim();
  } catch (error) {
    throw new ConfigError(`cannot read MEDIA_API_TOKEN_FILE: ${(error as Error).message}`);
  }
  if (!/^[A-Za-z0-9._~+/=-]{32,512}$/.test(token)) {
    throw new ConfigError(
      'the API token must be 32-512 token characters (e.g. openssl rand -hex 32)',
    );
  }
  return token;
}

/** 80 % of the container's memory limit (cgroup v2) when there is one, else 1 GiB. */
function defaultMaxRssMb(): number {
  try {
    const limit = Number(readFileSync('/sys/fs/cgroup/memory.max', 'utf8').trim());
    if (Number.isFinite(limit) && limit > 0)
      return Math.max(64, Math.floor((limit * 0.8) / 2 ** 20));
  } catch {
    // No cgroup v2 file: not in a limited container.
  }
  return 1024;
}

/**
 * After the NOTIFY that says a transfer succeeded, the transferor hangs up (RFC 5589 §6);
 * one that has not within 64 × T1 at the default T1 (RFC 3261's Timer B, 32 s) is hung up
 * by the server. Tests shorten it (TRANSFEROR_BYE_TIMEOUT_MS).
 */
export const DEFAULT_TRANSFEROR_BYE_TIMEOUT_MS = 32_000;

/** Files default to the bundle's directory, where build.mjs puts ivr.json and sounds/. */
export function loadConfig(
  env: Env,
  baseDir = dirname(resolve(process.argv[1] ?? '.')),
): ServerConfig {
  const sipHost = env.SIP_HOST || '127.0.0.1';
  const proxy = endpoint(env, 'PROXY', '127.0.0.1:5060');
  const config: ServerConfig = {
    serverName: env.SERVER_NAME || 'media',
    sipHost,
    sipPort: integer(env, 'SIP_PORT', 5071, 0, 65535),
    // Loopback unless told otherwise: the API is for tools on this host, not for whoever
    // reaches the SIP address.
    httpHost: env.HTTP_HOST || '127.0.0.1',
    httpPort: integer(env, 'HTTP_PORT', 8071, 0, 65535),
    apiToken: apiToken(env),
    apiAllowedHosts: list(env, 'API_ALLOWED_HOSTS').map((host) => host.toLowerCase()),
    apiCorsOrigins: list(env, 'API_CORS_ORIGINS'),
    trustedSipSources: [proxy, ...trustedSources(env, 'TRUSTED_SIP_SOURCES')],
    maxRssBytes: integer(env, 'MAX_RSS_MB', defaultMaxRssMb(), 16, 1_048_576) * 2 ** 20,
    rtpPortMin: integer(env, 'RTP_PORT_MIN', 20000, 1024, 65535),
    rtpPortMax: integer(env, 'RTP_PORT_MAX', 24999, 1024, 65535),
    proxy,
    domain: env.DOMAIN || 'helpline.test',
    recordingsDir: resolve(env.RECORDINGS_DIR || 'recordings'),
    recordingsRetentionMs:
      integer(env, 'RECORDINGS_RETENTION_DAYS', 30, 1, 3650) * 24 * 60 * 60 * 1000,
    ivrFile: resolve(env.IVR_FILE || join(baseDir, 'ivr.json')),
    soundsDir: resolve(env.SOUNDS_DIR || join(baseDir, 'sounds')),
    rtpTimeoutMs: integer(env, 'RTP_TIMEOUT_S', 30, 1, 3600) * 1000,
    rtpHoldTimeoutMs: integer(env, 'RTP_HOLD_TIMEOUT_S', 1800, 1, 86400) * 1000,
    statsIntervalMs: integer(env, 'STATS_INTERVAL_S', 5, 1, 3600) * 1000,
    rtcpIntervalMs: integer(env, 'RTCP_INTERVAL_S', 1, 1, 60) * 1000,
    minSessionExpires: integer(env, 'MIN_SE', 90, 1, 86400),
    historySize: integer(env, 'HISTORY_SIZE', 500, 0, 100_000),
    t1Ms: integer(env, 'SIP_T1_MS', 500, 10, 10000),
    transferorByeTimeoutMs: integer(
      env,
      'TRANSFEROR_BYE_TIMEOUT_MS',
      DEFAULT_TRANSFEROR_BYE_TIMEOUT_MS,
      10,
      600_000,
    ),
    logLevel: env.LOG_LEVEL || 'info',
  };
  if (config.rtpPortMax - config.rtpPortMin < 3) {
    throw new ConfigError(`RTP_PORT_MIN..RTP_PORT_MAX must span at least 4 ports`);
  }
  if (!/^[A-Za-z0-9._-]+$/.test(config.serverName))
    throw new ConfigError('SERVER_NAME must be a SIP user name');
  return config;
}
