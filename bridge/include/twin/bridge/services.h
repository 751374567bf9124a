// Plain-data mirrors of the control services: std_srvs SetBool, Trigger and Empty, and
// StepSimulation (see bridge/README.md for why it is our own type in ROS 1).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>

namespace twin::bridge {

/// The kind of a service: the index of its request in ServiceRequest.
enum class ServiceKind { kSetBool, kTrigger, kEmpty, kStepSimulation };

/// std_srvs/SetBool: switch something on or off (a gripper, the autopilot).
struct SetBool {
  static constexpr ServiceKind kKind = ServiceKind::kSetBool;
  struct Request {
    bool data = false;
  };
  struct Response {
    bool success = false;
    std::string message;
  };
};

/// std_srvs/Trigger: do something now (reset, pause, resume) and say how it went.
struct Trigger {
  static constexpr ServiceKind kKind = ServiceKind::kTrigger;
  struct Request {};
  struct Response {
    bool success = false;
    std::string message;
  };
};

/// std_srvs/Empty.
struct Empty {
  static constexpr ServiceKind kKind = ServiceKind::kEmpty;
  struct Request {};
  struct Response {};
};

/// Advance a paused simulation by `steps` physics steps and answer once they are done. The
/// fields are those of ROS 2's simulation_interfaces/StepSimulation (whose response wraps
/// success in a Result code); ROS 1 carries it as twin_msgs/StepSimulation.
struct StepSimulation {
  static constexpr ServiceKind kKind = ServiceKind::kStepSimulation;
  struct Request {
    std::uint64_t steps = 0;
  };
  struct Response {
    bool success = false;
    std::string message;
  };
};

/// Any service request / response; the order of the alternatives is the order of ServiceKind.
using ServiceRequest =
    std::variant<SetBool::Request, Trigger::Request, Empty::Request, StepSimulation::Request>;
using ServiceResponse =
    std::variant<SetBool::Response, Trigger::Response, Empty::Response, StepSimulation::Response>;

template <class S>
inline constexpr bool kIsServiceType =
    std::is_same_v<std::variant_alternative_t<static_cast<std::size_t>(S::kKind), ServiceRequest>,
                   typename S::Request>&& std::
        is_same_v<std::variant_alternative_t<static_cast<std::size_t>(S::kKind), ServiceResponse>,
                  typename S::Response>;
static_assert(kIsServiceType<SetBool> && kIsServiceType<Trigger> && kIsServiceType<Empty> &&
              kIsServiceType<StepSimulation>);

/// The ROS 1 name of a kind's service type, "package/Type".
std::string_view RosServiceTypeName(ServiceKind kind);

}  // namespace twin::bridge
