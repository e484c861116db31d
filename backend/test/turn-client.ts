/**
 * A minimal TURN client (RFC 8656) for the backend tests: Allocate with long-term
 * credentials (RFC 8489 §9.2) over UDP or TLS, and CreatePermission on the allocation.
 * Enough to see what coturn grants and refuses; not a general STUN library.
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { connect as tlsConnect } from 'node:tls';

const MAGIC_COOKIE = 0x2112a442;
const ALLOCATE = 0x0003;
const CREATE_PERMISSION = 0x0008;
const SUCCESS = 0x0100;
const ERROR = 0x0110;

const ATTR = {
  USERNAME: 0x0006,
  MESSAGE_INTEGRITY: 0x0008,
  ERROR_CODE: 0x0009,
  XOR_PEER_ADDRESS: 0x0012,
  REALM: 0x0014,
  NONCE: 0x0015,
  XOR_RELAYED_ADDRESS: 0x0016,
  REQUESTED_TRANSPORT: 0x0019,
} as const;

export type TurnTransport = 'udp' | 'tls';

export interface TurnAnswer {
  /** 0 for a success response, else the STUN error code (401, 403, 438, 486...). */
  code: number;
  reason: string;
  /** The relayed transport address of a successful Allocate (`ip:port`). */
  relayed?: string;
}

interface Message {
  type: number;
  attributes: Map<number, Buffer>;
}

function attribute(type: number, value: Buffer): Buffer {
  const header = Buffer.alloc(4);
  header.writeUInt16BE(type, 0);
  header.writeUInt16BE(value.length, 2);
  const padding = Buffer.alloc((4 - (value.length % 4)) % 4);
  return Buffer.concat([header, value, padding]);
}

function encode(type: number, id: Buffer, attributes: Buffer[], key?: Buffer): Buffer {
  const body = Buffer.concat(attributes);
  const header = Buffer.alloc(20);
  header.writeUInt16BE(type, 0);
  header.writeUInt32BE(MAGIC_COOKIE, 4);
  id.copy(header, 8);
  if (!key) {
    header.writeUInt16BE(body.length, 2);
    return Buffer.concat([header, body]);
  }
  // MESSAGE-INTEGRITY covers the message with a length that already counts it (§14.5).
  header.writeUInt16BE(body.length + 24, 2);
  const hmac = createHmac('sha1', key)
    .update(Buffer.concat([header, body]))
    .digest();
  return Buffer.concat([header, body, attribute(ATTR.MESSAGE_INTEGRITY, hmac)]);
}

function decode(data: Buffer): Message {
  const type = data.readUInt16BE(0);
  const length = data.readUInt16BE(2);
  const attributes = new Map<number, Buffer>();
  let offset = 20;
  while (offset + 4 <= 20 + length) {
    const attrType = data.readUInt16BE(offset);
    const attrLength = data.readUInt16BE(offset + 2);
    attributes.set(attrType, data.subarray(offset + 4, offset + 4 + attrLength));
    offset += 4 + attrLength + ((4 - (attrLength % 4)) % 4);
  }
  return { type, attributes };
}

function xorAddress(value: Buffer): string {
  const port = value.readUInt16BE(2) ^ (MAGIC_COOKIE >>> 16);
  const ip = [0, 1, 2, 3].map((i) => value[4 + i]! ^ ((MAGIC_COOKIE >>> (24 - 8 * i)) & 0xff));
  return `${ip.join('.')}:${port}`;
}

function xorPeer(ip: string, port: number): Buffer {
  const value = Buffer.alloc(8);
  value.writeUInt8(0x01, 1);
  value.writeUInt16BE(port ^ (MAGIC_COOKIE >>> 16), 2);
  ip.split('.').forEach((part, i) => {
    value[4 + i] = Number(part) ^ ((MAGIC_COOKIE >>> (24 - 8 * i)) & 0xff);
  });
  return value;
}

