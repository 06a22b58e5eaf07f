#include "experiments/live/layer_file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <type_traits>

#include <fmt/format.h>

#include "sim/config.h"

namespace live {

namespace {

constexpr char kMagic[8] = {'S', 'T', 'L', 'W', 'G', 'T', '0', '1'};
constexpr std::uint64_t kAlign = 4096;

std::uint64_t align_up(std::uint64_t x) { return (x + kAlign - 1) / kAlign * kAlign; }

[[noreturn]] void io_fail(const std::string& path, const std::string& entry, const std::string& what) {
  throw sim::ConfigError(path, entry, fmt::format("{}: {}", what, std::strerror(errno)));
}

void write_all(int fd, const void* data, std::size_t bytes, std::uint64_t offset, const std::string& path) {
  const char* p = static_cast<const char*>(data);
  while (bytes > 0) {
    ssize_t n = ::pwrite(fd, p, bytes, static_cast<off_t>(offset));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) io_fail(path, "", "cannot write");
    p += n;
    bytes -= static_cast<std::size_t>(n);
    offset += static_cast<std::uint64_t>(n);
  }
}

// Reads exactly `bytes`; false on a short read (end of file).
bool read_all(int fd, void* data, std::size_t bytes, std::uint64_t offset) {
  char* p = static_cast<char*>(data);
  while (bytes > 0) {
    ssize_t n = ::pread(fd, p, bytes, static_cast<off_t>(offset));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    p += n;
    bytes -= static_cast<std::size_t>(n);
    offset += static_cast<std::uint64_t>(n);
  }
  return true;
}

std::uint64_t tensors_bytes(const std::vector<std::vector<float>*>& ts) {
  std::uint64_t b = 0;
  for (const auto* t : ts) b += t->size() * sizeof(float);
  return b;
}

}  // namespace

std::vector<std::vector<float>*> block_tensors(Block& block) {
  std::vector<std::vector<float>*> out;
  auto layer = [&](auto& l) {
    out.push_back(&l.w);
    out.push_back(&l.b);
  };
  auto norm = [&](LayerNorm& n) {
    out.push_back(&n.gamma);
    out.push_back(&n.beta);
  };
  std::visit(
      [&](auto& x) {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, StemBlock>) {
          layer(x.conv);
        } else if constexpr (std::is_same_v<T, BottleneckBlock>) {
          layer(x.a), layer(x.b), layer(x.c);
          if (x.proj) layer(*x.proj);
        } else if constexpr (std::is_same_v<T, PoolHeadBlock> || std::is_same_v<T, EmbedBlock>) {
          layer(x.fc);
        } else if constexpr (std::is_same_v<T, EncoderBlock>) {
          norm(x.ln1), norm(x.ln2);
          layer(x.qkv), layer(x.proj), layer(x.fc1), layer(x.fc2);
        } else if constexpr (std::is_same_v<T, TokenHeadBlock>) {
          norm(x.ln);
          layer(x.fc);
        } else if constexpr (std::is_same_v<T, MlpBlock>) {
          layer(x.fc1), layer(x.fc2);
        }
      },
      block);
  return out;
}

void write_layer_file(const std::string& path, const Model& model) {
  Model copy = model;  // block_tensors needs mutable blocks
  std::uint64_t table_bytes = sizeof(kMagic) + 4 + copy.blocks.size() * 16;
  std::vector<std::uint64_t> offsets, sizes;
  std::uint64_t at = align_up(table_bytes);
  for (auto& b : copy.blocks) {
    offsets.push_back(at);
    sizes.push_back(tensors_bytes(block_tensors(b)));
    at = align_up(at + sizes.back());
  }
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) io_fail(path, "", "cannot create");
  try {
    std::vector<char> header(table_bytes);
    std::memcpy(header.data(), kMagic, sizeof(kMagic));
    auto count = static_cast<std::uint32_t>(copy.blocks.size());
    std::memcpy(header.data() + 8, &count, 4);
    for (std::size_t i = 0; i < copy.blocks.size(); ++i) {
      std::memcpy(header.data() + 12 + 16 * i, &offsets[i], 8);
      std::memcpy(header.data() + 20 + 16 * i, &sizes[i], 8);
    }
    write_all(fd, header.data(), header.size(), 0, path);
    for (std::size_t i = 0; i < copy.blocks.size(); ++i) {
      std::uint64_t off = offsets[i];
      for (const auto* t : block_tensors(copy.blocks[i])) {
        write_all(fd, t->data(), t->size() * sizeof(float), off, path);
        off += t->size() * sizeof(float);
      }
    }
    if (::ftruncate(fd, static_cast<off_t>(at)) != 0) io_fail(path, "", "cannot size");
    if (::fdatasync(fd) != 0) io_fail(path, "", "cannot sync");
  } catch (...) {
    ::close(fd);
    throw;
  }
  ::close(fd);
}

