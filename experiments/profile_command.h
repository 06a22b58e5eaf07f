// Subcommands of `stitchsim profile` (show, check, import, ...). Each lives in its own .cpp and
// registers itself here, so a new one (e.g. `profile estimate`) touches no existing file.
// Same contract as command.h: the function gets the arguments after the subcommand name,
// returns the exit code, and may throw sim::ConfigError (exit 2) or program_options errors.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

namespace experiments {

struct ProfileSubcommand {
  std::string name;
  std::string usage;    // e.g. "profile show FILE"
  std::string summary;  // one line for `stitchsim profile --help`
  std::function<int(const std::vector<std::string>&)> run;
};

std::map<std::string, ProfileSubcommand>& profile_subcommands();

struct ProfileSubcommandRegistration {
  explicit ProfileSubcommandRegistration(ProfileSubcommand c) {
    std::string name = c.name;
    profile_subcommands().emplace(std::move(name), std::move(c));
  }
};

}  // namespace experiments
