// The recurrent benchmark's libraries: each gives, per model of recurrent.hpp (in order), a run
// per sample and a run in blocks of 64 samples (the baselines loop over samples in both).
#pragma once

#include <cstddef>

namespace bench::recurrent {

using Run = void (*)();
struct RunTable {
  const Run (*runs)[2];  ///< runs[model][0]: per sample, [1]: blocks of 64
  std::size_t count;
};

/// ctnn (recurrent_ctnn.cpp); one more row than `models`: Proteus with LSTM<40, FastTanh>.
RunTable ctnn_runs();
const char* ctnn_target();
/// The models written the way RTNeural's compile-time LSTM and GRU layers are (xsimd).
RunTable rtneural_style_runs();
/// The models as fixed-size Eigen 3.4 cells.
RunTable eigen_runs();

}  // namespace bench::recurrent
