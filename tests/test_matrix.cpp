// ctnn::Matrix and the shape-checked operations, against double-precision references.
#include <catch2/catch.hpp>

#include <cstdint>

#include "ctnn/operations.hpp"
#include "reference.hpp"

using ctnn::Matrix;

template <class T, std::size_t R, std::size_t C>
Matrix<T, R, C> filled_with_noise(std::size_t salt) {
  Matrix<T, R, C> m;
  for (std::size_t i = 0; i < m.size; ++i) m[i] = static_cast<T>(ref::noise(i, salt));
  return m;
}

template <class T, std::size_t R, std::size_t C>
ref::Mat to_ref(const Matrix<T, R, C>& m) {
  return ref::Mat(m.begin(), m.end());
}

TEST_CASE("Matrix is fixed-size, in-object, aligned and row-major", "[matrix]") {
  using M = Matrix<float, 2, 3>;
  STATIC_REQUIRE(M::rows == 2);
  STATIC_REQUIRE(M::cols == 3);
  STATIC_REQUIRE(alignof(M) == 64);
  STATIC_REQUIRE(sizeof(Matrix<float, 32, 784>) == 32 * 784 * sizeof(float));
  STATIC_REQUIRE(std::is_trivially_copyable_v<M>);

  const M m{{{1, 2, 3}, {4, 5, 6}}};
  CHECK(m(0, 0) == 1);
  CHECK(m(1, 2) == 6);
  CHECK(m.data()[1 * 3 + 0] == 4);  // element (r, c) at r * cols + c
  CHECK(reinterpret_cast<std::uintptr_t>(m.data()) % 64 == 0);
  CHECK(M{} == M::filled(0.0f));

  const ctnn::Vector<double, 3> v{{7, 8, 9}};
  CHECK(v(0, 2) == 9);
}

TEST_CASE("Matrix operations work in constant expressions", "[matrix][constexpr]") {
  constexpr Matrix<double, 2, 2> a{{{1, 2}, {3, 4}}};
  constexpr Matrix<double, 2, 2> b{{{5, 6}, {7, 8}}};
  constexpr auto c = a * b;
  STATIC_REQUIRE(c(0, 0) == 19);
  STATIC_REQUIRE(c(0, 1) == 22);
  STATIC_REQUIRE(c(1, 0) == 43);
  STATIC_REQUIRE(c(1, 1) == 50);
  STATIC_REQUIRE(ctnn::transposed_times(a, b)(0, 0) == 1 * 5 + 3 * 7);
  STATIC_REQUIRE(ctnn::times_transposed(a, b)(0, 1) == 1 * 7 + 2 * 8);
  STATIC_REQUIRE(ctnn::column_sums(a)(0, 1) == 6);
}

TEST_CASE("2x2 product computed by hand", "[matrix]") {
  const Matrix<float, 2, 3> a{{{1, 2, 3}, {4, 5, 6}}};
  const Matrix<float, 3, 2> b{{{7, 8}, {9, 10}, {11, 12}}};
  const Matrix<float, 2, 2> expected{{{58, 64}, {139, 154}}};
  CHECK(a * b == expected);
  const Matrix<float, 1, 2> bias{{100, 200}};
  CHECK(ctnn::add_to_each_row(a * b, bias) == Matrix<float, 2, 2>{{{158, 264}, {239, 354}}});
  CHECK(ctnn::column_sums(a) == Matrix<float, 1, 3>{{5, 7, 9}});
  CHECK(ctnn::hadamard(a, a) == Matrix<float, 2, 3>{{{1, 4, 9}, {16, 25, 36}}});
  CHECK(a + a == 2.0f * a);
  CHECK(a - a == Matrix<float, 2, 3>{});
}

// Products at sizes that are not vector multiples, against a double reference.
template <class T, std::size_t M, std::size_t K, std::size_t N>
void check_products() {
  const auto a = filled_with_noise<T, M, K>(1);
  const auto b = filled_with_noise<T, K, N>(2);
  const auto bias = filled_with_noise<T, 1, N>(3);
  const double tol = (std::is_same_v<T, float> ? 2e-6 : 1e-14) * static_cast<double>(K);

  const auto ab = ref::gemm(to_ref(a), to_ref(b), M, K, N);
  Matrix<T, M, N> c;
  ctnn::multiply_add_row(a, b, bias, c);
  const Matrix<T, M, N> product = a * b;  // once: (a * b)(i, j) in the loop is a whole product
  for (std::size_t i = 0; i < M; ++i)
    for (std::size_t j = 0; j < N; ++j) {
      REQUIRE(c(i, j) == Approx(ab[i * N + j] + static_cast<double>(bias[j])).margin(tol));
      REQUIRE(product(i, j) == Approx(ab[i * N + j]).margin(tol));
    }

  // A^T G with A (M, K) and G (M, N): (K, N).
  const auto g = filled_with_noise<T, M, N>(4);
  const auto atg = ref::gemm(ref::transpose(to_ref(a), M, K), to_ref(g), K, M, N);
  const auto tn = ctnn::transposed_times(a, g);
  for (std::size_t i = 0; i < K * N; ++i)
    REQUIRE(tn[i] == Approx(atg[i]).margin(tol * M / K + tol));

  // G W^T with G (M, N) and W (K, N): (M, K).
  const auto w = filled_with_noise<T, K, N>(5);
  const auto gwt = ref::gemm(to_ref(g), ref::transpose(to_ref(w), K, N), M, N, K);
  const auto nt = ctnn::times_transposed(g, w);
  for (std::size_t i = 0; i < M * K; ++i)
    REQUIRE(nt[i] == Approx(gwt[i]).margin(tol * N / K + tol));

  const auto sums = ctnn::column_sums(g);
  for (std::size_t j = 0; j < N; ++j) {
    double s = 0;
    for (std::size_t i = 0; i < M; ++i) s += static_cast<double>(g(i, j));
    REQUIRE(sums[j] == Approx(s).margin(tol));
  }
}

