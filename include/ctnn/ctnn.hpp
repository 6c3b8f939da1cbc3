/// @file ctnn.hpp
/// Everything ctnn offers, in one include.
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
