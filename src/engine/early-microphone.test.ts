import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  dropEarlyMicrophone,
  EARLY_MICROPHONE_KEPT_MS,
  requestMicrophoneEarly,
  takeMicrophone,
} from './early-microphone';

/** Counts the page's microphone requests; streams are the browser's fake microphone. */
function watchRequests() {
  return vi.spyOn(navigator.mediaDevices, 'getUserMedia');
}

function isLive(stream: MediaStream): boolean {
  return stream.getAudioTracks().every((track) => track.readyState === 'live');
}

async function streamOf(result: Awaited<ReturnType<typeof takeMicrophone>>): Promise<MediaStream> {
  if (!result.ok) throw new Error(result.error.message);
  return result.stream;
}

describe('the microphone asked for at the click', () => {
  afterEach(() => {
    dropEarlyMicrophone();
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  it('is the one the call takes, from one request', async () => {
    const requests = watchRequests();
    requestMicrophoneEarly();
    requestMicrophoneEarly();
    const stream = await streamOf(await takeMicrophone(undefined));
    expect(requests).toHaveBeenCalledOnce();
    expect(isLive(stream)).toBe(true);
    // Taken once: the next call asks again.
    const next = await streamOf(await takeMicrophone(undefined));
    expect(requests).toHaveBeenCalledTimes(2);
    expect(next).not.toBe(stream);
    for (const track of [...stream.getTracks(), ...next.getTracks()]) track.stop();
  });

  it('is released, and a new request made, when the call wants another device', async () => {
    const requests = watchRequests();
    requestMicrophoneEarly();
    const early = (await requests.mock.results[0]?.value) as MediaStream;
    const result = await takeMicrophone('headset-1');
    // The fake microphone has no 'headset-1': the call falls back to the default, asked anew.
    expect(requests).toHaveBeenCalledTimes(3);
    await expect.poll(() => isLive(early)).toBe(false);
    for (const track of (await streamOf(result)).getTracks()) track.stop();
  });

  it('is released when no call took it in time', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const requests = watchRequests();
    requestMicrophoneEarly();
    const early = (await requests.mock.results[0]?.value) as MediaStream;
    await vi.advanceTimersByTimeAsync(EARLY_MICROPHONE_KEPT_MS);
    await expect.poll(() => isLive(early)).toBe(false);
    vi.useRealTimers();
    const later = await streamOf(await takeMicrophone(undefined));
    expect(requests).toHaveBeenCalledTimes(2);
    for (const track of later.getTracks()) track.stop();
  });
});
