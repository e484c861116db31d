/**
 * Agent queue as a B2BUA: the caller's leg stays with this server (hearing music) while
 * the server places a second call to an agent through Kamailio, and bridges the two
 * legs' RTP when the agent answers.
 *
 * Why a B2BUA and not REFER/redirect: it works with any caller, including ones that do
 * not implement REFER; the visitor's restricted credentials never have to reach an agent
 * directly; the server keeps seeing both legs (timeline, recording, hold music when the
 * agent holds); and it is how FreeSWITCH's mod_callcenter bridges queue members.
 *
 * Agents are rung one at a time in list order ("top-down" in mod_callcenter terms): a
 * fair, predictable order, one CANCEL at most in flight, and no agent sees a call ring
 * that another agent already took.
 */
import type { Call, CallService } from '../call.js';
import type { IvrConfig } from '../ivr/config.js';
import { safeTimeout } from '../safe.js';
import type { DialOut, UserAgent } from '../ua.js';
import { bridge } from './bridge.js';
import { callerName } from './caller-name.js';

export class QueueService implements CallService {
  readonly name = 'queue';
  private next = 0;
  private roundStartedAt = Date.now();
  private attempt: DialOut | undefined;
  private ringTimer: NodeJS.Timeout | undefined;
  private waitTimer: NodeJS.Timeout | undefined;
  private active = false;

  constructor(
    private readonly call: Call,
    private readonly ua: UserAgent,
    private readonly config: IvrConfig,
    private readonly prompt: string | undefined,
  ) {}

  start(): void {
    this.active = true;
    if (this.prompt) this.call.play([this.prompt], () => this.call.playMusic());
    else this.call.playMusic();
    this.roundStartedAt = Date.now();
    this.ringNext();
  }

  onDigit(): void {}

  stop(): void {
    this.active = false;
    clearTimeout(this.ringTimer);
    clearTimeout(this.waitTimer);
    this.attempt?.cancel();
    this.attempt = undefined;
  }

  private ringNext(): void {
    if (!this.active || this.call.state !== 'answered') return;
    const { agents, ringTimeoutMs } = this.config.queue;
    while (this.next < agents.length && this.isBusy(agents[this.next]!)) this.next++;
    if (this.next >= agents.length) {
      this.startNextRound(ringTimeoutMs);
      return;
    }
    const agent = agents[this.next++]!;
    this.call.record('queue-dial', { agent });
    this.ua
      .dialOut(
        agent,
        callerName(this.call.from),
        {
          onAnswered: (agentCall) => this.answered(agent, agentCall),
          onFailed: (status, reason) => this.failed(agent, status, reason),
        },
        { callerContext: this.call.callerContext, purpose: 'queue' },
      )
      .then((attempt) => {
        this.attempt = attempt;
        if (!this.active) attempt.cancel();
        else
          this.ringTimer = safeTimeout(
            'queue ring timeout',
            () => this.attempt?.cancel(),
            ringTimeoutMs,
          );
      })
      .catch((error: Error) => this.failed(agent, 503, error.message));
  }

  /** Nobody answered this round: say so, then try everyone again. */
  private startNextRound(ringTimeoutMs: number): void {
    this.next = 0;
    // Pace rounds so a queue where every agent fails at once does not flood the proxy.
    const wait = Math.max(0, this.roundStartedAt + ringTimeoutMs - Date.now());
    this.waitTimer = safeTimeout(
      'queue round',
      () => {
        if (!this.active) return;
        this.call.record('queue-retry', {});
        this.call.play([this.config.queue.retryPrompt], () => {
          this.call.playMusic();
          this.roundStartedAt = Date.now();
          this.ringNext();
        });
      },
      wait,
    );
  }

  private answered(agent: string, agentCall: Call): void {
    clearTimeout(this.ringTimer);
    this.attempt = undefined;
    if (!this.active || this.call.state !== 'answered') {
      agentCall.hangup('caller-gone');
      return;
    }
    this.call.record('queue-answered', { agent, agentCallId: agentCall.id });
    this.active = false;
    bridge(this.call, agentCall, this.call.musicSound());
  }

  private failed(agent: string, status: number, reason: string): void {
    clearTimeout(this.ringTimer);
    this.attempt = undefined;
    if (!this.active) return;
    this.call.record('queue-agent-failed', { agent, status, reason });
    this.ringNext();
  }

  private isBusy(agent: string): boolean {
    for (const other of this.ua.calls.values()) {
      if (
        other.serviceName === 'agent' &&
        other.to.includes(`sip:${agent}@`) &&
        other.state !== 'ended'
      )
        return true;
    }
    return false;
  }
}
