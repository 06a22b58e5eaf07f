// Shared helper for subcommands that parse options with Boost.Program_options.
#pragma once

#include <string>
#include <vector>

#include <boost/program_options.hpp>

namespace experiments {

// Parses `args`; when --help is given prints `usage` and the options and returns false.
bool parse_options(const std::vector<std::string>& args, const boost::program_options::options_description& desc,
                   const boost::program_options::positional_options_description& pos,
                   boost::program_options::variables_map& vm, const std::string& usage);

}  // namespace experiments
