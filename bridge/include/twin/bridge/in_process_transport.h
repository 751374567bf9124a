// A transport that stays inside the process, for unit tests of whatever sits on the bridge (as
// ros2_control keeps mock hardware beside its interface): it records what is published, and a
// test injects commands and calls services as a network peer would.
#pragma once

#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <twin/bridge/transport.h>

namespace twin::bridge {

class InProcessTransport final : public Transport {
 public:
  struct Stream {
    std::string topic;
    MessageKind kind;
    Qos qos;
    std::vector<Message> published;  ///< everything published, oldest first
  };

  StreamId Advertise(const std::string& topic, MessageKind kind, const Qos& qos) override;
  void Publish(StreamId stream, Message message) override;
  int SubscriberCount(StreamId stream) const override;
  void Subscribe(const std::string& topic, MessageKind kind, const Qos& qos,
                 MessageHandler handler) override;
  void Serve(const std::string& name, ServiceKind kind, ServiceHandler handler) override;

  // ---- the test's side ------------------------------------------------------------------------
  /// Every advertised stream, in advertising order (a copy, safe to keep).
  std::vector<Stream> Streams() const;
  /// The stream advertised on `topic`, if any (a copy of its whole history).
  std::optional<Stream> FindStream(const std::string& topic) const;
  /// How many messages went out on `topic` (0 when it is not advertised): cheap enough to poll.
  size_t PublishedCount(const std::string& topic) const;
  /// The latest message on `topic`, if any.
  std::optional<Message> LastPublished(const std::string& topic) const;
  /// Pretends `count` peers read `topic` (SubscriberCount reports it).
  void SetSubscriberCount(const std::string& topic, int count);
  /// Delivers `message` to every handler subscribed to `topic`, on the calling thread. Returns how
  /// many handlers got it (0 when nothing is subscribed; a kind mismatch is a broken invariant).
  int InjectCommand(const std::string& topic, const Message& message);
  /// Calls service `name` on the calling thread; nullopt when nothing serves it.
  std::optional<ServiceResponse> CallService(const std::string& name,
                                             const ServiceRequest& request);
  /// Typed call: CallService<SetBool>("gripper", {true}).
  template <class S>
  std::optional<typename S::Response> CallService(const std::string& name,
                                                  const typename S::Request& request) {
    std::optional<ServiceResponse> response = CallService(name, ServiceRequest(request));
    if (!response) return std::nullopt;
    return std::get<typename S::Response>(*response);
  }

 private:
  struct Subscription {
    std::string topic;
    MessageKind kind;
    MessageHandler handler;
  };
  struct Service {
    std::string name;
    ServiceKind kind;
    ServiceHandler handler;
  };

  mutable std::mutex mutex_;
  std::vector<Stream> streams_;
  std::vector<int> subscriber_counts_;
  std::vector<Subscription> subscriptions_;
  std::vector<Service> services_;
};

}  // namespace twin::bridge