function answerOf(message: Message): TurnAnswer {
  if ((message.type & 0x0110) === SUCCESS) {
    const relayed = message.attributes.get(ATTR.XOR_RELAYED_ADDRESS);
    return { code: 0, reason: 'success', ...(relayed ? { relayed: xorAddress(relayed) } : {}) };
  }
  const error = message.attributes.get(ATTR.ERROR_CODE);
  if ((message.type & 0x0110) !== ERROR || !error) {
    throw new Error(`unexpected STUN message type 0x${message.type.toString(16)}`);
  }
  return {
    code: (error[2]! & 0x07) * 100 + error[3]!,
    reason: error.subarray(4).toString('utf8'),
  };
}

/** One TURN connection: requests go out one at a time, each waits for its answer. */
export class TurnClient {
  private pending: ((message: Message) => void) | undefined;
  private buffered = Buffer.alloc(0);
  private realm: Buffer | undefined;
  private nonce: Buffer | undefined;
  private key: Buffer | undefined;
  private username: string | undefined;

  private constructor(
    private readonly sendBytes: (data: Buffer) => void,
    readonly close: () => void,
  ) {}

  static async open(transport: TurnTransport, host: string, port: number, ca?: Buffer) {
    if (transport === 'udp') {
      const socket = createSocket('udp4');
      await new Promise<void>((resolve) => socket.connect(port, host, resolve));
      const client = new TurnClient(
        (data) => socket.send(data),
        () => socket.close(),
      );
      socket.on('message', (data) => client.receive(decode(data)));
      return client;
    }
    const socket = tlsConnect({ host, port, ca, servername: 'localhost' });
    await new Promise<void>((resolve, reject) => {
      socket.once('secureConnect', resolve);
      socket.once('error', reject);
    });
    const client = new TurnClient(
      (data) => socket.write(data),
      () => socket.destroy(),
    );
    socket.on('data', (data: Buffer) => client.frame(data));
    return client;
  }

  /**
   * Allocate a UDP relay. Without credentials the first (unauthenticated) answer is
   * returned; with them, the 401 challenge is answered once with its realm and nonce.
   */
  async allocate(credentials?: { username: string; password: string }): Promise<TurnAnswer> {
    const transport = attribute(ATTR.REQUESTED_TRANSPORT, Buffer.from([17, 0, 0, 0]));
    const first = answerOf(await this.request(ALLOCATE, [transport]));
    if (first.code !== 401 || !credentials) return first;
    this.username = credentials.username;
    this.key = createHash('md5')
      .update(`${credentials.username}:${this.realm!.toString()}:${credentials.password}`)
      .digest();
    return answerOf(await this.request(ALLOCATE, [transport], true));
  }

  /** CreatePermission for a peer on the current allocation. */
  async permit(ip: string, port = 9): Promise<TurnAnswer> {
    return answerOf(
      await this.request(
        CREATE_PERMISSION,
        [attribute(ATTR.XOR_PEER_ADDRESS, xorPeer(ip, port))],
        true,
      ),
    );
  }

  private async request(type: number, attributes: Buffer[], signed = false): Promise<Message> {
    const auth = signed
      ? [
          attribute(ATTR.USERNAME, Buffer.from(this.username!)),
          attribute(ATTR.REALM, this.realm!),
          attribute(ATTR.NONCE, this.nonce!),
        ]
      : [];
    const answer = new Promise<Message>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no TURN answer within 5 s')), 5000);
      this.pending = (message) => {
        clearTimeout(timer);
        resolve(message);
      };
    });
    this.sendBytes(
      encode(type, randomBytes(12), [...attributes, ...auth], signed ? this.key : undefined),
    );
    const message = await answer;
    this.realm = message.attributes.get(ATTR.REALM) ?? this.realm;
    this.nonce = message.attributes.get(ATTR.NONCE) ?? this.nonce;
    return message;
  }

  /** TURN over TCP/TLS: STUN messages back to back, each 20 bytes + its length (RFC 8656 §3.1). */
  private frame(data: Buffer): void {
    this.buffered = Buffer.concat([this.buffered, data]);
    while (this.buffered.length >= 20) {
      const size = 20 + this.buffered.readUInt16BE(2);
      if (this.buffered.length < size) return;
      this.receive(decode(this.buffered.subarray(0, size)));
      this.buffered = this.buffered.subarray(size);
    }
  }

  private receive(message: Message): void {
    const pending = this.pending;
    this.pending = undefined;
    pending?.(message);
  }
}
