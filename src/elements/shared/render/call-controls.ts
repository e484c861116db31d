import { html, nothing, type TemplateResult } from 'lit';
import type { Messages } from '../../../i18n/index.js';
import '../../dialpad/sip-dialpad.js';
import { type CallView, isInCall } from '../view-state.js';
import { formatDuration } from './format-duration.js';
import { icon, icons } from './icons.js';

const MIC =
  'M12 14a3 3 0 0 0 3-3V5a3 3 0 0 0-6 0v6a3 3 0 0 0 3 3zm5.3-3a5.3 5.3 0 0 1-10.6 0H5a7 7 0 0 0 6 6.92V21h2v-3.08A7 7 0 0 0 19 11z';
const MIC_OFF =
  'M19 11h-1.7c0 .74-.16 1.43-.43 2.05l1.23 1.23A6.9 6.9 0 0 0 19 11zm-4.02.17L9 5.18V5a3 3 0 0 1 6 0v6l-.02.17zM4.27 3 3 4.27l6 6V11a3 3 0 0 0 4.5 2.6l1.66 1.66A5.3 5.3 0 0 1 6.7 11H5a7 7 0 0 0 6 6.92V21h2v-3.08a6.9 6.9 0 0 0 2.54-.9L19.73 21 21 19.73z';
const PAUSE = 'M6 19h4V5H6zm8-14v14h4V5z';
const PLAY = 'M8 5v14l11-7z';
const KEYPAD =
  'M12 19a2 2 0 1 0 0 4 2 2 0 0 0 0-4zM6 1a2 2 0 1 0 0 4 2 2 0 0 0 0-4zm0 6a2 2 0 1 0 0 4 2 2 0 0 0 0-4zm0 6a2 2 0 1 0 0 4 2 2 0 0 0 0-4zm12-8a2 2 0 1 0 0-4 2 2 0 0 0 0 4zm-6 8a2 2 0 1 0 0 4 2 2 0 0 0 0-4zm6 0a2 2 0 1 0 0 4 2 2 0 0 0 0-4zm0-6a2 2 0 1 0 0 4 2 2 0 0 0 0-4zm-6 0a2 2 0 1 0 0 4 2 2 0 0 0 0-4zm0-6a2 2 0 1 0 0 4 2 2 0 0 0 0-4z';

/** Kept here, not in icons.ts: they load with the call controls, not with the button at rest. */
const controlIcons = {
  mic: () => icon('mic', MIC),
  micOff: () => icon('mic-off', MIC_OFF),
  pause: () => icon('pause', PAUSE),
  play: () => icon('play', PLAY),
  keypad: () => icon('keypad', KEYPAD),
};

/** What the call controls do; the element forwards each to its engine controller. */
export interface CallControlActions {
  toggleMute(): void;
  toggleHold(): void;
  toggleKeypad(): void;
  hangup(): void;
  sendDtmf(tone: string): void;
}

export interface CallControlsInput {
  call: CallView;
  t: Messages;
  keypadOpen: boolean;
  /** Current time, so the timer text is a pure function of the inputs. */
  now: number;
  /** The host's theme, passed on to the keypad (it has its own colour tokens). */
  theme: 'light' | 'dark' | undefined;
  actions: CallControlActions;
}

/**
 * Timer and buttons of a live outgoing or answered call, shared by `<sip-phone>` and the
 * `<sip-call-button>` panel. Hold is not repeated here: the call status line says it.
 */
export function renderCallControls({
  call,
  t,
  keypadOpen,
  now,
  theme,
  actions,
}: CallControlsInput): TemplateResult {
  const answered = isInCall(call);
  const mediaUp = answered || call.state === 'early-media';
  const heldByUs = call.hold === 'local' || call.hold === 'both';
  return html`
    ${
      answered && call.answeredAt !== undefined
        ? html`<span part="timer" class="timer" role="timer" aria-label=${t.callDuration}
            >${formatDuration(now - call.answeredAt)}</span
          >`
        : nothing
    }
    <div part="controls" class="controls">
      ${
        mediaUp
          ? html`<button
              type="button"
              class="btn"
              part="control mute"
              aria-pressed=${call.muted ? 'true' : 'false'}
              @click=${actions.toggleMute}
            >
              ${call.muted ? controlIcons.micOff() : controlIcons.mic()}<span>${t.mute}</span>
            </button>`
          : nothing
      }
      ${
        answered
          ? html`<button
              type="button"
              class=${heldByUs ? 'btn on' : 'btn'}
              part="control hold"
              @click=${actions.toggleHold}
            >
              ${heldByUs ? controlIcons.play() : controlIcons.pause()}<span>${heldByUs ? t.resume : t.holdCall}</span>
            </button>`
          : nothing
      }
      ${
        mediaUp
          ? html`<button
              type="button"
              class="btn"
              part="control keypad-toggle"
              aria-expanded=${keypadOpen ? 'true' : 'false'}
              @click=${actions.toggleKeypad}
            >
              ${controlIcons.keypad()}<span>${t.keypad}</span>
            </button>`
          : nothing
      }
      <button type="button" class="btn danger" part="control hangup" @click=${actions.hangup}>
        ${icons.hangUp()}<span>${t.hangUp}</span>
      </button>
    </div>
    ${
      mediaUp && keypadOpen
        ? html`<sip-dialpad
            part="keypad"
            class="keypad"
            theme=${theme ?? nothing}
            @sip-dialpad-press=${(event: CustomEvent<{ key: string }>) =>
              actions.sendDtmf(event.detail.key)}
          ></sip-dialpad>`
        : nothing
    }
  `;
}
