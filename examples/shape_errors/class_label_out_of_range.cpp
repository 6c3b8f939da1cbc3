// Mistake: a constant class label (3) that is not below the class count (3).
// expect-gcc: call to non-‘constexpr’ function ‘void ctnn::detail::class_label_out_of_range\(\)’
// expect-clang: constexpr variable 'labels' must be initialized by a constant expression
#include <ctnn/ctnn.hpp>

#ifndef CTNN_CONTROL
constexpr ctnn::ClassLabels<4, 3> labels{{0, 2, 1, 3}};
#else
constexpr ctnn::ClassLabels<4, 3> labels{{0, 2, 1, 2}};
#endif
