// The platform around the services: how the containers run (least privilege) and how
// the runtime secrets in backend/run are protected on disk. Containers are inspected
// through the lab's Docker engine (DOCKER_HOST, exported by backend/lab/lab.sh).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { poll } from '../../testkit/poll';
import {
  ALLOWED_ORIGINS,
  CREDENTIALS_ORIGIN,
  containerName,
  DOMAIN,
  HOST,
  MEDIA_SERVERS,
  type MediaServerAddress,
  REDIS,
  RTPENGINE,
  SBC,
  TURN,
} from '../../testkit/topology';
import topology from '../../testkit/topology.json' with { type: 'json' };
import { BACKEND, dispatcherState, RUN_DIR } from './lib';

const run = promisify(execFile);
/** Every service of the running stack (a service added later is checked too). */
const SERVICES = (
  await run('docker', [
    ...['ps', '--filter', `label=com.docker.compose.project=${topology.composeProject}`],
    ...['--format', '{{.Label "com.docker.compose.service"}}'],
  ])
).stdout
  .split('\n')
  .filter(Boolean)
  .sort();
const MEDIA2_SIP_PORT = (
  MEDIA_SERVERS.find((server) => server.name === 'media2') as MediaServerAddress
).sipPort;
/** SECRETS_GID in backend/lab/common.sh, group_add in backend/compose.yml. */
const SECRETS_GID = 10500;

/** The parts of `docker inspect`'s answer for one container that this suite reads. */
interface ContainerInfo {
  Config: { User: string };
  HostConfig: {
    CapDrop: string[] | null;
    CapAdd: string[] | null;
    SecurityOpt: string[] | null;
    ReadonlyRootfs: boolean;
    /** Bytes; 0 without a limit. */
    Memory: number;
    /** null without a limit. */
    PidsLimit: number | null;
    RestartPolicy: { Name: string };
    Privileged: boolean;
  };
  State: {
    Running: boolean;
    /** The container's main process, as the host sees it. */
    Pid: number;
    /** Absent without a health check. */
    Health?: { Status: string };
  };
  RestartCount: number;
  Mounts: { Source: string; RW: boolean }[];
}

async function inspect(service: string): Promise<ContainerInfo> {
  const { stdout } = await run('docker', ['inspect', containerName(service)]);
  return (JSON.parse(stdout) as ContainerInfo[])[0] as ContainerInfo;
}

/** Uid and effective capabilities of a host process, from /proc (the lab shares the pid namespace). */
function processIdentity(pid: number) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const uids = /^Uid:\s+(\d+)\s+(\d+)/m.exec(status);
  const capEff = /^CapEff:\s+([0-9a-f]+)/m.exec(status)?.[1];
  const noNewPrivs = /^NoNewPrivs:\s+(\d)/m.exec(status)?.[1];
  return { uid: Number(uids?.[1]), euid: Number(uids?.[2]), capEff, noNewPrivs };
}

for (const service of SERVICES) {
  test(`${service}: non-root, no capabilities, no-new-privileges, read-only, limited, restarts`, async () => {
    const info = await inspect(service);
    const { Config: config, HostConfig: host, State: state } = info;
    assert.ok(state.Running, `${service} runs`);
    assert.ok(
      config.User !== '' && !/^(root|0)(:|$)/.test(config.User),
      `image user "${config.User}" is not root`,
    );
    const proc = processIdentity(state.Pid);
    assert.notEqual(proc.uid, 0, 'the process runs as a non-root uid');
    assert.notEqual(proc.euid, 0, 'and not with root as effective uid');
    assert.equal(proc.capEff, '0000000000000000', 'no effective capabilities');
    assert.equal(proc.noNewPrivs, '1', 'no_new_privs set on the process');
    assert.deepEqual(host.CapDrop, ['ALL']);
    assert.ok(!host.CapAdd?.length, `no capabilities added: ${host.CapAdd}`);
    assert.ok(host.SecurityOpt?.includes('no-new-privileges:true'), `${host.SecurityOpt}`);
    assert.equal(host.ReadonlyRootfs, true, 'read-only root filesystem');
    assert.ok(host.Memory > 0 && host.Memory <= 1024 ** 3, `memory limit ${host.Memory}`);
    // No limit (null) fails as 0 does.
    const pidsLimit = host.PidsLimit ?? 0;
    assert.ok(pidsLimit > 0 && pidsLimit <= 256, `pids limit ${host.PidsLimit}`);
    assert.ok(
      ['unless-stopped', 'always'].includes(host.RestartPolicy?.Name),
      `restart policy ${host.RestartPolicy?.Name}`,
    );
    assert.equal(host.Privileged, false);
  });
}

