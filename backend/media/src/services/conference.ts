/**
 * A conference bridge, as FreeSWITCH's mod_conference is one: the legs of a call mixed
 * together (media/mixer.ts), so that each talker hears all the others, and listeners (a
 * supervisor listening in, services/listen.ts) hear everyone without being heard.
 *
 * A queue call is a two-leg bridge (services/bridge.ts); it becomes a conference when a third
 * party joins (an agent adds a colleague, services/three-way.ts, or a supervisor listens in).
 * A conference lives only while it needs to: when members leave and two talkers remain with
 * nobody listening, they go back to a plain bridge (so hold music and transfer work as on any
 * queue call); when fewer than two talkers remain, everyone left is hung up, as a bridge
 * hangs up the other leg. So when the agent hangs up during a 3-way call, the visitor and
 * the added colleague stay connected and keep talking.
 */
import type { Call, CallService } from '../call.js';
import type { Codec } from '../media/g711.js';
import { Mixer } from '../media/mixer.js';
import type { Sound } from '../media/sounds.js';
import { randomToken } from '../sip/builders.js';
import { parseNameAddr, parseSipUri } from '../sip/message.js';
import { bridge } from './bridge.js';

export type MemberRole = 'talker' | 'listener';

/** The user a leg belongs to: the called user of a leg this server dialled, else the caller. */
export function userOfLeg(call: Call): string | undefined {
  const header = call.direction === 'outbound' ? call.to : call.from;
  const uri = parseNameAddr(header)?.uri;
  return uri === undefined ? undefined : parseSipUri(uri)?.user;
}

/** One member's leg: what it sends goes into the mix, what it hears is the mix of the others. */
class ConferenceLeg implements CallService {
  readonly name = 'conference';

  constructor(
    private readonly call: Call,
    private readonly mixer: Mixer,
  ) {}

  start(): void {
    this.call.serviceSource = {
      nextFrame: (codec: Codec) => this.mixer.frameFor(this.call.id, codec),
    };
  }

  onDigit(): void {}

  onAudio(payload: Buffer, codec: Codec): void {
    this.mixer.hear(this.call.id, payload, codec);
  }

  stop(): void {}
}

interface Member {
  readonly role: MemberRole;
  /** Takes back the listener that notices the leg's end. */
  readonly untie: () => void;
}

export class Conference {
  readonly id = `conference-${randomToken(6)}`;
  private readonly mixer = new Mixer();
  private readonly members = new Map<Call, Member>();
  private over = false;

  private constructor(private readonly music: Sound) {}

  /**
   * The conference `call` is in; or, for a leg bridged to another answered leg, a new
   * conference of the two (the bridge released: neither leg ends when the other does any
   * more, the conference decides that now); else undefined.
   */
  static of(call: Call): Conference | undefined {
    if (call.conference && !call.conference.over) return call.conference;
    const current = call.bridge;
    const peer = current?.peerOf(call);
    if (!current || !peer || call.state !== 'answered' || peer.state !== 'answered') {
      return undefined;
    }
    current.release();
    const conference = new Conference(call.musicSound());
    conference.join(peer, 'talker');
    conference.join(call, 'talker');
    return conference;
  }

  /** Adds an answered leg that is in no bridge or conference; false when it cannot join. */
  add(call: Call, role: MemberRole): boolean {
    if (this.over || call.state !== 'answered' || call.bridge || call.conference) return false;
    this.join(call, role);
    return true;
  }

  /** The members with `role`, in the order they joined. */
  membersWith(role: MemberRole): Call[] {
    return [...this.members].filter(([, member]) => member.role === role).map(([call]) => call);
  }

  /** The member leg of `user` (a talker or listener), if any. */
  memberOf(user: string): Call | undefined {
    return [...this.members.keys()].find((call) => userOfLeg(call) === user);
  }

  roleOf(call: Call): MemberRole | undefined {
    return this.members.get(call)?.role;
  }

  private join(call: Call, role: MemberRole): void {
    this.mixer.join(call.id, role === 'listener');
    call.conference = this;
    this.members.set(call, { role, untie: call.onEnded(() => this.left(call)) });
    call.setService(new ConferenceLeg(call, this.mixer));
    const fields = { conferenceId: this.id, member: call.id, user: userOfLeg(call), role };
    for (const member of this.members.keys()) member.record('conference-join', fields);
  }

  /** A member's leg ended: it leaves, and the rest carry on, go back to a bridge, or end. */
  private left(call: Call): void {
    if (!this.members.has(call)) return;
    this.remove(call);
    const talkers = this.membersWith('talker');
    const listeners = this.membersWith('listener');
    if (talkers.length > 2 || (talkers.length === 2 && listeners.length > 0)) return;
    this.over = true;
    for (const member of [...this.members.keys()]) this.remove(member);
    if (talkers.length === 2) {
      const [first, second] = talkers as [Call, Call];
      // The caller's leg first: bridge() names the peers of an inbound and an outbound leg.
      const [a, b] = first.direction === 'inbound' ? [first, second] : [second, first];
      bridge(a, b, this.music);
      return;
    }
    for (const member of [...talkers, ...listeners]) member.hangup('conference-ended');
  }

  /**
   * Takes a leg out of the mix and records what it heard and what of it was heard (a
   * listener's `mixedIn` is always 0: the proof that it was not heard).
   */
  private remove(call: Call): void {
    const member = this.members.get(call);
    if (!member) return;
    this.members.delete(call);
    member.untie();
    const counts = this.mixer.leave(call.id);
    if (call.conference === this) call.conference = undefined;
    const fields = {
      conferenceId: this.id,
      member: call.id,
      user: userOfLeg(call),
      role: member.role,
    };
    call.record('conference-leave', { ...fields, ...counts });
    for (const other of this.members.keys()) other.record('conference-leave', fields);
  }
}
