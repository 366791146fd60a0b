#include "platform/text/zip.h"

#include <algorithm>

#include <zlib.h>

namespace kefu::text {
namespace {

void put16(std::string& out, uint16_t v) {
  out += static_cast<char>(v & 0xff);
  out += static_cast<char>((v >> 8) & 0xff);
}
void put32(std::string& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out += static_cast<char>((v >> (8 * i)) & 0xff);
}
uint16_t get16(std::string_view b, size_t at) {
  return static_cast<uint16_t>(static_cast<unsigned char>(b[at]) |
                               (static_cast<unsigned char>(b[at + 1]) << 8));
}
uint32_t get32(std::string_view b, size_t at) {
  return static_cast<uint32_t>(get16(b, at)) | (static_cast<uint32_t>(get16(b, at + 2)) << 16);
}

constexpr uint32_t kLocal = 0x04034b50, kCentral = 0x02014b50, kEnd = 0x06054b50;
constexpr uint16_t kUtf8Names = 0x0800;
constexpr uint16_t kDosDate = (0 << 9) | (1 << 5) | 1;  // 1980-01-01: reproducible archives

// Raw deflate (no zlib header), into exactly `size` bytes.
std::optional<std::string> inflate_raw(std::string_view in, size_t size) {
  std::string out(size, '\0');
  z_stream z{};
  if (inflateInit2(&z, -MAX_WBITS) != Z_OK) return std::nullopt;
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  z.avail_in = static_cast<uInt>(in.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  int rc = inflate(&z, Z_FINISH);
  size_t produced = z.total_out;
  inflateEnd(&z);
  if (rc != Z_STREAM_END || produced != size) return std::nullopt;
  return out;
}

}  // namespace

uint32_t crc32(std::string_view bytes) {
  uLong c = ::crc32(0L, Z_NULL, 0);
  // zlib takes uInt lengths: feed large inputs in pieces.
  while (!bytes.empty()) {
    size_t n = std::min<size_t>(bytes.size(), 1u << 30);
    c = ::crc32(c, reinterpret_cast<const Bytef*>(bytes.data()), static_cast<uInt>(n));
    bytes.remove_prefix(n);
  }
  return static_cast<uint32_t>(c);
}

std::string zip_store(const std::vector<ZipEntry>& entries) {
  std::string out, central;
  for (const auto& e : entries) {
    uint32_t crc = crc32(e.data);
    auto offset = static_cast<uint32_t>(out.size());
    auto size = static_cast<uint32_t>(e.data.size());
    put32(out, kLocal);
    put16(out, 20);
    put16(out, kUtf8Names);
    put16(out, 0);  // stored
    put16(out, 0);  // time
    put16(out, kDosDate);
    put32(out, crc);
    put32(out, size);
    put32(out, size);
    put16(out, static_cast<uint16_t>(e.name.size()));
    put16(out, 0);
    out += e.name;
    out += e.data;

    put32(central, kCentral);
    put16(central, 20);  // made by
    put16(central, 20);  // needed
    put16(central, kUtf8Names);
    put16(central, 0);
    put16(central, 0);
    put16(central, kDosDate);
    put32(central, crc);
    put32(central, size);
    put32(central, size);
    put16(central, static_cast<uint16_t>(e.name.size()));
    put16(central, 0);  // extra
    put16(central, 0);  // comment
    put16(central, 0);  // disk
    put16(central, 0);  // internal attributes
    put32(central, 0);  // external attributes
    put32(central, offset);
    central += e.name;
  }
  auto cd_offset = static_cast<uint32_t>(out.size());
  out += central;
  put32(out, kEnd);
  put16(out, 0);
  put16(out, 0);
  put16(out, static_cast<uint16_t>(entries.size()));
  put16(out, static_cast<uint16_t>(entries.size()));
  put32(out, static_cast<uint32_t>(central.size()));
  put32(out, cd_offset);
  put16(out, 0);
  return out;
}

ZipResult zip_read(std::string_view b, const std::vector<std::string>& wanted,
                   const ZipLimits& limits) {
  ZipResult r;
  auto fail = [&](std::string why) {
    r.entries.clear();
    r.error = std::move(why);
    return r;
  };
  if (b.size() < 22) return fail("not a zip file");
  // The end record sits in the last 22 bytes plus an optional comment of up to 64 KiB.
  size_t end = std::string::npos;
  size_t lowest = b.size() > 22 + 65535 ? b.size() - 22 - 65535 : 0;
  for (size_t i = b.size() - 22 + 1; i-- > lowest;) {
    if (get32(b, i) == kEnd) {
      end = i;
      break;
    }
  }
  if (end == std::string::npos) return fail("not a zip file");
  size_t count = get16(b, end + 10);
  size_t cd_size = get32(b, end + 12), cd_offset = get32(b, end + 16);
  if (cd_offset == 0xffffffffu || count == 0xffff) return fail("zip64 is not supported");
  if (cd_offset + cd_size > end) return fail("bad central directory");
  if (count > limits.max_entries) return fail("too many entries");
  size_t total = 0;
  size_t at = cd_offset;
  for (size_t n = 0; n < count; ++n) {
    if (at + 46 > end || get32(b, at) != kCentral) return fail("bad central directory");
    uint16_t flags = get16(b, at + 8), method = get16(b, at + 10);
    uint32_t crc = get32(b, at + 16), csize = get32(b, at + 20), usize = get32(b, at + 24);
    size_t nlen = get16(b, at + 28), elen = get16(b, at + 30), clen = get16(b, at + 32);
    size_t local = get32(b, at + 42);
    if (at + 46 + nlen > end) return fail("bad central directory");
    std::string name(b.substr(at + 46, nlen));
    at += 46 + nlen + elen + clen;
    if (name.empty() || name.back() == '/') continue;  // a directory
    if (flags & 0x1) return fail("encrypted entry: " + name);
    if (csize == 0xffffffffu || usize == 0xffffffffu) return fail("zip64 is not supported");
    bool want = wanted.empty() || std::find(wanted.begin(), wanted.end(), name) != wanted.end();
    if (!want) {
      r.entries.emplace(name, std::string());
      continue;
    }
    total += usize;
    if (total > limits.max_total_bytes) return fail("the archive is too large when unpacked");
    if (local + 30 > b.size() || get32(b, local) != kLocal)
      return fail("bad local header: " + name);
    size_t data = local + 30 + get16(b, local + 26) + get16(b, local + 28);
    if (data + csize > b.size()) return fail("truncated entry: " + name);
    std::string_view raw = b.substr(data, csize);
    std::string content;
    if (method == 0) {
      if (csize != usize) return fail("bad stored entry: " + name);
      content = std::string(raw);
    } else if (method == 8) {
      auto inflated = inflate_raw(raw, usize);
      if (!inflated) return fail("bad deflate data: " + name);
      content = std::move(*inflated);
    } else {
      return fail("unsupported compression method " + std::to_string(method) + ": " + name);
    }
    if (crc32(content) != crc) return fail("bad crc: " + name);
    r.entries[name] = std::move(content);
  }
  return r;
}

}  // namespace kefu::text
