// Footprint at compile time: a keyword-spotting-sized classifier trained on the device must fit in
// the 64 KiB of RAM left to it (say, a Cortex-M4 with 128 KiB, half of it for the application).
// Every byte is a constant, so a network that grows past the budget stops the build.
#include <cstddef>
#include <cstdio>

#include <ctnn/ctnn.hpp>

using Net = ctnn::Network<ctnn::Input<40>, ctnn::Dense<32>, ctnn::ReLU, ctnn::Dense<32>, ctnn::ReLU,
                          ctnn::Dense<8>, ctnn::Softmax>;
constexpr std::size_t batch = 8;
using Trainer = ctnn::Trainer<Net, ctnn::CrossEntropy, ctnn::Adam<Net>, batch>;

constexpr std::size_t ram_budget = 64 * 1024;
constexpr std::size_t inference_bytes = Net::parameter_bytes;
constexpr std::size_t training_bytes = Net::parameter_bytes + Trainer::bytes;

static_assert(inference_bytes <= ram_budget, "the network's parameters do not fit the RAM budget");
static_assert(training_bytes <= ram_budget, "training state does not fit the RAM budget");

int main() {
  std::printf("parameters      %6zu scalars, %6zu bytes\n", Net::parameter_count,
              Net::parameter_bytes);
  std::printf("workspace (B=%zu) %6zu bytes\n", batch, ctnn::Workspace<Net, batch>::bytes);
  std::printf("gradients       %6zu bytes\n", ctnn::Gradients<Net>::bytes);
  std::printf("Adam state      %6zu bytes\n", ctnn::Adam<Net>::state_bytes);
  std::printf("training total  %6zu bytes of a %zu-byte budget (static_assert'ed)\n",
              training_bytes, ram_budget);
}
