// Recurrent networks against PyTorch 1.13 (tests/fixtures, by examples/pytorch_safetensors.py):
// outputs over 2,000 samples, whole and streamed a frame and a block per call; a stack; a module
// with its own tensor names and a per-frame Linear; five Adam steps of backpropagation through
// time. Gradients against central differences: test_gradients.cpp and the layer laws.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>
#include <ctnn/ctnn.hpp>
#include <ctnn/io/safetensors.hpp>

using namespace ctnn;

namespace {

std::vector<std::byte> read_fixture(const char* name) {
  std::vector<std::byte> bytes;
  std::FILE* f = std::fopen((std::string(CTNN_FIXTURES_DIR) + "/" + name).c_str(), "rb");
  if (f == nullptr) return bytes;
  std::byte buffer[4096];
  for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, f)) > 0;)
    bytes.insert(bytes.end(), buffer, buffer + n);
  std::fclose(f);
  return bytes;
}

// The values of an F32 tensor of a safetensors file, read here with no help from ctnn's parser.
std::vector<float> tensor_values(const std::vector<std::byte>& file, std::string_view name) {
  std::uint64_t n = 0;
  for (int k = 0; k < 8; ++k) n |= std::uint64_t(file[std::size_t(k)]) << (8 * k);
  const std::string header(reinterpret_cast<const char*>(file.data()) + 8, n);
  std::string key(name.size() + 2, '"');
  name.copy(key.data() + 1, name.size());
  const std::size_t at = header.find(key);
  if (at == std::string::npos) return {};
  std::size_t begin = 0, end = 0;
  if (std::sscanf(header.c_str() + header.find("data_offsets", at), "data_offsets\":[%zu,%zu",
                  &begin, &end) != 2)
    return {};
  std::vector<float> values((end - begin) / 4);
  std::memcpy(values.data(), file.data() + 8 + n + begin, end - begin);
  return values;
}

}  // namespace

TEST_CASE("An LSTM from PyTorch gives torch's outputs over 2,000 samples, whole and streamed",
          "[recurrent]") {
  // examples/pytorch_safetensors.py export lstm: nn.LSTM(1, 8) (seed 0) on two sequences of
  // 2,000 samples (a decaying chirp, noise in [-1, 1]); test vectors: torch's h for every frame.
  using Whole = Network<Input<2000, 1>, LSTM<8>>;
  const auto file = read_fixture("torch_lstm.safetensors");
  REQUIRE(!file.empty());
  static Whole whole;
  const LoadResult r = load(whole, file, LoadOptions{.test_tolerance = 1e-5f});
  INFO(to_string(r).c_str());
  REQUIRE(r.ok());
  CHECK(r.tested_samples == 2);  // every output within 1e-5 * max(1, |torch's|)

  const std::vector<float> x = tensor_values(file, "ctnn.test_input");
  const std::vector<float> expected = tensor_values(file, "ctnn.test_output");
  REQUIRE(x.size() == 2 * 2000);
  REQUIRE(expected.size() == 2 * 2000 * 8);

  // The same parameters bound to one frame and to 40 frames per call.
  static Network<Input<1, 1>, LSTM<8>> frame;
  static Network<Input<40, 1>, LSTM<8>> block;
  copy_parameters(whole, frame);
  copy_parameters(whole, block);
  double worst = 0;
  for (std::size_t s = 0; s < 2; ++s) {
    frame.reset();
    block.reset();
    for (std::size_t t = 0; t < 2000; ++t) {
      const auto y = frame.stream(Vector<float, 1>{{{x[s * 2000 + t]}}});
      for (std::size_t k = 0; k < 8; ++k)
        worst = std::max(worst, double(std::abs(y[k] - expected[(s * 2000 + t) * 8 + k])));
    }
    for (std::size_t part = 0; part < 50; ++part) {
      Vector<float, 40> xs;
      for (std::size_t t = 0; t < 40; ++t) xs[t] = x[s * 2000 + part * 40 + t];
      const auto y = block.stream(xs);
      for (std::size_t i = 0; i < 40 * 8; ++i)
        worst = std::max(worst, double(std::abs(y[i] - expected[(s * 2000 + part * 40) * 8 + i])));
    }
  }
  INFO("largest difference from torch, streamed: " << worst);
  CHECK(worst <= 1e-5);
}

