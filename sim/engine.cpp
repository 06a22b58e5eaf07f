#include "sim/engine.h"

#include <stdexcept>
#include <string>
#include <utility>

namespace sim {

namespace {

// Below this many tombstones a purge is not worth a pass over the queue.
constexpr std::size_t kMinTombstonesToPurge = 1024;

// Clears the engine's running flag however a run ends, exceptions included.
class RunningGuard {
 public:
  explicit RunningGuard(bool& running) : running_(running) {
    if (running_) throw std::logic_error("Engine: run()/run_until() called from inside a handler");
    running_ = true;
  }
  ~RunningGuard() { running_ = false; }
  RunningGuard(const RunningGuard&) = delete;
  RunningGuard& operator=(const RunningGuard&) = delete;

 private:
  bool& running_;
};

}  // namespace

Engine::Engine() = default;

void Engine::grow_slots() {
  if (slots_.size() >= kNoSlot) throw std::length_error("Engine: too many pending events");
  slots_.emplace_back();
  release_slot(static_cast<std::uint32_t>(slots_.size() - 1));
}

void Engine::throw_in_past(Time at) const {
  throw std::logic_error("Engine: cannot schedule at " + std::to_string(at.ns) +
                         " ns, before now (" + std::to_string(now_.ns) + " ns)");
}

void Engine::throw_bad_delay(Time delay) const {
  if (delay.ns < 0) throw_in_past(now_ + delay);
  throw std::out_of_range("Engine::schedule_in: now + " + std::to_string(delay.ns) +
                          " ns overflows Time");
}

void Engine::throw_null_handler() { throw std::invalid_argument("Engine: null event handler"); }

EventId Engine::schedule_fn(Time at, Priority p, std::function<void()> fn) {
  if (!fn) throw std::invalid_argument("Engine::schedule_fn: empty function");
  if (at < now_) throw_in_past(at);
  std::uint64_t index;
  if (!free_functions_.empty()) {
    index = free_functions_.back();
    free_functions_.pop_back();
    functions_[index] = std::move(fn);
  } else {
    index = functions_.size();
    functions_.push_back(std::move(fn));
  }
  try {
    return schedule_at(at, p, &function_runner_, index);
  } catch (...) {
    release_function(index);
    throw;
  }
}

void Engine::release_function(std::uint64_t index) {
  functions_[index] = nullptr;  // drop captures now, not when the slot is reused
  free_functions_.push_back(index);
}

void Engine::FunctionRunner::on_event(std::uint64_t tag) {
  // Moved out first: the function may schedule more functions and reallocate functions_.
  std::function<void()> fn = std::move(engine_.functions_[tag]);
  engine_.release_function(tag);
  fn();
}

bool Engine::is_pending(EventId id) const {
  if (!id.valid() || id.slot >= slots_.size()) return false;
  const Slot& s = slots_[id.slot];
  return s.generation == id.generation && s.handler != nullptr;
}

bool Engine::cancel(EventId id) {
  if (!is_pending(id)) return false;
  Slot& s = slots_[id.slot];
  if (s.handler == &function_runner_) release_function(s.tag);
  // Lazy: the queue record stays as a tombstone; the slot is freed when it is popped or purged.
  s.handler = nullptr;
  s.generation = next_generation(s.generation);
  ++tombstones_;
  if (tombstones_ >= kMinTombstonesToPurge && tombstones_ > pending()) purge_cancelled();
  return true;
}

void Engine::purge_cancelled() {
  queue_.remove_if([this](std::uint32_t slot) {
    if (slots_[slot].handler != nullptr) return false;
    release_slot(slot);
    return true;
  });
  tombstones_ = 0;
}

bool Engine::run_events(Time limit) {
  RunningGuard guard(running_);
  stop_requested_ = false;
  EventQueue::Entry e;
  // In a large simulation an event's slot is a cache miss (slots are reused in pop order, so the
  // slot of the next event is effectively random). Prefetch it when the event comes near the front
  // of the queue, a few hundred events ahead in a dense run, instead of stalling at pop.
  const auto prefetch_slot = [this](std::uint32_t slot) { __builtin_prefetch(&slots_[slot]); };
  while (queue_.pop(limit, e, prefetch_slot)) {
    Slot& s = slots_[e.payload];
    EventHandler* const handler = s.handler;
    if (handler == nullptr) {  // tombstone of a cancelled event
      release_slot(e.payload);
      --tombstones_;
      continue;
    }
    const std::uint64_t tag = s.tag;
    // Freed before dispatch so that the handler's own schedule reuses this (cached) slot.
    s.handler = nullptr;
    s.generation = next_generation(s.generation);
    release_slot(e.payload);
    now_ = e.time;
    ++processed_;
    handler->on_event(tag);
    if (stop_requested_) return true;
  }
  return false;
}

void Engine::run() { run_events(Time::max()); }

void Engine::run_until(Time limit) {
  if (limit < now_) {
    throw std::logic_error("Engine::run_until: limit " + std::to_string(limit.ns) +
                           " ns is before now (" + std::to_string(now_.ns) + " ns)");
  }
  if (!run_events(limit)) now_ = limit;
}

}  // namespace sim
