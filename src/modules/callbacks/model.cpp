#include "modules/callbacks/model.h"

#include <algorithm>
#include <cmath>

namespace kefu::callbacks {
namespace {

constexpr int64_t kMinuteMs = 60 * 1000;
constexpr int kDayMinutes = 24 * 60;

std::optional<int> clock_minutes(std::string_view s) {
  if (s.size() != 5 || s[2] != ':') return std::nullopt;
  auto d = [&](size_t i) { return s[i] >= '0' && s[i] <= '9' ? s[i] - '0' : -1; };
  int h1 = d(0), h2 = d(1), m1 = d(3), m2 = d(4);
  if (h1 < 0 || h2 < 0 || m1 < 0 || m2 < 0) return std::nullopt;
  int h = h1 * 10 + h2, m = m1 * 10 + m2;
  if (h > 23 || m > 59) return std::nullopt;
  return h * 60 + m;
}

}  // namespace

std::string_view to_string(State s) {
  switch (s) {
    case State::kPending: return "pending";
    case State::kInProgress: return "in_progress";
    case State::kDone: return "done";
    case State::kFailed: return "failed";
    case State::kCancelled: return "cancelled";
  }
  return "pending";
}

std::optional<State> parse_state(std::string_view s) {
  for (State x : {State::kPending, State::kInProgress, State::kDone, State::kFailed,
                  State::kCancelled})
    if (to_string(x) == s) return x;
  return std::nullopt;
}

std::string_view to_string(Outcome o) {
  switch (o) {
    case Outcome::kAnswered: return "answered";
    case Outcome::kNoAnswer: return "no_answer";
    case Outcome::kBusy: return "busy";
    case Outcome::kRefused: return "refused";
    case Outcome::kWrongNumber: return "wrong_number";
    case Outcome::kCallBackLater: return "call_back_later";
  }
  return "answered";
}

std::optional<Outcome> parse_outcome(std::string_view s) {
  for (Outcome x : {Outcome::kAnswered, Outcome::kNoAnswer, Outcome::kBusy, Outcome::kRefused,
                    Outcome::kWrongNumber, Outcome::kCallBackLater})
    if (to_string(x) == s) return x;
  return std::nullopt;
}

AttemptDecision after_attempt(const Task& t, Outcome outcome, int64_t now,
                              std::optional<int64_t> call_back_at) {
  AttemptDecision d;
  if (!is_open(t.state)) {
    d.refusal = "callbacks.closed";
    return d;
  }
  AttemptEffect e;
  switch (outcome) {
    case Outcome::kAnswered:
      e.state = State::kDone;
      break;
    case Outcome::kRefused:
    case Outcome::kWrongNumber:
      // Calling again would not help: the customer said no, or the number is not theirs.
      e.state = State::kFailed;
      break;
    case Outcome::kNoAnswer:
    case Outcome::kBusy:
      if (t.attempts + 1 >= t.max_attempts) {
        e.state = State::kFailed;
      } else {
        e.state = State::kPending;
        e.next_try_at = now + int64_t(t.retry_minutes) * kMinuteMs;
      }
      break;
    case Outcome::kCallBackLater:
      if (!call_back_at) {
        d.refusal = "callbacks.call_back_at_required";
        return d;
      }
      if (*call_back_at <= now) {
        d.refusal = "callbacks.call_back_at_past";
        return d;
      }
      // An agreed time replaces the rule's due time (DOMAIN §11) and does not use up an
      // attempt's chance: the customer asked for it.
      e.state = State::kPending;
      e.next_try_at = *call_back_at;
      e.due_at = *call_back_at;
      break;
  }
  d.effect = e;
  return d;
}

bool inside(const Window& w, int minute) {
  if (w.empty()) return false;
  if (w.start < w.end) return minute >= w.start && minute < w.end;
  return minute >= w.start || minute < w.end;  // wraps midnight
}

int local_minute(int64_t utc_ms, int offset_minutes) {
  int64_t m = utc_ms / kMinuteMs + offset_minutes;
  int64_t r = m % kDayMinutes;
  if (r < 0) r += kDayMinutes;
  return static_cast<int>(r);
}

int64_t quiet_until(int64_t utc_ms, int offset_minutes, const Window& company,
                    const std::optional<Window>& customer) {
  int64_t t = utc_ms;
  for (int i = 0; i <= kDayMinutes; ++i) {
    int m = local_minute(t, offset_minutes);
    if (!inside(company, m) && !(customer && inside(*customer, m))) return t;
    // Jump to the start of the next minute.
    t = (t / kMinuteMs + 1) * kMinuteMs;
  }
  return t;  // always quiet: the caller still refuses
}

std::optional<Window> parse_window(std::string_view start, std::string_view end) {
  auto a = clock_minutes(start), b = clock_minutes(end);
  if (!a || !b) return std::nullopt;
  return Window{*a, *b};
}

double round2(double v) { return std::floor(v * 100 + 0.5 + 1e-9) / 100; }

std::string live_reason(const LiveFacts& e, int64_t me, bool supervises) {
  bool mine = e.assignee && *e.assignee == me;
  bool was_mine = e.from_assignee && *e.from_assignee == me;
  if (e.type == "callback.due_soon") return mine ? "due_soon" : "";
  if (e.type == "callback.created" && mine) return "assigned";
  if (e.type == "callback.reassigned") {
    if (mine && !was_mine) return "assigned";
    if (was_mine && !mine) return "taken";
  }
  if (e.type == "callback.completed" && mine && !e.actor && e.channel != "phone")
    return "answered";
  return mine || was_mine || supervises ? "changed" : "";
}

std::optional<double> percent(int64_t numerator, int64_t denominator) {
  if (denominator <= 0) return std::nullopt;
  return 100.0 * static_cast<double>(numerator) / static_cast<double>(denominator);
}

std::optional<double> mean_of(const std::vector<std::optional<double>>& rates) {
  double sum = 0;
  int n = 0;
  for (const auto& r : rates)
    if (r) sum += *r, ++n;
  if (n == 0) return std::nullopt;
  return sum / n;
}

std::string polite_title(const std::string& name, const std::string& gender, bool person,
                         const std::string& fallback) {
  if (!person || name.empty()) return fallback;
  size_t len = (static_cast<unsigned char>(name[0]) >= 0xE0) ? 3 : 1;  // one UTF-8 character
  std::string family = name.substr(0, std::min(len, name.size()));
  return family + (gender == "female" ? "女士" : gender == "male" ? "先生" : "先生/女士");
}

std::string fill(std::string_view text,
                 const std::vector<std::pair<std::string, std::string>>& values) {
  std::string out;
  size_t i = 0;
  while (i < text.size()) {
    if (text[i] == '{') {
      size_t close = text.find('}', i);
      if (close != std::string_view::npos) {
        std::string_view key = text.substr(i + 1, close - i - 1);
        bool found = false;
        for (const auto& [k, v] : values)
          if (k == key) {
            out += v;
            found = true;
            break;
          }
        if (found) {
          i = close + 1;
          continue;
        }
      }
    }
    out += text[i++];
  }
  return out;
}

}  // namespace kefu::callbacks
