// @ts-check
/**
 * The minimal SIP.js page: `SimpleUser` from SIP.js's README, registering (or only
 * connecting) with the same credentials as the other pages. Plain JS type-checked by
 * bench/peers/tsconfig.json, because sip.js is installed only under bench/peers.
 */
import { Web } from 'sip.js';
import { announceReady, fetchCredentials } from '../../pages/page-config';

const config = window.benchConfig;
const remoteAudio = new Audio();

async function start() {
  const credentials = await fetchCredentials(config.credentialsUrl);
  const user = new Web.SimpleUser(config.server, {
    aor: credentials.uri,
    media: { remote: { audio: remoteAudio } },
    userAgentOptions: {
      authorizationUsername: credentials.username,
      authorizationPassword: credentials.password,
    },
    // Ready to call: registered (agent), or connected (visitor), like the widget's state.
    delegate: config.register
      ? { onRegistered: () => announceReady(true) }
      : { onServerConnect: () => announceReady(false) },
  });
  await user.connect();
  if (config.register) await user.register();
  return user;
}

const userReady = start();

document.querySelector('#call')?.addEventListener('click', () => {
  void userReady.then((user) => user.call(`sip:echo@${config.domain}`));
});
