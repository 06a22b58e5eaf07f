// Shared helper for subcommands that parse options with Boost.Program_options.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include <boost/program_options.hpp>

namespace experiments {

// Parses `args`; when --help is given prints `usage` and the options and returns false.
bool parse_options(const std::vector<std::string>& args, const boost::program_options::options_description& desc,
                   const boost::program_options::positional_options_description& pos,
                   boost::program_options::variables_map& vm, const std::string& usage);

// The whole of a command shaped `NAME CONFIG --out DIR [--overwrite] [--quiet]` (validate,
// layerwise-live): parses, prints `usage` for --help, then calls run(config, out, quiet,
// overwrite). `what` names the config and the directory kind in the option texts.
int run_config_out_command(const std::vector<std::string>& args, const std::string& what, const std::string& usage,
                           const std::function<void(const std::string& config, const std::string& out, bool quiet,
                                                    bool overwrite)>& run);

}  // namespace experiments
