// Mistake: weights of a model whose last Linear has no bias (bias=False) embedded for a network
// whose every Dense has one: a compile error giving both tensor counts.
// user-code: constexpr Net net = ctnn::embedded_network<Net>(weights);
// expect-gcc: embedded_tensor_count_differs.*network_expects<ctnn::shape_error::tensor_index<4> ?>, ctnn::shape_error::file_has<ctnn::shape_error::tensor_index<3> ?>
// expect-clang: embedded_tensor_count_differs<ctnn::shape_error::network_expects<ctnn::shape_error::tensor_index<4> ?> ?, ctnn::shape_error::file_has<ctnn::shape_error::tensor_index<3> ?> ?>
#include <ctnn/ctnn.hpp>
#include <ctnn/io/embedded.hpp>

using Net = ctnn::Network<ctnn::Input<2>, ctnn::Dense<3>, ctnn::Tanh, ctnn::Dense<1>>;

constexpr ctnn::EmbeddedTensor<"0.weight", 3, 2> w0{{1, 4, 2, 5, 3, 6}};
constexpr ctnn::EmbeddedTensor<"0.bias", 3> b0{{0, 0, 0}};
constexpr ctnn::EmbeddedTensor<"2.weight", 1, 3> w2{{1, -1, 1}};
#ifndef CTNN_CONTROL
constexpr auto weights = ctnn::embed<"">(w0, b0, w2);
#else
constexpr ctnn::EmbeddedTensor<"2.bias", 1> b2{{0}};
constexpr auto weights = ctnn::embed<"">(w0, b0, w2, b2);
#endif
constexpr Net net = ctnn::embedded_network<Net>(weights);
