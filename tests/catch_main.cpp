// Catch2's main, compiled for cross builds (Debian's prebuilt libCatch2WithMain.a is x86 only).
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