LayerFile::LayerFile(const std::string& path) : path_(path) {
  fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd_ < 0) io_fail(path, "", "cannot open");
  struct stat st {};
  if (::fstat(fd_, &st) != 0) {
    ::close(fd_);
    io_fail(path, "", "cannot stat");
  }
  size_ = static_cast<std::uint64_t>(st.st_size);
  auto fail = [&](const std::string& entry, const std::string& msg) {
    ::close(fd_);
    throw sim::ConfigError(path, entry, msg);
  };
  char head[12];
  if (!read_all(fd_, head, sizeof(head), 0)) fail("header", "shorter than the 12-byte header");
  if (std::memcmp(head, kMagic, sizeof(kMagic)) != 0) fail("header", "not a layer weight file (magic 'STLWGT01' missing)");
  std::uint32_t count = 0;
  std::memcpy(&count, head + 8, 4);
  if (static_cast<std::uint64_t>(count) * 16 + 12 > size_) fail("header", fmt::format("the table of {} blocks is cut off", count));
  table_.resize(count);
  std::vector<char> raw(static_cast<std::size_t>(count) * 16);
  if (!read_all(fd_, raw.data(), raw.size(), 12)) fail("header", "cannot read the block table");
  for (std::uint32_t i = 0; i < count; ++i) {
    std::memcpy(&table_[i].offset, raw.data() + 16 * i, 8);
    std::memcpy(&table_[i].bytes, raw.data() + 16 * i + 8, 8);
    if (table_[i].offset > size_ || table_[i].bytes > size_ - table_[i].offset) {
      fail(fmt::format("block {}", i),
           fmt::format("bytes [{}, +{}) lie beyond the file's end ({} bytes)", table_[i].offset, table_[i].bytes, size_));
    }
  }
}

LayerFile::~LayerFile() {
  if (fd_ >= 0) ::close(fd_);
}

void LayerFile::drop_cache() const { ::posix_fadvise(fd_, 0, 0, POSIX_FADV_DONTNEED); }

void LayerFile::read_block(int block, Block& into) const {
  std::string entry = fmt::format("block {}", block);
  if (block < 0 || block >= blocks()) throw sim::ConfigError(path_, entry, fmt::format("the file has {} blocks", blocks()));
  const Entry& e = table_[static_cast<std::size_t>(block)];
  auto tensors = block_tensors(into);
  if (tensors_bytes(tensors) != e.bytes) {
    throw sim::ConfigError(path_, entry,
                           fmt::format("holds {} bytes, the model's block needs {}", e.bytes, tensors_bytes(tensors)));
  }
  ::posix_fadvise(fd_, static_cast<off_t>(e.offset), static_cast<off_t>(e.bytes), POSIX_FADV_DONTNEED);
  std::uint64_t off = e.offset;
  for (auto* t : tensors) {
    if (!read_all(fd_, t->data(), t->size() * sizeof(float), off)) throw sim::ConfigError(path_, entry, "short read");
    off += t->size() * sizeof(float);
  }
}

double LayerFile::resident_share(int block) const {
  const Entry& e = table_[static_cast<std::size_t>(block)];
  if (e.bytes == 0) return 0;
  long page = ::sysconf(_SC_PAGESIZE);
  std::uint64_t start = e.offset / static_cast<std::uint64_t>(page) * static_cast<std::uint64_t>(page);
  std::uint64_t len = e.offset + e.bytes - start;
  void* map = ::mmap(nullptr, len, PROT_READ, MAP_SHARED, fd_, static_cast<off_t>(start));
  if (map == MAP_FAILED) return -1;
  std::vector<unsigned char> vec((len + static_cast<std::uint64_t>(page) - 1) / static_cast<std::uint64_t>(page));
  double share = -1;
  if (::mincore(map, len, vec.data()) == 0) {
    std::size_t in = 0;
    for (auto v : vec) in += v & 1;
    share = static_cast<double>(in) / static_cast<double>(vec.size());
  }
  ::munmap(map, len);
  return share;
}

}  // namespace live