TEST_CASE("An amp model with a residual and a learned initial state loads from torch's names",
          "[recurrent]") {
  // export amp: x + lin(rec(x, (h0, c0))), nn.LSTM(1, 8), nn.Linear(8, 1), h0 and c0 parameters
  // (seed 0); 8 sequences of 256 samples in [-2, 2], torch's outputs as the test vectors.
  using Amp = Network<Input<256, 1>, Residual<LSTM<8, Tanh, LearnedState>, Linear<1>>>;
  const auto file = read_fixture("torch_amp.safetensors");
  REQUIRE(!file.empty());
  static constexpr std::string_view names[] = {
      "rec.weight_ih_l0", "rec.weight_hh_l0", "rec.bias_ih_l0", "rec.bias_hh_l0", "h0", "c0",
      "lin.weight",       "lin.bias"};
  static Amp amp;
  const LoadResult r = load(amp, file, LoadOptions{.names = names, .test_tolerance = 1e-5f});
  INFO(to_string(r).c_str());
  REQUIRE(r.ok());
  CHECK(r.tested_samples == 8);
  CHECK(architecture<Amp> == std::string_view{"Input<256, 1> Residual(LSTM<8> Linear<1>)"});
  const std::vector<float> h0 = tensor_values(file, "h0");
  REQUIRE(h0.size() == 8);
  CHECK(amp.layer<1>().branch.layer<1>().initial_hidden[3] == h0[3]);

  // ctnn's own names for the same tensors: nn.Sequential's, one level down.
  std::vector<std::string> seen;
  for_each_parameter(amp, [&](std::size_t, std::string_view, std::string_view name, const auto&) {
    seen.emplace_back(name);
  });
  CHECK(seen == std::vector<std::string>{"0.weight_ih_l0", "0.weight_hh_l0", "0.bias_ih_l0",
                                         "0.bias_hh_l0", "0.initial_hidden", "0.initial_cell",
                                         "1.weight", "1.bias"});

  // Streamed a sample per call, each sequence from reset(): the stream starts at h0 and c0.
  const std::vector<float> x = tensor_values(file, "ctnn.test_input");
  const std::vector<float> expected = tensor_values(file, "ctnn.test_output");
  REQUIRE(x.size() == 8 * 256);
  static Network<Input<1, 1>, Residual<LSTM<8, Tanh, LearnedState>, Linear<1>>> plugin;
  copy_parameters(amp, plugin);
  double worst = 0;
  for (std::size_t s = 0; s < 8; ++s) {
    plugin.reset();
    for (std::size_t t = 0; t < 256; ++t) {
      const auto y = plugin.stream(Vector<float, 1>{{{x[s * 256 + t]}}});
      worst = std::max(worst, double(std::abs(y[0] - expected[s * 256 + t])));
    }
  }
  INFO("largest difference from torch, streamed: " << worst);
  CHECK(worst <= 1e-5);

  // A network without the learned state: the file's h0 and c0 are unknown to it; skipping them,
  // the test vectors reject its outputs (its first frames start from zero).
  static Network<Input<256, 1>, Residual<LSTM<8>, Linear<1>>> zero_state;
  static constexpr std::string_view six[] = {"rec.weight_ih_l0", "rec.weight_hh_l0",
                                             "rec.bias_ih_l0",   "rec.bias_hh_l0",
                                             "lin.weight",       "lin.bias"};
  CHECK(load(zero_state, file, LoadOptions{.names = six}).status == LoadStatus::unknown_tensor);
  CHECK(load(zero_state, file, LoadOptions{.ignore_unknown_tensors = true, .names = six}).status ==
        LoadStatus::test_vectors_differ);
}

