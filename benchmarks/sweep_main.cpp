// The scaling sweep (sweep.hpp): ctnn, Eigen and OpenBLAS sgemm on the same products, per width
// and batch, forward and training step, in one run with the libraries alternating (3 rounds, CPU
// time, medians), and the FMA peak measured in the same run. Prints per case
//   sweep mode=<forward|training> width=<W> batch=<B> ctnn_gflops=<c> eigen_gflops=<e>
//         openblas_gflops=<o> ctnn_vs_eigen=<e_ns/c_ns> ctnn_of_openblas=<o_ns/c_ns>
//         peak_fraction=<c/peak> spread=<lo>-<hi> (the rounds' smallest and largest ctnn_vs_eigen)
// and writes an SVG plot of GFLOP/s per case (--svg=<path>, default sweep.svg). The OpenBLAS
// figure times only the products (no bias, activation, loss or Adam): a roofline for the rest.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>
#include <cblas.h>

#include "peak.hpp"
#include "rounds.hpp"
#include "sweep.hpp"

namespace {

using bench::sweep::Case;

/// OpenBLAS (one thread) on the products of one case: buffers allocated on first use.
struct Products {
  std::size_t w, b;
  std::vector<float> x, w1, w2, a1, a2, g1, g2, dw1, dw2, da1;
  Products(std::size_t width, std::size_t batch)
      : w(width),
        b(batch),
        x(b * w, 0.5f),
        w1(w * w, 0.01f),
        w2(w * w, 0.01f),
        a1(b * w),
        a2(b * w),
        g1(b * w, 0.1f),
        g2(b * w, 0.1f),
        dw1(w * w),
        dw2(w * w),
        da1(b * w) {}
  void gemm(bool ta, bool tb, std::size_t m, std::size_t n, std::size_t k, const float* a,
            const float* bm, float* c) {
    cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans,
                int(m), int(n), int(k), 1.0f, a, ta ? int(m) : int(k), bm, tb ? int(k) : int(n),
                0.0f, c, int(n));
  }
  void forward() {
    gemm(false, false, b, w, w, x.data(), w1.data(), a1.data());   // A1 = X W1
    gemm(false, false, b, w, w, a1.data(), w2.data(), a2.data());  // A2 = A1 W2
  }
  void train() {
    forward();
    gemm(true, false, w, w, b, a1.data(), g2.data(), dw2.data());  // dW2 = A1^T G2
    gemm(false, true, b, w, w, g2.data(), w2.data(), da1.data());  // dA1 = G2 W2^T
    gemm(true, false, w, w, b, x.data(), g1.data(), dw1.data());   // dW1 = X^T G1
  }
};

std::map<std::pair<std::size_t, std::size_t>, std::unique_ptr<Products>> products;

