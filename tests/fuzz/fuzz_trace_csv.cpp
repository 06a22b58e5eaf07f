// Arrival traces: libcsv records, then the trace checks (columns, numbers, order, range); with
// and without a task filter.
#include "fuzz_common.h"
#include "workloads/trace.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string text = fuzz::text(data, size);
  fuzz::expect_only_bad_input([&] { workloads::parse_trace_csv(text, "<fuzz>.csv", ""); });
  fuzz::expect_only_bad_input([&] { workloads::parse_trace_csv(text, "<fuzz>.csv", "image"); });
  return 0;
}
