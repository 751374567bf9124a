// roscpp publishers, subscribers and service servers for a bridge message or service kind.
#pragma once

#include <ros/callback_queue.h>
#include <ros/node_handle.h>

#include <string>

#include <twin/bridge/transport.h>

namespace twin::bridge::ros1 {

/// A publisher of `kind`'s ROS type: queue_size = qos.depth, latched when transient-local.
ros::Publisher AdvertiseKind(ros::NodeHandle& node, const std::string& topic, MessageKind kind,
                             const Qos& qos);

/// Converts `message` and publishes it (roscpp serialises only when someone subscribes).
void PublishMessage(const ros::Publisher& publisher, Message message);

/// A subscriber asking its publishers for TCP_NODELAY, whose callbacks run from `queue`.
ros::Subscriber SubscribeKind(ros::NodeHandle& node, const std::string& topic, MessageKind kind,
                              const Qos& qos, ros::CallbackQueue* queue, MessageHandler handler);

/// A service server whose calls run from `queue`. A handler that throws fails that call.
ros::ServiceServer ServeKind(ros::NodeHandle& node, const std::string& name, ServiceKind kind,
                             ros::CallbackQueue* queue, ServiceHandler handler);

}  // namespace twin::bridge::ros1
