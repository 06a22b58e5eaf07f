// The MPI world of a sweep, or a world of one when stitchsim was not started by mpirun (or was
// built without MPI). Only sweeps use it; one simulation is always one thread of one process.
#pragma once

#include <string>
#include <vector>

namespace experiments {

class MpiWorld {
 public:
  // Initialises MPI only when the process was launched by an MPI launcher (detected from the
  // environment), so a plain `stitchsim sweep` never pays MPI start-up.
  static MpiWorld& get();
  int rank() const { return rank_; }
  int size() const { return size_; }
  bool active() const { return active_; }
  void barrier();
  // Every rank's string, gathered on rank 0 (other ranks get an empty vector).
  std::vector<std::string> gather(const std::string& mine);
  // Logical OR over ranks, seen by all.
  bool any(bool mine);
  ~MpiWorld();

 private:
  MpiWorld();
  int rank_ = 0, size_ = 1;
  bool active_ = false;
};

}  // namespace experiments