TEST_CASE("The fast cells stay within their stated error of the exact ones over 2,000 samples",
          "[recurrent]") {
  // FastTanh (2.9e-7) and the sigmoid through it (1.5e-7) in every gate; the recurrence carries
  // the differences along, so the bound on h is looser than the functions'.
  const auto file = read_fixture("torch_lstm.safetensors");
  static Network<Input<2000, 1>, LSTM<8>> exact;
  static Network<Input<2000, 1>, LSTM<8, FastTanh>> fast;
  static Network<Input<2000, 1>, GRU<8>> exact_gru{Seed{4}};
  static Network<Input<2000, 1>, GRU<8, FastTanh>> fast_gru;
  REQUIRE(load(exact, file).ok());
  copy_parameters(exact, fast);
  copy_parameters(exact_gru, fast_gru);
  const std::vector<float> x = tensor_values(file, "ctnn.test_input");
  REQUIRE(x.size() == 4000);
  Matrix<float, 2, 2000> batch;
  for (std::size_t i = 0; i < batch.size; ++i) batch[i] = x[i];
  const auto a = exact.forward(batch), b = fast.forward(batch);
  const auto c = exact_gru.forward(batch), d = fast_gru.forward(batch);
  double lstm = 0, gru = 0;
  for (std::size_t i = 0; i < a.size; ++i) lstm = std::max(lstm, double(std::abs(a[i] - b[i])));
  for (std::size_t i = 0; i < c.size; ++i) gru = std::max(gru, double(std::abs(c[i] - d[i])));
  INFO("largest difference of h, fast against exact: LSTM " << lstm << ", GRU " << gru);
  CHECK(lstm <= 1e-6);
  CHECK(gru <= 1e-6);
  CHECK(lstm > 0);  // the fast cell is another computation
}

TEST_CASE("Stacked GRUs from PyTorch, and an LSTM module with torch's own names, load and match",
          "[recurrent]") {
  // export gru_stack: nn.Sequential(GRU(2, 6), GRU(6, 4), LastFrame(), Linear(4, 3)), 8 samples.
  const auto stack = read_fixture("torch_gru_stack.safetensors");
  static Network<Input<12, 2>, GRU<6>, GRU<4>, LastFrame, Dense<3>> gru;
  const LoadResult r = load(gru, stack, LoadOptions{.test_tolerance = 1e-5f});
  INFO(to_string(r).c_str());
  REQUIRE(r.ok());
  CHECK(r.tested_samples == 8);

  // export rec_lin: rec = nn.LSTM(1, 8, num_layers=2), lin = nn.Linear(8, 1) on every frame.
  const auto module = read_fixture("torch_rec_lin.safetensors");
  using RecLin = Network<Input<64, 1>, LSTM<8>, LSTM<8>, Linear<1>>;
  static RecLin rec_lin;
  static constexpr std::string_view names[] = {
      "rec.weight_ih_l0", "rec.weight_hh_l0", "rec.bias_ih_l0", "rec.bias_hh_l0",
      "rec.weight_ih_l1", "rec.weight_hh_l1", "rec.bias_ih_l1", "rec.bias_hh_l1",
      "lin.weight",       "lin.bias"};
  const LoadResult m = load(rec_lin, module, LoadOptions{.names = names, .test_tolerance = 1e-5f});
  INFO(to_string(m).c_str());
  REQUIRE(m.ok());
  CHECK(m.tested_samples == 8);
  CHECK(architecture<RecLin> == std::string_view{"Input<64, 1> LSTM<8> LSTM<8> Linear<1>"});

  // The layers' names in ctnn's own files: nn.Sequential's, with torch's per-layer names.
  std::vector<std::string> seen;
  for_each_parameter(rec_lin,
                     [&](std::size_t layer, std::string_view, std::string_view name, const auto&) {
                       std::string entry = std::to_string(layer);
                       entry += ':';
                       entry += name;
                       seen.push_back(entry);
                     });
  CHECK(seen == std::vector<std::string>{"1:weight_ih_l0", "1:weight_hh_l0", "1:bias_ih_l0",
                                         "1:bias_hh_l0", "2:weight_ih_l0", "2:weight_hh_l0",
                                         "2:bias_ih_l0", "2:bias_hh_l0", "3:weight", "3:bias"});

  // A gate block in another order (i and f swapped in weight_ih_l0) fits every shape; the test
  // vectors catch it and the network is untouched.
  auto swapped = module;
  std::uint64_t n = 0;
  for (int k = 0; k < 8; ++k) n |= std::uint64_t(swapped[std::size_t(k)]) << (8 * k);
  std::byte* w = swapped.data() + 8 + n;  // rec.weight_ih_l0 is the first tensor: [32, 1]
  std::byte gate_i[32];
  std::memcpy(gate_i, w, 32);
  std::memcpy(w, w + 32, 32);
  std::memcpy(w + 32, gate_i, 32);
  const RecLin before = rec_lin;
  const LoadResult bad = load(rec_lin, swapped, LoadOptions{.names = names});
  CHECK(bad.status == LoadStatus::test_vectors_differ);
  CHECK(rec_lin == before);
}

