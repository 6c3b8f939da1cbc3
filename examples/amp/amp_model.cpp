// An amp model as guitar-plugin developers train them (GuitarML Proteus, Neural Amp Modeler's LSTM
// presets): an LSTM over the audio, a Linear map of every frame, the input added to the output.
// Trained in ctnn by truncated backpropagation through time on a pair of WAV files made by sox
// (examples/amp/make_pair.sh), then run the way a plugin runs it: streamed in blocks of 64 samples.
//
//   amp_model <directory with input.wav and target.wav> [epochs]
//
// Prints the ESR (error-to-signal ratio, sum (y - t)^2 / sum t^2: the field's metric) on the last
// 15% of the audio, held out, after every epoch; streams the whole input through the trained model
// and reports the real-time factor; writes output.wav, training.svg (ESR per epoch) and
// waveform.svg (an excerpt of the held-out audio: target against model) into the directory. Exits
// with 3 when training did not at least halve the held-out ESR.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <string>
#include <vector>

#include <ctnn/ctnn.hpp>

#include "wav.hpp"

namespace {

constexpr std::size_t hidden = 16;   // Neural Amp Modeler's LSTM presets: 1x12 to 1x24
constexpr std::size_t window = 512;  // frames per training sequence (the truncation window)
constexpr std::size_t batch = 8;
constexpr std::size_t block = 64;  // frames per call when streaming, as an audio callback

// y = x + Linear(LSTM(x)), as Proteus does: the branch learns what the amp adds to its input.
using Model = ctnn::Residual<ctnn::LSTM<hidden>, ctnn::Linear<1>>;
using Train = ctnn::Network<ctnn::Input<window, 1>, Model>;
using Stream = ctnn::Network<ctnn::Input<block, 1>, Model>;
// The same parameters in cells without exponentials (FastTanh, and the sigmoid through it).
using FastStream =
    ctnn::Network<ctnn::Input<block, 1>,
                  ctnn::Residual<ctnn::LSTM<hidden, ctnn::FastTanh>, ctnn::Linear<1>>>;

double cpu_seconds() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return double(t.tv_sec) + 1e-9 * double(t.tv_nsec);
}

// The model's output for x[begin, end), streamed in blocks from a new stream (the state carried
// from block to block).
template <class Net>
std::vector<float> run(Net& net, const std::vector<float>& x, std::size_t begin, std::size_t end) {
  std::vector<float> y(end - begin);
  net.reset();
  for (std::size_t at = begin; at + block <= end; at += block) {
    ctnn::Vector<float, block> in;
    for (std::size_t i = 0; i < block; ++i) in[i] = x[at + i];
    const ctnn::Vector<float, block> out = net.stream(in);
    for (std::size_t i = 0; i < block; ++i) y[at - begin + i] = out[i];
  }
  return y;
}

double esr(const std::vector<float>& y, const std::vector<float>& t, std::size_t begin) {
  double error = 0, signal = 0;
  for (std::size_t i = 0; i < y.size(); ++i) {
    const double d = double(y[i]) - t[begin + i];
    error += d * d;
    signal += double(t[begin + i]) * t[begin + i];
  }
  return error / signal;
}

// A polyline of values over [0, width) x [0, height), y from lo (bottom) to hi (top).
std::string polyline(const std::vector<double>& v, double lo, double hi, double width,
                     double height, const char* colour) {
  std::string s = "<polyline fill=\"none\" stroke-width=\"1.5\" stroke=\"";
  s += colour;
  s += "\" points=\"";
  char point[64];
  for (std::size_t i = 0; i < v.size(); ++i) {
    const double px = 60 + width * double(i) / double(v.size() > 1 ? v.size() - 1 : 1);
    const double py = 20 + height * (1 - (std::clamp(v[i], lo, hi) - lo) / (hi - lo));
    std::snprintf(point, sizeof point, "%.1f,%.1f ", px, py);
    s += point;
  }
  return s + "\"/>\n";
}

