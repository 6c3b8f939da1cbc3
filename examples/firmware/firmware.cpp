// A firmware-style program for a Cortex-M: no heap, no exceptions, no RTTI, no OS. What it does
// depends on one macro, so that build.sh can print the flash and RAM each capability costs:
//   CTNN_FIRMWARE_FORWARD  a network built at compile time from weights in flash
//                          (ctnn::embedded_network), run on samples from a sensor register
//   CTNN_FIRMWARE_TRAIN    the same network trained on the device: one Adam step per sample
//   CTNN_FIRMWARE_LOAD     weights loaded from a safetensors file in flash (ctnn::load), then run
// The weights are tests/fixtures/torch_tanh_mlp (PyTorch's 2-16-1 tanh MLP).
#include <ctnn/ctnn.hpp>
#include <ctnn/io/embedded.hpp>

#include "../../tests/fixtures/torch_tanh_mlp.hpp"

using Net = ctnn::Network<ctnn::Input<2>, ctnn::Dense<16>, ctnn::Tanh, ctnn::Dense<1>>;

// Memory-mapped I/O stands in for a sensor and an actuator: volatile, so nothing is folded away.
volatile float sensor[3];
volatile float actuator;

#if defined(CTNN_FIRMWARE_FORWARD)
constexpr Net net = ctnn::embedded_network<Net>(torch_tanh_mlp::weights);  // in flash (.rodata)
#elif defined(CTNN_FIRMWARE_TRAIN)
constinit Net net = ctnn::embedded_network<Net>(torch_tanh_mlp::weights);  // RAM (.data)
constinit ctnn::Trainer<Net, ctnn::MeanSquaredError, ctnn::Adam<Net>, 1> trainer;
#elif defined(CTNN_FIRMWARE_LOAD)
#include <ctnn/io/safetensors.hpp>
// Where the host wrote the file (a flash sector), read through volatile: nothing is assumed.
const std::byte* volatile weight_file;
volatile std::size_t weight_file_size;
constinit Net net;
#endif

int main() {
#if defined(CTNN_FIRMWARE_LOAD)
  if (!ctnn::load(net, std::span<const std::byte>(weight_file, weight_file_size)).ok()) return 1;
#endif
  for (;;) {
    const ctnn::Vector<float, 2> x{{sensor[0], sensor[1]}};
#if defined(CTNN_FIRMWARE_TRAIN)
    ctnn::Vector<float, 1> target;
    target[0] = sensor[2];
    if (!trainer.step(net, x, target).ok()) return 1;
#endif
    actuator = net.forward(x)[0];
  }
}
