// Issue 13: 3-way calls and supervisor listen-in at the SBC. Only a supervisor (the role
// its credentials carry, under their HMAC) may call listen-<agent>; a visitor, a plain agent
// and anyone who writes the role into their username themselves are refused. Adding a party
// (REFER marked X-Conference: add) and dropping one (Refer-To ;method=BYE) pass the same
// REFER policy as transfers: agents only, towards agents only.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ephemeralCredentials } from '../../../testkit/ephemeral';
import { DOMAIN, ephemeral } from '../lib';
import { placeCall, token, udpEndpoint } from './sbc-lib';

/** The SBC's (or the media server's) final answer to a call to `service` as `caller`. */
async function callRefusal(
  caller: string,
  service: string,
  credentials = ephemeral(caller),
): Promise<string> {
  const rtp = await udpEndpoint();
  try {
    const call = await placeCall({ caller, service, credentials, rtp });
    await call.status('BYE');
    call.close();
    return 'SIP/2.0 200 answered';
  } catch (error) {
    return (error as Error).message;
  } finally {
    rtp.close();
  }
}

describe('supervisor listen-in', () => {
  test('a visitor and a plain agent are refused by the SBC (403)', async () => {
    for (const caller of [`visitor-${token()}`, 'agent8']) {
      const refusal = await callRefusal(caller, 'listen-agent7');
      assert.match(refusal, /SIP\/2\.0 403 Supervisors Only/, caller);
    }
  });

  test('a supervisor passes the SBC: with no call to listen to, 480', async () => {
    const refusal = await callRefusal(
      'agent9',
      'listen-agent7',
      ephemeral('agent9', { role: 'supervisor' }),
    );
    assert.match(refusal, /SIP\/2\.0 480 /);
  });

  test('a supervisor may listen to agents only (404 for any other listen- number)', async () => {
    const supervisor = ephemeral('agent9', { role: 'supervisor' });
    for (const service of ['listen-queue', 'listen-visitor-1', 'listen-agent10']) {
      const refusal = await callRefusal('agent9', service, supervisor);
      assert.match(refusal, /SIP\/2\.0 404 /, service);
    }
  });

  test('a role written into the username by its holder is not a role (the HMAC fails)', async () => {
    // A plain agent's valid credentials, with ":supervisor" added after minting.
    const agent = ephemeral('agent8');
    const forged = { username: `${agent.username}:supervisor`, password: agent.password };
    assert.match(await callRefusal('agent8', 'listen-agent7', forged), /SIP\/2\.0 407 /);
    // Minted with a secret that is not the SBC's.
    const foreign = ephemeralCredentials('not-the-secret', 'agent8', 600, 'supervisor');
    assert.match(await callRefusal('agent8', 'listen-agent7', foreign), /SIP\/2\.0 407 /);
  });

  test('a username with any other third field is refused, even under a valid HMAC', async () => {
    const admin = ephemeral('agent8', { role: 'admin' });
    assert.match(await callRefusal('agent8', 'echo', admin), /SIP\/2\.0 403 Malformed Credentials/);
  });

  test("a supervisor's credentials still call services and identify only their own user", async () => {
    const supervisor = ephemeral('agent9', { role: 'supervisor' });
    assert.equal(await callRefusal('agent9', 'echo', supervisor), 'SIP/2.0 200 answered');
    assert.match(
      await callRefusal('agent8', 'echo', supervisor),
      /SIP\/2\.0 403 Forbidden From Identity/,
    );
  });
});

describe('3-way call REFERs inside a call', () => {
  async function callAs(caller: string) {
    const rtp = await udpEndpoint();
    const call = await placeCall({ caller, service: 'echo', credentials: ephemeral(caller), rtp });
    return {
      add: (target: string) =>
        call.request('REFER', { extra: [`Refer-To: <${target}>`, 'X-Conference: add'] }),
      drop: (target: string) =>
        call.request('REFER', { extra: [`Refer-To: <${target};method=BYE>`] }),
      close: async () => {
        await call.status('BYE');
        call.close();
        rtp.close();
      },
    };
  }

  test("a visitor's add and drop are refused by the SBC", async () => {
    const visitor = await callAs(`visitor-${token()}`);
    try {
      assert.match(
        (await visitor.add(`sip:agent2@${DOMAIN}`)) ?? '',
        /^SIP\/2\.0 403 Transfer Not Allowed/,
      );
      assert.match(
        (await visitor.drop(`sip:agent2@${DOMAIN}`)) ?? '',
        /^SIP\/2\.0 403 Transfer Not Allowed/,
      );
    } finally {
      await visitor.close();
    }
  });

  test("an agent's add towards another domain or a non-agent is refused by the SBC", async () => {
    const agent = await callAs('agent6');
    try {
      for (const target of ['sip:agent2@evil.example', `sip:+15550100@${DOMAIN}`]) {
        assert.match(
          (await agent.add(target)) ?? '',
          /^SIP\/2\.0 403 Transfer Target Not Allowed/,
          target,
        );
        assert.match(
          (await agent.drop(target)) ?? '',
          /^SIP\/2\.0 403 Transfer Target Not Allowed/,
          target,
        );
      }
    } finally {
      await agent.close();
    }
  });

  test("an agent's add and drop naming a colleague reach the media server, which answers them", async () => {
    const agent = await callAs('agent6');
    try {
      // An echo call is nobody's bridge or conference: the media server's own refusals.
      assert.match(
        (await agent.add(`sip:agent2@${DOMAIN}`)) ?? '',
        /^SIP\/2\.0 403 Only Agents Add/,
      );
      assert.match(
        (await agent.drop(`sip:agent2@${DOMAIN}`)) ?? '',
        /^SIP\/2\.0 403 Not In A Conference/,
      );
    } finally {
      await agent.close();
    }
  });
});
