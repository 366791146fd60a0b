#pragma once
// Settings: embedded defaults, then a TOML file, then KEFU_* environment variables
// (KEFU_DATABASE_URL for database.url), then command-line --set key=value.
#include <cstdint>
#include <map>
#include <string>

namespace kefu {

class Config {
 public:
  Config();                                 // embedded defaults
  void load_file(const std::string& path);  // throws std::runtime_error with a clear message
  void load_env();
  void set(const std::string& key, const std::string& value);  // throws on unknown keys

  std::string str(const std::string& key) const;
  int64_t integer(const std::string& key) const;
  bool boolean(const std::string& key) const;
  const std::map<std::string, std::string>& all() const { return values_; }

 private:
  std::map<std::string, std::string> values_;
};

}  // namespace kefu