TEMPLATE_TEST_CASE("Products agree with a double reference at awkward sizes", "[matrix][kernels]",
                   float, double) {
  check_products<TestType, 1, 1, 1>();
  check_products<TestType, 3, 17, 33>();
  check_products<TestType, 17, 3, 1>();
  check_products<TestType, 33, 33, 17>();
  check_products<TestType, 5, 784, 3>();
  check_products<TestType, 4, 16, 16>();
  check_products<TestType, 32, 784, 10>();
  check_products<TestType, 7, 64, 128>();
  // Column tails of 4 and 8 (with AVX-512: one narrower vector each, not a masked one).
  check_products<TestType, 9, 12, 20>();
  check_products<TestType, 10, 20, 24>();
  // G W^T packed in blocks with a partial last block; one output column (dot products, and A^T G
  // as row-wise multiply-adds with a vector tail); rows of G too long to pack (dot products).
  check_products<TestType, 32, 100, 128>();
  check_products<TestType, 33, 40, 1>();
  check_products<TestType, 8, 5, 300>();
  check_products<TestType, 16, 40, 1024>();  // G W^T packed in 64 KiB, a partial last block
  // Batch 1 (gemv: whole vectors through the padding; one-column dot; the shapes whose last row
  // would read past the padding; more than four vectors of outputs, in blocks of four with a
  // partial last block, up to 32 KiB of weights in floats).
  check_products<TestType, 1, 1, 8>();
  check_products<TestType, 1, 8, 8>();
  check_products<TestType, 1, 8, 1>();
  check_products<TestType, 1, 40, 1>();
  check_products<TestType, 1, 17, 33>();
  check_products<TestType, 1, 33, 17>();
  check_products<TestType, 1, 3, 20>();
  check_products<TestType, 1, 100, 64>();
  check_products<TestType, 1, 5, 70>();
  check_products<TestType, 1, 16, 128>();
  check_products<TestType, 1, 40, 200>();
  // Batch 1 in vectors narrower than the target's (kernels/simd.hpp, NarrowTag): 4 and 8 outputs
  // exactly, 3 and 2 in a 128-bit vector, 12 in the next power of two.
  check_products<TestType, 1, 5, 4>();
  check_products<TestType, 1, 7, 3>();
  check_products<TestType, 1, 9, 2>();
  check_products<TestType, 1, 16, 8>();
  check_products<TestType, 1, 6, 12>();
  // G W^T below four rows in groups of 8 or 4 rows summed by interleaving (gemv_transposed): the
  // shapes above with rows of G of 4, 8, 12 and 64, and these with 2 and 3 rows and partial groups.
  check_products<TestType, 3, 13, 16>();
  check_products<TestType, 2, 9, 40>();
  check_products<TestType, 3, 6, 4>();
  // and with more rows (gemm_rows, column sums and A^T G in the narrow vectors too).
  check_products<TestType, 5, 9, 8>();
  check_products<TestType, 6, 3, 4>();
  check_products<TestType, 9, 8, 2>();
  // Batch 1 with weights beyond 32 KiB (gemv_streaming): rows in fours and a remainder, a
  // partial last vector, and a wide layer.
  check_products<TestType, 1, 100, 97>();
  check_products<TestType, 1, 131, 67>();
  check_products<TestType, 1, 300, 300>();
  // Weights packed in panels (kernels/simd.hpp, packs()): more than 256 KiB and 64 rows, the
  // panel's rows in blocks with a partial last one, a last panel narrower than a vector.
  check_products<TestType, 64, 300, 230>();
  if constexpr (std::is_same_v<TestType, float>)  // more than 1 MiB: 16 rows (2 MiB on the stack)
    check_products<TestType, 16, 1030, 260>();
  check_products<TestType, 300, 64, 60>();  // A^T G with G's 300 rows packed in two blocks
}

// Whole-vector stores write lanes past N inside the matrix's padded storage, never beyond it: a
// guard right after the output object keeps its value (and ASan checks the rest).
template <std::size_t K, std::size_t N>
void check_batch_1_stays_in_its_output() {
  struct alignas(64) Guarded {
    Matrix<float, 1, N> y;
    float guard[16];
  } g{};
  for (float& v : g.guard) v = 42.0f;
  const auto x = filled_with_noise<float, 1, K>(1);
  const auto w = filled_with_noise<float, K, N>(2);
  const auto bias = filled_with_noise<float, 1, N>(3);
  ctnn::multiply_add_row(x, w, bias, g.y);
  for (const float v : g.guard) REQUIRE(v == 42.0f);
}

TEST_CASE("A batch-1 product leaves the elements of its output's padding only", "[matrix]") {
  check_batch_1_stays_in_its_output<3, 8>();
  check_batch_1_stays_in_its_output<131, 67>();  // weights streamed (gemv_streaming)
  static_assert(sizeof(Matrix<float, 1, 8>) == 64 && sizeof(Matrix<double, 3, 3>) == 128);
}
