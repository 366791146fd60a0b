#pragma once
// Live delivery of outbox events to whoever is listening now (the console's event stream).
// One thread per node reads new rows of the events table every poll interval, so events
// written by any node reach the listeners of every node. Best effort by design: a client
// that reconnects reloads what it shows; durable, exactly-once consumers use the consumer
// cursors instead.
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "platform/auth/principal.h"
#include "platform/db/database.h"
#include "platform/events/consumer.h"

namespace kefu::events {

// What one module streams (GET /api/v1/events/stream): the events whose type starts with
// `prefix` are offered to `render`, which decides, in the module's service, whether the
// listener may see it (their scope, their own work) and what the frame says. One stream per
// user carries every topic; each frame is named `name` ("ticket", "callback").
struct LiveTopic {
  std::string prefix;  // "ticket."
  std::string name;    // the SSE event name
  // The frame's JSON, or nullopt: not for this listener. Runs on the live feed's thread.
  std::function<std::optional<std::string>(const auth::Principal&, const StoredEvent&)> render;
};

class LiveFeed {
 public:
  // Returns false once the listener is gone; it is then dropped.
  using Listener = std::function<bool(const StoredEvent&)>;

  LiveFeed(db::Database& db, int64_t poll_ms);
  ~LiveFeed();
  LiveFeed(const LiveFeed&) = delete;
  LiveFeed& operator=(const LiveFeed&) = delete;

  void start();
  void stop();
  void listen(Listener l);
  size_t listeners() const;
  // One round of reading and delivering (the thread's body; tests call it directly).
  void poll_once();

 private:
  void run();

  db::Database& db_;
  int64_t poll_ms_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Listener> listeners_;
  bool stop_ = false;
  std::thread thread_;
  int64_t cursor_ = -1;       // highest id delivered; -1 = not yet read
  std::set<int64_t> recent_;  // ids delivered within the look-back window
};

}  // namespace kefu::events
