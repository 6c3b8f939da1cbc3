#!/bin/sh
# A training pair for the amp example, made with Debian's sox: input.wav, 42 s of guitar-like and
# test signals (plucked strings, chords, single notes, a sine sweep, noise; 48 kHz mono, 16 bits), and
# target.wav, the same through an overdrive and a tone stack (a low shelf, a mid peak, a low-pass).
#   sh examples/amp/make_pair.sh <directory>
set -eu
out=${1:-.}
mkdir -p "$out"
cd "$out"
r="-r 48000 -c 1 -b 16"
sox -n $r plucks.wav synth 8 pluck E2 pluck B2 pluck E3 pluck G3 fade 0 8 7.5 remix - gain -n -3 \
  repeat 1
sox -n $r chords.wav synth 0.5 pluck A2 pluck E3 pluck A3 pluck C4 remix - gain -n -6 repeat 15
sox -n $r sweep.wav synth 6 sine 40:4000 gain -n -9
sox -n $r notes.wav synth 0.25 pluck D3 gain -n -2 : synth 0.25 pluck F3 gain -n -4 : \
  synth 0.25 pluck G3 gain -n -1 : synth 0.25 pluck A3 gain -n -5 2>/dev/null ||
  sox -n $r notes.wav synth 1 pluck D3 gain -n -2
sox notes.wav notes8.wav repeat 7
sox -n $r noise.wav synth 2 pinknoise gain -n -18 : synth 2 whitenoise gain -n -24 2>/dev/null ||
  sox -n $r noise.wav synth 4 pinknoise gain -n -18
sox plucks.wav chords.wav sweep.wav notes8.wav noise.wav input.wav
sox -G input.wav target.wav overdrive 30 20 bass +6 120 equalizer 800 1q +4 lowpass 4500 \
  gain -n -1
rm -f plucks.wav chords.wav sweep.wav notes.wav notes8.wav noise.wav
soxi -D input.wav target.wav
