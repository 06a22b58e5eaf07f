// Per-block weight files for the layer-wise live check: a model's weights written to one file,
// block after block, and read back one block at a time with the block's page-cache pages dropped
// first, so every read goes to the storage device (as EdgeCaffe's per-layer loads do).
//
// Format (little-endian, this machine's float layout): "STLWGT01", u32 block count, then per block
// u64 offset and u64 byte count; each block's data starts on a 4096-byte boundary and is the
// block's fp32 tensors in a fixed order (per conv/linear: weights then bias; per layer norm:
// gamma then beta; in the block's declaration order). The file stores values only: the reader
// needs a model of the same architecture (its structure and tensor sizes), whose weights it
// overwrites.
//
// Page cache: posix_fadvise(POSIX_FADV_DONTNEED) over the block's range before each read (no
// root needed; drops clean pages, which they are after write_layer_file's fdatasync). O_DIRECT is
// not used: it needs aligned buffers and is not supported by every file system (tmpfs).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "experiments/live/model.h"

namespace live {

// Writes every block's weights of `model` to `path` (replacing it) and syncs it to the device.
// Throws sim::ConfigError naming the path on an I/O failure.
void write_layer_file(const std::string& path, const Model& model);

class LayerFile {
 public:
  // Opens and checks the header and block table; sim::ConfigError naming the file and the entry
  // ("header", "block 3") on a bad magic, a truncated table or a block beyond the file's end.
  explicit LayerFile(const std::string& path);
  ~LayerFile();
  LayerFile(const LayerFile&) = delete;
  LayerFile& operator=(const LayerFile&) = delete;

  int blocks() const { return static_cast<int>(table_.size()); }
  std::int64_t block_bytes(int block) const { return static_cast<std::int64_t>(table_[static_cast<std::size_t>(block)].bytes); }
  // Drops the block's pages from the page cache, then reads it into `into` (a block of the same
  // architecture); sim::ConfigError naming the file and "block N" when the sizes differ or the
  // read fails.
  void read_block(int block, Block& into) const;
  // Drops the whole file's pages from the page cache.
  void drop_cache() const;
  // Share of the block's pages resident in the page cache now (mincore), for checking the drop.
  double resident_share(int block) const;

 private:
  struct Entry {
    std::uint64_t offset = 0, bytes = 0;
  };
  std::string path_;
  int fd_ = -1;
  std::uint64_t size_ = 0;
  std::vector<Entry> table_;
};

// The block's tensors in file order (pointers into `block`).
std::vector<std::vector<float>*> block_tensors(Block& block);

}  // namespace live
