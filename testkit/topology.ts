/**
 * The lab's topology, typed: hosts, ports, the SIP domain and the allowed origins of one
 * region (backend/compose.yml), from the single source `testkit/topology.json`. Every
 * end-to-end journey, benchmark, backend test and the demo page read it here; shell labs
 * read the same file through `testkit/topology.sh`. Browser-safe: no Node modules.
 */
import topology from './topology.json' with { type: 'json' };

export type MediaServerName = 'media1' | 'media2';

export interface MediaServerAddress {
  name: MediaServerName;
  sipPort: number;
  httpPort: number;
  /** First and last RTP port the server allocates. */
  rtpPorts: readonly number[];
}

export const HOST: string = topology.host;
export const DOMAIN: string = topology.domain;
export const SBC = { host: HOST, ...topology.sbc } as const;
/** The SIP over WebSocket URL every widget is configured with. */
export const SBC_WSS_URL = `wss://${HOST}:${SBC.wssPort}`;
export const MEDIA_SERVERS: readonly MediaServerAddress[] = topology.mediaServers.map(
  (server): MediaServerAddress => ({ ...server, name: server.name as MediaServerName }),
);
/** The media servers' HTTP API, by name. */
export const MEDIA_HTTP: Readonly<Record<MediaServerName, number>> = Object.fromEntries(
  MEDIA_SERVERS.map((server) => [server.name, server.httpPort]),
) as Record<MediaServerName, number>;
export const MEDIA_SERVER_URLS: readonly string[] = MEDIA_SERVERS.map(
  (server) => `http://${HOST}:${server.httpPort}`,
);
export const CREDENTIALS_ORIGIN = `https://${HOST}:${topology.credentials.port}`;
export const VISITOR_CREDENTIALS_URL = `${CREDENTIALS_ORIGIN}${topology.credentials.visitorPath}`;
export const AGENT_CREDENTIALS_URL = `${CREDENTIALS_ORIGIN}${topology.credentials.agentPath}`;
export const RTPENGINE = { host: HOST, ...topology.rtpengine } as const;
export const REDIS = { host: HOST, ...topology.redis } as const;
/**
 * The TURN relay (coturn): TURN over UDP and TCP on `port`, over TLS on `tlsPort`. Its
 * `turns:` URL names `tlsHost`, not the address: Firefox ignores a `turns:` URL whose host
 * is an IP address (backend/credentials/server.ts, journey 28).
 */
export const TURN = { host: HOST, ...topology.turn } as const;
/** Where the test and benchmark pages are served: an allowed origin. */
export const PAGES = {
  host: HOST,
  port: topology.pages.port,
  origin: `http://${HOST}:${topology.pages.port}`,
} as const;
/** The Vite dev server of `npm run demo`: an allowed origin too. */
export const DEMO = {
  host: HOST,
  port: topology.demo.port,
  origin: `http://${HOST}:${topology.demo.port}`,
} as const;
/** Origins Kamailio and the credentials service accept by default (ALLOWED_ORIGINS). */
export const ALLOWED_ORIGINS: readonly string[] = topology.allowedOrigins;
/** Ports test tools may bind in the lab (see topology.json). */
export const TEST_PORTS: { readonly first: number; readonly last: number } = topology.testPorts;

/** The container docker-compose runs `service` in. */
export function containerName(service: string): string {
  return `${topology.composeProject}_${service}_1`;
}
