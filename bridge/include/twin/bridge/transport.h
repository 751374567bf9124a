// The one interface every bridge transport implements (ROS 1 today; ROS 2 over DDS and Modbus TCP
// later), in the manner of ros2_control's hardware_interface with its mock beside it
// (in_process_transport.h). Typed helpers (Publisher<M>, Subscribe<M>, Serve<S>) sit on top.
//
// Threads: Advertise, Publish, SubscriberCount, Subscribe and Serve may be called from any
// thread and never wait on the network. Command callbacks run on one transport thread, one at a
// time, in arrival order per topic; service handlers run on another transport thread, one at a
// time, so a handler may wait (e.g. until the sim has taken N steps) without holding up commands.
// Callbacks and handlers must not throw (a handler that throws fails that one call) and must not
// touch simulation state directly: hand the data to the sim's command inbox.
//
// Bad input: a transport hands up what a peer sent as faithfully as the plain types hold it (NaN,
// wrong array lengths, unknown names included); judging it is the caller's job. Nothing a peer can
// send crashes a transport.
#pragma once

#include <functional>
#include <string>
#include <utility>
#include <variant>

#include <twin/bridge/message.h>
#include <twin/bridge/qos.h>
#include <twin/bridge/services.h>

namespace twin::bridge {

/// Names an advertised stream within one transport (its index in advertising order).
struct StreamId {
  int index = -1;
  friend bool operator==(StreamId a, StreamId b) { return a.index == b.index; }
};

/// Called with each message that arrives on a subscribed topic.
using MessageHandler = std::function<void(const Message&)>;
/// Answers one service call.
using ServiceHandler = std::function<ServiceResponse(const ServiceRequest&)>;

class Transport {
 public:
  virtual ~Transport() = default;

  /// Declares an outgoing stream of `kind` on `topic` (a ROS name, relative names resolve in the
  /// transport's namespace). The stream may go live later (e.g. once a ROS master answers).
  virtual StreamId Advertise(const std::string& topic, MessageKind kind, const Qos& qos) = 0;

  /// Hands `message` to the stream's subscribers and returns without waiting for them: a
  /// subscriber whose queue (qos.depth) is full loses its oldest message; while the stream is
  /// not live the message is dropped (a latched stream keeps it for when it goes live).
  /// The message must be of the stream's kind (a broken invariant otherwise).
  virtual void Publish(StreamId stream, Message message) = 0;

  /// Subscribers connected to the stream now (0 while not live): skip work nobody reads.
  virtual int SubscriberCount(StreamId stream) const = 0;

  /// Calls `handler` on the transport's command thread with each `kind` message on `topic`.
  virtual void Subscribe(const std::string& topic, MessageKind kind, const Qos& qos,
                         MessageHandler handler) = 0;

  /// Answers calls of service `name` of `kind` with `handler`, on the transport's service thread.
  /// The handler's response must be of the same kind (a broken invariant otherwise).
  virtual void Serve(const std::string& name, ServiceKind kind, ServiceHandler handler) = 0;
};

/// A typed handle on an advertised stream.
template <class M>
class Publisher {
 public:
  Publisher() = default;
  Publisher(Transport& transport, const std::string& topic, const Qos& qos)
      : transport_(&transport), id_(transport.Advertise(topic, KindOf<M>(), qos)) {}

  /// Pass an rvalue (std::move) to hand big payloads (images, clouds) over without a copy.
  void Publish(M message) const { transport_->Publish(id_, Message(std::move(message))); }
  int SubscriberCount() const { return transport_->SubscriberCount(id_); }
  StreamId id() const { return id_; }

 private:
  Transport* transport_ = nullptr;
  StreamId id_;
};

/// Subscribes `handler(const M&)` to `topic`.
template <class M, class F>
void Subscribe(Transport& transport, const std::string& topic, const Qos& qos, F handler) {
  transport.Subscribe(topic, KindOf<M>(), qos, [handler = std::move(handler)](const Message& m) {
    handler(std::get<M>(m));
  });
}

/// Serves `handler(const S::Request&) -> S::Response` as service `name`.
template <class S, class F>
void Serve(Transport& transport, const std::string& name, F handler) {
  transport.Serve(name, S::kKind, [handler = std::move(handler)](const ServiceRequest& request) {
    return ServiceResponse(handler(std::get<typename S::Request>(request)));
  });
}

}  // namespace twin::bridge
