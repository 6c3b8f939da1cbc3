// Train in one program, use the weights in another:
//   weights_round_trip train model.safetensors   trains XOR, saves the weights, prints its outputs
//   weights_round_trip run model.safetensors     loads them into a fresh network, prints outputs
// Built with -fno-exceptions -fno-rtti; no heap in training, saving or loading.
#include <cstddef>
#include <cstdio>
#include <cstring>

#include <ctnn/ctnn.hpp>
#include <ctnn/io/file.hpp>

using Net =
    ctnn::Network<ctnn::Input<2>, ctnn::Dense<8>, ctnn::Tanh, ctnn::Dense<1>, ctnn::Sigmoid>;

static Net net;  // the second program's network starts from the default seed
static ctnn::Trainer<Net, ctnn::BinaryCrossEntropy, ctnn::Adam<Net>, 4> trainer{
    ctnn::AdamOptions{.learning_rate = 0.05}};
static std::byte buffer[ctnn::saved_size<Net>];

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: weights_round_trip train|run FILE\n");
    return 2;
  }
  const ctnn::Matrix<float, 4, 2> x{{{0, 0}, {0, 1}, {1, 0}, {1, 1}}};
  if (std::strcmp(argv[1], "train") == 0) {
    const ctnn::Matrix<float, 4, 1> t{{{0}, {1}, {1}, {0}}};
    net.initialize(ctnn::Seed{3});
    for (int i = 0; i < 400; ++i)
      if (!trainer.step(net, x, t).ok()) return 1;
    if (const auto s = ctnn::save_file(net, argv[2]); s != ctnn::FileStatus::ok) {
      std::fprintf(stderr, "%s: %s\n", argv[2], ctnn::to_string(s));
      return 1;
    }
  } else {
    const ctnn::FileLoadResult r = ctnn::load_file(net, argv[2], buffer);
    if (!r.ok()) {
      std::fprintf(stderr, "%s: %s\n", argv[2],
                   r.file != ctnn::FileStatus::ok ? ctnn::to_string(r.file)
                                                  : ctnn::to_string(r.load).c_str());
      return 1;
    }
  }
  const auto y = net.forward(x);
  std::printf("outputs: %.9g %.9g %.9g %.9g\n", double(y[0]), double(y[1]), double(y[2]),
              double(y[3]));
  return 0;
}