Products& products_for(std::size_t w, std::size_t b) {
  auto& p = products[{w, b}];
  if (!p) p = std::make_unique<Products>(w, b);
  return *p;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n == 0 ? 0 : n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

const char* const libraries[] = {"ctnn", "eigen", "openblas"};
const char* const modes[] = {"forward", "training"};

std::string name(const char* library, const char* mode, const Case& c) {
  return std::string("sweep/") + library + "/" + mode + "/" + std::to_string(c.width) + "/" +
         std::to_string(c.batch);
}

struct Point {
  double gflops[3];  // per library
};

/// Two panels (forward, training step): GFLOP/s per case, cases grouped by width, one line per
/// library within each width; the measured peak as a dashed line.
void write_svg(const char* path, const Point (&points)[2][bench::sweep::count], const Case* cases,
               double peak) {
  std::FILE* f = std::fopen(path, "w");
  if (!f) {
    std::fprintf(stderr, "sweep: cannot write %s\n", path);
    return;
  }
  constexpr double panel_w = 460, panel_h = 300, left = 60, top = 40, gap = 60;
  const double y_max = std::max(50.0, 50.0 * std::ceil(peak / 50.0));
  const char* colours[] = {"#1f77b4", "#ff7f0e", "#7f7f7f"};
  const double width = left + 2 * panel_w + gap + 20, height = top + panel_h + 90;
  std::fprintf(f,
               "<svg xmlns='http://www.w3.org/2000/svg' width='%.0f' height='%.0f' "
               "font-family='sans-serif' font-size='11'>\n<rect width='100%%' height='100%%' "
               "fill='white'/>\n",
               width, height);
  constexpr std::size_t n = bench::sweep::count, per_width = std::size(bench::sweep::batches);
  for (int m = 0; m < 2; ++m) {
    const double x0 = left + m * (panel_w + gap);
    auto px = [&](std::size_t i) {
      return x0 + panel_w * (double(i) + 0.5 + double(i / per_width) * 0.5) / (double(n) + 2.0);
    };
    auto py = [&](double g) { return top + panel_h * (1 - std::min(g, y_max) / y_max); };
    std::fprintf(f, "<text x='%.0f' y='%.0f' font-size='13'>%s (GFLOP/s of the products)</text>\n",
                 x0, top - 15, m == 0 ? "forward" : "training step (Adam)");
    std::fprintf(f,
                 "<rect x='%.0f' y='%.0f' width='%.0f' height='%.0f' fill='none' "
                 "stroke='black'/>\n",
                 x0, top, panel_w, panel_h);
    for (double g = 0; g <= y_max; g += 50)
      std::fprintf(f, "<text x='%.0f' y='%.0f' text-anchor='end'>%.0f</text>\n", x0 - 4, py(g) + 4,
                   g);
    std::fprintf(f,
                 "<line x1='%.0f' x2='%.0f' y1='%.1f' y2='%.1f' stroke='black' "
                 "stroke-dasharray='4,3'/><text x='%.0f' y='%.1f'>peak %.0f</text>\n",
                 x0, x0 + panel_w, py(peak), py(peak), x0 + 4, py(peak) - 4, peak);
    for (std::size_t i = 0; i < n; ++i) {
      std::fprintf(f, "<text x='%.1f' y='%.0f' text-anchor='middle'>%zu</text>\n", px(i),
                   top + panel_h + 14, cases[i].batch);
      if (i % per_width == 0)
        std::fprintf(f, "<text x='%.1f' y='%.0f' text-anchor='middle'>W = %zu</text>\n",
                     (px(i) + px(i + per_width - 1)) / 2, top + panel_h + 30, cases[i].width);
    }
    for (int lib = 0; lib < 3; ++lib) {
      for (std::size_t start = 0; start < n; start += per_width) {
        std::fprintf(f, "<polyline fill='none' stroke='%s' stroke-width='2'%s points='",
                     colours[lib], lib == 2 ? " stroke-dasharray='5,3'" : "");
        for (std::size_t i = start; i < start + per_width; ++i)
          std::fprintf(f, "%.1f,%.1f ", px(i), py(points[m][i].gflops[lib]));
        std::fprintf(f, "'/>\n");
      }
      for (std::size_t i = 0; i < n; ++i)
        std::fprintf(f, "<circle cx='%.1f' cy='%.1f' r='2.5' fill='%s'/>\n", px(i),
                     py(points[m][i].gflops[lib]), colours[lib]);
    }
  }
  const char* labels[] = {"ctnn", "Eigen 3.4", "OpenBLAS sgemm, products only (1 thread)"};
  for (int lib = 0; lib < 3; ++lib)
    std::fprintf(f,
                 "<rect x='%.0f' y='%.0f' width='14' height='4' fill='%s'/><text x='%.0f' "
                 "y='%.0f'>%s</text>\n",
                 left + lib * 190.0, top + panel_h + 52, colours[lib], left + lib * 190.0 + 18,
                 top + panel_h + 57, labels[lib]);
  std::fprintf(f,
               "<text x='%.0f' y='%.0f'>batch (below), width (groups); network Input&lt;W&gt;, "
               "Dense&lt;W&gt;, ReLU, Dense&lt;W&gt;; MSE</text>\n</svg>\n",
               left, top + panel_h + 80);
  std::fclose(f);
}

}  // namespace

