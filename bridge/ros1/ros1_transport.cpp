// The ROS 1 transport: a table of declared endpoints, two callback threads, and a registrar
// thread that keeps the table registered with whichever master answers.
#include <twin/bridge/ros1_transport.h>

#include <ros/callback_queue.h>
#include <ros/connection_manager.h>
#include <ros/console.h>
#include <ros/init.h>
#include <ros/master.h>
#include <ros/names.h>
#include <ros/network.h>
#include <ros/node_handle.h>
#include <ros/this_node.h>
#include <ros/xmlrpc_manager.h>
#include <xmlrpcpp/XmlRpcClient.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include <twin/base/error.h>

#include "ros1_endpoints.h"
#include "ros1_network.h"

namespace twin::bridge {
namespace {

std::atomic<bool> g_transport_created{false};

// The master's process id, or nullopt when it does not answer (never waits for it).
std::optional<int> MasterPid() {
  XmlRpc::XmlRpcValue args, result, payload;
  args[0] = ros::this_node::getName();
  if (!ros::master::execute("getPid", args, result, payload, false)) return std::nullopt;
  if (payload.getType() != XmlRpc::XmlRpcValue::TypeInt) return std::nullopt;
  return static_cast<int>(payload);
}

// Tells the master about a publisher or service roscpp already holds (roscpp registers only when
// something is first advertised). Keeps the endpoint and its connections; waits for the master.
bool RegisterInPlace(const std::string& method, const std::string& name,
                     const std::string& second) {
  XmlRpc::XmlRpcValue args, result, payload;
  args[0] = ros::this_node::getName();
  args[1] = name;
  args[2] = second;
  args[3] = ros::XMLRPCManager::instance()->getServerURI();
  return ros::master::execute(method, args, result, payload, true);
}
bool RegisterPublisherInPlace(const ros::Publisher& publisher, MessageKind kind) {
  return RegisterInPlace("registerPublisher", publisher.getTopic(), std::string(RosTypeName(kind)));
}
bool RegisterServiceInPlace(const ros::ServiceServer& server) {
  const std::string service_uri = "rosrpc://" + ros::network::getHost() + ":" +
                                  std::to_string(ros::ConnectionManager::instance()->getTCPPort());
  return RegisterInPlace("registerService", server.getService(), service_uri);
}

// Calls `method` of this node's own XML-RPC server (the ROS slave API) with `args` after the
// caller id; returns the answer's value (result[2]) or nullopt.
std::optional<XmlRpc::XmlRpcValue> CallSelf(const std::string& method,
                                            std::vector<XmlRpc::XmlRpcValue> args) {
  std::string host;
  std::uint32_t port = 0;
  if (!ros::network::splitURI(ros::XMLRPCManager::instance()->getServerURI(), host, port))
    return std::nullopt;
  XmlRpc::XmlRpcClient client(host.c_str(), static_cast<int>(port), "/");
  XmlRpc::XmlRpcValue params, result;
  params[0] = ros::this_node::getName();
  for (std::size_t i = 0; i < args.size(); ++i) params[static_cast<int>(i) + 1] = args[i];
  if (!client.execute(method.c_str(), params, result) ||
      result.getType() != XmlRpc::XmlRpcValue::TypeArray || result.size() < 3 ||
      static_cast<int>(result[0]) != 1)
    return std::nullopt;
  return result[2];
}

// Registers a subscriber roscpp already holds with the master, then connects it to the
// publishers the master lists while keeping those it is connected to (a publisher that survived
// the restart without re-registering): roscpp drops any link missing from an update.
bool RegisterSubscriberInPlace(const ros::Subscriber& subscriber, MessageKind kind) {
  const std::string topic = subscriber.getTopic();
  XmlRpc::XmlRpcValue args, result, listed;
  args[0] = ros::this_node::getName();
  args[1] = topic;
  args[2] = std::string(RosTypeName(kind));
  args[3] = ros::XMLRPCManager::instance()->getServerURI();
  if (!ros::master::execute("registerSubscriber", args, result, listed, true)) return false;
  const std::optional<XmlRpc::XmlRpcValue> bus = CallSelf("getBusInfo", {});
  if (!bus) return false;
  std::vector<std::string> uris;
  auto add = [&](const std::string& uri) {
    if (uri != ros::XMLRPCManager::instance()->getServerURI() &&
        std::find(uris.begin(), uris.end(), uri) == uris.end())
      uris.push_back(uri);
  };
  for (int i = 0; i < listed.size(); ++i) add(static_cast<std::string>(listed[i]));
  XmlRpc::XmlRpcValue links = *bus;  // [id, peer URI, direction, transport, topic, ...]
  for (int i = 0; i < links.size(); ++i) {
    XmlRpc::XmlRpcValue& link = links[i];
    if (link.size() >= 5 && static_cast<std::string>(link[2]) == "i" &&
        static_cast<std::string>(link[4]) == topic)
      add(static_cast<std::string>(link[1]));
  }
  XmlRpc::XmlRpcValue uri_list;
  uri_list.setSize(static_cast<int>(uris.size()));
  for (std::size_t i = 0; i < uris.size(); ++i) uri_list[static_cast<int>(i)] = uris[i];
  return CallSelf("publisherUpdate", {XmlRpc::XmlRpcValue(topic), uri_list}).has_value();
}

// A ROS graph name, checked on the caller's thread (roscpp would throw on the registrar's).
void CheckName(const std::string& what, const std::string& name) {
  std::string error;
  if (!ros::names::validate(name, error)) {
    throw base::Error("ROS 1 transport: " + what + " name '" + name +
                      "' is not a valid ROS name (" + error +
                      "); use letters, digits, '_' and '/'");
  }
}

// Runs `queue`'s callbacks until `stop`.
void Spin(ros::CallbackQueue& queue, const std::atomic<bool>& stop) {
  while (!stop) queue.callAvailable(ros::WallDuration(0.05));
}

}  // namespace

struct Ros1Transport::Impl {
  struct Stream {
    std::string topic;
    MessageKind kind;
    Qos qos;
    std::mutex mutex;  // guards publisher and latched; Publish only ever try-locks it
    ros::Publisher publisher;
    std::optional<Message> latched;
    std::atomic<bool> live{false};  // registered with the current master
  };
  struct Subscription {
    std::string topic;
    MessageKind kind;
    Qos qos;
    MessageHandler handler;
    ros::Subscriber subscriber;
    std::atomic<bool> live{false};
  };
  struct Service {
    std::string name;
    ServiceKind kind;
    ServiceHandler handler;
    ros::ServiceServer server;
    std::atomic<bool> live{false};
  };

