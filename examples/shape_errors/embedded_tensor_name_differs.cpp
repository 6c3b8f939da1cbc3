// Mistake: weights exported from a model that is not an nn.Sequential (its tensors are
// "fc1.weight",
// ...), embedded for a network whose file names are nn.Sequential's ("0.weight", ...). A compile
// error naming the position and both names. (Rename the tensors when generating the header.)
// user-code: constexpr Net net = ctnn::embedded_network<Net>(weights);
// expect-gcc: embedded_tensor_name_differs.*tensor_index<0>, ctnn::shape_error::network_expects<ctnn::shape_error::text<ctnn::fixed_string<9>\{"0.weight"\} ?> ?>, ctnn::shape_error::file_has<ctnn::shape_error::text<ctnn::fixed_string<11>\{"fc1.weight"\} ?> ?>
// expect-clang: embedded_tensor_name_differs<ctnn::shape_error::tensor_index<0> ?, ctnn::shape_error::network_expects<ctnn::shape_error::text<
#include <ctnn/ctnn.hpp>
#include <ctnn/io/embedded.hpp>

using Net = ctnn::Network<ctnn::Input<2>, ctnn::Dense<3>, ctnn::Tanh, ctnn::Dense<1>>;

#ifndef CTNN_CONTROL
constexpr ctnn::EmbeddedTensor<"fc1.weight", 3, 2> w0{{1, 4, 2, 5, 3, 6}};
constexpr ctnn::EmbeddedTensor<"fc1.bias", 3> b0{{0, 0, 0}};
constexpr ctnn::EmbeddedTensor<"fc2.weight", 1, 3> w2{{1, -1, 1}};
constexpr ctnn::EmbeddedTensor<"fc2.bias", 1> b2{{0}};
#else
constexpr ctnn::EmbeddedTensor<"0.weight", 3, 2> w0{{1, 4, 2, 5, 3, 6}};
constexpr ctnn::EmbeddedTensor<"0.bias", 3> b0{{0, 0, 0}};
constexpr ctnn::EmbeddedTensor<"2.weight", 1, 3> w2{{1, -1, 1}};
constexpr ctnn::EmbeddedTensor<"2.bias", 1> b2{{0}};
#endif
constexpr auto weights = ctnn::embed<"">(w0, b0, w2, b2);
constexpr Net net = ctnn::embedded_network<Net>(weights);
