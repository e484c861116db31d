/** Hands out RTP/RTCP port pairs (even RTP port, RTCP on the next odd port) from a range. */
import dgram from 'node:dgram';

export interface BoundPair {
  rtp: dgram.Socket;
  rtcp: dgram.Socket;
  port: number;
}

export class PortAllocator {
  private cursor: number;
  private readonly inUse = new Set<number>();

  constructor(
    private readonly host: string,
    private readonly min: number,
    private readonly max: number,
  ) {
    if (min > max || min < 1024 || max > 65535) {
      throw new Error(`invalid RTP port range ${min}-${max}`);
    }
    this.cursor = min + (min % 2);
  }

  async allocate(): Promise<BoundPair> {
    const pairs = Math.floor((this.max - this.min + 1) / 2);
    for (let attempt = 0; attempt < pairs; attempt++) {
      const port = this.cursor;
      this.cursor = port + 2 > this.max - 1 ? this.min + (this.min % 2) : port + 2;
      if (this.inUse.has(port)) continue;
      const rtp = await this.bind(port);
      if (!rtp) continue;
      const rtcp = await this.bind(port + 1);
      if (!rtcp) {
        rtp.close();
        continue;
      }
      this.inUse.add(port);
      return { rtp, rtcp, port };
    }
    throw new Error(`no free RTP port pair in ${this.min}-${this.max}`);
  }

  release(pair: BoundPair): void {
    pair.rtp.close();
    pair.rtcp.close();
    this.inUse.delete(pair.port);
  }

  get allocated(): number {
    return this.inUse.size;
  }

  /** Pairs not handed out (some may still be taken by other processes). */
  get free(): number {
    return Math.floor((this.max - this.min + 1) / 2) - this.inUse.size;
  }

  private bind(port: number): Promise<dgram.Socket | undefined> {
    return new Promise((resolve) => {
      const socket = dgram.createSocket('udp4');
      socket.once('error', () => {
        socket.close();
        resolve(undefined);
      });
      socket.bind(port, this.host, () => {
        socket.removeAllListeners('error');
        resolve(socket);
      });
    });
  }
}