test('the whole stack is checked', () => {
  for (const service of ['kamailio', 'rtpengine', 'media1', 'media2', 'credentials', 'coturn']) {
    assert.ok(SERVICES.includes(service), `${service} runs (found ${SERVICES.join(' ')})`);
  }
});

/** The CPU weight of the cgroup a process's cgroup sits in, as cpu.shares (v1) or cpu.weight (v2). */
function parentCpuWeight(pid: number): { shares: number } {
  const lines = readFileSync(`/proc/${pid}/cgroup`, 'utf8').trim().split('\n');
  const v1 = lines.find((line) => /^\d+:([^:]*,)?cpu(,[^:]*)?:/.test(line));
  if (v1) {
    const parent = v1.split(':')[2].split('/').slice(0, -1).join('/');
    return { shares: Number(readFileSync(`/sys/fs/cgroup/cpu${parent}/cpu.shares`, 'utf8')) };
  }
  const parent = (lines.find((line) => line.startsWith('0::')) as string)
    .slice(3)
    .split('/')
    .slice(0, -1)
    .join('/');
  return {
    shares: (Number(readFileSync(`/sys/fs/cgroup${parent}/cpu.weight`, 'utf8')) * 1024) / 100,
  };
}

// backend_cgroup in backend/lab/common.sh: at the weight of one process (dockerd's default
// parent), a loaded 2-core machine starved the whole backend (a Kamailio restart took a minute).
test('the backend weighs as a service on the CPU, not as one process among many', async () => {
  for (const service of SERVICES) {
    const { State: state } = await inspect(service);
    const { shares } = parentCpuWeight(state.Pid);
    assert.ok(
      shares >= 1024 * availableParallelism(),
      `${service}: its parent's cpu.shares is ${shares}`,
    );
  }
});

test('the dev CA key never enters a container; secrets are mounted read-only', async () => {
  for (const service of SERVICES) {
    const { Mounts: mounts } = await inspect(service);
    for (const mount of mounts) {
      assert.doesNotMatch(mount.Source, /ca-key\.pem$|\/certs$|agent-passwords$/, service);
      if (mount.Source.startsWith(`${RUN_DIR}/`) && !mount.Source.includes('/recordings/')) {
        assert.equal(mount.RW, false, `${service}: ${mount.Source} read-only`);
      }
    }
  }
});

test('secrets on disk: 0600 root for the CA key and plain passwords, 0640 root:secrets for what services read', () => {
  const expect = {
    'certs/ca-key.pem': { mode: 0o600, gid: 0 },
    'agent-passwords': { mode: 0o600, gid: 0 },
    'certs/server-key.pem': { mode: 0o640, gid: SECRETS_GID },
    secret: { mode: 0o640, gid: SECRETS_GID },
    agents: { mode: 0o640, gid: SECRETS_GID },
    'media-api-token': { mode: 0o640, gid: SECRETS_GID },
    'redis-password': { mode: 0o640, gid: SECRETS_GID },
    'topoh-key': { mode: 0o640, gid: SECRETS_GID },
    'turn-secret': { mode: 0o640, gid: SECRETS_GID },
  };
  for (const [file, { mode, gid }] of Object.entries(expect)) {
    const stat = statSync(join(RUN_DIR, file));
    assert.equal((stat.mode & 0o777).toString(8), mode.toString(8), `${file} mode`);
    assert.equal(stat.uid, 0, `${file} owner`);
    assert.equal(stat.gid, gid, `${file} group`);
  }
  for (const dir of ['recordings/media1', 'recordings/media2']) {
    const stat = statSync(join(RUN_DIR, dir));
    assert.equal(stat.mode & 0o007, 0, `${dir} is not open to others`);
  }
  // Deny by default: nothing else in run/ (a secret added later included) is open to others.
  const PUBLIC = new Set(['certs/ca.pem', 'certs/server.pem']);
  for (const dir of ['', 'certs']) {
    for (const name of readdirSync(join(RUN_DIR, dir))) {
      const file = join(dir, name);
      const stat = statSync(join(RUN_DIR, file));
      if (stat.isFile() && !PUBLIC.has(file)) {
        assert.equal(stat.mode & 0o007, 0, `${file} is readable by others`);
      }
    }
  }
  // The shared agent key of earlier versions is gone.
  assert.throws(() => statSync(join(RUN_DIR, 'agent-key')), /ENOENT/);
});

