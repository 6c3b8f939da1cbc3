// Mistake: weights embedded from a file saved for a wider first layer (16 units) given to a
// network with 8: a compile error naming both architectures (GCC spells the strings; Clang 14
// prints their characters as numbers).
// user-code: constexpr Net net = ctnn::embedded_network<Net>(torch_tanh_mlp::weights);
// expect-gcc: embedded_architecture_differs.*network_expects<ctnn::shape_error::text<ctnn::fixed_string<32>\{"Input<2> Dense<8> Tanh Dense<1>"\} ?> ?>.*file_has<ctnn::shape_error::text<ctnn::fixed_string<33>\{"Input<2> Dense<16> Tanh Dense<1>"\} ?> ?>
// expect-clang: embedded_architecture_differs<ctnn::shape_error::network_expects<ctnn::shape_error::text<.*ctnn::shape_error::file_has<ctnn::shape_error::text<
#include <ctnn/ctnn.hpp>
#include <ctnn/io/embedded.hpp>

#include "../../tests/fixtures/torch_tanh_mlp.hpp"

#ifndef CTNN_CONTROL
using Net = ctnn::Network<ctnn::Input<2>, ctnn::Dense<8>, ctnn::Tanh, ctnn::Dense<1>>;
#else
using Net = ctnn::Network<ctnn::Input<2>, ctnn::Dense<16>, ctnn::Tanh, ctnn::Dense<1>>;
#endif
constexpr Net net = ctnn::embedded_network<Net>(torch_tanh_mlp::weights);
