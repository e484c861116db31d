/** Wires the parts together; used by main.ts and by the integration tests. */
import type http from 'node:http';
import { createApiServer } from './api/http.js';
import type { ServerConfig } from './config.js';
import { type CallContext, TimelineBus } from './context.js';
import { loadIvrConfig, referencedSounds } from './ivr/config.js';
import { ResourceGuard } from './limits.js';
import { createLogger, parseLogLevel } from './log.js';
import { MediaClock } from './media/clock.js';
import { PortAllocator } from './media/ports.js';
import { SWEEP_INTERVAL_MS, sweepRecordings } from './media/retention.js';
import { SoundLibrary } from './media/sounds.js';
import { repairRecordings } from './media/wav.js';
import { reportErrorsTo, safeInterval } from './safe.js';
import { serviceFactory } from './services/index.js';
import { TransactionLayer } from './sip/transactions.js';
import { UdpTransport } from './sip/transport.js';
import { UserAgent } from './ua.js';

export interface MediaServer {
  sipPort: number;
  httpPort: number;
  ua: UserAgent;
  ctx: CallContext;
  stop(): Promise<void>;
}

export async function startMediaServer(config: ServerConfig): Promise<MediaServer> {
  const log = createLogger(config.serverName, parseLogLevel(config.logLevel));
  reportErrorsTo((what, error) =>
    log.error(`${what} failed`, { error: error instanceof Error ? error.stack : String(error) }),
  );
  // Recordings of a server that was killed mid-call: make their WAV headers match the data.
  for (const repaired of repairRecordings(config.recordingsDir)) {
    log.warn('repaired recording header', repaired);
  }
  const sweep = () => {
    const deleted = sweepRecordings(config.recordingsDir, config.recordingsRetentionMs);
    if (deleted.length > 0) log.info('recordings past their retention deleted', { deleted });
  };
  sweep();
  const sweeper = safeInterval('recordings retention sweep', sweep, SWEEP_INTERVAL_MS);
  sweeper.unref();
  const ivr = loadIvrConfig(config.ivrFile);
  const sounds = new SoundLibrary(config.soundsDir);
  sounds.load(referencedSounds(ivr));
  const transport = new UdpTransport(config.sipHost, config.sipPort, log, config.trustedSipSources);
  const sipPort = await transport.listen();
  const transactions = new TransactionLayer(
    transport,
    { t1: config.t1Ms, t2: config.t1Ms * 8, linger: 64 * config.t1Ms },
    log,
  );
  const clock = new MediaClock((error) => log.error('RTP stream failed', { error: error.stack }));
  const bus = new TimelineBus();
  bus.setMaxListeners(0);
  const ports = new PortAllocator(config.sipHost, config.rtpPortMin, config.rtpPortMax);
  const ctx: CallContext = {
    settings: {
      serverName: config.serverName,
      domain: config.domain,
      proxy: config.proxy,
      rtpTimeoutMs: config.rtpTimeoutMs,
      rtpHoldTimeoutMs: config.rtpHoldTimeoutMs,
      statsIntervalMs: config.statsIntervalMs,
      rtcpIntervalMs: config.rtcpIntervalMs,
      minSessionExpires: config.minSessionExpires,
      historySize: config.historySize,
      transferorByeTimeoutMs: config.transferorByeTimeoutMs,
    },
    local: { host: config.sipHost, port: sipPort, user: config.serverName },
    transport,
    transactions,
    clock,
    ports,
    limits: new ResourceGuard(ports, config.maxRssBytes),
    sounds,
    ivr,
    bus,
    log,
  };
  const ua = new UserAgent(ctx, serviceFactory(ivr, config.recordingsDir, log));
  const api: http.Server = createApiServer({
    ua,
    bus,
    clock,
    recordingsDir: config.recordingsDir,
    token: config.apiToken,
    allowedHosts: [config.httpHost.toLowerCase(), ...config.apiAllowedHosts],
    corsOrigins: config.apiCorsOrigins,
    sipDropped: transport.dropped,
    refusedCalls: () => ({ ...ctx.limits.refused }),
  });
  // Bounds the sockets the API can hold (each is a file descriptor the calls need too).
  api.maxConnections = 128;
  const httpPort = await new Promise<number>((resolve, reject) => {
    api.once('error', reject);
    api.listen(config.httpPort, config.httpHost, () => {
      const address = api.address();
      resolve(typeof address === 'object' && address ? address.port : config.httpPort);
    });
  });
  log.info('media server ready', { sip: `${config.sipHost}:${sipPort}`, http: httpPort });
  return {
    sipPort,
    httpPort,
    ua,
    ctx,
    stop: async () => {
      clearInterval(sweeper);
      ua.close();
      transactions.close();
      clock.stop();
      transport.close();
      api.closeAllConnections();
      await new Promise<void>((resolve) => api.close(() => resolve()));
    },
  };
}
