#include <twin/bridge/recording_transport.h>

namespace twin::bridge {

RecordingTransport::RecordingTransport(Transport& inner, MessageRecorder& recorder)
    : inner_(inner), recorder_(recorder) {}

StreamId RecordingTransport::Advertise(const std::string& topic, MessageKind kind, const Qos& qos) {
  const StreamId id = inner_.Advertise(topic, kind, qos);
  std::lock_guard lock(mutex_);
  if (static_cast<int>(streams_.size()) <= id.index) streams_.resize(id.index + 1);
  streams_[id.index] = {topic, qos.durability == Durability::kTransientLocal};
  return id;
}

void RecordingTransport::Publish(StreamId stream, Message message) {
  if (const Clock* clock = std::get_if<Clock>(&message))
    now_ns_.store(clock->clock.nanoseconds, std::memory_order_relaxed);
  Stream s;
  {
    std::lock_guard lock(mutex_);
    s = streams_.at(stream.index);
  }
  recorder_.Record(s.topic, message, Time{now_ns_.load(std::memory_order_relaxed)}, s.latched);
  inner_.Publish(stream, std::move(message));
}

int RecordingTransport::SubscriberCount(StreamId stream) const {
  return inner_.SubscriberCount(stream);
}

void RecordingTransport::Subscribe(const std::string& topic, MessageKind kind, const Qos& qos,
                                   MessageHandler handler) {
  inner_.Subscribe(
      topic, kind, qos, [this, topic, handler = std::move(handler)](const Message& message) {
        recorder_.Record(topic, message, Time{now_ns_.load(std::memory_order_relaxed)}, false);
        handler(message);
      });
}

void RecordingTransport::Serve(const std::string& name, ServiceKind kind, ServiceHandler handler) {
  inner_.Serve(name, kind, std::move(handler));
}

}  // namespace twin::bridge
