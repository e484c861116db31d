#!/usr/bin/env bash
# Generates the prompts (espeak-ng speech) and the hold music (sox synthesis, self-made, no
# licence issues) as 8 kHz mono 16-bit WAV into OUT_DIR. Skips the work when OUT_DIR was
# made from the same inputs. Needs espeak-ng and sox (Debian packages of the same names).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="${1:?usage: make-sounds.sh OUT_DIR}"
stamp="$(cat "$here/prompts.txt" "$0" | sha256sum | cut -c1-16)"
if [[ -f "$out/.stamp" && "$(cat "$out/.stamp")" == "$stamp" ]]; then exit 0; fi
for tool in espeak-ng sox; do
  command -v "$tool" >/dev/null || { echo "make-sounds: $tool is not installed" >&2; exit 1; }
done
mkdir -p "$out"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
to_telephone() { sox "$1" -r 8000 -c 1 -b 16 -e signed-integer "$2" highpass 120 lowpass 3400 norm -3; }

while IFS='|' read -r name text; do
  [[ -z "$name" || "$name" == \#* ]] && continue
  espeak-ng -v en-us -s 155 -w "$tmp/$name.raw.wav" "$text"
  to_telephone "$tmp/$name.raw.wav" "$tmp/$name.wav"
  # Leading silence is dead air before every caller's first word (it was 150 ms): strip
  # what espeak-ng leaves and keep one 20 ms frame, so the first RTP packets, which may
  # be lost while the media path settles right after the 200 OK, are only silence.
  # The 300 ms tail keeps a pause before whatever the service plays next.
  sox "$tmp/$name.wav" "$tmp/$name.pad.wav" silence 1 0.01 0.5% pad 0.02 0.3
  mv "$tmp/$name.pad.wav" "$out/$name.wav"
done < "$here/prompts.txt"

# "after the beep": the record prompt ends with a 1 kHz beep.
sox -n -r 8000 -c 1 -b 16 "$tmp/beep.wav" synth 0.4 sine 1000 vol 0.5 fade 0.01 0.4 0.01
sox "$out/record-intro.wav" "$tmp/beep.wav" "$tmp/record.wav"
mv "$tmp/record.wav" "$out/record-intro.wav"

# Hold music: a slow I-vi-IV-V progression of plucked triads over a soft bass, 16 s loop.
chords=("C4 E4 G4 C3" "A3 C4 E4 A2" "F3 A3 C4 F2" "G3 B3 D4 G2")
parts=()
for i in "${!chords[@]}"; do
  read -r a b c bass <<<"${chords[$i]}"
  for beat in 0 1; do
    f="$tmp/chord$i-$beat.wav"
    sox -n -r 8000 -b 16 "$f" synth 2 pluck "$a" pluck "$b" pluck "$c" sine "$bass" \
      remix - vol 0.6 fade 0.02 2 0.3
    parts+=("$f")
  done
done
sox "${parts[@]}" "$tmp/music.wav" reverb 40 norm -6
to_telephone "$tmp/music.wav" "$out/music.wav"
echo "$stamp" > "$out/.stamp"
