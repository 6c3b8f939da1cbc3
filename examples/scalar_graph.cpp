// Note 002's two worked graphs, with every intermediate gradient in the order the notes derive
// them, computed by ctnn's scalar expression graph (one forward pass, one backward sweep).
#include <ctnn/expression.hpp>

#include <cstdio>

int main() {
  using ctnn::expr::Var;
  {
    const Var<0> x;
    const Var<1> y;
    const Var<2> z;
    const auto [L, partial] = ctnn::gradient_tape((x + y) * z, -2.0, 5.0, -4.0);
    const auto& q = L.child<0>();
    std::printf("1. L = (x + y) z at x = -2, y = 5, z = -4\n");
    std::printf("   forward:  q = x + y = %g, L = q z = %g\n", q.value, L.value);
    std::printf("   dL/dL = %g\n", L.grad);
    std::printf("   dL/dz = q = %g               (product: split flow and scale)\n", partial[2]);
    std::printf("   dL/dq = z = %g\n", q.grad);
    std::printf("   dL/dx = dL/dq * 1 = %g       (sum: distribute flow unchanged)\n", partial[0]);
    std::printf("   dL/dy = dL/dq * 1 = %g\n", partial[1]);
  }
  {
    // Variables: w0 w1 w2 x0 x1 x2 b.
    const auto e = ctnn::expr::sigmoid(
        ctnn::expr::sum(Var<0>{} * Var<3>{}, Var<1>{} * Var<4>{}, Var<2>{} * Var<5>{}) + Var<6>{});
    const auto [L, p] = ctnn::gradient_tape(e, 2.0, -3.0, 1.0, -1.0, -2.0, 0.5, -4.5);
    const auto& zsum = L.child<0>();  // w . x + b
    const auto& dot = zsum.child<0>();
    std::printf("2. L = sigmoid(w . x + b), w = (2, -3, 1), x = (-1, -2, 0.5), b = -4.5\n");
    std::printf("   forward:  w . x = %g, z = w . x + b = %g, L = sigmoid(z) = %g\n", dot.value,
                zsum.value, L.value);
    std::printf("   dL/dz = L (1 - L) = %g      (sigmoid: attenuate flow)\n", zsum.grad);
    std::printf("   dL/d(w . x) = %g, dL/db = %g (sum: unchanged)\n", dot.grad, p[6]);
    for (int i = 0; i < 3; ++i)
      std::printf("   dL/dw%d = dL/dz * x%d = %g,  dL/dx%d = dL/dz * w%d = %g\n", i, i,
                  p[static_cast<std::size_t>(i)], i, i, p[static_cast<std::size_t>(i + 3)]);
  }
}
