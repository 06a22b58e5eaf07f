// Profiles in HDF5 form, from an in-memory file image: the HDF5 tree reader, then validation.
#include "fuzz_common.h"
#include "hw-models/profile.h"
#include "hw-models/profile_h5.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::expect_only_bad_input([&] {
    sim::Json doc = hw::read_json_h5_image(data, size, "<fuzz>.h5");
    hw::read_profile_json(sim::ConfigNode(doc, "<fuzz>.h5"));
  });
  return 0;
}
