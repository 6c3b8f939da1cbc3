// Zero heap allocation in the forward pass (and, as they land, backward and optimizer steps),
// proven with a counter that replaces every global allocation function.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdlib>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "allocation_counter.hpp"
#include "ctnn/expression.hpp"
#include "ctnn/io/safetensors.hpp"
#include "ctnn/layers/conv1d.hpp"
#include "ctnn/layers/dense.hpp"
#include "ctnn/layers/recurrent.hpp"
#include "ctnn/layers/residual.hpp"
#include "ctnn/train.hpp"

using namespace ctnn;

namespace {
template <class P>
void escape(P p) {
  asm volatile("" : : "r"(p) : "memory");  // the optimizer may not delete a new/delete pair
}
}  // namespace

TEST_CASE("The allocation counter counts every kind of allocation", "[no-heap]") {
  std::size_t news = 0, mallocs = 0, vectors = 0, aligned = 0;
  {
    alloc::Scope scope;
    auto* p = new int(3);
    escape(p);
    delete p;
    news = alloc::count();
  }
  {
    alloc::Scope scope;
    void* p = std::malloc(16);
    escape(p);
    std::free(p);
    mallocs = alloc::count();
  }
  {
    alloc::Scope scope;
    std::vector<double> v(100);
    escape(v.data());
    vectors = alloc::count();
  }
  {
    alloc::Scope scope;
    struct alignas(128) Wide {
      char c[128];
    };
    auto w = std::make_unique<Wide>();
    escape(w.get());
    aligned = alloc::count();
  }
  CHECK(news == 1);
  CHECK(mallocs == 1);
  CHECK(vectors == 1);
  CHECK(aligned == 1);
}

TEST_CASE("Forward passes allocate nothing", "[no-heap]") {
  using Net = Network<Input<64>, Dense<128>, ReLU, Dense<128>, Tanh, Dense<10>, Softmax>;
  static Net net{Seed{5}};
  static Workspace<Net, 32> ws;
  static InferenceWorkspace<Net, 32> inference_ws;
  Matrix<float, 32, 64> x = Matrix<float, 32, 64>::filled(0.25f);
  std::size_t inference = 0, training = 0, single = 0, into_workspace = 0;
  float sink = 0;
  {
    alloc::Scope scope;
    const auto y = net.forward(x);
    sink += y(0, 0);
    inference = alloc::count();
  }
  {
    alloc::Scope scope;
    sink += net.forward(x, inference_ws)(2, 2);
    into_workspace = alloc::count();
  }
  {
    alloc::Scope scope;
    sink += net.forward(x, ws)(1, 1);
    training = alloc::count();
  }
  {
    alloc::Scope scope;
    sink += net.forward(Vector<float, 64>::filled(1.0f))(0, 2);
    single = alloc::count();
  }
  CHECK(inference == 0);
  CHECK(into_workspace == 0);
  CHECK(training == 0);
  CHECK(single == 0);
  CHECK(sink > 0);
}

template <class Optimizer>
std::size_t allocations_in_training_steps() {
  using Net = typename Optimizer::network_type;
  static Net net{Seed{6}};
  static Trainer<Net, CrossEntropy, Optimizer, 16> trainer;
  static Matrix<float, 16, 64> x = Matrix<float, 16, 64>::filled(0.5f);
  static ClassLabels<16, 10> labels{{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5}};
  float sink = 0;
  std::size_t n = 0;
  {
    alloc::Scope scope;
    for (int i = 0; i < 3; ++i) sink += trainer.step(net, x, labels).loss;
    n = alloc::count();
  }
  escape(&sink);
  return n;
}

TEST_CASE("Training steps allocate nothing, with every optimizer", "[no-heap]") {
  using Net = Network<Input<64>, Dense<32>, ReLU, Dense<10>, Softmax>;
  CHECK(allocations_in_training_steps<GradientDescent<Net>>() == 0);
  CHECK(allocations_in_training_steps<Momentum<Net>>() == 0);
  CHECK(allocations_in_training_steps<RMSProp<Net>>() == 0);
  CHECK(allocations_in_training_steps<Adam<Net>>() == 0);
}

