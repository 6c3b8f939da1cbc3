// Mistake: the product of a (2, 3) and a (4, 5) matrix.
// user-code: a * b  // a: Matrix<float, 2, 3>, b: Matrix<float, 4, 5>
// expect-gcc: deleted function .*operator\*.*lhs_rows = 2; long unsigned int lhs_cols = 3; long unsigned int rhs_rows = 4; long unsigned int rhs_cols = 5
// expect-clang: invalid operands to binary expression \('const ctnn::Matrix<float, 2, 3>' and 'const ctnn::Matrix<float, 4, 5>'\)
#include <ctnn/ctnn.hpp>

#ifndef CTNN_CONTROL
constexpr ctnn::Matrix<float, 2, 3> a;
constexpr ctnn::Matrix<float, 4, 5> b;
#else
constexpr ctnn::Matrix<float, 2, 3> a;
constexpr ctnn::Matrix<float, 3, 5> b;
#endif

const auto c = a * b;