int main(int argc, char** argv) {
  const char* svg = "sweep.svg";
  std::vector<char*> args;
  bool min_time_given = false;
  for (int i = 0; i < argc; ++i) {
    if (std::strncmp(argv[i], "--svg=", 6) == 0) {
      svg = argv[i] + 6;
      continue;
    }
    min_time_given |= std::strncmp(argv[i], "--benchmark_min_time", 20) == 0;
    args.push_back(argv[i]);
  }
  static char default_min_time[] = "--benchmark_min_time=0.1";
  if (!min_time_given) args.push_back(default_min_time);
  int args_count = int(args.size());

  const Case* tables[] = {bench::sweep::ctnn_cases(), bench::sweep::eigen_cases(), nullptr};
  constexpr int rounds = 3;
  for (int round = 0; round < rounds; ++round)
    for (std::size_t i = 0; i < bench::sweep::count; ++i)
      for (int m = 0; m < 2; ++m)
        for (int lib = 0; lib < 3; ++lib) {
          const Case& c = bench::sweep::ctnn_cases()[i];
          void (*run)() = lib == 2 ? nullptr
                          : m == 0 ? tables[lib][i].forward
                                   : tables[lib][i].train;
          benchmark::RegisterBenchmark(name(libraries[lib], modes[m], c).c_str(),
                                       [run, c, m](benchmark::State& state) {
                                         if (run) {
                                           for (auto _ : state) run();
                                         } else {
                                           auto& p = products_for(c.width, c.batch);
                                           for (auto _ : state) m == 0 ? p.forward() : p.train();
                                         }
                                       });
        }
  benchmark::Initialize(&args_count, args.data());
  // Build every object (and touch its pages) before timing: the first call of a case does that.
  for (std::size_t i = 0; i < bench::sweep::count; ++i) {
    const Case& c = bench::sweep::ctnn_cases()[i];
    for (int lib = 0; lib < 2; ++lib) tables[lib][i].train();
    products_for(c.width, c.batch).train();
  }
  const double peak_before = bench::measured_peak_gflops(10);
  bench::Rounds collector;
  benchmark::RunSpecifiedBenchmarks(&collector);
  benchmark::Shutdown();
  const double peak = std::max(peak_before, bench::measured_peak_gflops(10));

  std::printf("\nsweep peak_gflops=%.1f (best of 20 CPU-timed runs, %zu lanes)\n", peak,
              bench::peak_lanes());
  static Point points[2][bench::sweep::count];
  bool complete = true;
  for (std::size_t i = 0; i < bench::sweep::count; ++i)
    for (int m = 0; m < 2; ++m) {
      const Case& c = bench::sweep::ctnn_cases()[i];
      const double flops = m == 0 ? bench::sweep::forward_flops(c.width, c.batch)
                                  : bench::sweep::training_flops(c.width, c.batch);
      double ns[3];
      for (int lib = 0; lib < 3; ++lib) {
        ns[lib] = median(collector.ns[name(libraries[lib], modes[m], c)]);
        points[m][i].gflops[lib] = ns[lib] > 0 ? flops / ns[lib] : 0;
      }
      const auto& xs = collector.ns[name("ctnn", modes[m], c)];
      const auto& ys = collector.ns[name("eigen", modes[m], c)];
      if (xs.empty() || xs.size() != ys.size()) {
        complete = false;
        continue;
      }
      std::vector<double> ratios;
      for (std::size_t r = 0; r < xs.size(); ++r) ratios.push_back(ys[r] / xs[r]);
      std::printf(
          "sweep mode=%s width=%zu batch=%zu ctnn_gflops=%.1f eigen_gflops=%.1f "
          "openblas_gflops=%.1f ctnn_vs_eigen=%.2f ctnn_of_openblas=%.2f peak_fraction=%.2f "
          "spread=%.2f-%.2f\n",
          modes[m], c.width, c.batch, points[m][i].gflops[0], points[m][i].gflops[1],
          points[m][i].gflops[2], ns[1] / ns[0], ns[2] / ns[0], points[m][i].gflops[0] / peak,
          *std::min_element(ratios.begin(), ratios.end()),
          *std::max_element(ratios.begin(), ratios.end()));
    }
  if (complete) {
    write_svg(svg, points, bench::sweep::ctnn_cases(), peak);
    std::printf("sweep svg=%s\n", svg);
  }
}
