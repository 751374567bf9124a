// The ROS 1 transport (roscpp), in its own library twin_bridge_ros1 (CMake option TWIN_WITH_ROS).
//
// - Never waits on the network: advertisements, subscriptions and services are registered with
//   the ROS master by a background thread, which also polls the master (its PID, every
//   `master_poll_period`) and registers everything again when the master comes back after going
//   away or is replaced (roscpp alone does not). It re-registers in place: publishers,
//   subscribers and services keep their connections, so peers that ran through the restart
//   (and, like rospy and roscpp nodes, never re-register) keep talking to twin.
// - Security: ROS 1 has no authentication. With neither ROS_IP nor ROS_HOSTNAME set, the
//   transport sets ROS_IP=127.0.0.1 in its process before roscpp starts: the master is told
//   127.0.0.1, and roscpp binds its TCPROS server to loopback only. Set ROS_IP (or ROS_HOSTNAME)
//   to an address other hosts can reach to open it up (bridge/README.md).
// - roscpp is a per-process singleton: one Ros1Transport per process lifetime.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include <twin/bridge/transport.h>

namespace twin::bridge {

struct Ros1Options {
  std::string node_name = "twin";  ///< the ROS node name (two nodes of one name evict each other)
  std::string master_uri;          ///< empty: ROS_MASTER_URI (roscpp's default otherwise)
  std::chrono::milliseconds master_poll_period{250};
};

class Ros1Transport final : public Transport {
 public:
  /// Starts roscpp's threads and the registrar; returns at once, master or not. Throws
  /// twin::base::Error when a Ros1Transport was already created in this process.
  explicit Ros1Transport(const Ros1Options& options = {});
  ~Ros1Transport() override;
  Ros1Transport(const Ros1Transport&) = delete;
  Ros1Transport& operator=(const Ros1Transport&) = delete;

  StreamId Advertise(const std::string& topic, MessageKind kind, const Qos& qos) override;
  void Publish(StreamId stream, Message message) override;
  int SubscriberCount(StreamId stream) const override;
  void Subscribe(const std::string& topic, MessageKind kind, const Qos& qos,
                 MessageHandler handler) override;
  void Serve(const std::string& name, ServiceKind kind, ServiceHandler handler) override;

  /// Whether the master answered the last poll.
  bool MasterReachable() const;
  /// How many times the registrar has registered everything with a (new) master: 1 after the
  /// first contact, +1 each time the master comes back.
  int RegistrationRounds() const;
  /// Waits until every stream, subscription and service declared so far is registered with the
  /// master that answers now; false on timeout. For start-up logs and tests.
  bool WaitForRegistration(std::chrono::milliseconds timeout) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace twin::bridge