  Ros1Options options;
  mutable std::mutex table_mutex;  // guards the three tables' shapes and `pending`
  std::deque<Stream> streams;      // deque: entries never move
  std::deque<Subscription> subscriptions;
  std::deque<Service> services;
  int pending = 0;  // declared, not yet registered
  mutable std::condition_variable changed;

  ros::CallbackQueue command_queue, service_queue;
  std::unique_ptr<ros::NodeHandle> node;
  std::atomic<bool> stop{false};
  std::atomic<bool> master_up{false};
  std::atomic<int> rounds{0};
  std::thread registrar, command_thread, service_thread;

  void RunRegistrar();
  void RegisterAll(bool again);
  void RegisterStream(Stream& s);
  void RegisterSubscription(Subscription& s);
  void RegisterService(Service& s);
  void Declared() {
    { std::lock_guard lock(table_mutex); }
    changed.notify_all();
  }
};

Ros1Transport::Ros1Transport(const Ros1Options& options) : impl_(std::make_unique<Impl>()) {
  if (g_transport_created.exchange(true)) {
    throw base::Error(
        "ROS 1 transport: roscpp allows one node per process and this process already made one; "
        "create a single Ros1Transport and share it");
  }
  impl_->options = options;
  ros1::DefaultToLoopback();
  ros::M_string remappings;
  if (!options.master_uri.empty()) remappings["__master"] = options.master_uri;
  // No SIGINT handler (the application owns signals); no /rosout publisher (it would block
  // start-up until a master answers).
  ros::init(remappings, options.node_name,
            ros::init_options::NoSigintHandler | ros::init_options::NoRosout);
  impl_->command_thread = std::thread(Spin, std::ref(impl_->command_queue), std::cref(impl_->stop));
  impl_->service_thread = std::thread(Spin, std::ref(impl_->service_queue), std::cref(impl_->stop));
  impl_->registrar = std::thread([impl = impl_.get()] { impl->RunRegistrar(); });
}

Ros1Transport::~Ros1Transport() {
  impl_->stop = true;
  impl_->changed.notify_all();
  // Unblocks a registrar waiting inside roscpp for a master that does not answer.
  ros::shutdown();
  impl_->registrar.join();
  impl_->command_thread.join();
  impl_->service_thread.join();
}

void Ros1Transport::Impl::RunRegistrar() {
  std::optional<int> registered_with;  // the master PID everything is registered with
  bool lost_master = false;
  while (!stop) {
    const std::optional<int> pid = MasterPid();
    master_up = pid.has_value();
    if (!pid) {
      lost_master = lost_master || registered_with.has_value();
    } else {
      // ros::start (inside the first NodeHandle) waits for the master, so it waits until now.
      if (!node) node = std::make_unique<ros::NodeHandle>();
      const bool again = registered_with && (lost_master || *pid != *registered_with);
      RegisterAll(again);
      if (stop) break;
      if (again || !registered_with) ++rounds;
      registered_with = pid;
      lost_master = false;
      changed.notify_all();
    }
    std::unique_lock lock(table_mutex);
    changed.wait_for(lock, options.master_poll_period, [&] { return stop.load() || pending > 0; });
  }
}

// Registers every endpoint not yet registered, or (again) every endpoint, with the master.
void Ros1Transport::Impl::RegisterAll(bool again) {
  std::vector<Stream*> stream_list;
  std::vector<Subscription*> subscription_list;
  std::vector<Service*> service_list;
  {
    std::lock_guard lock(table_mutex);
    for (Stream& s : streams) stream_list.push_back(&s);
    for (Subscription& s : subscriptions) subscription_list.push_back(&s);
    for (Service& s : services) service_list.push_back(&s);
    pending = 0;
  }
  // Entries never move and only this thread touches their ros handles, so they are used outside
  // the table lock (the roscpp calls below may wait for the master). Names were checked when
  // declared; anything roscpp still throws is logged, and the entry retried at the next poll.
  auto attempt = [&](const std::string& name, auto&& reg) {
    try {
      reg();
    } catch (const std::exception& e) {
      ROS_ERROR_THROTTLE(5.0, "twin bridge: cannot register %s: %s", name.c_str(), e.what());
    }
  };
  for (Stream* s : stream_list) {
    if (!stop && (again || !s->live)) attempt(s->topic, [&] { RegisterStream(*s); });
  }
  for (Subscription* s : subscription_list) {
    if (!stop && (again || !s->live)) attempt(s->topic, [&] { RegisterSubscription(*s); });
  }
  for (Service* s : service_list) {
    if (!stop && (again || !s->live)) attempt(s->name, [&] { RegisterService(*s); });
  }
}

void Ros1Transport::Impl::RegisterStream(Stream& s) {
  // Back from a master restart: register the publisher roscpp still holds, keeping the
  // subscribers that stayed connected while the master was away.
  if (s.publisher) {
    s.live = false;
    if (RegisterPublisherInPlace(s.publisher, s.kind)) s.live = true;
    return;
  }
  s.live = false;
  ros::Publisher fresh = ros1::AdvertiseKind(*node, s.topic, s.kind, s.qos);
  std::lock_guard lock(s.mutex);
  s.publisher = fresh;
  if (s.latched && s.publisher) ros1::PublishMessage(s.publisher, *s.latched);
  s.live = true;
}

void Ros1Transport::Impl::RegisterSubscription(Subscription& s) {
  if (s.subscriber) {
    s.live = false;
    if (RegisterSubscriberInPlace(s.subscriber, s.kind)) s.live = true;
    return;
  }
  s.live = false;
  s.subscriber = ros1::SubscribeKind(*node, s.topic, s.kind, s.qos, &command_queue, s.handler);
  s.live = true;
}

void Ros1Transport::Impl::RegisterService(Service& s) {
  if (s.server) {
    s.live = false;
    if (RegisterServiceInPlace(s.server)) s.live = true;
    return;
  }
  s.live = false;
  s.server.shutdown();
  s.server = ros1::ServeKind(*node, s.name, s.kind, &service_queue, s.handler);
  s.live = true;
}

StreamId Ros1Transport::Advertise(const std::string& topic, MessageKind kind, const Qos& qos) {
  CheckName("topic", topic);
  StreamId id;
  {
    std::lock_guard lock(impl_->table_mutex);
    Impl::Stream& s = impl_->streams.emplace_back();
    s.topic = topic;
    s.kind = kind;
    s.qos = qos;
    id.index = static_cast<int>(impl_->streams.size()) - 1;
  }
  impl_->Declared();
  return id;
}

void Ros1Transport::Publish(StreamId stream, Message message) {
  Impl::Stream* s;
  {
    std::lock_guard lock(impl_->table_mutex);
    TWIN_DEMAND(stream.index >= 0 && stream.index < static_cast<int>(impl_->streams.size()));
    s = &impl_->streams[static_cast<std::size_t>(stream.index)];
  }
  TWIN_DEMAND(KindOf(message) == s->kind);
  // Busy only while the registrar swaps the publisher: drop rather than wait.
  std::unique_lock lock(s->mutex, std::try_to_lock);
  if (!lock) return;
  if (s->qos.durability == Durability::kTransientLocal) s->latched = message;
  if (s->publisher) ros1::PublishMessage(s->publisher, std::move(message));
}

int Ros1Transport::SubscriberCount(StreamId stream) const {
  Impl::Stream* s;
  {
    std::lock_guard lock(impl_->table_mutex);
    TWIN_DEMAND(stream.index >= 0 && stream.index < static_cast<int>(impl_->streams.size()));
    s = &impl_->streams[static_cast<std::size_t>(stream.index)];
  }
  std::unique_lock lock(s->mutex, std::try_to_lock);
  if (!lock || !s->publisher) return 0;
  return static_cast<int>(s->publisher.getNumSubscribers());
}

void Ros1Transport::Subscribe(const std::string& topic, MessageKind kind, const Qos& qos,
                              MessageHandler handler) {
  CheckName("topic", topic);
  {
    std::lock_guard lock(impl_->table_mutex);
    Impl::Subscription& s = impl_->subscriptions.emplace_back();
    s.topic = topic;
    s.kind = kind;
    s.qos = qos;
    s.handler = std::move(handler);
  }
  impl_->Declared();
}

void Ros1Transport::Serve(const std::string& name, ServiceKind kind, ServiceHandler handler) {
  CheckName("service", name);
  {
    std::lock_guard lock(impl_->table_mutex);
    Impl::Service& s = impl_->services.emplace_back();
    s.name = name;
    s.kind = kind;
    s.handler = std::move(handler);
  }
  impl_->Declared();
}

bool Ros1Transport::MasterReachable() const {
  return impl_->master_up;
}

int Ros1Transport::RegistrationRounds() const {
  return impl_->rounds;
}

bool Ros1Transport::WaitForRegistration(std::chrono::milliseconds timeout) const {
  auto all_live = [&] {
    if (impl_->pending > 0 || !impl_->master_up) return false;
    for (const Impl::Stream& s : impl_->streams)
      if (!s.live) return false;
    for (const Impl::Subscription& s : impl_->subscriptions)
      if (!s.live) return false;
    for (const Impl::Service& s : impl_->services)
      if (!s.live) return false;
    return true;
  };
  std::unique_lock lock(impl_->table_mutex);
  return impl_->changed.wait_for(lock, timeout, all_live);
}

}  // namespace twin::bridge
