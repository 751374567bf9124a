#include "ros1_endpoints.h"

#include <ros/console.h>
#include <ros/service_server.h>
#include <std_srvs/Empty.h>
#include <std_srvs/SetBool.h>
#include <std_srvs/Trigger.h>
#include <twin_msgs/StepSimulation.h>

#include <array>
#include <exception>
#include <utility>

#include <twin/base/error.h>

#include "ros1_convert.h"
#include "ros1_wire_check.h"

namespace twin::bridge::ros1 {
namespace {

// Calls f(M{}) with a default value of the alternative `index` of Variant: turns a runtime kind
// into a compile-time type.
template <class Variant, class F, std::size_t... I>
auto VisitIndex(std::size_t index, F&& f, std::index_sequence<I...>) {
  using Make = Variant (*)();
  static constexpr std::array<Make, sizeof...(I)> kMake = {
      +[]() { return Variant(std::in_place_index<I>); }...};
  return std::visit(std::forward<F>(f), kMake.at(index)());
}
template <class F>
auto VisitKind(MessageKind kind, F&& f) {
  return VisitIndex<Message>(static_cast<std::size_t>(kind), std::forward<F>(f),
                             std::make_index_sequence<kMessageKindCount>());
}
template <class F>
auto VisitKind(ServiceKind kind, F&& f) {
  return VisitIndex<ServiceRequest>(
      static_cast<std::size_t>(kind), std::forward<F>(f),
      std::make_index_sequence<std::variant_size_v<ServiceRequest>>());
}

// ---- services: the roscpp type of each and its request/response conversions ---------------------
template <class Request>
struct RosService;
template <>
struct RosService<SetBool::Request> {
  using Plain = SetBool;
  using type = std_srvs::SetBool;
  static SetBool::Request In(const type::Request& r) { return {r.data != 0}; }
  static void Out(const SetBool::Response& p, type::Response& r) {
    r.success = p.success;
    r.message = p.message;
  }
};
template <>
struct RosService<Trigger::Request> {
  using Plain = Trigger;
  using type = std_srvs::Trigger;
  static Trigger::Request In(const type::Request&) { return {}; }
  static void Out(const Trigger::Response& p, type::Response& r) {
    r.success = p.success;
    r.message = p.message;
  }
};
template <>
struct RosService<Empty::Request> {
  using Plain = Empty;
  using type = std_srvs::Empty;
  static Empty::Request In(const type::Request&) { return {}; }
  static void Out(const Empty::Response&, type::Response&) {}
};
template <>
struct RosService<StepSimulation::Request> {
  using Plain = StepSimulation;
  using type = twin_msgs::StepSimulation;
  static StepSimulation::Request In(const type::Request& r) { return {r.steps}; }
  static void Out(const StepSimulation::Response& p, type::Response& r) {
    r.success = p.success;
    r.message = p.message;
  }
};

// roscpp's own helper behind a check of every length in the bytes received (ros1_wire_check.h):
// a message that cannot be what it claims is dropped before roscpp allocates anything for it.
class CheckedHelper final : public ros::SubscriptionCallbackHelper {
 public:
  CheckedHelper(ros::SubscriptionCallbackHelperPtr inner, ros1::WireSchema schema,
                std::string topic)
      : inner_(std::move(inner)), schema_(std::move(schema)), topic_(std::move(topic)) {}

  ros::VoidConstPtr deserialize(
      const ros::SubscriptionCallbackHelperDeserializeParams& params) override {
    if (!schema_.Fits(params.buffer, params.length)) {
      ROS_ERROR_THROTTLE(5.0,
                         "twin bridge: dropped a message on %s whose lengths do not fit its %u "
                         "bytes (a malformed or hostile publisher)",
                         topic_.c_str(), params.length);
      return ros::VoidConstPtr();  // roscpp skips a message it could not deserialise
    }
    return inner_->deserialize(params);
  }
  void call(ros::SubscriptionCallbackHelperCallParams& params) override { inner_->call(params); }
  const std::type_info& getTypeInfo() override { return inner_->getTypeInfo(); }
  bool isConst() override { return inner_->isConst(); }
  bool hasHeader() override { return inner_->hasHeader(); }

 private:
  ros::SubscriptionCallbackHelperPtr inner_;
  ros1::WireSchema schema_;
  std::string topic_;
};

}  // namespace

ros::Publisher AdvertiseKind(ros::NodeHandle& node, const std::string& topic, MessageKind kind,
                             const Qos& qos) {
  const bool latch = qos.durability == Durability::kTransientLocal;
  const auto depth = static_cast<std::uint32_t>(std::max(qos.depth, 1));
  return VisitKind(kind, [&](const auto& plain) {
    using M = std::decay_t<decltype(plain)>;
    return node.advertise<RosOf<M>>(topic, depth, latch);
  });
}

void PublishMessage(const ros::Publisher& publisher, Message message) {
  std::visit([&](auto& plain) { publisher.publish(ToRos(std::move(plain))); }, message);
}

ros::Subscriber SubscribeKind(ros::NodeHandle& node, const std::string& topic, MessageKind kind,
                              const Qos& qos, ros::CallbackQueue* queue, MessageHandler handler) {
  return VisitKind(kind, [&](const auto& plain) {
    using M = std::decay_t<decltype(plain)>;
    using R = RosOf<M>;
    ros::SubscribeOptions options;
    options.template init<R>(topic, static_cast<std::uint32_t>(std::max(qos.depth, 1)),
                             [handler, topic](const boost::shared_ptr<const R>& ros_message) {
                               try {
                                 handler(Message(FromRos(*ros_message)));
                               } catch (const std::exception& e) {
                                 ROS_ERROR_THROTTLE(5.0, "twin bridge: handler of %s threw: %s",
                                                    topic.c_str(), e.what());
                               }
                             });
    options.helper = boost::make_shared<CheckedHelper>(
        options.helper,
        ros1::WireSchema::Parse(ros::message_traits::datatype<R>(),
                                ros::message_traits::definition<R>()),
        topic);
    options.callback_queue = queue;
    options.transport_hints = ros::TransportHints().tcpNoDelay();
    return node.subscribe(options);
  });
}

ros::ServiceServer ServeKind(ros::NodeHandle& node, const std::string& name, ServiceKind kind,
                             ros::CallbackQueue* queue, ServiceHandler handler) {
  return VisitKind(kind, [&](const auto& plain_request) {
    using Request = std::decay_t<decltype(plain_request)>;
    using S = RosService<Request>;
    using RosRequest = typename S::type::Request;
    using RosResponse = typename S::type::Response;
    ros::AdvertiseServiceOptions options;
    options.template init<RosRequest, RosResponse>(
        name, [handler, name](RosRequest& request, RosResponse& response) {
          ServiceResponse answer;
          try {
            answer = handler(ServiceRequest(S::In(request)));
          } catch (const std::exception& e) {
            ROS_ERROR_THROTTLE(5.0, "twin bridge: service %s failed: %s", name.c_str(), e.what());
            return false;
          }
          using Response = typename S::Plain::Response;
          TWIN_DEMAND(std::holds_alternative<Response>(answer));
          S::Out(std::get<Response>(answer), response);
          return true;
        });
    options.callback_queue = queue;
    return node.advertiseService(options);
  });
}

}  // namespace twin::bridge::ros1
