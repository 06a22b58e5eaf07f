// Profiles in JSON form: the bounded JSON reader, then profile validation.
#include "fuzz_common.h"
#include "hw-models/profile.h"
#include "sim/json_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::expect_only_bad_input([&] {
    sim::Json doc = sim::parse_json_text(fuzz::text(data, size), "<fuzz>");
    hw::read_profile_json(sim::ConfigNode(doc, "<fuzz>"));
  });
  return 0;
}
