# Cross-compiling for 64-bit Arm Linux on a Debian x86-64 host (the aarch64 preset), run under
# QEMU: Debian packages g++-aarch64-linux-gnu and qemu-user.
#   cmake -DCMAKE_TOOLCHAIN_FILE=<ctnn>/cmake/aarch64-linux-gnu.cmake ...
# Plain armv8-a: NEON without the crypto extension (what -mcpu=cortex-a53 or a72 gives); pass
# -mcpu=... in CMAKE_CXX_FLAGS for a particular core. Hana and Highway are header-only, so the
# host's packages serve (found under /usr/include); Catch2's prebuilt main is x86, so ctnn's tests
# build their own when cross-compiling. CTest runs every test program through QEMU.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)
set(CMAKE_CROSSCOMPILING_EMULATOR qemu-aarch64 -L /usr/aarch64-linux-gnu)
# Programs from the host; headers and packages from both (the host's header-only packages).
set(CMAKE_FIND_ROOT_PATH /usr/aarch64-linux-gnu)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE BOTH)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE BOTH)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
