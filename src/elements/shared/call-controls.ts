import { html, nothing, type TemplateResult } from 'lit';
import type { Messages } from '../../i18n/index.js';
import '../dialpad/sip-dialpad.js';
import { formatDuration } from './format-duration.js';
import { icons } from './icons.js';
import { type CallView, isInCall } from './view-state.js';

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
              ${call.muted ? icons.micOff() : icons.mic()}<span>${t.mute}</span>
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
              ${heldByUs ? icons.play() : icons.pause()}<span>${heldByUs ? t.resume : t.holdCall}</span>
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
              ${icons.keypad()}<span>${t.keypad}</span>
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
