/// @file shape_error.hpp
/// How ctnn reports a shape mistake found while forming a type (a network, a workspace, ...).
///
/// Each mistake is a class template in `ctnn::shape_error` whose name says what is wrong and
/// whose arguments carry every size involved, e.g.
///   ctnn::shape_error::layer_does_not_fit_the_one_before<layer<3, ctnn::Dense<5, 3>>,
///       previous_output_size<8>, declared_input_size<5>>
/// Reporting it puts that name in the compiler's first error line: GCC names the template
/// arguments of a deleted function it was asked to call, Clang names the failed requirement of a
/// static_assert, so each compiler gets the form it prints best.
#pragma once

#include <cstddef>
#include <type_traits>

namespace ctnn::shape_error {

/// A layer, by its position in the network's template argument list (Input<N> is layer 0).
template <std::size_t Index, class Kind>
struct layer {};
template <std::size_t N>
struct previous_output_size {};
template <std::size_t N>
struct declared_input_size {};
template <std::size_t N>
struct network_input_size {};
template <std::size_t N>
struct network_output_size {};
template <std::size_t N>
struct input_features {};
template <std::size_t N>
struct batch_size {};
template <std::size_t N>
struct target_columns {};
template <std::size_t N>
struct label_classes {};
template <std::size_t N>
struct input_batch {};
template <std::size_t N>
struct target_batch {};
template <std::size_t N>
struct workspace_batch {};
template <std::size_t N>
struct trainer_batch {};
template <std::size_t N>
struct stack_bytes {};
template <std::size_t N>
struct limit_bytes {};
template <std::size_t N>
struct argument {};
template <class T>
struct network_element {};
template <class T>
struct target_element {};
template <class Loss>
struct loss {};
template <class T>
struct given {};
template <class Net>
struct network {};
template <class Net>
struct made_for {};
/// The shape of the samples a layer was given (Features<8>, Sequence<16, 2>).
template <class Shape>
struct previous_output {};
/// What a layer accepts: a shape, any_features or any_sequence.
template <class What>
struct accepts {};
/// The input shape of a residual's branch (the shape before the Residual layer).
template <class Shape>
struct branch_input {};
/// The output shape of a residual's branch.
template <class Shape>
struct branch_output {};

}  // namespace ctnn::shape_error

namespace ctnn::detail {

/// Base of every shape_error class: `report()` is deleted, so naming it is the error.
struct shape_error_tag {
  static constexpr bool ok = false;
};

template <class Error>
struct report_shape_error {
#if defined(__clang__)
  static_assert(Error::ok, "ctnn shape error: the requirement names the mistake and the sizes");
#else
  using reported = decltype(Error::report());
#endif
};

/// `shape_check<Condition, Error>` is a complete type when Condition holds; otherwise forming it
/// reports Error. Use as: `static_assert(detail::shape_check<(A == B), shape_error::x<...>>::ok);`
template <bool Condition, class Error>
struct shape_check {
  static constexpr bool ok = true;
};
template <class Error>
struct shape_check<false, Error> : report_shape_error<Error> {
  static constexpr bool ok = true;  // already reported: do not add a second error
};

/// The first non-void type of Errors..., or void: the mistake to report when a call has several.
template <class... Errors>
struct first_error {
  using type = void;
};
template <class E, class... Rest>
struct first_error<E, Rest...> {
  using type = std::conditional_t<std::is_void_v<E>, typename first_error<Rest...>::type, E>;
};
template <class... Errors>
using first_error_t = typename first_error<Errors...>::type;

/// For mistakes found in a call, in the branch that is compiled only when there is one:
///   if constexpr (!std::is_void_v<E>) { detail::report_shape_error_in_call<E>(); return {}; }
///   else { ...the work... }
/// so that the error is reported once and nothing else of the call is compiled.
template <class Error>
constexpr void report_shape_error_in_call() {
  static_assert(shape_check<false, Error>::ok);
}

}  // namespace ctnn::detail

