#!/usr/bin/env bash
# Recreates the default sounds of the softphone with sox. Self-made, no samples:
# released with the project under its licence (MIT).
# 16 kHz mono 16-bit WAV keeps each file small and plays in every browser.
set -euo pipefail
cd "$(dirname "$0")"
fmt=(-r 16000 -c 1 -b 16)

# Ringtone: two soft two-tone bursts (0.4 s each, 0.2 s apart), then 2 s of silence: a 3 s loop.
sox -n "${fmt[@]}" /tmp/ring-burst.wav synth 0.4 sine 660 sine 880 remix 1,2 fade q 0.03 0.4 0.08 vol 0.35
sox -n "${fmt[@]}" /tmp/ring-gap.wav trim 0 0.2
sox -n "${fmt[@]}" /tmp/ring-rest.wav trim 0 2.2
sox /tmp/ring-burst.wav /tmp/ring-gap.wav /tmp/ring-burst.wav /tmp/ring-rest.wav ringtone.wav trim 0 3

# Ringback (North American): 440 + 480 Hz, 2 s on, 4 s off.
sox -n "${fmt[@]}" /tmp/ringback-on.wav synth 2 sine 440 sine 480 remix 1,2 fade q 0.02 2 0.02 vol 0.3
sox -n "${fmt[@]}" /tmp/ringback-off.wav trim 0 4
sox /tmp/ringback-on.wav /tmp/ringback-off.wav ringback.wav

# Call waiting: two short 440 Hz beeps, then quiet, a 5 s loop: heard over the call in
# progress, so it is brief and soft (the ITU-T E.180 call-waiting tone is 440 Hz too).
sox -n "${fmt[@]}" /tmp/ring-wait-beep.wav synth 0.2 sine 440 fade q 0.02 0.2 0.04 vol 0.3
sox -n "${fmt[@]}" /tmp/ring-wait-gap.wav trim 0 0.15
sox -n "${fmt[@]}" /tmp/ring-wait-rest.wav trim 0 4.45
# 8 kHz: a beep needs no more, and the loop stays under 100 KB.
sox /tmp/ring-wait-beep.wav /tmp/ring-wait-gap.wav /tmp/ring-wait-beep.wav /tmp/ring-wait-rest.wav -r 8000 call-waiting.wav

# Hold music: a slow arpeggio over four chords (C, Am, F, G), plucked notes with fades,
# 16 notes of 0.75 s = 12 s, loopable (starts and ends on silence-faded notes).
notes=(C4 E4 G4 E4  A3 C4 E4 C4  F3 A3 C4 A3  G3 B3 D4 B3)
parts=()
for i in "${!notes[@]}"; do
  part="/tmp/hold-note-$i.wav"
  sox -n "${fmt[@]}" "$part" synth 0.75 pluck "${notes[$i]}" fade q 0.01 0.75 0.3 vol 0.5
  parts+=("$part")
done
# 11025 Hz keeps the 12 s loop under 300 KB.
sox "${parts[@]}" -r 11025 hold-music.wav reverb 30 gain -n -6
# Speaker test (the device menu's "Play test sound"): three rising notes, 1.2 s, played once.
sox -n "${fmt[@]}" /tmp/ring-test-1.wav synth 0.4 sine 523 fade q 0.02 0.4 0.1 vol 0.35
sox -n "${fmt[@]}" /tmp/ring-test-2.wav synth 0.4 sine 659 fade q 0.02 0.4 0.1 vol 0.35
sox -n "${fmt[@]}" /tmp/ring-test-3.wav synth 0.4 sine 784 fade q 0.02 0.4 0.15 vol 0.35
sox /tmp/ring-test-1.wav /tmp/ring-test-2.wav /tmp/ring-test-3.wav speaker-test.wav

rm -f /tmp/ring-*.wav /tmp/ringback-*.wav /tmp/hold-note-*.wav
ls -l ringtone.wav ringback.wav hold-music.wav call-waiting.wav speaker-test.wav
