#include "platform/http/event_stream.h"

namespace kefu::http {

void EventStream::send(const std::string& event, const std::string& data) {
  std::function<void()> wake;
  {
    std::lock_guard lock(mu_);
    if (closed_) return;
    if (frames_.size() >= kMaxQueued) {
      closed_ = true;
    } else {
      frames_.push_back("event: " + event + "\ndata: " + data + "\n\n");
    }
    wake = wake_;
  }
  if (wake) wake();
}

void EventStream::close() {
  std::function<void()> wake;
  {
    std::lock_guard lock(mu_);
    closed_ = true;
    wake = wake_;
  }
  if (wake) wake();
}

bool EventStream::closed() const {
  std::lock_guard lock(mu_);
  return closed_;
}

std::vector<std::string> EventStream::take() {
  std::lock_guard lock(mu_);
  std::vector<std::string> out(frames_.begin(), frames_.end());
  frames_.clear();
  return out;
}

void EventStream::on_ready(std::function<void()> wake) {
  std::lock_guard lock(mu_);
  wake_ = std::move(wake);
}

}  // namespace kefu::http
