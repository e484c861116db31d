/**
 * A call as a tab that shares the phone sees it: its state is the owner's last snapshot,
 * its events are the owner's, and its methods are commands the owner carries out.
 */
import { Emitter } from '../emitter';
import type { Logger } from '../log';
import type {
  CallEventMap,
  CallHandle,
  CallQuality,
  ParticipantEvent,
  TransferEvent,
  Unsubscribe,
} from '../types';
import type { CallCommand, CallSnapshot } from './protocol';

export interface MirrorCallLink {
  /** Sends `method` to the owner for call `id`; resolves with the owner's result. */
  command(id: string, method: CallCommand, args: unknown[]): Promise<unknown>;
  /** The owner's own handle of call `id` when this tab is the owner (its peer connection). */
  local(id: string): CallHandle | undefined;
  log(): Logger;
}

export class MirrorCall implements CallHandle {
  private readonly events: Emitter<CallEventMap>;

  constructor(
    private snapshot: CallSnapshot,
    private readonly link: MirrorCallLink,
  ) {
    this.events = new Emitter<CallEventMap>(() => link.log());
  }

  get id(): string {
    return this.snapshot.id;
  }
  get direction() {
    return this.snapshot.direction;
  }
  get state() {
    return this.snapshot.state;
  }
  get hold() {
    return this.snapshot.hold;
  }
  get muted() {
    return this.snapshot.muted;
  }
  get remote() {
    return this.snapshot.remote;
  }
  get createdAt() {
    return this.snapshot.createdAt;
  }
  get answeredAt() {
    return this.snapshot.answeredAt;
  }
  get endCause() {
    return this.snapshot.endCause;
  }
  get reconnecting() {
    return this.snapshot.reconnecting;
  }
  get context() {
    return this.snapshot.context;
  }
  get participants() {
    return this.snapshot.participants;
  }
  get quality(): CallQuality {
    return this.snapshot.quality;
  }
  /** Only the owner tab has the media; a follower tab has none. */
  get peerConnection(): RTCPeerConnection | undefined {
    return this.link.local(this.id)?.peerConnection;
  }

  /** The owner's last view of the call. */
  get data(): CallSnapshot {
    return this.snapshot;
  }

  /** Takes the owner's newer view of the call. */
  update(snapshot: CallSnapshot): void {
    this.snapshot = snapshot;
  }

  emit<K extends keyof CallEventMap>(event: K, payload: CallEventMap[K]): void {
    this.events.emit(event, payload);
  }

  on<K extends keyof CallEventMap>(
    event: K,
    handler: (payload: CallEventMap[K]) => void,
  ): Unsubscribe {
    return this.events.on(event, handler);
  }

  async answer(): Promise<void> {
    await this.link.command(this.id, 'answer', []);
  }

  reject(): void {
    this.send('reject', []);
  }

  hangup(): void {
    this.send('hangup', []);
  }

  setMuted(muted: boolean): void {
    this.send('setMuted', [muted]);
  }

  async setHold(held: boolean): Promise<void> {
    await this.link.command(this.id, 'setHold', [held]);
  }

  async sendDtmf(sequence: string): Promise<void> {
    await this.link.command(this.id, 'sendDtmf', [sequence]);
  }

  async transfer(target: string | CallHandle): Promise<TransferEvent> {
    const named = typeof target === 'string' ? target : { callId: target.id };
    return (await this.link.command(this.id, 'transfer', [named])) as TransferEvent;
  }

  async addParticipant(target: string): Promise<ParticipantEvent> {
    return (await this.link.command(this.id, 'addParticipant', [target])) as ParticipantEvent;
  }

  async removeParticipant(target: string): Promise<ParticipantEvent> {
    return (await this.link.command(this.id, 'removeParticipant', [target])) as ParticipantEvent;
  }

  /** A command whose outcome arrives as events: a failure is only logged. */
  private send(method: CallCommand, args: unknown[]): void {
    this.link.command(this.id, method, args).catch((error: unknown) => {
      this.link.log().warn(`${method} through the owner tab failed`, { error });
    });
  }
}
