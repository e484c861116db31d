import { html, nothing, type TemplateResult } from 'lit';
import '../../quality-indicator/sip-quality-indicator.js';
import { type CallView, isInCall } from '../view-state.js';

/** The quality indicator of an answered call (nothing before answer or after the end). */
export function renderQualityIndicator(
  call: CallView | undefined,
  theme: 'light' | 'dark' | undefined,
): TemplateResult | typeof nothing {
  if (!isInCall(call)) return nothing;
  return html`<sip-quality-indicator
    part="quality-indicator"
    theme=${theme ?? nothing}
    .sample=${call!.quality}
    .warnings=${call!.warnings}
  ></sip-quality-indicator>`;
}