namespace {
// The batch of examples/pytorch_safetensors.py train: exact in float.
template <std::size_t Time, std::size_t Channels>
Matrix<float, 4, Time * Channels> training_batch() {
  Matrix<float, 4, Time * Channels> x;
  for (std::size_t b = 0; b < 4; ++b)
    for (std::size_t t = 0; t < Time; ++t)
      for (std::size_t c = 0; c < Channels; ++c)
        x(b, t * Channels + c) = float(int((5 * b + 3 * t + 7 * c) % 11) - 5) / 8;
  return x;
}
Matrix<float, 4, 1> training_target() {
  Matrix<float, 4, 1> t;
  for (std::size_t b = 0; b < 4; ++b) t(b, 0) = float(int(b % 3) - 1) / 2;
  return t;
}

// Loads INITIAL into a float and a double network, takes five Adam steps (lr 0.01, MSE) on the
// batch, and compares every parameter with TRAINED's (torch, float, after the same steps).
// Double: every parameter within 1e-5 relative (a floor of 1e-2): the formulas are torch's. Float:
// at least 98% of them within 1e-5, every one within 1e-4. Where a gradient is near zero, Adam's
// step m / (sqrt(v) + eps) is about its sign and float round-off moves it: a parameter whose
// first gradient was 1.2e-8 ended 9e-5 from torch's (torch's float run itself 6e-6 from the double
// one); aarch64's order of sums gave 1.07e-5 for another.
template <class T, class Net, std::size_t Time, std::size_t Channels>
std::vector<T> trained_parameters(const std::vector<std::byte>& file) {
  static Net net;
  const LoadResult r = load(net, file, LoadOptions{.test_tolerance = 1e-5f});
  INFO(to_string(r).c_str());
  REQUIRE(r.ok());
  Matrix<T, 4, Time * Channels> x;
  const auto xf = training_batch<Time, Channels>();
  for (std::size_t i = 0; i < x.size; ++i) x[i] = T(xf[i]);
  Matrix<T, 4, 1> t;
  for (std::size_t i = 0; i < 4; ++i) t[i] = T(training_target()[i]);
  static Trainer<Net, MeanSquaredError, Adam<Net>, 4> trainer{AdamOptions{.learning_rate = 0.01}};
  for (int step = 0; step < 5; ++step) REQUIRE(trainer.step(net, x, t).ok());
  std::vector<T> values;
  for_each_parameter(std::as_const(net),
                     [&](std::size_t, std::string_view, std::string_view, const auto& tensor) {
                       for (std::size_t i = 0; i < tensor.size; ++i) values.push_back(tensor[i]);
                     });
  return values;
}

template <class NetF, class NetD, std::size_t Time, std::size_t Channels>
void check_training_against_torch(const char* initial, const char* trained) {
  const auto start = read_fixture(initial);
  static NetF torch_net;
  const LoadResult r = load(torch_net, read_fixture(trained), LoadOptions{.test_tolerance = 1e-5f});
  INFO(to_string(r).c_str());
  REQUIRE(r.ok());
  std::vector<float> torch_values;
  for_each_parameter(std::as_const(torch_net),
                     [&](std::size_t, std::string_view, std::string_view, const auto& tensor) {
                       for (std::size_t i = 0; i < tensor.size; ++i)
                         torch_values.push_back(tensor[i]);
                     });
  const auto in_float = trained_parameters<float, NetF, Time, Channels>(start);
  const auto in_double = trained_parameters<double, NetD, Time, Channels>(start);
  REQUIRE(torch_values.size() == NetF::parameter_count);
  REQUIRE(in_float.size() == NetF::parameter_count);
  double worst_double = 0, worst_float = 0;
  std::size_t beyond_1e5 = 0;
  for (std::size_t i = 0; i < torch_values.size(); ++i) {
    const double theirs = torch_values[i], scale = std::max(std::abs(theirs), 1e-2);
    worst_double = std::max(worst_double, std::abs(in_double[i] - theirs) / scale);
    const double difference = std::abs(double(in_float[i]) - theirs) / scale;
    worst_float = std::max(worst_float, difference);
    if (difference > 1e-5) ++beyond_1e5;
  }
  INFO("after 5 Adam steps, largest relative difference from torch: double "
       << worst_double << ", float " << worst_float << "; " << beyond_1e5 << " of "
       << NetF::parameter_count << " float parameters beyond 1e-5");
  CHECK(worst_double <= 1e-5);
  CHECK(worst_float <= 1e-4);
  CHECK(beyond_1e5 * 50 <= NetF::parameter_count);
}
}  // namespace

