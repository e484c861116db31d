/** The figures of a quality sample as the details popover shows them. */
import type { QualitySample } from '../../engine/types.js';
import type { Messages } from '../../i18n/index.js';

export interface QualityFigure {
  label: string;
  value: string;
}

function number(language: string, digits: number) {
  return new Intl.NumberFormat(language, { maximumFractionDigits: digits });
}

/** MOS with one decimal in the reader's language ("4.3", "4,3"). */
export function formatMos(mos: number, language: string): string {
  return new Intl.NumberFormat(language, {
    minimumFractionDigits: 1,
    maximumFractionDigits: 1,
  }).format(mos);
}

/** RTT, jitter, loss, MOS both ways, codec and path, each with its label; missing ones say so. */
export function qualityFigures(
  sample: QualitySample | null,
  t: Messages,
  language: string,
): QualityFigure[] {
  const q = t.quality;
  const ms = (value: number | null | undefined, digits: number) =>
    value === null || value === undefined
      ? q.unavailable
      : `${number(language, digits).format(value)} ms`;
  const percent = new Intl.NumberFormat(language, { style: 'percent', maximumFractionDigits: 1 });
  const mos = (value: number | null | undefined) =>
    value === null || value === undefined ? q.unavailable : formatMos(value, language);
  const inbound = sample?.inbound;
  const codec = sample?.codec;
  const path = sample?.path;
  const protocol = path?.protocol.toUpperCase() ?? '';
  return [
    { label: q.rtt, value: ms(sample?.rttMs, 0) },
    { label: q.jitter, value: ms(inbound?.jitterMs, 1) },
    {
      label: q.loss,
      value:
        inbound && inbound.packets + inbound.lost > 0
          ? percent.format(inbound.lossFraction)
          : q.unavailable,
    },
    { label: q.mos, value: mos(sample?.mos) },
    { label: q.mosOutbound, value: mos(sample?.mosOutbound) },
    {
      label: q.codec,
      value: codec
        ? `${codec.mimeType.replace(/^audio\//i, '')}, ${number(language, 1).format(codec.clockRate / 1000)} kHz`
        : q.unavailable,
    },
    {
      label: q.path,
      value: path ? (path.relay ? q.relay(protocol) : q.direct(protocol)) : q.unavailable,
    },
  ];
}
