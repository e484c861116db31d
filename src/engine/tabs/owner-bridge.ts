/**
 * The owner tab's side: publishes its phone (a snapshot with every event) and carries
 * out the commands of the tabs that mirror it.
 */

import { CALL_EVENT_NAMES } from '../call-event-names';
import type { Logger } from '../log';
import { PHONE_EVENT_NAMES } from '../phone-event-names';
import type {
  Availability,
  CallHandle,
  CallOptions,
  DeviceSelection,
  PhoneEventMap,
  PhoneHandle,
  Unsubscribe,
} from '../types';
import {
  type CallSnapshot,
  type CommandMessage,
  type FollowerMessage,
  type OwnerMessage,
  type PhoneSnapshot,
  plainData,
} from './protocol';

const AVAILABILITIES: readonly string[] = ['available', 'away', 'wrap-up'] satisfies Availability[];

export class OwnerBridge {
  /** The owner's live calls, by id, with their subscriptions. */
  private readonly calls = new Map<string, { call: CallHandle; forget: Unsubscribe[] }>();
  private readonly forgetPhone: Unsubscribe[];
  /** The command being carried out, named on the `call` event of the call it makes. */
  private origin: string | undefined;

  /**
   * @param publish delivers a message to every tab, this one included
   */
  constructor(
    private readonly phone: PhoneHandle,
    private readonly publish: (message: OwnerMessage) => void,
    private readonly log: Logger,
  ) {
    this.forgetPhone = PHONE_EVENT_NAMES.map((event) =>
      phone.on(event, (payload) => this.onPhoneEvent(event, payload)),
    );
    this.publishSnapshot();
  }

  /** The owner's call `id`, while it lives (its peer connection is here only). */
  callById(id: string): CallHandle | undefined {
    return this.calls.get(id)?.call;
  }

  /** Answers what a follower sent. */
  receive(message: FollowerMessage): void {
    if (message.kind === 'hello') this.publishSnapshot();
    else void this.carryOut(message);
  }

  dispose(): void {
    for (const forget of this.forgetPhone) forget();
    for (const { forget } of this.calls.values()) for (const each of forget) each();
    this.calls.clear();
  }

  private publishSnapshot(): void {
    this.publish({ kind: 'snapshot', phone: this.snapshot() });
  }

  private onPhoneEvent<K extends keyof PhoneEventMap>(event: K, payload: PhoneEventMap[K]): void {
    if (event === 'call') this.follow((payload as PhoneEventMap['call']).call);
    const withCall = payload as { call?: CallHandle };
    this.publish({
      kind: 'phone-event',
      event,
      payload: withCall.call ? { callId: withCall.call.id } : plainData(payload),
      phone: this.snapshot(),
      ...(event === 'call' && this.origin ? { origin: this.origin } : {}),
    });
  }

  private follow(call: CallHandle): void {
    if (this.calls.has(call.id)) return;
    const forget = CALL_EVENT_NAMES.map((event) =>
      call.on(event, (payload) => {
        if (event === 'ended') this.unfollow(call.id);
        this.publish({
          kind: 'call-event',
          event,
          callId: call.id,
          payload: plainData(payload),
          phone: this.snapshot(event === 'ended' ? call : undefined),
        });
      }),
    );
    this.calls.set(call.id, { call, forget });
  }

  private unfollow(id: string): void {
    for (const forget of this.calls.get(id)?.forget ?? []) forget();
    this.calls.delete(id);
  }

  /** The phone as data; `ending` is a call that just left the list but is still described. */
  private snapshot(ending?: CallHandle): PhoneSnapshot {
    const phone = this.phone;
    const calls = [...this.calls.values()].map(({ call }) => call);
    if (ending) calls.push(ending);
    return plainData({
      state: phone.state,
      lastError: phone.lastError,
      region: phone.region,
      role: phone.role,
      availability: phone.availability,
      wrapUpEndsAt: phone.wrapUpEndsAt,
      devices: phone.devices,
      calls: calls.map(callSnapshot),
    });
  }

  private async carryOut(command: CommandMessage): Promise<void> {
    try {
      const value = await this.run(command);
      this.publish({ kind: 'reply', request: command.request, ok: true, value: plainData(value) });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.log.warn(`a command from another tab failed: ${command.method}`, { error });
      this.publish({ kind: 'reply', request: command.request, ok: false, message });
    }
  }

  private run(command: CommandMessage): unknown {
    const [first] = command.args;
    if (!('callId' in command)) {
      switch (command.method) {
        case 'call':
        case 'listen':
          return this.place(command.request, () =>
            command.method === 'call'
              ? this.phone.call(text(first), options(command.args[1]))
              : this.phone.listen(text(first)),
          );
        case 'prepare':
          return this.phone.prepare();
        case 'refreshCredentials':
          return this.phone.refreshCredentials();
        case 'unlockAudio':
          return this.phone.unlockAudio();
        case 'setAvailability':
          if (!AVAILABILITIES.includes(text(first))) throw new Error('unknown availability');
          return this.phone.setAvailability(first as Availability);
        case 'setDevices':
          // The phone checks the ids itself (an unknown one is refused, nothing changes).
          if (typeof first !== 'object' || first === null) throw new Error('expected devices');
          return this.phone.setDevices(first as DeviceSelection);
        case 'allowDeviceLabels':
          return this.phone.allowDeviceLabels();
        case 'playTestSound':
          if (first !== 'speaker' && first !== 'ringer') throw new Error('unknown output');
          return this.phone.playTestSound(first);
        default:
          throw new Error(`unknown command ${String((command as { method: unknown }).method)}`);
      }
    }
    const call = this.calls.get(command.callId)?.call;
    if (!call) throw new Error('that call is over');
    switch (command.method) {
      case 'answer':
        return call.answer();
      case 'reject':
        return call.reject();
      case 'hangup':
        return call.hangup();
      case 'setMuted':
        return call.setMuted(first === true);
      case 'setHold':
        return call.setHold(first === true);
      case 'sendDtmf':
        return call.sendDtmf(text(first));
      case 'transfer': {
        // An attended transfer names the consultation, another call of this phone.
        const consultation = (first as { callId?: unknown } | null)?.callId;
        if (typeof consultation !== 'string') return call.transfer(text(first));
        const other = this.calls.get(consultation)?.call;
        if (!other) throw new Error('the consultation call is over');
        return call.transfer(other);
      }
      case 'addParticipant':
        return call.addParticipant(text(first));
      case 'removeParticipant':
        return call.removeParticipant(text(first));
      default:
        throw new Error(`unknown command ${String((command as { method: unknown }).method)}`);
    }
  }

  /** Places a call for a follower: its `call` event names the command, the reply the call. */
  private place(request: string, start: () => CallHandle): { callId: string } {
    this.origin = request;
    try {
      return { callId: start().id };
    } finally {
      this.origin = undefined;
    }
  }
}

function callSnapshot(call: CallHandle): CallSnapshot {
  const { sample, warnings, farEndWarnings, report } = call.quality;
  return {
    id: call.id,
    direction: call.direction,
    state: call.state,
    hold: call.hold,
    muted: call.muted,
    remote: call.remote,
    createdAt: call.createdAt,
    answeredAt: call.answeredAt,
    endCause: call.endCause,
    reconnecting: call.reconnecting,
    context: call.context,
    participants: call.participants,
    quality: { sample, warnings, farEndWarnings, report },
  };
}

function text(value: unknown): string {
  if (typeof value !== 'string') throw new Error('expected a string');
  return value;
}

function options(value: unknown): CallOptions {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object') throw new Error('expected call options');
  return value as CallOptions;
}
