// OnednnRunner (job_runner.h): real execution of a zoo's models through oneDNN.
#pragma once

#include <memory>
#include <string>

#include "experiments/live/job_runner.h"
#include "experiments/live/zoo.h"
#include "hw-models/profile.h"

namespace live {

// `zoo` must contain every variant of every profile model in `used_models` by name with the
// profile's subgraph count; otherwise sim::ConfigError naming `config_file` and "$.zoo".
std::unique_ptr<JobRunner> make_onednn_runner(const Zoo& zoo, const hw::Profile& profile,
                                              const std::vector<bool>& used_models, std::uint64_t seed,
                                              const std::string& config_file);

}  // namespace live
