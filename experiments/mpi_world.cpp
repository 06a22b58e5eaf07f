#include "experiments/mpi_world.h"

#include <cstdlib>

#ifdef STITCHSIM_HAVE_MPI
#include <mpi.h>
#endif

namespace experiments {

MpiWorld& MpiWorld::get() {
  static MpiWorld world;
  return world;
}

MpiWorld::MpiWorld() {
#ifdef STITCHSIM_HAVE_MPI
  bool launched = std::getenv("OMPI_COMM_WORLD_SIZE") || std::getenv("PMI_SIZE") || std::getenv("PMIX_RANK");
  if (!launched) return;
  int provided = 0;
  MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &size_);
  active_ = true;
#endif
}

MpiWorld::~MpiWorld() {
#ifdef STITCHSIM_HAVE_MPI
  if (active_) MPI_Finalize();
#endif
}

void MpiWorld::barrier() {
#ifdef STITCHSIM_HAVE_MPI
  if (active_) MPI_Barrier(MPI_COMM_WORLD);
#endif
}

bool MpiWorld::any(bool mine) {
#ifdef STITCHSIM_HAVE_MPI
  if (active_) {
    int in = mine ? 1 : 0, out = 0;
    MPI_Allreduce(&in, &out, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    return out != 0;
  }
#endif
  return mine;
}

std::vector<std::string> MpiWorld::gather(const std::string& mine) {
#ifdef STITCHSIM_HAVE_MPI
  if (active_) {
    int len = static_cast<int>(mine.size());
    std::vector<int> lens(static_cast<std::size_t>(size_));
    MPI_Gather(&len, 1, MPI_INT, lens.data(), 1, MPI_INT, 0, MPI_COMM_WORLD);
    std::vector<int> displs(static_cast<std::size_t>(size_), 0);
    int total = 0;
    for (int i = 0; i < size_; ++i) {
      displs[static_cast<std::size_t>(i)] = total;
      total += lens[static_cast<std::size_t>(i)];
    }
    std::string all(rank_ == 0 ? static_cast<std::size_t>(total) : 0, '\0');
    MPI_Gatherv(mine.data(), len, MPI_CHAR, all.data(), lens.data(), displs.data(), MPI_CHAR, 0, MPI_COMM_WORLD);
    std::vector<std::string> out;
    if (rank_ == 0) {
      for (int i = 0; i < size_; ++i) {
        out.push_back(all.substr(static_cast<std::size_t>(displs[static_cast<std::size_t>(i)]),
                                 static_cast<std::size_t>(lens[static_cast<std::size_t>(i)])));
      }
    }
    return out;
  }
#endif
  return {mine};
}

}  // namespace experiments