TEST_CASE("Five Adam steps of backpropagation through time give torch's parameters",
          "[recurrent][training]") {
  SECTION("LSTM(1, 8), last frame, Linear(8, 1)") {
    check_training_against_torch<Network<Input<32, 1>, LSTM<8>, LastFrame, Dense<1>>,
                                 BasicNetwork<double, Input<32, 1>, LSTM<8>, LastFrame, Dense<1>>,
                                 32, 1>("torch_lstm_train_initial.safetensors",
                                        "torch_lstm_train_after.safetensors");
  }
  SECTION("GRU(2, 6), GRU(6, 5), last frame, Linear(5, 1)") {
    check_training_against_torch<
        Network<Input<32, 2>, GRU<6>, GRU<5>, LastFrame, Dense<1>>,
        BasicNetwork<double, Input<32, 2>, GRU<6>, GRU<5>, LastFrame, Dense<1>>, 32, 2>(
        "torch_gru_train_initial.safetensors", "torch_gru_train_after.safetensors");
  }
}

TEST_CASE("CarriedState: consecutive training windows continue the sequence, gradients truncated",
          "[recurrent]") {
  // Three windows of 6 frames through a workspace equal the first 18 frames of one sequence.
  using Window = BasicNetwork<double, Input<6, 1>, LSTM<4, Tanh, CarriedState>,
                              GRU<3, Tanh, CarriedState>, Linear<1>>;
  using Whole = BasicNetwork<double, Input<18, 1>, LSTM<4>, GRU<3>, Linear<1>>;
  using Fresh = BasicNetwork<double, Input<6, 1>, LSTM<4>, GRU<3>, Linear<1>>;
  static Window window{Seed{5}};
  static Whole whole;
  static Fresh fresh;
  copy_parameters(window, whole);
  copy_parameters(window, fresh);
  Matrix<double, 2, 18> x;
  for (std::size_t i = 0; i < x.size; ++i) x[i] = std::sin(0.7 * double(i)) + 0.1 * double(i % 5);
  const auto expected = whole.forward(x);
  static Workspace<Window, 2> ws;
  double worst = 0;
  for (std::size_t k = 0; k < 3; ++k) {
    Matrix<double, 2, 6> part;
    for (std::size_t b = 0; b < 2; ++b)
      for (std::size_t t = 0; t < 6; ++t) part(b, t) = x(b, 6 * k + t);
    const auto& y = window.forward(part, ws);
    for (std::size_t b = 0; b < 2; ++b)
      for (std::size_t t = 0; t < 6; ++t)
        worst = std::max(worst, std::abs(y(b, t) - expected(b, 6 * k + t)));
  }
  CHECK(worst <= 1e-12);
  // After reset_states() a window starts from zero; inference always does. A Trainer's workspace
  // is reset the same way.
  static Trainer<Window, MeanSquaredError, Adam<Window>, 2> trainer;
  trainer.reset_states();
  ws.reset_states();
  Matrix<double, 2, 6> last;
  for (std::size_t b = 0; b < 2; ++b)
    for (std::size_t t = 0; t < 6; ++t) last(b, t) = x(b, 12 + t);
  const auto from_zero = fresh.forward(last);
  CHECK(window.forward(last, ws) == from_zero);
  CHECK(window.forward(last) == from_zero);

  // The second window's gradients are those of the same network started from the carried state
  // as a constant: a LearnedState network (checked against finite differences) whose initial
  // state is set to it. No gradient flows back into the first window.
  using Carried = BasicNetwork<double, Input<6, 1>, LSTM<4, Tanh, CarriedState>, Linear<1>>;
  using Started = BasicNetwork<double, Input<6, 1>, LSTM<4, Tanh, LearnedState>, Linear<1>>;
  static Carried carried{Seed{6}};
  static Started started;
  using Base = RecurrentParameters<double, 1, 4, 4>;
  static_cast<Base&>(started.layer<1>().parameters()) = carried.layer<1>().parameters();
  started.layer<2>().parameters() = carried.layer<2>().parameters();
  Matrix<double, 1, 6> x1, x2, t1, t2;
  for (std::size_t t = 0; t < 6; ++t) {
    x1[t] = std::cos(0.9 * double(t));
    x2[t] = std::sin(1.3 * double(t)) - 0.2;
    t1[t] = 0.1 * double(t);
    t2[t] = -0.05 * double(t);
  }
  static Workspace<Carried, 1> carried_ws;
  static Workspace<Started, 1> started_ws;
  static Gradients<Carried> carried_g;
  static Gradients<Started> started_g;
  compute_gradients<MeanSquaredError>(carried, x1, t1, carried_ws, carried_g);
  const auto end_of_first = carried_ws.cache<1>().rows[0];
  CHECK(end_of_first.h[0] != 0.0);
  started.layer<1>().initial_hidden = end_of_first.h;
  started.layer<1>().initial_cell = end_of_first.c;
  const double c2 = compute_gradients<MeanSquaredError>(carried, x2, t2, carried_ws, carried_g);
  const double s2 = compute_gradients<MeanSquaredError>(started, x2, t2, started_ws, started_g);
  CHECK(c2 == Approx(s2).epsilon(1e-12));
  const Base& cg = carried_g.layer<1>();
  const Base& sg = started_g.layer<1>();
  CHECK(cg.tensors() == sg.tensors());
  CHECK(carried_g.layer<2>().tensors() == started_g.layer<2>().tensors());
}

