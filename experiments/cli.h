// The stitchsim command line: dispatches to the registered subcommands (command.h).
// Exit codes: 0 success, 1 internal error, 2 bad input (config, profile, arguments).
#pragma once

namespace experiments {

int cli_main(int argc, char** argv);

}  // namespace experiments