// ---------------------------------------------------------------------------------------------
// The catalogue of type-level shape mistakes. Each name is what the compiler's first error line
// shows; its arguments are the sizes involved.
namespace ctnn::shape_error {

/// Declares one entry of the catalogue: a template whose deleted report() stops the build.
#define CTNN_SHAPE_ERROR(name)                    \
  template <class... What>                        \
  struct name : ::ctnn::detail::shape_error_tag { \
    static void report() = delete;                \
  }

/// An explicit `Dense<In, Out>` whose In differs from the output size of the layer before it.
CTNN_SHAPE_ERROR(layer_does_not_fit_the_one_before);
/// A layer spec that rejects the sample shape of the layer before it: a sequence layer fed
/// features, a Dense layer fed a sequence (put a Flatten before it), ...
CTNN_SHAPE_ERROR(layer_does_not_accept_the_shape_before);
/// The first layer is an explicit `Dense<In, Out>` whose In differs from Input<N>.
CTNN_SHAPE_ERROR(first_layer_does_not_fit_the_input);
/// A layer with zero outputs, e.g. Dense<0>.
CTNN_SHAPE_ERROR(layer_has_zero_outputs);
/// Input<0>.
CTNN_SHAPE_ERROR(network_input_size_is_zero);
/// Network<Input<N>> with nothing after the input.
CTNN_SHAPE_ERROR(network_has_no_layers);
/// The first argument of Network<...> is not Input<N>.
CTNN_SHAPE_ERROR(network_must_start_with_input);
/// A type in the layer list that is not a layer spec.
CTNN_SHAPE_ERROR(not_a_layer_spec);

/// A `Residual<...>` whose branch gives another shape than it takes: y = x + f(x) needs both
/// alike (add a Linear<Channels> or Dense<N> at the end of the branch).
CTNN_SHAPE_ERROR(residual_branch_changes_the_shape);
/// A mistake inside a `Residual<...>`'s branch: the second argument is the mistake, its layer
/// numbered within the branch (1 is the branch's first layer).
CTNN_SHAPE_ERROR(mistake_in_residual_branch);

/// A bound layer type (a user-defined layer) that does not meet the ctnn::InferenceLayer concept;
/// the second argument names the requirement (ctnn::layer_requirement, layers/layer.hpp).
CTNN_SHAPE_ERROR(layer_misses_a_requirement);
/// A training call (compute_gradients, train_step, Trainer) on a network with a layer that is not
/// a ctnn::TrainableLayer (inference only); the second argument names the requirement it misses.
CTNN_SHAPE_ERROR(layer_cannot_be_trained);
/// A training call on a network whose element type element_traits marks not trainable.
CTNN_SHAPE_ERROR(element_type_cannot_be_trained);

// Mistakes in a call (forward, compute_gradients, train_step, Trainer::step, ...).

/// A batch whose number of columns is not the network's input size.
CTNN_SHAPE_ERROR(input_has_wrong_number_of_features);
/// A target matrix whose number of columns is not the network's output size.
CTNN_SHAPE_ERROR(target_does_not_match_the_output);
/// ClassLabels<B, K> whose class count K is not the network's output size.
CTNN_SHAPE_ERROR(class_count_does_not_match_the_output);
/// A target with another number of rows (samples) than the input batch.
CTNN_SHAPE_ERROR(target_batch_differs_from_input_batch);
/// A target that is neither Matrix<T, B, outputs> nor ClassLabels<B, classes>.
CTNN_SHAPE_ERROR(target_is_not_a_matrix_or_class_labels);
/// A Workspace<Other, B> passed with a network of another type.
CTNN_SHAPE_ERROR(workspace_made_for_another_network);
/// A Gradients<Other> passed with a network of another type.
CTNN_SHAPE_ERROR(gradients_made_for_another_network);
/// A Workspace<Net, B1> used with a batch of B2 != B1 rows.
CTNN_SHAPE_ERROR(workspace_batch_differs_from_input_batch);
/// An optimizer (Adam<Other>, ...) used with a network of another type.
CTNN_SHAPE_ERROR(optimizer_made_for_another_network);
/// A target matrix of another element type than the network's (double for a float network).
CTNN_SHAPE_ERROR(target_element_type_differs_from_the_network);
/// Trainer<Net, B>::step given a batch of another number of rows than B.
CTNN_SHAPE_ERROR(input_batch_differs_from_trainer_batch);
/// A training call given a const network: training writes the parameters.
CTNN_SHAPE_ERROR(network_to_train_is_const);
/// forward(x) whose kept activations would exceed CTNN_FORWARD_STACK_LIMIT bytes of stack.
CTNN_SHAPE_ERROR(forward_needs_more_stack_than_the_limit);

// Mistakes in choosing a loss or an optimizer.

/// Trainer<Net, Loss, Optimizer, B>: the Loss argument is not a loss (e.g. swapped with the
/// optimizer, or an activation); the last argument names the requirement it misses.
CTNN_SHAPE_ERROR(trainer_loss_argument_is_not_a_loss);
/// Trainer<Net, Loss, Optimizer, B>: the Optimizer argument is not an optimizer.
CTNN_SHAPE_ERROR(trainer_optimizer_argument_is_not_an_optimizer);
/// A type used as a loss in compute_gradients, train_step or evaluate that is not a loss.
CTNN_SHAPE_ERROR(not_a_loss);
/// CrossEntropy on a network with one output: the softmax of one class is 1, the cost always 0.
CTNN_SHAPE_ERROR(cross_entropy_needs_at_least_two_outputs);
/// BinaryCrossEntropy after a layer that does not output probabilities (add a Sigmoid).
CTNN_SHAPE_ERROR(binary_cross_entropy_needs_a_probability_output);

#undef CTNN_SHAPE_ERROR

}  // namespace ctnn::shape_error
