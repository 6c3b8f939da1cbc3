// Mistake: weights typed in by hand in ctnn's (in, out) order; a weight file holds PyTorch's
// (out, in), as the generator writes it. A compile error naming the tensor and both shapes.
// user-code: constexpr Net net = ctnn::embedded_network<Net>(weights);
// expect-gcc: embedded_tensor_shape_differs.*text<ctnn::fixed_string<9>\{"0.weight"\} ?>, ctnn::shape_error::network_expects<ctnn::shape_error::dims<3, 2> ?>, ctnn::shape_error::file_has<ctnn::shape_error::dims<2, 3> ?>
// expect-clang: embedded_tensor_shape_differs<ctnn::shape_error::text<.*ctnn::shape_error::network_expects<ctnn::shape_error::dims<3, 2> ?> ?, ctnn::shape_error::file_has<ctnn::shape_error::dims<2, 3> ?> ?>
#include <ctnn/ctnn.hpp>
#include <ctnn/io/embedded.hpp>

using Net = ctnn::Network<ctnn::Input<2>, ctnn::Dense<3>, ctnn::Tanh, ctnn::Dense<1>>;

#ifndef CTNN_CONTROL
constexpr ctnn::EmbeddedTensor<"0.weight", 2, 3> w0{{1, 2, 3, 4, 5, 6}};
#else
constexpr ctnn::EmbeddedTensor<"0.weight", 3, 2> w0{{1, 4, 2, 5, 3, 6}};
#endif
constexpr ctnn::EmbeddedTensor<"0.bias", 3> b0{{0, 0, 0}};
constexpr ctnn::EmbeddedTensor<"2.weight", 1, 3> w2{{1, -1, 1}};
constexpr ctnn::EmbeddedTensor<"2.bias", 1> b2{{0}};
constexpr auto weights = ctnn::embed<"">(w0, b0, w2, b2);
constexpr Net net = ctnn::embedded_network<Net>(weights);
