// A Transport that notes when twin hands chosen messages to the transport under it, for
// `twin bench bridge`: the CLOCK_MONOTONIC time of each Publish of the image and state streams
// (with the sim time the message depicts), of each /clock, and of each command's arrival. Reading
// the clock and appending to a reserved vector is all it adds, as the bare publisher does the same
// beside its own publish() call; the records are written out once the run is over.
#pragma once

#include <twin/bridge/transport.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

namespace twin::tools {

int64_t MonotonicNs();

struct TimingTopics {
  std::string image;              ///< sensor_msgs/Image stream timed on Publish
  std::string state;              ///< a state stream (odometry) timed on Publish
  std::string command;            ///< a command topic timed on arrival
  int64_t stop_after_images = 0;  ///< > 0: set `stop` once this many images went out
  int64_t stop_after_states = 0;  ///< > 0: set `stop` once this many states went out
};

/// One Publish (or arrival): the stamp (sim ns), when (CLOCK_MONOTONIC ns) and, in realtime
/// mode, the wall time at which the stamp's sim time was due (-1 otherwise).
struct TimedMessage {
  int64_t stamp_ns = 0, time_ns = 0, due_ns = -1;
};

class TimingTransport final : public bridge::Transport {
 public:
  TimingTransport(bridge::Transport& inner, TimingTopics topics, std::atomic<bool>& stop);

  /// The wall time (CLOCK_MONOTONIC ns) at which a sim time is due; set once the session exists.
  std::function<int64_t(double sim_time)> due;

  bridge::StreamId Advertise(const std::string& topic, bridge::MessageKind kind,
                             const bridge::Qos& qos) override;
  void Publish(bridge::StreamId stream, bridge::Message message) override;
  int SubscriberCount(bridge::StreamId stream) const override;
  void Subscribe(const std::string& topic, bridge::MessageKind kind, const bridge::Qos& qos,
                 bridge::MessageHandler handler) override;
  void Serve(const std::string& name, bridge::ServiceKind kind,
             bridge::ServiceHandler handler) override;

  /// Whether the image, state and command topics were all declared (empty ones need not be).
  std::string Missing() const;
  /// Writes every record as lines "image|state|clock STAMP_NS TIME_NS DUE_NS" and
  /// "command 0 TIME_NS -1"; throws twin::base::Error when it cannot.
  void Write(const std::string& path) const;

 private:
  void Note(std::vector<TimedMessage>& records, bridge::Time stamp);

  bridge::Transport& inner_;
  TimingTopics topics_;
  std::atomic<bool>& stop_;
  int image_stream_ = -1, state_stream_ = -1, clock_stream_ = -1;
  bool command_subscribed_ = false;
  std::vector<TimedMessage> images_, states_, clocks_;
  mutable std::mutex commands_mutex_;  // commands_ grows on the transport's command thread
  std::vector<TimedMessage> commands_;
};

}  // namespace twin::tools
