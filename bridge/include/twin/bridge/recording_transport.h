// A Transport that passes everything through to another and hands a copy of every message that
// goes out or comes in to a recorder (`twin hil --record FILE.bag`), stamped with the sim time of
// the latest /clock it carried, so a recording replays on the simulation's own time line.
// Services are passed through unrecorded (a bag holds topics).
#pragma once

#include <twin/bridge/transport.h>

#include <atomic>
#include <mutex>
#include <string>
#include <vector>

namespace twin::bridge {

class MessageRecorder {
 public:
  virtual ~MessageRecorder() = default;
  /// Called from the publishing thread (out) or a transport thread (in); must not block long.
  virtual void Record(const std::string& topic, const Message& message, Time time,
                      bool latched) = 0;
};

class RecordingTransport final : public Transport {
 public:
  RecordingTransport(Transport& inner, MessageRecorder& recorder);

  StreamId Advertise(const std::string& topic, MessageKind kind, const Qos& qos) override;
  void Publish(StreamId stream, Message message) override;
  int SubscriberCount(StreamId stream) const override;
  void Subscribe(const std::string& topic, MessageKind kind, const Qos& qos,
                 MessageHandler handler) override;
  void Serve(const std::string& name, ServiceKind kind, ServiceHandler handler) override;

 private:
  struct Stream {
    std::string topic;
    bool latched = false;
  };
  Transport& inner_;
  MessageRecorder& recorder_;
  mutable std::mutex mutex_;
  std::vector<Stream> streams_;  // by StreamId::index of the inner transport
  std::atomic<int64_t> now_ns_{0};
};

}  // namespace twin::bridge
