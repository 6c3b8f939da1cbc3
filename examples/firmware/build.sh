#!/bin/sh
# Builds examples/firmware/firmware.cpp for Cortex-M4 (single-precision FPU) and Cortex-M0 (no
# FPU) with arm-none-eabi-g++ and prints flash and RAM per capability, and the soft-float double
# helpers (__aeabi_d*, __*df*) that the program's own code calls (undefined symbols of its object
# file: what ctnn's code calls, not what else libgcc's objects bring along). Exits 1 when the
# Cortex-M4 (single-precision FPU) forward or training program calls or links any.
#   sh examples/firmware/build.sh [OUT_DIR]
# Needs Debian's gcc-arm-none-eabi libnewlib-arm-none-eabi libstdc++-arm-none-eabi-newlib
# (about 2.5 GB: not part of the test command). Only boost/ and hwy/ are put on the include path.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out=${1:-/tmp/ctnn_firmware}
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
for cpu in m4 m0; do
  case $cpu in
    m4) flags="-mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16" ;;
    m0) flags="-mcpu=cortex-m0 -mthumb -mfloat-abi=soft" ;;
  esac
  echo 'int main() { for (;;) {} }' > "$out/empty.cpp"
  # shellcheck disable=SC2086
  arm-none-eabi-g++ $flags $common "$out/empty.cpp" -o "$out/empty_$cpu.elf"
  set -- $(arm-none-eabi-size "$out/empty_$cpu.elf" | awk 'NR == 2 { print $1, $2, $3 }')
  base_flash=$(($1 + $2)) base_ram=$(($2 + $3))
  # TRAIN4: the training program with matrices at their natural 4-byte alignment, not 64.
  for what in FORWARD TRAIN TRAIN4 LOAD; do
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
exit $status