TEST_CASE("Backward pass and optimizer step alone allocate nothing", "[no-heap]") {
  using Net = Network<Input<8>, Dense<16>, Tanh, Dense<16>, Tanh, Dense<1>>;
  static Net net;
  static Workspace<Net, 32> ws;
  static Gradients<Net> g;
  static Adam<Net> adam;
  const auto x = Matrix<float, 32, 8>::filled(0.1f);
  net.forward(x, ws);
  ws.gradient<Net::depth>() = Matrix<float, 32, 1>::filled(0.01f);
  std::size_t n = 0;
  {
    alloc::Scope scope;
    net.backward(ws, g);
    adam.step(net, g);
    n = alloc::count();
  }
  CHECK(n == 0);
  CHECK(g.layer<1>().weights(0, 0) != 0.0f);
}

TEST_CASE("The scalar expression graph allocates nothing", "[no-heap]") {
  const ctnn::expr::Var<0> a{};
  const ctnn::expr::Var<1> b{};
  const auto e =
      ctnn::expr::sigmoid(ctnn::expr::sum(a * b, ctnn::expr::max(a, b), ctnn::expr::log(a)) / b);
  double sink = 0;
  std::size_t n = 0;
  {
    alloc::Scope scope;
    const auto g = ctnn::gradient(e, 2.0, 3.0);
    sink = g.value + g.partial[0] + g.partial[1];
    n = alloc::count();
  }
  CHECK(n == 0);
  CHECK(sink != 0);
}

TEST_CASE("Saving and loading weights allocate nothing", "[no-heap]") {
  using Net = Network<Input<8, 2>, Conv1D<3, 2>, ReLU, Flatten, Dense<4>, Softmax>;
  static Net source{Seed{1}}, target{Seed{2}};
  static std::byte file[saved_size<Net>];
  static std::byte truncated[saved_size<Net> - 3];
  bool saved = false;
  LoadResult loaded, refused;
  std::size_t count = 0;
  {
    alloc::Scope scope;
    saved = save(source, file);
    loaded = load(target, file);
    std::copy(file, file + sizeof truncated, truncated);
    refused = load(target, truncated);
    count = alloc::count();
  }
  CHECK(saved);
  CHECK(loaded.ok());
  CHECK(refused.status == LoadStatus::buffer_not_covered);
  CHECK(target == source);
  CHECK(count == 0);
}

TEST_CASE("Saving and loading weights with test vectors allocate nothing", "[no-heap]") {
  using Net = Network<Input<8, 2>, Conv1D<3, 2>, ReLU, Flatten, Dense<4>, Softmax>;
  static Net source{Seed{3}}, target{Seed{4}}, scratch;
  static std::byte file[saved_size<Net, 5>];
  const auto x = Matrix<float, 5, 16>::filled(0.75f);
  bool saved = false;
  LoadResult on_stack_copy, on_scratch;
  std::size_t count = 0;
  {
    alloc::Scope scope;
    saved = save(source, file, x);
    on_stack_copy = load(target, file);
    on_scratch = load(target, file, scratch);
    count = alloc::count();
  }
  CHECK(saved);
  CHECK(on_stack_copy.tested_samples == 5);
  CHECK(on_scratch.tested_samples == 5);
  CHECK(target == source);
  CHECK(count == 0);
}

TEST_CASE(
    "Saving and loading with a module's names, and rejections listing names, allocate nothing",
    "[no-heap]") {
  using Net = Network<Input<4>, Dense<8>, ReLU, Dense<2>>;
  static Net source{Seed{5}}, target{Seed{6}};
  static constexpr std::string_view names[] = {"fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"};
  static std::byte file[1024];
  const auto x = Matrix<float, 2, 4>::filled(0.5f);
  bool saved = false;
  LoadResult named, unnamed;
  std::size_t count = 0;
  {
    alloc::Scope scope;
    saved = save(source, file, x, names);
    const std::size_t size = saved_size_named<Net, 2>(names);
    named = load(target, std::span<const std::byte>(file, size), LoadOptions{.names = names});
    unnamed = load(target, std::span<const std::byte>(file, size));  // missing: lists both sides
    (void)to_string(unnamed);
    count = alloc::count();
  }
  CHECK(saved);
  CHECK(named.tested_samples == 2);
  CHECK(unnamed.status == LoadStatus::missing_tensor);
  CHECK(target == source);
  CHECK(count == 0);
}

