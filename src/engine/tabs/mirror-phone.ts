/**
 * The phone as every tab that shares it sees it, the owner tab included: state from the
 * owner's snapshots, events as the owner published them, calls as {@link MirrorCall}s, and
 * commands sent to the owner. One path for all tabs, so what a follower tab shows is what
 * the owner tab shows.
 */
import { Emitter } from '../emitter';
import type { Logger } from '../log';
import type {
  Availability,
  CallEventMap,
  CallHandle,
  CallOptions,
  DevicesState,
  EndCause,
  PhoneError,
  PhoneEventMap,
  RegistrationState,
} from '../types';
import { MirrorCall, type MirrorCallLink } from './mirror-call';
import type {
  CallCommand,
  CallSnapshot,
  CommandMessage,
  OwnerMessage,
  PhoneCommand,
  PhoneSnapshot,
} from './protocol';

export interface MirrorLink {
  /** Delivers a command to the owner (now, or once there is one). */
  send(command: CommandMessage): void;
  /** The owner's own handle of call `id`, when this tab is the owner. */
  local(id: string): CallHandle | undefined;
  log(): Logger;
}

/** The devices before the owner's first word: none known, nothing chosen. */
const NO_DEVICES: DevicesState = {
  inputs: [],
  outputs: [],
  microphone: undefined,
  speaker: undefined,
  ringer: undefined,
  outputSelection: false,
  labels: false,
  autoSwitch: true,
};

/** How a mirrored call ends when the tab that held it went away without a word. */
export const OWNER_GONE: { cause: EndCause; message: string } = {
  cause: 'connection-lost',
  message: 'The tab that held the call was closed.',
};

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

let requestCount = 0;
/** Unique across tabs: a reply is published to all of them. */
function requestId(): string {
  requestCount += 1;
  return `${crypto.randomUUID()}-${requestCount}`;
}

export class MirrorPhone {
  readonly events: Emitter<PhoneEventMap>;
  private snapshot: PhoneSnapshot | undefined;
  private readonly calls = new Map<string, MirrorCall>();
  private readonly pending = new Map<string, Pending>();
  /** Calls this tab placed whose `call` event has not come back yet, by command. */
  private readonly placing = new Map<string, MirrorCall>();
  private readonly callLink: MirrorCallLink;

  constructor(private readonly link: MirrorLink) {
    this.events = new Emitter<PhoneEventMap>(() => link.log());
    this.callLink = {
      command: (callId, method, args) => this.command(method, args, callId),
      local: (id) => link.local(id),
      log: () => link.log(),
    };
  }

  get state(): RegistrationState {
    return this.snapshot?.state ?? 'unregistered';
  }
  get lastError(): PhoneError | undefined {
    return this.snapshot?.lastError;
  }
  get region(): string | undefined {
    return this.snapshot?.region;
  }
  get role(): 'supervisor' | undefined {
    return this.snapshot?.role;
  }
  get availability(): Availability {
    return this.snapshot?.availability ?? 'available';
  }
  get wrapUpEndsAt(): number | undefined {
    return this.snapshot?.wrapUpEndsAt;
  }
  get devices(): DevicesState {
    return this.snapshot?.devices ?? NO_DEVICES;
  }

  /** Calls a command of the owner's phone. */
  run(method: PhoneCommand, args: unknown[]): Promise<unknown> {
    return this.command(method, args);
  }

  /** Places a call through the owner: the handle exists at once, as `Phone.call` promises. */
  place(method: 'call' | 'listen', target: string, options?: CallOptions): CallHandle {
    const request = requestId();
    const call = new MirrorCall(provisionalCall(request, target), this.callLink);
    this.placing.set(request, call);
    this.calls.set(call.id, call);
    this.events.emit('call', { call });
    this.send(request, method, method === 'call' ? [target, options ?? {}] : [target]).then(
      (value) => {
        this.bind(request, (value as { callId: string }).callId);
      },
      (error: unknown) => {
        this.placing.delete(request);
        this.end(call, {
          cause: 'failed',
          message: error instanceof Error ? error.message : String(error),
        });
      },
    );
    return call;
  }

