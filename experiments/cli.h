// The stitchsim command line: one function per subcommand, each with its own --help.
// Exit codes: 0 success, 1 internal error, 2 bad input (config, profile, arguments).
#pragma once

#include <string>
#include <vector>

namespace experiments {

int cli_main(int argc, char** argv);
int cmd_run(const std::vector<std::string>& args);
int cmd_list(const std::vector<std::string>& args);

}  // namespace experiments
