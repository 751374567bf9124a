// Checks a serialised ROS 1 message against its definition before roscpp deserialises it.
// roscpp resizes each array to the length a peer claims before checking that length against the
// bytes received (and its size in bytes can wrap around 32 bits), so one hostile message could
// make a subscriber allocate gigabytes. A message passes only if every length fits in what
// arrived.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace twin::bridge::ros1 {

class WireSchema {
 public:
  /// From a message's ROS 1 type ("pkg/Type") and full definition
  /// (ros::message_traits::definition: its fields, then each type it uses after a
  /// "MSG: pkg/Type" line). Throws std::runtime_error on a definition it cannot read (a broken
  /// build, never network input).
  static WireSchema Parse(const std::string& datatype, const std::string& definition);

  /// Whether `size` bytes at `data` can be this message: every string and array length fits in
  /// the bytes that remain, and nothing runs past the end.
  bool Fits(const std::uint8_t* data, std::uint32_t size) const;

 private:
  struct Field {
    std::string type;       // a builtin ("float64", "string", "time") or a message "pkg/Type"
    bool is_array = false;  // T[] or T[N]
    std::int64_t fixed_length = -1;  // N for T[N], -1 for T[]
  };
  using Fields = std::vector<Field>;

  bool Walk(const std::string& type, const std::uint8_t*& at, const std::uint8_t* end) const;
  bool WalkField(const Field& field, const std::uint8_t*& at, const std::uint8_t* end) const;
  std::int64_t FixedSize(const std::string& type) const;  // bytes, or -1 when variable

  std::string root_;
  std::map<std::string, Fields> types_;
};

}  // namespace twin::bridge::ros1