test('a media server killed from outside comes back by itself', async () => {
  const before = await inspect('media2');
  // SIGKILL to the server's process, as the kernel's OOM killer would do: no clean exit.
  process.kill(before.State.Pid, 'SIGKILL');
  // poll resolves with a truthy value only: the restarted container.
  const after = (await poll(
    async () => {
      const info = await inspect('media2');
      return info.RestartCount > before.RestartCount && info.State.Health?.Status === 'healthy'
        ? info
        : undefined;
    },
    { timeoutMs: 60_000, intervalMs: 500, what: 'media2 restarted and healthy' },
  )) as ContainerInfo;
  assert.notEqual(after.State.Pid, before.State.Pid);
  // The SBC sees it again before the next suite places calls.
  await poll(
    async () =>
      Object.entries(await dispatcherState()).some(
        ([uri, flags]) => uri.includes(`:${MEDIA2_SIP_PORT}`) && flags.startsWith('A'),
      ),
    { timeoutMs: 60_000, intervalMs: 500, what: 'dispatcher marks media2 active' },
  );
});

/** compose.yml's service `name`: the lines from `  name:` to the next service. */
function composeService(compose: string, name: string): string {
  const start = compose.indexOf(`\n  ${name}:\n`);
  assert.notEqual(start, -1, `compose.yml has a service ${name}`);
  const rest = compose.slice(start + 1);
  const next = rest.slice(1).search(/\n {2}[\w-]+:\n/);
  return next === -1 ? rest : rest.slice(0, next + 1);
}

/** The value of `key:` in a compose service's environment, without quotes. */
function composeEnv(service: string, key: string): string | undefined {
  return new RegExp(`^ +${key}: "?([^"\\n]*?)"?$`, 'm').exec(service)?.[1];
}