TEST_CASE("A file saved from training windows loads into the streaming network of the same layers",
          "[recurrent]") {
  using Train = Network<Input<32, 1>, Residual<LSTM<8, Tanh, LearnedState>, Linear<1>>>;
  using Stream = Network<Input<1, 1>, Residual<LSTM<8, Tanh, LearnedState>, Linear<1>>>;
  static Train trained{Seed{9}};
  for_each_parameter(trained, [](std::size_t, std::string_view, std::string_view, auto& t) {
    for (std::size_t i = 0; i < t.size; ++i) t[i] += 0.01f * float(i % 7);  // h0, c0 not zero
  });
  Matrix<float, 2, 32> inputs;
  for (std::size_t i = 0; i < inputs.size; ++i) inputs[i] = std::sin(0.3f * float(i));
  static std::array<std::byte, saved_size<Train, 2>> file{};
  REQUIRE(save(trained, file, inputs));

  // The file names "Input<32, 1> ..."; the streaming network is "Input<1, 1> ...": the same
  // tensors. Its test vectors (sequences of 32) cannot run on it and are reported not run.
  static Stream plugin;
  const LoadResult r = load(plugin, file);
  INFO(to_string(r).c_str());
  REQUIRE(r.ok());
  CHECK(r.other_sequence_length);
  CHECK(r.tested_samples == 0);
  CHECK(r.found_architecture() == std::string_view{"Input<32, 1> Residual(LSTM<8> Linear<1>)"});
  const auto whole = trained.forward(inputs);
  double worst = 0;
  for (std::size_t b = 0; b < 2; ++b) {
    plugin.reset();
    for (std::size_t t = 0; t < 32; ++t)
      worst = std::max(worst, double(std::abs(plugin.stream(Vector<float, 1>{{{inputs(b, t)}}})[0] -
                                              whole(b, t))));
  }
  CHECK(worst <= 1e-6);

  // Another channel count is another architecture; a layer whose parameters depend on the length
  // (Dense after Flatten) is caught by its tensor's shape. Both leave the network untouched.
  const Stream before = plugin;
  static Network<Input<1, 2>, Residual<LSTM<8, Tanh, LearnedState>, Linear<2>>> two_channels;
  CHECK(load(two_channels, file).status == LoadStatus::architecture_mismatch);
  using Flat = Network<Input<6, 2>, Conv1D<3, 2>, Flatten, Dense<1>>;
  static Flat flat;
  static std::array<std::byte, saved_size<Flat>> flat_file{};
  REQUIRE(save(flat, flat_file));
  static Network<Input<5, 2>, Conv1D<3, 2>, Flatten, Dense<1>> shorter;
  const LoadResult s = load(shorter, flat_file);
  CHECK(s.status == LoadStatus::wrong_shape);
  CHECK(plugin == before);
}
