/**
 * The backend as the lab runs it (backend/lab/lab.sh): stop and start one service, and read
 * Kamailio's registrations with kamcmd inside its container. The suite runs inside the lab
 * namespace (`lab.sh exec`), which exports DOCKER_HOST and LAB_NAME for these calls.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { LAB_SCRIPT, SIP_DOMAIN } from './paths';

const run = promisify(execFile);

export type LabService = 'kamailio' | 'rtpengine' | 'media1' | 'media2' | 'credentials';

async function compose(...args: string[]): Promise<string> {
  const { stdout } = await run('bash', [LAB_SCRIPT, 'compose', ...args], { timeout: 60_000 });
  return stdout;
}

export async function stopService(service: LabService): Promise<void> {
  await compose('stop', '--timeout', '2', service);
}

export async function startService(service: LabService): Promise<void> {
  await compose('start', service);
}

/** Kamailio's location table as kamcmd prints it. */
export function kamailioLocations(): Promise<string> {
  return compose('exec', '-T', 'kamailio', 'kamcmd', 'ul.dump');
}

/** What kamcmd's ul.dump says of `user`'s registration, up to the next AOR ('' if none). */
async function locationOf(user: string): Promise<string> {
  const dump = await kamailioLocations();
  const aor = new RegExp(`AoR:\\s*${user}(@${SIP_DOMAIN.replace('.', '\\.')})?\\s*$`, 'mi');
  const match = aor.exec(dump);
  if (!match) return '';
  const rest = dump.slice(match.index + match[0].length);
  const next = rest.search(/AoR:/i);
  return rest.slice(0, next === -1 ? undefined : next);
}

/** Contacts Kamailio holds for `user` (0 when not registered). */
export async function registeredContacts(user: string): Promise<number> {
  return ((await locationOf(user)).match(/Contact:/g) ?? []).length;
}

/** The contact flags (CFlags) of each of `user`'s contacts, as Kamailio stores them. */
export async function contactFlags(user: string): Promise<number[]> {
  return [...(await locationOf(user)).matchAll(/CFlags:\s*(\d+)/gi)].map((m) => Number(m[1]));
}

/**
 * The credentials Kamailio bound to WebSocket connections (htable wsauth, kamailio.cfg
 * route[BIND_CONNECTION]): the digest user names ("<expiry>:<user>[:role]") of `user`.
 */
export async function connectionBindings(user: string): Promise<string[]> {
  const dump = await compose('exec', '-T', 'kamailio', 'kamcmd', 'htable.dump', 'wsauth');
  return [...dump.matchAll(/value: \d+\|(\S+)/g)]
    .map((m) => m[1]!)
    .filter((username) => username.split(':')[1] === user);
}
