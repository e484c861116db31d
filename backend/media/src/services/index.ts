/** Builds the service a call runs from its entry in the IVR file. */
import type { Call, CallService } from '../call.js';
import { type IvrConfig, lookupService } from '../ivr/config.js';
import type { Logger } from '../log.js';
import type { UserAgent } from '../ua.js';
import { EchoService } from './echo.js';
import { ServerHoldService } from './hold.js';
import { IvrService } from './ivr.js';
import { ListenService, listenedAgent } from './listen.js';
import { MusicService } from './music.js';
import { QueueService } from './queue.js';
import { RecordService } from './record.js';

export function serviceFactory(config: IvrConfig, recordingsDir: string, log: Logger) {
  const create = (name: string, call: Call, ua: UserAgent): CallService => {
    const agent = listenedAgent(name);
    if (agent !== undefined) return new ListenService(call, ua, agent);
    const service = lookupService(config, name);
    if (!service) throw new Error(`unknown service ${name}`);
    switch (service.type) {
      case 'ivr':
        return new IvrService(call, config, service.menu, (inner) => create(inner, call, ua));
      case 'music':
        return new MusicService(call);
      case 'echo':
        return new EchoService(call, service.prompt);
      case 'record':
        return new RecordService(call, service.prompt, recordingsDir, service.maxSeconds);
      case 'queue':
        return new QueueService(call, ua, config, service.prompt);
      case 'hold':
        return new ServerHoldService(call, service.prompt, service.direction, (error) =>
          log.warn('server hold failed', { callId: call.id, error: error.message }),
        );
    }
  };
  return create;
}
