#include "sim/isolated.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <vector>

#include <fmt/format.h>

// AddressSanitizer reserves terabytes of address space, so the child's memory cap is left to it.
#if defined(__SANITIZE_ADDRESS__)
#define STITCHSIM_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define STITCHSIM_ASAN 1
#endif
#endif

namespace sim {
namespace {

void write_all(int fd, const std::uint8_t* data, std::size_t size) {
  while (size > 0) {
    ssize_t n = ::write(fd, data, size);
    if (n <= 0) return;
    data += n;
    size -= static_cast<std::size_t>(n);
  }
}

// The child: 'J' + CBOR of the result, or 'E' + CBOR of {file, path, message}.
[[noreturn]] void child(int fd, const std::function<Json()>& work) {
  // Dies with the parent (a parent killed mid-read must not leave a reader looping forever), and
  // dies of its own crashes plainly: handlers inherited from the parent (sanitizers, fuzzers)
  // would report the library's crash as the parent's.
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  for (int sig : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT}) ::signal(sig, SIG_DFL);
#ifndef STITCHSIM_ASAN
  // A corrupted size field must not make the child take the machine's memory.
  constexpr rlim_t kChildAddressSpaceBytes = rlim_t{8} << 30;
  rlimit limit{kChildAddressSpaceBytes, kChildAddressSpaceBytes};
  ::setrlimit(RLIMIT_AS, &limit);
#endif
  int null_fd = ::open("/dev/null", O_WRONLY);
  if (null_fd >= 0) ::dup2(null_fd, STDERR_FILENO);
  std::vector<std::uint8_t> out;
  try {
    out = Json::to_cbor(work());
    out.insert(out.begin(), 'J');
  } catch (const ConfigError& e) {
    out = Json::to_cbor(Json{{"file", e.file()}, {"path", e.path()}, {"message", e.message()}});
    out.insert(out.begin(), 'E');
  } catch (const std::exception& e) {
    out = Json::to_cbor(Json{{"file", ""}, {"path", ""}, {"message", e.what()}});
    out.insert(out.begin(), 'E');
  } catch (...) {
    ::_exit(3);
  }
  write_all(fd, out.data(), out.size());
  ::close(fd);
  ::_exit(0);
}

}  // namespace

Json run_isolated(const std::string& origin, const std::function<Json()>& work, int timeout_s) {
  int fds[2];
  if (::pipe(fds) != 0) throw ConfigError(origin, "", fmt::format("cannot create a pipe: {}", std::strerror(errno)));
  pid_t pid = ::fork();
  if (pid < 0) {
    ::close(fds[0]);
    ::close(fds[1]);
    throw ConfigError(origin, "", fmt::format("cannot fork a reader: {}", std::strerror(errno)));
  }
  if (pid == 0) {
    ::close(fds[0]);
    child(fds[1], work);
  }
  ::close(fds[1]);
  std::vector<std::uint8_t> data;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_s);
  bool timed_out = false;
  std::uint8_t buffer[65536];
  while (true) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count();
    if (left <= 0) {
      timed_out = true;
      break;
    }
    pollfd p{fds[0], POLLIN, 0};
    int r = ::poll(&p, 1, static_cast<int>(std::min<long long>(left, 1000)));
    if (r < 0 && errno == EINTR) continue;
    if (r == 0) continue;
    ssize_t n = ::read(fds[0], buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    data.insert(data.end(), buffer, buffer + n);
  }
  ::close(fds[0]);
  if (timed_out) ::kill(pid, SIGKILL);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (timed_out) throw ConfigError(origin, "", fmt::format("reading took longer than {} s (corrupt file?); stopped", timeout_s));
  if (WIFSIGNALED(status)) {
    throw ConfigError(origin, "", fmt::format("corrupt file: the reading library crashed on it ({})", strsignal(WTERMSIG(status))));
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || data.empty()) {
    throw ConfigError(origin, "", "corrupt file: the reader failed without a message");
  }
  Json payload = Json::from_cbor(data.begin() + 1, data.end(), true, false);
  if (payload.is_discarded()) throw ConfigError(origin, "", "corrupt file: the reader's answer was cut short");
  if (data[0] == 'J') return payload;
  std::string file = payload.value("file", "");
  throw ConfigError(file.empty() ? origin : file, payload.value("path", ""), payload.value("message", "unreadable"));
}

}  // namespace sim
