/**
 * What the element asks for while the engine loads rather than once it is in: the phone's
 * credentials (engine/credentials-request.ts) and, at a click, the microphone
 * (engine/early-microphone.ts).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { VISITOR_CREDENTIALS_URL } from '../../../../testkit/topology.js';
import { dropEarlyMicrophone, requestMicrophoneEarly } from '../../../engine/early-microphone.js';
import { FakePhone } from '../../../engine/test-support/fake-phone.js';
import {
  create,
  mount,
  mountWithFakeEngine,
  resetElements,
  shadow,
  VALID_CONFIG,
} from '../../test-support/dom.js';
import '../../call-button/sip-call-button.js';

afterEach(() => {
  resetElements();
  dropEarlyMicrophone();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

/** A button whose engine never finishes loading, and the page's `fetch`. */
async function buttonLoadingForever(attributes: Record<string, string>) {
  const fetchMock = vi.fn(async () => Response.json({}));
  vi.stubGlobal('fetch', fetchMock);
  const el = create('sip-call-button', { target: 'ivr', ...attributes });
  let loads = 0;
  el.engine.loader = () => {
    loads += 1;
    return new Promise(() => {});
  };
  await mount(el);
  return { el, fetchMock, loads: () => loads };
}

describe('credentials requested early', () => {
  it('go out with the engine download, on intent, and not before it', async () => {
    const { el, fetchMock, loads } = await buttonLoadingForever(VALID_CONFIG);
    expect(fetchMock).not.toHaveBeenCalled();
    shadow<HTMLButtonElement>(el, 'button.main').focus();
    await expect.poll(loads).toBe(1);
    expect(fetchMock).toHaveBeenCalledOnce();
    expect(fetchMock).toHaveBeenCalledWith(
      VISITOR_CREDENTIALS_URL,
      expect.objectContaining({ credentials: 'include' }),
    );
  });

  it('are not asked for when the configuration has none to fetch', async () => {
    const { server, domain } = VALID_CONFIG;
    const { el, fetchMock, loads } = await buttonLoadingForever({
      server,
      domain,
      user: 'visitor1',
      password: 'secret',
    });
    shadow<HTMLButtonElement>(el, 'button.main').focus();
    await expect.poll(loads).toBe(1);
    expect(fetchMock).not.toHaveBeenCalled();
  });
});

describe('the microphone at a click', () => {
  it('is asked for while the engine loads', async () => {
    const { el, loads } = await buttonLoadingForever(VALID_CONFIG);
    const requests = vi.spyOn(navigator.mediaDevices, 'getUserMedia');
    shadow<HTMLButtonElement>(el, 'button.main').click();
    await expect.poll(loads).toBe(1);
    expect(requests).toHaveBeenCalledOnce();
  });

  it('is released when the click places no call (no target)', async () => {
    const { el } = await buttonLoadingForever({ ...VALID_CONFIG, target: '' });
    const requests = vi.spyOn(navigator.mediaDevices, 'getUserMedia');
    // As the script-tag core does at a click on the button drawn at rest.
    requestMicrophoneEarly();
    const early = (await requests.mock.results[0]?.value) as MediaStream;
    shadow<HTMLButtonElement>(el, 'button.main').click();
    await expect.poll(() => early.getAudioTracks()[0]?.readyState).toBe('ended');
  });

  /** A button whose fake engine is in (hovered first), and the microphone requests of its click. */
  async function clickWithEngineIn(
    attributes: Record<string, string>,
    devices?: (phone: FakePhone) => void,
  ) {
    const { el } = await mountWithFakeEngine('sip-call-button', {
      ...VALID_CONFIG,
      target: 'ivr',
      ...attributes,
    });
    const main = shadow<HTMLButtonElement>(el, 'button.main');
    main.focus();
    await expect.poll(() => el.phone).toBeDefined();
    const phone = FakePhone.instances.at(-1)!;
    devices?.(phone);
    const requests = vi.spyOn(navigator.mediaDevices, 'getUserMedia');
    main.click();
    // In the click's own task, before the paint the call waits for.
    const atClick = requests.mock.calls.length;
    await expect.poll(() => el.call).toBeDefined();
    return { atClick, requests };
  }

  it('is asked for at the click when the engine is in, beside the paint the call waits for', async () => {
    const { atClick, requests } = await clickWithEngineIn({});
    expect(atClick).toBe(1);
    expect(requests).toHaveBeenCalledWith(expect.objectContaining({ audio: expect.anything() }));
  });

  it('is left to the phone when it may be another tab’s (single-tab)', async () => {
    const { requests } = await clickWithEngineIn({ 'single-tab': '' });
    expect(requests).not.toHaveBeenCalled();
  });

  it('is left to the phone when the visitor chose a microphone', async () => {
    const { requests } = await clickWithEngineIn({}, (phone) => {
      phone.devices = { ...phone.devices, microphone: 'headset' };
    });
    expect(requests).not.toHaveBeenCalled();
  });
});