  /** Takes in what the owner published. */
  receive(message: OwnerMessage): void {
    if (message.kind === 'reply') {
      const pending = this.pending.get(message.request);
      if (!pending) return;
      this.pending.delete(message.request);
      if (message.ok) pending.resolve(message.value);
      else pending.reject(new Error(message.message));
      return;
    }
    if (message.kind === 'snapshot') {
      this.apply(message.phone, undefined, true);
      return;
    }
    if (message.kind === 'call-event') {
      this.apply(message.phone);
      const call = this.calls.get(message.callId);
      if (!call) return;
      if (message.event === 'ended') this.calls.delete(call.id);
      call.emit(message.event, message.payload as CallEventMap[typeof message.event]);
      return;
    }
    const { event, payload } = message;
    const callId = (payload as { callId?: string }).callId;
    // The `call` event of a call this tab placed: announced already, with the handle.
    const ours =
      event === 'call' && message.origin !== undefined && callId !== undefined
        ? this.bind(message.origin, callId)
        : false;
    this.apply(message.phone, callId);
    if (callId === undefined) {
      this.events.emit(event, payload as PhoneEventMap[typeof event]);
      return;
    }
    const call = this.calls.get(callId);
    if (call && !ours) this.events.emit(event, { call } as PhoneEventMap[typeof event]);
  }

  /**
   * The owner is gone (this tab takes over, or leaves): its calls went with it. Each
   * mirrored call ends now, as the owner could not say.
   */
  ownerGone(): void {
    for (const call of [...this.calls.values()]) this.end(call, OWNER_GONE);
    for (const pending of this.pending.values()) pending.reject(new Error(OWNER_GONE.message));
    this.pending.clear();
    this.placing.clear();
    this.snapshot = undefined;
  }

  /** A call this tab placed now has the owner's id; false when it was not ours to bind. */
  private bind(request: string, callId: string): boolean {
    const call = this.placing.get(request);
    if (!call) return false;
    this.placing.delete(request);
    this.calls.delete(call.id);
    call.update({ ...call.data, id: callId });
    this.calls.set(callId, call);
    return true;
  }

  /**
   * The owner's view: updates every known call, announces the calls this tab did not know
   * (a tab opened during a call; `except` is announced by its own event), and ends those
   * the owner no longer has. A whole `snapshot` (this tab's first, or a new owner's) tells
   * a change of registration state as a `registration` event; within the owner's event
   * stream its own `registration` event does (the phone changes its state before it tells,
   * so an `error` event's snapshot may show the new state first).
   */
  private apply(phone: PhoneSnapshot, except?: string, tellState = false): void {
    const previous = this.state;
    this.snapshot = phone;
    if (tellState && phone.state !== previous) {
      this.events.emit('registration', { state: phone.state, previous });
    }
    const live = new Set<string>();
    for (const data of phone.calls) {
      live.add(data.id);
      const known = this.calls.get(data.id);
      if (known) {
        known.update(data);
        continue;
      }
      if (data.state === 'ended') continue;
      const call = new MirrorCall(data, this.callLink);
      this.calls.set(data.id, call);
      if (data.id === except) continue;
      this.events.emit('call', { call });
      if (data.direction === 'incoming' && data.state === 'ringing') {
        this.events.emit('incoming', { call });
      }
    }
    for (const call of [...this.calls.values()]) {
      if (!live.has(call.id) && !this.isPlacing(call)) this.end(call, OWNER_GONE);
    }
  }

  private isPlacing(call: MirrorCall): boolean {
    return [...this.placing.values()].includes(call);
  }

  private end(call: MirrorCall, how: { cause: EndCause; message: string }): void {
    if (!this.calls.has(call.id)) return;
    this.calls.delete(call.id);
    const previous = call.state;
    call.update({ ...call.data, state: 'ended', endCause: how.cause });
    call.emit('state', { state: 'ended', previous, hold: call.hold });
    call.emit('ended', how);
  }

  private command(
    method: PhoneCommand | CallCommand,
    args: unknown[],
    callId?: string,
  ): Promise<unknown> {
    return this.send(requestId(), method, args, callId);
  }

  private send(
    request: string,
    method: PhoneCommand | CallCommand,
    args: unknown[],
    callId?: string,
  ): Promise<unknown> {
    return new Promise((resolve, reject) => {
      this.pending.set(request, { resolve, reject });
      this.link.send(
        callId === undefined
          ? { kind: 'command', request, method: method as PhoneCommand, args }
          : { kind: 'command', request, method: method as CallCommand, callId, args },
      );
    });
  }
}

/** What a call placed through the owner looks like until the owner's first word on it. */
function provisionalCall(request: string, target: string): CallSnapshot {
  return {
    id: `pending-${request}`,
    direction: 'outgoing',
    state: 'connecting',
    hold: 'none',
    muted: false,
    remote: { uri: '', user: target, displayName: '' },
    createdAt: Date.now(),
    answeredAt: undefined,
    endCause: undefined,
    reconnecting: false,
    context: undefined,
    participants: [],
    quality: { sample: null, warnings: [], farEndWarnings: [], report: null },
  };
}