bool write_svg(const std::string& path, const std::string& title, const std::string& body,
               const std::string& axes) {
  std::FILE* f = std::fopen(path.c_str(), "w");
  if (f == nullptr) return false;
  std::fprintf(f,
               "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"720\" height=\"300\" "
               "font-family=\"sans-serif\" font-size=\"12\">\n<rect width=\"720\" height=\"300\" "
               "fill=\"white\"/>\n<text x=\"60\" y=\"14\">%s</text>\n<rect x=\"60\" y=\"20\" "
               "width=\"640\" height=\"240\" fill=\"none\" stroke=\"#999\"/>\n%s%s</svg>\n",
               title.c_str(), axes.c_str(), body.c_str());
  return std::fclose(f) == 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s <directory with input.wav and target.wav> [epochs]\n", argv[0]);
    return 2;
  }
  const std::string dir = argv[1];
  const int epochs = argc > 2 ? std::atoi(argv[2]) : 12;
  std::uint32_t rate = 0, target_rate = 0;
  const std::vector<float> x = wav::read((dir + "/input.wav").c_str(), rate);
  const std::vector<float> t = wav::read((dir + "/target.wav").c_str(), target_rate);
  if (x.empty() || x.size() != t.size() || rate != target_rate) {
    std::fprintf(stderr,
                 "amp_model: %s/input.wav and target.wav must be mono 16-bit PCM files "
                 "of the same length and rate (examples/amp/make_pair.sh makes them)\n",
                 dir.c_str());
    return 1;
  }
  const std::size_t split = x.size() * 85 / 100 / block * block;  // the rest is held out
  const std::size_t held_out_end = split + (x.size() - split) / block * block;
  std::printf(
      "amp_model: %zu samples at %u Hz (%.1f s); training on the first %.1f s, ESR on the "
      "last %.1f s; LSTM<%zu>, windows of %zu frames, batches of %zu\n",
      x.size(), rate, double(x.size()) / rate, double(split) / rate,
      double(held_out_end - split) / rate, hidden, window, batch);

  static Train net{ctnn::Seed{3}};
  static Stream streamed;
  static ctnn::Trainer<Train, ctnn::MeanSquaredError, ctnn::Adam<Train>, batch> trainer{
      ctnn::AdamOptions{.learning_rate = 0.004}};
  static ctnn::Matrix<float, batch, window> xb, tb;
  ctnn::SplitMix64 rng{7};
  const std::size_t steps = split / (window * batch);  // one epoch: as many frames as the data
  std::vector<double> curve;
  ctnn::copy_parameters(net, streamed);
  curve.push_back(esr(run(streamed, x, split, held_out_end), t, split));
  std::printf("epoch  0: held-out ESR %.4f (the input alone: %.4f)\n", curve.back(), [&] {
    std::vector<float> dry(x.begin() + long(split), x.begin() + long(held_out_end));
    return esr(dry, t, split);
  }());
  double training_seconds = 0;
  for (int epoch = 1; epoch <= epochs; ++epoch) {
    const double start = cpu_seconds();
    double loss = 0;
    for (std::size_t step = 0; step < steps; ++step) {
      for (std::size_t b = 0; b < batch; ++b) {
        const std::size_t at = std::size_t(rng.next() % (split - window));
        for (std::size_t i = 0; i < window; ++i) {
          xb(b, i) = x[at + i];
          tb(b, i) = t[at + i];
        }
      }
      const ctnn::StepResult<float> r = trainer.step(net, xb, tb);
      if (!r.ok()) {
        std::fprintf(stderr, "step refused: %s\n", ctnn::to_string(r.status));
        return 1;
      }
      loss += r.loss;
    }
    training_seconds += cpu_seconds() - start;
    ctnn::copy_parameters(net, streamed);
    curve.push_back(esr(run(streamed, x, split, held_out_end), t, split));
    std::printf("epoch %2d: training MSE %.5f, held-out ESR %.4f (%.1f s of training so far)\n",
                epoch, loss / double(steps), curve.back(), training_seconds);
    std::fflush(stdout);
  }

  // The whole input through the trained model, as a plugin would run it.
  const std::size_t whole = x.size() / block * block;
  const double start = cpu_seconds();
  const std::vector<float> y = ctnn::with_simd_target([&] { return run(streamed, x, 0, whole); });
  const double seconds = cpu_seconds() - start;
  std::printf(
      "streamed %.1f s of audio in %.3f s of CPU: real-time factor %.0f (%.0f ns per "
      "sample, blocks of %zu)\n",
      double(whole) / rate, seconds, double(whole) / rate / seconds, 1e9 * seconds / double(whole),
      block);
  if (!wav::write((dir + "/output.wav").c_str(), y, rate)) return 1;

  // The trained parameters in the fast cells: what deploying them changes.
  static FastStream fast;
  ctnn::copy_parameters(streamed, fast);
  const double fast_start = cpu_seconds();
  const std::vector<float> yf = ctnn::with_simd_target([&] { return run(fast, x, 0, whole); });
  const double fast_seconds = cpu_seconds() - fast_start;
  double largest = 0;
  for (std::size_t i = 0; i < whole; ++i)
    largest = std::max(largest, double(std::abs(yf[i] - y[i])));
  std::printf(
      "FastTanh cells, the same parameters: held-out ESR %.6f (exact cells: %.6f), largest "
      "difference from the exact output %.2e; real-time factor %.0f (%.0f ns per sample)\n",
      esr(std::vector<float>(yf.begin() + std::ptrdiff_t(split), yf.end()), t, split),
      esr(std::vector<float>(y.begin() + std::ptrdiff_t(split), y.end()), t, split), largest,
      double(whole) / rate / fast_seconds, 1e9 * fast_seconds / double(whole));

  // training.svg: held-out ESR per epoch, log scale.
  std::vector<double> log_curve;
  for (double e : curve) log_curve.push_back(std::log10(std::max(e, 1e-6)));
  const double lo = std::floor(*std::min_element(log_curve.begin(), log_curve.end()));
  const double hi = std::ceil(*std::max_element(log_curve.begin(), log_curve.end()));
  char axes[256];
  std::snprintf(
      axes, sizeof axes,
      "<text x=\"4\" y=\"28\">1e%.0f</text><text x=\"4\" y=\"260\">1e%.0f</text>"
      "<text x=\"60\" y=\"280\">epoch 0</text><text x=\"640\" y=\"280\">epoch %d</text>\n",
      hi, lo, epochs);
  const bool curve_ok =
      write_svg(dir + "/training.svg", "held-out ESR per epoch (log scale), LSTM<16> + residual",
                polyline(log_curve, lo, hi, 640, 240, "#c33"), axes);

  // waveform.svg: 10 ms of held-out audio where the target is loudest, target and model.
  std::size_t loudest = split;
  for (std::size_t i = split; i + 480 < whole; i += 480)
    if (std::abs(t[i]) > std::abs(t[loudest])) loudest = i;
  std::vector<double> target_excerpt, model_excerpt;
  for (std::size_t i = loudest; i < loudest + 480 && i < whole; ++i) {
    target_excerpt.push_back(t[i]);
    model_excerpt.push_back(y[i]);
  }
  const bool wave_ok =
      write_svg(dir + "/waveform.svg", "10 ms of held-out audio: target (black) and model (red)",
                polyline(target_excerpt, -1, 1, 640, 240, "#000") +
                    polyline(model_excerpt, -1, 1, 640, 240, "#c33"),
                "<text x=\"30\" y=\"28\">1</text><text x=\"24\" y=\"260\">-1</text>\n");
  std::printf("wrote %s/output.wav, training.svg, waveform.svg\n", dir.c_str());
  if (!(curve.back() < 0.5 * curve.front())) {  // training must at least halve the error
    std::fprintf(stderr, "amp_model: the held-out ESR went from %.4f to %.4f only\n", curve.front(),
                 curve.back());
    return 3;
  }
  return curve_ok && wave_ok ? 0 : 1;
}
