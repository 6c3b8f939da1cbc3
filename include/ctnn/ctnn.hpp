/// @file ctnn.hpp
/// Everything ctnn offers, in one include.
///
/// @mainpage ctnn: compile-time neural networks for C++20
/// The reference of every public name of `namespace ctnn`, generated from the headers. The guide
/// is the repository's README.md and its pages in docs/ (training, memory, sequences and layers,
/// weight files, the shape-error catalogue, performance, targets, building); docs/reference.md
/// lists the headers and what each holds.
#pragma once

#include "ctnn/config.hpp"
#include "ctnn/denormals.hpp"
#include "ctnn/element.hpp"
#include "ctnn/expression.hpp"
#include "ctnn/finite.hpp"
#include "ctnn/layers/activations.hpp"
#include "ctnn/layers/conv1d.hpp"
#include "ctnn/layers/dense.hpp"
#include "ctnn/layers/input.hpp"
#include "ctnn/layers/layer.hpp"
#include "ctnn/layers/recurrent.hpp"
#include "ctnn/layers/residual.hpp"
#include "ctnn/loss.hpp"
#include "ctnn/matrix.hpp"
#include "ctnn/network.hpp"
#include "ctnn/operations.hpp"
#include "ctnn/optimizer.hpp"
#include "ctnn/random.hpp"
#include "ctnn/shape.hpp"
#include "ctnn/shape_error.hpp"
#include "ctnn/simd_target.hpp"
#include "ctnn/train.hpp"