// The input added to LSTM (from a learned state) -> GRU -> Linear: the combinator's workspace and
// its branch's walks are on the same footing as the layers'.
TEST_CASE("Recurrent networks allocate nothing: forward, stream, training steps", "[no-heap]") {
  using Window = Network<Input<32, 1>, Residual<LSTM<16, Tanh, LearnedState>, GRU<8>, Linear<1>>>;
  using Frame = Network<Input<1, 1>, Residual<LSTM<16, Tanh, LearnedState>, GRU<8>, Linear<1>>>;
  using Block = Network<Input<64, 1>, Residual<LSTM<16, Tanh, LearnedState>, GRU<8>, Linear<1>>>;
  static Window window{Seed{2}};
  static Frame frame;
  static Block block;
  static Trainer<Window, MeanSquaredError, Adam<Window>, 4> trainer;
  copy_parameters(window, frame);
  copy_parameters(window, block);
  const auto x = Matrix<float, 4, 32>::filled(0.25f);
  const auto t = Matrix<float, 4, 32>::filled(0.1f);
  float sink = 0;
  std::size_t forward = 0, streamed = 0, blocks = 0, training = 0;
  {
    alloc::Scope scope;
    sink += window.forward(x)(3, 31);
    forward = alloc::count();
  }
  {
    alloc::Scope scope;
    for (int i = 0; i < 256; ++i) sink += frame.stream(Vector<float, 1>::filled(0.5f))[0];
    streamed = alloc::count();
  }
  {
    alloc::Scope scope;
    for (int i = 0; i < 4; ++i) sink += block.stream(Vector<float, 64>::filled(0.5f))[63];
    blocks = alloc::count();
  }
  {
    alloc::Scope scope;
    for (int i = 0; i < 3; ++i) sink += trainer.step(window, x, t).loss;
    training = alloc::count();
  }
  CHECK(forward == 0);
  CHECK(streamed == 0);
  CHECK(blocks == 0);
  CHECK(training == 0);
  CHECK(sink != 0);
}

#if defined(CTNN_TEST_SECCOMP)
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>

// As audio hosts check a real-time callback, but enforced by the kernel: a child process enters
// seccomp's strict mode (only read, write, _exit and sigreturn are allowed; any other system call
// kills it), then streams one second of audio at 48 kHz through a recurrent model one sample per
// call and in blocks of 64. An allocation that reaches the system (mmap, brk), a contended lock
// (futex), a clock or file read, an exception's unwinding tables: any of them kills the child.
TEST_CASE("stream() makes no system call: a child in seccomp strict mode streams one second",
          "[no-heap][real-time]") {
  using Frame = Network<Input<1, 1>, Residual<LSTM<16, Tanh, LearnedState>, GRU<8>, Linear<1>>>;
  using Block = Network<Input<64, 1>, Residual<LSTM<16, Tanh, LearnedState>, GRU<8>, Linear<1>>>;
  static Frame frame{Seed{4}};
  static Block block;
  copy_parameters(frame, block);
  const pid_t child = fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_STRICT) != 0) syscall(SYS_exit, 3);
    float sink = 0;
    for (int i = 0; i < 48000; ++i) sink += frame.stream(Vector<float, 1>::filled(0.25f))[0];
    for (int i = 0; i < 750; ++i) sink += block.stream(Vector<float, 64>::filled(0.25f))[63];
    syscall(SYS_exit, sink == sink ? 0 : 2);  // exit_group is not allowed in strict mode
  }
  int status = 0;
  REQUIRE(waitpid(child, &status, 0) == child);
  INFO("child status " << status << (WIFSIGNALED(status) ? " (killed by a signal)" : ""));
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);

  // The check itself: a call that makes a system call is killed.
  const pid_t bad = fork();
  REQUIRE(bad >= 0);
  if (bad == 0) {
    if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_STRICT) != 0) syscall(SYS_exit, 3);
    (void)getpid();  // not allowed
    syscall(SYS_exit, 0);
  }
  REQUIRE(waitpid(bad, &status, 0) == bad);
  CHECK(WIFSIGNALED(status));
  CHECK(WTERMSIG(status) == SIGKILL);
}
#endif