// Tests, benchmarks, the demo page and the shell labs take the lab's ports, domain and
// origins from testkit/topology.json; the services take theirs from their own files. This
// keeps the two in step: a port changed on one side only fails here, not as a timeout.
test('the deployment agrees with testkit/topology.json', () => {
  const compose = readFileSync(join(BACKEND, 'compose.yml'), 'utf8');
  const cfg = readFileSync(join(BACKEND, 'kamailio/kamailio.cfg'), 'utf8');
  const dispatcher = readFileSync(join(BACKEND, 'kamailio/dispatcher.list'), 'utf8');
  const define = (name: string) => new RegExp(`^#!define ${name} (.+)$`, 'm').exec(cfg)?.[1];

  // Kamailio: the SBC's listeners, its domain and its rtpengine.
  assert.equal(define('SIP_DOMAIN'), `"${DOMAIN}"`, 'kamailio.cfg SIP_DOMAIN');
  assert.equal(define('WSS_PORT'), String(SBC.wssPort), 'kamailio.cfg WSS_PORT');
  assert.equal(define('HEALTH_PORT'), String(SBC.healthPort), 'kamailio.cfg HEALTH_PORT');
  for (const listen of [
    'tls:PUBLIC_IP:WSS_PORT',
    'tcp:INTERNAL_IP:HEALTH_PORT',
    `udp:INTERNAL_IP:${SBC.sipPort}`,
  ]) {
    assert.ok(cfg.split('\n').includes(`listen=${listen}`), `kamailio.cfg listen=${listen}`);
  }
  assert.ok(
    cfg.includes(`"rtpengine_sock", "udp:${RTPENGINE.host}:${RTPENGINE.ngPort}"`),
    'kamailio.cfg rtpengine_sock',
  );

  // The dispatcher's media farm: the media servers, in order.
  const farm = dispatcher
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.startsWith('#'))
    .map((line) => {
      const [, uri, , , attrs] = line.trim().split(/\s+/);
      return { uri, attrs };
    });
  assert.deepEqual(
    farm,
    MEDIA_SERVERS.map((server) => ({
      uri: `sip:${HOST}:${server.sipPort}`,
      attrs: `name=${server.name}`,
    })),
  );

  // The compose project (backend/lab/common.sh) names the containers.
  const common = readFileSync(join(BACKEND, 'lab/common.sh'), 'utf8');
  assert.ok(
    common.includes(`docker-compose -p ${topology.composeProject} `),
    'common.sh compose project',
  );

  // compose.yml: each service's environment and health probe.
  const kamailio = composeService(compose, 'kamailio');
  const credentials = composeService(compose, 'credentials');
  const allowedOrigins = (service: string) =>
    /ALLOWED_ORIGINS: \$\{ALLOWED_ORIGINS:-([^}]*)\}/.exec(service)?.[1].split(' ');
  assert.deepEqual(allowedOrigins(kamailio), ALLOWED_ORIGINS, 'kamailio ALLOWED_ORIGINS');
  assert.deepEqual(allowedOrigins(credentials), ALLOWED_ORIGINS, 'credentials ALLOWED_ORIGINS');
  assert.ok(kamailio.includes(`/dev/tcp/${SBC.host}/${SBC.healthPort} `), 'kamailio health');
  assert.ok(credentials.includes(`'${CREDENTIALS_ORIGIN}/health'`), 'credentials health');
  for (const name of ['kamailio', 'rtpengine', 'redis']) {
    const service = composeService(compose, name);
    assert.equal(composeEnv(service, 'REDIS_PORT'), String(REDIS.port), `${name} REDIS_PORT`);
  }
  // media2 takes media1's environment (&media-env) and overrides its ports.
  const media1 = composeService(compose, 'media1');
  assert.equal(composeEnv(media1, 'SIP_HOST'), HOST, 'media1 SIP_HOST');
  assert.equal(composeEnv(media1, 'PROXY'), `${SBC.host}:${SBC.sipPort}`, 'media1 PROXY');
  assert.equal(composeEnv(media1, 'DOMAIN'), DOMAIN, 'media1 DOMAIN');
  for (const server of MEDIA_SERVERS) {
    const service = composeService(compose, server.name);
    const [rtpMin, rtpMax] = server.rtpPorts;
    assert.deepEqual(
      ['SIP_PORT', 'HTTP_PORT', 'RTP_PORT_MIN', 'RTP_PORT_MAX'].map((key) =>
        composeEnv(service, key),
      ),
      [server.sipPort, server.httpPort, rtpMin, rtpMax].map(String),
      `${server.name} ports`,
    );
    assert.ok(service.includes(`/dev/tcp/${HOST}/${server.httpPort} `), `${server.name} health`);
  }
  // The TURN relay: its listeners and relay ports, and the URLs the credentials service
  // hands out for it (both with overridable defaults, `${NAME:-default}`).
  const coturn = composeService(compose, 'coturn');
  const withDefault = (service: string, key: string) =>
    new RegExp(`^ +${key}: \\$\\{${key}:?-([^}]*)\\}$`, 'm').exec(service)?.[1];
  assert.equal(withDefault(coturn, 'TURN_PORT'), String(TURN.port), 'coturn TURN_PORT');
  assert.equal(withDefault(coturn, 'TURN_TLS_PORT'), String(TURN.tlsPort), 'coturn TURN_TLS_PORT');
  assert.deepEqual(
    ['TURN_MIN_PORT', 'TURN_MAX_PORT'].map((key) => composeEnv(coturn, key)),
    TURN.relayPorts.map(String),
    'coturn relay ports',
  );
  assert.deepEqual(
    withDefault(credentials, 'TURN_URLS')?.split(' '),
    [
      `turn:${TURN.host}:${TURN.port}?transport=udp`,
      `turns:${TURN.tlsHost}:${TURN.tlsPort}?transport=tcp`,
    ],
    'credentials TURN_URLS',
  );
});
