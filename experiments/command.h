// Subcommands of the stitchsim CLI. Each lives in its own cmd_*.cpp and registers itself, so
// adding a command touches no shared file.
//
// Contract for a command function: it receives the arguments after the command name, prints
// its own --help, and returns the exit code. It may throw sim::ConfigError for bad input (the
// dispatcher prints it as one "error: FILE: PATH: message" line and exits 2), a
// boost::program_options::error for bad arguments (exit 2), or another exception (exit 1).
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

namespace experiments {

struct Command {
  std::string name;
  std::string usage;    // e.g. "run CONFIG"
  std::string summary;  // one line for `stitchsim --help`
  std::function<int(const std::vector<std::string>&)> run;
};

std::map<std::string, Command>& commands();

struct CommandRegistration {
  explicit CommandRegistration(Command c) {
    std::string name = c.name;
    commands().emplace(std::move(name), std::move(c));
  }
};

// Exit code for bad input.
inline constexpr int kBadInput = 2;

}  // namespace experiments
