#include "timing_transport.h"

#include <twin/base/error.h>

#include <time.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace twin::tools {

int64_t MonotonicNs() {
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC, &now);
  return static_cast<int64_t>(now.tv_sec) * 1000000000 + now.tv_nsec;
}

TimingTransport::TimingTransport(bridge::Transport& inner, TimingTopics topics,
                                 std::atomic<bool>& stop)
    : inner_(inner), topics_(std::move(topics)), stop_(stop) {
  images_.reserve(100000);
  states_.reserve(200000);
  clocks_.reserve(200000);
  commands_.reserve(200000);
}

bridge::StreamId TimingTransport::Advertise(const std::string& topic, bridge::MessageKind kind,
                                            const bridge::Qos& qos) {
  const bridge::StreamId id = inner_.Advertise(topic, kind, qos);
  if (topic == topics_.image && kind == bridge::MessageKind::kImage) image_stream_ = id.index;
  if (topic == topics_.state) state_stream_ = id.index;
  if (topic == "/clock") clock_stream_ = id.index;
  return id;
}

void TimingTransport::Note(std::vector<TimedMessage>& records, bridge::Time stamp) {
  const int64_t now = MonotonicNs();
  records.push_back({stamp.nanoseconds, now, due ? due(stamp.Seconds()) : -1});
}

void TimingTransport::Publish(bridge::StreamId stream, bridge::Message message) {
  if (stream.index == image_stream_) {
    Note(images_, std::get<bridge::Image>(message).header.stamp);
    if (topics_.stop_after_images > 0 &&
        static_cast<int64_t>(images_.size()) >= topics_.stop_after_images)
      stop_ = true;
  } else if (stream.index == state_stream_) {
    Note(states_, std::get<bridge::Odometry>(message).header.stamp);
    if (topics_.stop_after_states > 0 &&
        static_cast<int64_t>(states_.size()) >= topics_.stop_after_states)
      stop_ = true;
  } else if (stream.index == clock_stream_) {
    Note(clocks_, std::get<bridge::Clock>(message).clock);
  }
  inner_.Publish(stream, std::move(message));
}

int TimingTransport::SubscriberCount(bridge::StreamId stream) const {
  return inner_.SubscriberCount(stream);
}

void TimingTransport::Subscribe(const std::string& topic, bridge::MessageKind kind,
                                const bridge::Qos& qos, bridge::MessageHandler handler) {
  if (topic != topics_.command) {
    inner_.Subscribe(topic, kind, qos, std::move(handler));
    return;
  }
  command_subscribed_ = true;
  inner_.Subscribe(topic, kind, qos,
                   [this, handler = std::move(handler)](const bridge::Message& m) {
                     const int64_t now = MonotonicNs();
                     {
                       std::lock_guard lock(commands_mutex_);
                       commands_.push_back({0, now, -1});
                     }
                     handler(m);
                   });
}

void TimingTransport::Serve(const std::string& name, bridge::ServiceKind kind,
                            bridge::ServiceHandler handler) {
  inner_.Serve(name, kind, std::move(handler));
}

std::string TimingTransport::Missing() const {
  if (!topics_.image.empty() && image_stream_ < 0) return topics_.image;
  if (!topics_.state.empty() && state_stream_ < 0) return topics_.state;
  if (!topics_.command.empty() && !command_subscribed_) return topics_.command;
  return "";
}

void TimingTransport::Write(const std::string& path) const {
  FILE* out = std::fopen(path.c_str(), "w");
  if (!out) throw base::Error("cannot write " + path + ": " + std::strerror(errno));
  auto lines = [&](const char* kind, const std::vector<TimedMessage>& records) {
    for (const TimedMessage& r : records)
      std::fprintf(out, "%s %lld %lld %lld\n", kind, static_cast<long long>(r.stamp_ns),
                   static_cast<long long>(r.time_ns), static_cast<long long>(r.due_ns));
  };
  lines("image", images_);
  lines("state", states_);
  lines("clock", clocks_);
  std::lock_guard lock(commands_mutex_);
  lines("command", commands_);
  if (std::fclose(out) != 0) throw base::Error("cannot write " + path + ": " + std::strerror(errno));
}

}  // namespace twin::tools
