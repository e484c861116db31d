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
import { dispatcherState, poll, RUN_DIR } from './lib.mjs';

const run = promisify(execFile);
/** Every service of the running stack (a service added later is checked too). */
const SERVICES = (
  await run('docker', [
    ...['ps', '--filter', 'label=com.docker.compose.project=softphone'],
    ...['--format', '{{.Label "com.docker.compose.service"}}'],
  ])
).stdout
  .split('\n')
  .filter(Boolean)
  .sort();
/** SECRETS_GID in backend/lab/common.sh, group_add in backend/compose.yml. */
const SECRETS_GID = 10500;

async function inspect(service) {
  const { stdout } = await run('docker', ['inspect', `softphone_${service}_1`]);
  return JSON.parse(stdout)[0];
}

/** Uid and effective capabilities of a host process, from /proc (the lab shares the pid namespace). */
function processIdentity(pid) {
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
    assert.ok(host.PidsLimit > 0 && host.PidsLimit <= 256, `pids limit ${host.PidsLimit}`);
    assert.ok(
      ['unless-stopped', 'always'].includes(host.RestartPolicy?.Name),
      `restart policy ${host.RestartPolicy?.Name}`,
    );
    assert.equal(host.Privileged, false);
  });
}

test('the whole stack is checked', () => {
  for (const service of ['kamailio', 'rtpengine', 'media1', 'media2', 'credentials']) {
    assert.ok(SERVICES.includes(service), `${service} runs (found ${SERVICES.join(' ')})`);
  }
});

/** The CPU weight of the cgroup a process's cgroup sits in, as cpu.shares (v1) or cpu.weight (v2). */
function parentCpuWeight(pid) {
  const lines = readFileSync(`/proc/${pid}/cgroup`, 'utf8').trim().split('\n');
  const v1 = lines.find((line) => /^\d+:([^:]*,)?cpu(,[^:]*)?:/.test(line));
  if (v1) {
    const parent = v1.split(':')[2].split('/').slice(0, -1).join('/');
    return { shares: Number(readFileSync(`/sys/fs/cgroup/cpu${parent}/cpu.shares`, 'utf8')) };
  }
  const parent = lines
    .find((line) => line.startsWith('0::'))
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
  const after = await poll(
    async () => {
      const info = await inspect('media2');
      return info.RestartCount > before.RestartCount && info.State.Health?.Status === 'healthy'
        ? info
        : undefined;
    },
    { timeoutMs: 60_000, intervalMs: 500, what: 'media2 restarted and healthy' },
  );
  assert.notEqual(after.State.Pid, before.State.Pid);
  // The SBC sees it again before the next suite places calls.
  await poll(
    async () =>
      Object.entries(await dispatcherState()).some(
        ([uri, flags]) => uri.includes(':5072') && flags.startsWith('A'),
      ),
    { timeoutMs: 60_000, intervalMs: 500, what: 'dispatcher marks media2 active' },
  );
});
