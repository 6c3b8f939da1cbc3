// Mistake: weights of an nn.Sequential with a Dropout between its layers (torch numbers every
// module, so the second Linear is "3.weight"), embedded for a network without it, whose second
// Dense is "2.weight". A compile error naming the network's tensor and every name the weights
// have. (Export with examples/ctnn_export.py, which names tensors as ctnn does.) The control has
// the right names in the reference writer's order (sorted by name): tensors match by name.
// user-code: constexpr Net net = ctnn::embedded_network<Net>(weights);
// expect-gcc: embedded_tensor_missing.*network_expects<ctnn::shape_error::text<ctnn::fixed_string<9>\{"2.weight"\} ?> ?>, ctnn::shape_error::file_has<ctnn::shape_error::text<ctnn::fixed_string<9>\{"0.weight"\} ?>, ctnn::shape_error::text<ctnn::fixed_string<7>\{"0.bias"\} ?>, ctnn::shape_error::text<ctnn::fixed_string<9>\{"3.weight"\} ?>
// expect-clang: embedded_tensor_missing<ctnn::shape_error::network_expects<ctnn::shape_error::text<
#include <ctnn/ctnn.hpp>
#include <ctnn/io/embedded.hpp>

using Net = ctnn::Network<ctnn::Input<2>, ctnn::Dense<3>, ctnn::Tanh, ctnn::Dense<1>>;

#ifndef CTNN_CONTROL
constexpr ctnn::EmbeddedTensor<"0.weight", 3, 2> w0{{1, 4, 2, 5, 3, 6}};
constexpr ctnn::EmbeddedTensor<"0.bias", 3> b0{{0, 0, 0}};
constexpr ctnn::EmbeddedTensor<"3.weight", 1, 3> w2{{1, -1, 1}};
constexpr ctnn::EmbeddedTensor<"3.bias", 1> b2{{0}};
constexpr auto weights = ctnn::embed<"">(w0, b0, w2, b2);
#else
constexpr ctnn::EmbeddedTensor<"0.bias", 3> b0{{0, 0, 0}};
constexpr ctnn::EmbeddedTensor<"0.weight", 3, 2> w0{{1, 4, 2, 5, 3, 6}};
constexpr ctnn::EmbeddedTensor<"2.bias", 1> b2{{0}};
constexpr ctnn::EmbeddedTensor<"2.weight", 1, 3> w2{{1, -1, 1}};
constexpr auto weights = ctnn::embed<"">(b0, w0, b2, w2);
#endif
constexpr Net net = ctnn::embedded_network<Net>(weights);
