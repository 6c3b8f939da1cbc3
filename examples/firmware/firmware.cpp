// A firmware-style program for a Cortex-M: no heap, no exceptions, no RTTI, no OS. What it does
// depends on one macro, so that build.sh can print the flash and RAM each capability costs:
//   CTNN_FIRMWARE_FORWARD  a network built at compile time from weights in flash
//                          (ctnn::embedded_network), run on samples from a sensor register
//   CTNN_FIRMWARE_TRAIN    the same network trained on the device: one Adam step per sample
//   CTNN_FIRMWARE_LOAD     weights loaded from a safetensors file in flash (ctnn::load), then run
//   CTNN_FIRMWARE_AMP      an amp model (GuitarML Proteus's: LSTM-16 -> Linear-1, the input added)
//                          streamed one audio sample per call, its h and c kept in RAM
// The weights are tests/fixtures/torch_tanh_mlp (PyTorch's 2-16-1 tanh MLP); the amp model's are
// drawn from a seed at compile time (what it costs does not depend on their values).
// With CTNN_FIRMWARE_COUNT=N as well, the amp program streams N samples and ends with Linux's exit
// system call, so that build.sh can count its instructions per sample under qemu-arm.
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
#elif defined(CTNN_FIRMWARE_AMP)
using Amp = ctnn::Network<ctnn::Input<1, 1>, ctnn::Residual<ctnn::LSTM<16>, ctnn::Linear<1>>>;
constinit Amp amp{ctnn::Seed{1}};
#endif

#if defined(CTNN_FIRMWARE_AMP)
#if defined(CTNN_FIRMWARE_COUNT)
volatile int samples = CTNN_FIRMWARE_COUNT;
// Under qemu-arm's Linux user mode: no C runtime start-up (the loader maps .data and zeroes .bss).
extern "C" [[noreturn]] void _start() {
  for (int i = 0; i < samples; ++i) actuator = amp.stream(ctnn::Vector<float, 1>{{{sensor[0]}}})[0];
  asm volatile("movs r0, #0\n movs r7, #1\n svc 0" ::: "r0", "r7");  // exit(0)
  for (;;) {
  }
}
#else
int main() {
  for (;;) actuator = amp.stream(ctnn::Vector<float, 1>{{{sensor[0]}}})[0];
}
#endif
#else
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
#endif
