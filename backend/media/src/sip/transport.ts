/** UDP transport: one socket for all SIP traffic, parsing on the way in. */
import dgram from 'node:dgram';
import type { Logger } from '../log.js';
import { parseSipMessage, type SipMessage, SipParseError, serializeSipMessage } from './message.js';

export interface Endpoint {
  address: string;
  port: number;
}

export class UdpTransport {
  private readonly socket = dgram.createSocket('udp4');
  private closed = false;
  onMessage: (message: SipMessage, source: Endpoint) => void = () => {};

  constructor(
    readonly host: string,
    readonly port: number,
    private readonly log: Logger,
  ) {
    this.socket.on('message', (data, rinfo) => this.receive(data, rinfo));
    this.socket.on('error', (error) =>
      this.log.error('SIP socket error', { error: error.message }),
    );
  }

  listen(): Promise<number> {
    return new Promise((resolve, reject) => {
      this.socket.once('error', reject);
      this.socket.bind(this.port, this.host, () => {
        this.socket.off('error', reject);
        resolve(this.socket.address().port);
      });
    });
  }

  send(message: SipMessage, to: Endpoint): void {
    if (this.closed) return;
    this.socket.send(serializeSipMessage(message), to.port, to.address);
  }

  close(): void {
    this.closed = true;
    this.socket.close();
  }

  private receive(data: Buffer, rinfo: dgram.RemoteInfo): void {
    // Keep-alive pings (CRLF) carry no message.
    if (data.toString('latin1').trim() === '') return;
    let message: SipMessage;
    try {
      message = parseSipMessage(data);
    } catch (error) {
      if (!(error instanceof SipParseError)) throw error;
      this.log.warn('dropped unparseable datagram', {
        from: `${rinfo.address}:${rinfo.port}`,
        error: error.message,
      });
      return;
    }
    this.onMessage(message, { address: rinfo.address, port: rinfo.port });
  }
}
