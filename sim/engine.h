// The discrete-event engine: a clock, a future-event set and the loop that dispatches events.
//
// Events run in a total order: time, then priority (lower value first), then insertion order, so
// a run is reproducible bit for bit. Handlers are plain objects with a virtual on_event(tag); the
// engine never owns them and never copies them, which keeps the hot path free of allocation.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

#include "sim/event_queue.h"
#include "sim/time.h"

namespace sim {

// Names one scheduled event. A slot is reused after its event fires or is cancelled, but its
// generation changes then, so a stale id never matches the new event. Generation 0 is never
// issued: a default EventId is invalid.
struct EventId {
  std::uint32_t slot = 0;
  std::uint32_t generation = 0;
  bool valid() const { return generation != 0; }
};

class EventHandler {
 public:
  virtual ~EventHandler() = default;
  virtual void on_event(std::uint64_t tag) = 0;
};

class Engine {
 public:
  Engine();
  // Handlers and pending std::function events refer to the engine by address.
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  Time now() const { return now_; }

  // Schedules handler->on_event(tag) at `at`. Throws std::logic_error if at < now(), and
  // std::invalid_argument if handler is null. The handler must outlive the event (or cancel it).
  EventId schedule_at(Time at, Priority p, EventHandler* handler, std::uint64_t tag = 0);
  // Same at now() + delay; a negative delay throws std::logic_error, one that overflows Time
  // throws std::out_of_range.
  EventId schedule_in(Time delay, Priority p, EventHandler* handler, std::uint64_t tag = 0);
  // Convenience for rare events (tests, SLO changes): a callable stored with the event. Costs an
  // allocation-capable std::function; hot paths should use schedule_at with a handler.
  EventId schedule_fn(Time at, Priority p, std::function<void()> fn);

  // True if the event was pending (it will now never run); false if it already fired, was
  // cancelled, or the id is invalid or stale.
  bool cancel(EventId id);
  bool is_pending(EventId id) const;

  // Runs events until none remain or stop() is called. Throws std::logic_error if called from
  // inside a handler. An exception from a handler propagates; the event it came from is gone.
  void run();
  // Runs events with time <= limit. Afterwards now() == limit, unless stop() ended it early, in
  // which case now() is the time of the last event run. Throws std::logic_error if limit < now().
  void run_until(Time limit);
  // From inside a handler: run()/run_until() return after the current event. Outside a run it has
  // no effect (each run starts afresh).
  void stop() { stop_requested_ = true; }

  std::uint64_t events_processed() const { return processed_; }
  // Live events: scheduled, not yet fired, not cancelled.
  std::size_t pending() const { return queue_.size() - tombstones_; }
  // Records held by the future-event set: pending() plus cancelled events not yet dropped. Kept
  // within about 2 * pending() + 1024; exposed so tests can check that bound.
  std::size_t queued() const { return queue_.size(); }

 private:
  static constexpr std::uint32_t kNoSlot = 0xffffffffu;

  // One pending (or cancelled-but-still-queued, or free) event. A slot whose handler is null is
  // either free or a tombstone: cancelled, with its record still in the queue until popped or
  // purged. Either way its generation has already moved on.
  struct alignas(32) Slot {  // 32 bytes: never straddles a cache line
    EventHandler* handler = nullptr;
    std::uint64_t tag = 0;
    std::uint32_t generation = 1;
    std::uint32_t next_free = kNoSlot;
  };

  // Runs the std::function events of schedule_fn; the tag indexes functions_.
  class FunctionRunner final : public EventHandler {
   public:
    explicit FunctionRunner(Engine& engine) : engine_(engine) {}
    void on_event(std::uint64_t tag) override;

   private:
    Engine& engine_;
  };

  // Returns true if a handler called stop().
  bool run_events(Time limit);
  // Appends a slot to the free list (the pool is empty); may throw, changing nothing else.
  void grow_slots();
  // Out of line so that the inline scheduling path stays small.
  [[noreturn]] void throw_in_past(Time at) const;
  [[noreturn]] void throw_bad_delay(Time delay) const;
  [[noreturn]] static void throw_null_handler();
  void release_slot(std::uint32_t slot) {
    slots_[slot].next_free = free_head_;
    free_head_ = slot;
  }
  static std::uint32_t next_generation(std::uint32_t g) { return g + 1 == 0 ? 1 : g + 1; }
  void release_function(std::uint64_t index);
  // Drops every tombstone from the queue and frees its slot, so that schedule/cancel churn can't
  // grow memory: called once tombstones outnumber live events, so its O(queue) cost is paid for
  // by the cancellations that made it necessary.
  void purge_cancelled();

  EventQueue queue_;
  std::vector<Slot> slots_;
  std::uint32_t free_head_ = kNoSlot;
  std::vector<std::function<void()>> functions_;
  std::vector<std::uint64_t> free_functions_;
  FunctionRunner function_runner_{*this};
  Time now_ = Time::zero();
  std::uint64_t processed_ = 0;
  std::size_t tombstones_ = 0;
  bool stop_requested_ = false;
  bool running_ = false;
};

// Scheduling is inline: it is on every event's path, usually called from another translation unit.
inline EventId Engine::schedule_at(Time at, Priority p, EventHandler* handler, std::uint64_t tag) {
  if (at < now_) throw_in_past(at);
  if (handler == nullptr) throw_null_handler();
  // Each step that can throw comes before any state that would need undoing.
  if (free_head_ == kNoSlot) grow_slots();
  const std::uint32_t slot = free_head_;
  queue_.push(at, p, slot);
  Slot& s = slots_[slot];
  free_head_ = s.next_free;
  s.handler = handler;
  s.tag = tag;
  return EventId{slot, s.generation};
}

inline EventId Engine::schedule_in(Time delay, Priority p, EventHandler* handler,
                                   std::uint64_t tag) {
  if (delay.ns < 0 || delay.ns > Time::max().ns - now_.ns) throw_bad_delay(delay);
  return schedule_at(now_ + delay, p, handler, tag);
}

}  // namespace sim
