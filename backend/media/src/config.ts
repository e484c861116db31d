/** Server settings from the environment, checked up front with readable errors. */
import { dirname, join, resolve } from 'node:path';
import type { Endpoint } from './sip/transport.js';

export interface ServerConfig {
  serverName: string;
  sipHost: string;
  sipPort: number;
  httpHost: string;
  httpPort: number;
  rtpPortMin: number;
  rtpPortMax: number;
  proxy: Endpoint;
  domain: string;
  recordingsDir: string;
  ivrFile: string;
  soundsDir: string;
  rtpTimeoutMs: number;
  statsIntervalMs: number;
  rtcpIntervalMs: number;
  minSessionExpires: number;
  historySize: number;
  t1Ms: number;
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

/** Files default to the bundle's directory, where build.mjs puts ivr.json and sounds/. */
export function loadConfig(
  env: Env,
  baseDir = dirname(resolve(process.argv[1] ?? '.')),
): ServerConfig {
  const sipHost = env.SIP_HOST || '127.0.0.1';
  const config: ServerConfig = {
    serverName: env.SERVER_NAME || 'media',
    sipHost,
    sipPort: integer(env, 'SIP_PORT', 5071, 0, 65535),
    httpHost: env.HTTP_HOST || sipHost,
    httpPort: integer(env, 'HTTP_PORT', 8071, 0, 65535),
    rtpPortMin: integer(env, 'RTP_PORT_MIN', 20000, 1024, 65535),
    rtpPortMax: integer(env, 'RTP_PORT_MAX', 24999, 1024, 65535),
    proxy: endpoint(env, 'PROXY', '127.0.0.1:5060'),
    domain: env.DOMAIN || 'helpline.test',
    recordingsDir: resolve(env.RECORDINGS_DIR || 'recordings'),
    ivrFile: resolve(env.IVR_FILE || join(baseDir, 'ivr.json')),
    soundsDir: resolve(env.SOUNDS_DIR || join(baseDir, 'sounds')),
    rtpTimeoutMs: integer(env, 'RTP_TIMEOUT_S', 30, 1, 3600) * 1000,
    statsIntervalMs: integer(env, 'STATS_INTERVAL_S', 5, 1, 3600) * 1000,
    rtcpIntervalMs: integer(env, 'RTCP_INTERVAL_S', 1, 1, 60) * 1000,
    minSessionExpires: integer(env, 'MIN_SE', 90, 1, 86400),
    historySize: integer(env, 'HISTORY_SIZE', 500, 0, 100_000),
    t1Ms: integer(env, 'SIP_T1_MS', 500, 10, 10000),
    logLevel: env.LOG_LEVEL || 'info',
  };
  if (config.rtpPortMax - config.rtpPortMin < 3) {
    throw new ConfigError(`RTP_PORT_MIN..RTP_PORT_MAX must span at least 4 ports`);
  }
  if (!/^[A-Za-z0-9._-]+$/.test(config.serverName))
    throw new ConfigError('SERVER_NAME must be a SIP user name');
  return config;
}
