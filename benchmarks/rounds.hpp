// A Google Benchmark reporter for a shared machine: keeps every round's CPU time per iteration
// (ns) by benchmark name, in the order run, and prints the usual table.
#pragma once

#include <map>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

namespace bench {

class Rounds : public benchmark::ConsoleReporter {
 public:
  std::map<std::string, std::vector<double>> ns;
  void ReportRuns(const std::vector<Run>& runs) override {
    for (const auto& r : runs)
      if (r.run_type == Run::RT_Iteration)
        ns[r.run_name.function_name].push_back(r.GetAdjustedCPUTime());
    ConsoleReporter::ReportRuns(runs);
  }
};

}  // namespace bench
