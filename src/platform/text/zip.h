#pragma once
// ZIP archives as Office Open XML uses them: writing with stored (uncompressed) entries,
// reading stored and deflated entries (zlib's inflate). Knows nothing of spreadsheets.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kefu::text {

uint32_t crc32(std::string_view bytes);

struct ZipEntry {
  std::string name;  // "xl/workbook.xml"
  std::string data;
};

// A complete archive: local headers, the data (stored), the central directory.
std::string zip_store(const std::vector<ZipEntry>& entries);

struct ZipLimits {
  size_t max_entries = 10000;
  size_t max_total_bytes = 512u << 20;  // uncompressed, all entries together (zip bombs)
};

struct ZipResult {
  std::map<std::string, std::string> entries;  // name → uncompressed bytes
  std::optional<std::string> error;            // "not a zip file", "bad crc: x", ...
};

// Reads the central directory and every file entry (directories are skipped). Only
// `wanted` entries are inflated when it is not empty (the others are listed, empty).
ZipResult zip_read(std::string_view bytes, const std::vector<std::string>& wanted = {},
                   const ZipLimits& limits = {});

}  // namespace kefu::text
