/**
 * Supervisor listen-in (FreeSWITCH's eavesdrop): a supervisor calls `listen-<agent>` and hears
 * the agent's call, both sides, without being heard. The leg joins the call's conference as a
 * listener (services/conference.ts; a bridged call becomes one), whose audio the mixer
 * discards. Who may call this number is Kamailio's decision (supervisors only, by the role
 * their credentials carry, backend/kamailio/kamailio.cfg); this server only checks that the
 * agent has a call to listen to (480 at the INVITE otherwise, see ua.ts).
 */
import type { Call, CallService } from '../call.js';
import type { UserAgent } from '../ua.js';
import { Conference, userOfLeg } from './conference.js';
import { AGENT_SERVICE } from './transfer.js';

const LISTEN_NUMBER = /^listen-([A-Za-z0-9._~-]{1,64})$/;

/** The agent a `listen-<agent>` number names, or undefined for any other number. */
export function listenedAgent(number: string): string | undefined {
  return LISTEN_NUMBER.exec(number)?.[1];
}

/** The agent's answered leg in a call with someone (bridged or in a conference), if any. */
export function activeCallOf(ua: UserAgent, agent: string): Call | undefined {
  for (const call of ua.calls.values()) {
    if (
      call.serviceName === AGENT_SERVICE &&
      call.state === 'answered' &&
      (call.bridge !== undefined || call.conference !== undefined) &&
      userOfLeg(call) === agent
    ) {
      return call;
    }
  }
  return undefined;
}

export class ListenService implements CallService {
  readonly name = 'listen';

  constructor(
    private readonly call: Call,
    private readonly ua: UserAgent,
    private readonly agent: string,
  ) {}

  start(): void {
    const agentCall = activeCallOf(this.ua, this.agent);
    const conference = agentCall && Conference.of(agentCall);
    if (!conference?.add(this.call, 'listener')) {
      // The agent's call ended between the INVITE and its answer.
      this.call.hangup('nothing-to-listen-to');
      return;
    }
    this.call.record('listen', { agent: this.agent, agentCallId: agentCall?.id });
  }

  onDigit(): void {}

  stop(): void {}
}
