// libFuzzer target for ctnn::load: any bytes must give a LoadResult (never a crash, an
// out-of-bounds read or undefined behaviour), and a rejected file must leave the network as it
// was. Each input is loaded three ways: plain; with LoadOptions::names and ignore_unknown_tensors
// (the paths that match other names, skip tensors of any dtype and list the unmatched names); and
// into a recurrent network (other sequence lengths, learned state). Built with clang
// -fsanitize=fuzzer,address,undefined (tests/CMakeLists.txt); the seed corpus is tests/fuzz/corpus.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <string_view>

#include <ctnn/ctnn.hpp>
#include <ctnn/io/safetensors.hpp>

using Net = ctnn::Network<ctnn::Input<2>, ctnn::Dense<3>, ctnn::Tanh, ctnn::Dense<1>>;
using Recurrent =
    ctnn::Network<ctnn::Input<4, 1>,
                  ctnn::Residual<ctnn::LSTM<2, ctnn::Tanh, ctnn::LearnedState>, ctnn::Linear<1>>>;

namespace {
template <class N>
void load_checked(N& net, const N& before, std::span<const std::byte> bytes,
                  const ctnn::LoadOptions& options) {
  const auto result = ctnn::load(net, bytes, options);
  if (!result.ok() && !(net == before)) std::abort();  // a rejection changed the network
  if (result.ok()) net = before;
  (void)ctnn::to_string(result);
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static Net net{ctnn::Seed{1}};
  static const Net before = net;
  static Recurrent recurrent{ctnn::Seed{2}};
  static const Recurrent recurrent_before = recurrent;
  const std::span<const std::byte> bytes(reinterpret_cast<const std::byte*>(data), size);
  static constexpr std::string_view names[] = {"fc1.weight", "fc1.bias", "2.weight", "fc2.bias"};
  load_checked(net, before, bytes, {});
  load_checked(net, before, bytes, {.ignore_unknown_tensors = true, .names = names});
  load_checked(recurrent, recurrent_before, bytes, {.ignore_unknown_tensors = true});
  return 0;
}
