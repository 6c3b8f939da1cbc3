#!/bin/sh
# Builds examples/firmware/firmware.cpp for Cortex-M4 (single-precision FPU), Cortex-M7 (double-
# precision FPU) and Cortex-M0 (no FPU) with arm-none-eabi-g++ and prints flash and RAM per
# capability, and the soft-float double helpers (__aeabi_d*, __*df*) that the program's own code
# calls (undefined symbols of its object file: what ctnn's code calls, not what else libgcc's
# objects bring along). Exits 1 when the
# Cortex-M4 (single-precision FPU) forward or training program calls or links any.
#   sh examples/firmware/build.sh [OUT_DIR [count]]
# Needs Debian's gcc-arm-none-eabi libnewlib-arm-none-eabi libstdc++-arm-none-eabi-newlib
# (about 2.5 GB: not part of the test command). Only boost/ and hwy/ are put on the include path.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out=${1:-/tmp/ctnn_firmware}
count=${2:-}  # before `set --` below reuses the positional parameters
mkdir -p "$out/include"
ln -sfn /usr/include/boost "$out/include/boost"
ln -sfn /usr/include/hwy "$out/include/hwy"
command -v arm-none-eabi-g++ >/dev/null || {
  echo "firmware: arm-none-eabi-g++ not found (apt-get install gcc-arm-none-eabi" \
       "libnewlib-arm-none-eabi libstdc++-arm-none-eabi-newlib)" >&2
  exit 77
}
common="-std=c++20 -Os -fno-exceptions -fno-rtti -ffunction-sections -fdata-sections -Wall -Wextra
        -Wpedantic -I$root/include -I$out/include --specs=nano.specs --specs=nosys.specs
        -Wl,--gc-sections"
printf '| target | program | flash (text + data) B | RAM: .data + .bss B | double helpers called |\n'
printf '|---|---|---:|---:|---|\n'
status=0
flags_of() {
  case $1 in
    m4) echo "-mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16" ;;
    m7) echo "-mcpu=cortex-m7 -mthumb -mfloat-abi=hard -mfpu=fpv5-d16 -mfp16-format=ieee" ;;
    m0) echo "-mcpu=cortex-m0 -mthumb -mfloat-abi=soft" ;;
  esac
}
for cpu in m4 m7 m0; do
  flags=$(flags_of $cpu)
  echo 'int main() { for (;;) {} }' > "$out/empty.cpp"
  # shellcheck disable=SC2086
  arm-none-eabi-g++ $flags $common "$out/empty.cpp" -o "$out/empty_$cpu.elf"
  set -- $(arm-none-eabi-size "$out/empty_$cpu.elf" | awk 'NR == 2 { print $1, $2, $3 }')
  base_flash=$(($1 + $2)) base_ram=$(($2 + $3))
  # TRAIN4: the training program with matrices at their natural 4-byte alignment, not 64.
  for what in FORWARD TRAIN TRAIN4 LOAD AMP; do
    elf="$out/firmware_${cpu}_$what.elf"
    case $what in
      TRAIN4) defines="-DCTNN_FIRMWARE_TRAIN -DCTNN_MATRIX_ALIGNMENT=4" ;;
      *) defines="-DCTNN_FIRMWARE_$what" ;;
    esac
    # shellcheck disable=SC2086
    arm-none-eabi-g++ $flags $common $defines -c "$here/firmware.cpp" -o "$elf.o"
    # shellcheck disable=SC2086
    arm-none-eabi-g++ $flags $common "$elf.o" -o "$elf" -Wl,-Map="$elf.map"
    set -- $(arm-none-eabi-size "$elf" | awk 'NR == 2 { print $1, $2, $3 }')
    doubles=$(arm-none-eabi-nm -u "$elf.o" |
              awk '$2 ~ /^__aeabi_[dlf]2d$|^__aeabi_d|df[23]$|^__extendsfdf2$/ { print $2 }' |
              sort -u | tr '\n' ' ')
    # A float network's forward pass and training step use no double on an M4 (single-precision
    # FPU): neither called by the program's code nor linked (the map names what pulled a helper).
    if [ "$cpu" = m4 ] && [ "$what" != LOAD ]; then
      if [ -n "$doubles" ] || grep -q '(__aeabi_d\|(__aeabi_[fil]2d' "$elf.map"; then status=1; fi
    fi
    printf '| Cortex-%s | %s | %d (+%d over an empty main) | %d + %d (+%d) | %s |\n' \
      "$(echo $cpu | tr m M)" "$(echo $what | tr A-Z a-z | sed 's/train4/train, 4-byte alignment/')" $(($1 + $2)) $(($1 + $2 - base_flash)) \
      "$2" "$3" $(($2 + $3 - base_ram)) "${doubles:-none}"
  done
done

# Instructions per sample of the amp program (LSTM-16 -> Linear-1 streamed a sample per call),
# counted under qemu-arm's user mode (-cpu max runs the same Thumb-2 and FPU code): every
# translated block's instructions times its executions, for 110 samples minus 10, over 100.
# With the argument "count" (.ci/run's firmware step), where qemu-arm is installed.
if [ "$count" = count ] && command -v qemu-arm >/dev/null; then
  printf '\n| target | amp model, instructions per sample (qemu-arm) |\n|---|---:|\n'
  for cpu in m4 m7; do
    for n in 10 110; do
      elf="$out/count_${cpu}_$n.elf"
      # shellcheck disable=SC2086
      arm-none-eabi-g++ $(flags_of $cpu) $common -nostartfiles -DCTNN_FIRMWARE_AMP \
        -DCTNN_FIRMWARE_COUNT=$n "$here/firmware.cpp" -o "$elf"
      qemu-arm -cpu max -d in_asm,exec,nochain -D "$elf.log" "$elf"
      awk '/^IN:/ { start = ""; n = 0; next }
           /^0x[0-9a-f]+:/ { if (start == "") start = substr($1, 3, 8); n++; next }
           /^Trace/ { if (start != "" && n) { size[start] = n; start = "" }
                      split($0, f, "/"); total += size[f[2]] }
           END { print total }' "$elf.log" > "$elf.count"
      rm -f "$elf.log"
    done
    printf '| Cortex-%s | %d |\n' "$(echo $cpu | tr m M)" \
      $((($(cat "$out/count_${cpu}_110.elf.count") - $(cat "$out/count_${cpu}_10.elf.count")) / 100))
  done
fi
exit $status
