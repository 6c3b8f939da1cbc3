// libFuzzer target for ctnn::load: any bytes must give a LoadResult (never a crash, an
// out-of-bounds read or undefined behaviour), and a rejected file must leave the network as it
// was. Built with clang -fsanitize=fuzzer,address,undefined (tests/CMakeLists.txt); the seed
// corpus is tests/fuzz/corpus.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>

#include <ctnn/ctnn.hpp>
#include <ctnn/io/safetensors.hpp>

using Net = ctnn::Network<ctnn::Input<2>, ctnn::Dense<3>, ctnn::Tanh, ctnn::Dense<1>>;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static Net net{ctnn::Seed{1}};
  static const Net before = net;
  const auto result =
      ctnn::load(net, std::span<const std::byte>(reinterpret_cast<const std::byte*>(data), size));
  if (!result.ok() && !(net == before)) std::abort();  // a rejection changed the network
  if (result.ok()) net = before;
  (void)ctnn::to_string(result);
  return 0;
}
