/** The figures of a quality sample as the details popover shows them. */
import type { CodecInfo, MediaPath, QualitySample } from '../../engine/types.js';
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

/**
 * The figures shown for a call: a live sample's, or the averages of a self-check's call
 * (the engine's `PreflightCall` carries the same names).
 */
export interface QualityMeasures {
  rttMs: number | null;
  jitterMs: number | null;
  /** Null when nothing arrived to count losses on. */
  lossFraction: number | null;
  mos: number | null;
  mosOutbound: number | null;
  codec: CodecInfo | null;
  path: MediaPath | null;
}

/** A sample's figures: what we hear (inbound), and the round trip. */
export function qualityFigures(
  sample: QualitySample | null,
  t: Messages,
  language: string,
): QualityFigure[] {
  const inbound = sample?.inbound;
  return measureFigures(
    sample && {
      rttMs: sample.rttMs,
      jitterMs: sample.inbound.jitterMs,
      lossFraction:
        inbound && inbound.packets + inbound.lost > 0 ? sample.inbound.lossFraction : null,
      mos: sample.mos,
      mosOutbound: sample.mosOutbound,
      codec: sample.codec,
      path: sample.path,
    },
    t,
    language,
  );
}

/** RTT, jitter, loss, MOS both ways, codec and path, each with its label; missing ones say so. */
export function measureFigures(
  measures: QualityMeasures | null,
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
  const codec = measures?.codec;
  const path = measures?.path;
  // A relayed path is named by how the browser reaches the relay (`tls` where a network
  // blocks UDP): the relay's own leg to the media server says nothing to the visitor.
  const protocol = ((path?.relay && path.relayProtocol) || path?.protocol || '').toUpperCase();
  const loss = measures?.lossFraction;
  return [
    { label: q.rtt, value: ms(measures?.rttMs, 0) },
    { label: q.jitter, value: ms(measures?.jitterMs, 1) },
    {
      label: q.loss,
      value: loss === null || loss === undefined ? q.unavailable : percent.format(loss),
    },
    { label: q.mos, value: mos(measures?.mos) },
    { label: q.mosOutbound, value: mos(measures?.mosOutbound) },
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
