#include <twin/bridge/in_process_transport.h>

#include <twin/base/error.h>

#include <algorithm>

namespace twin::bridge {

StreamId InProcessTransport::Advertise(const std::string& topic, MessageKind kind, const Qos& qos) {
  std::lock_guard lock(mutex_);
  streams_.push_back({topic, kind, qos, {}});
  subscriber_counts_.push_back(0);
  return {static_cast<int>(streams_.size()) - 1};
}

void InProcessTransport::Publish(StreamId stream, Message message) {
  std::lock_guard lock(mutex_);
  TWIN_DEMAND(stream.index >= 0 && stream.index < static_cast<int>(streams_.size()));
  Stream& s = streams_[static_cast<std::size_t>(stream.index)];
  TWIN_DEMAND(KindOf(message) == s.kind);
  s.published.push_back(std::move(message));
}

int InProcessTransport::SubscriberCount(StreamId stream) const {
  std::lock_guard lock(mutex_);
  TWIN_DEMAND(stream.index >= 0 && stream.index < static_cast<int>(streams_.size()));
  return subscriber_counts_[static_cast<std::size_t>(stream.index)];
}

void InProcessTransport::Subscribe(const std::string& topic, MessageKind kind, const Qos&,
                                   MessageHandler handler) {
  std::lock_guard lock(mutex_);
  subscriptions_.push_back({topic, kind, std::move(handler)});
}

void InProcessTransport::Serve(const std::string& name, ServiceKind kind, ServiceHandler handler) {
  std::lock_guard lock(mutex_);
  services_.push_back({name, kind, std::move(handler)});
}

std::vector<InProcessTransport::Stream> InProcessTransport::Streams() const {
  std::lock_guard lock(mutex_);
  return streams_;
}

std::optional<InProcessTransport::Stream> InProcessTransport::FindStream(
    const std::string& topic) const {
  std::lock_guard lock(mutex_);
  auto it = std::find_if(streams_.begin(), streams_.end(),
                         [&](const Stream& s) { return s.topic == topic; });
  if (it == streams_.end()) return std::nullopt;
  return *it;
}

size_t InProcessTransport::PublishedCount(const std::string& topic) const {
  std::lock_guard lock(mutex_);
  for (const Stream& s : streams_)
    if (s.topic == topic) return s.published.size();
  return 0;
}

std::optional<Message> InProcessTransport::LastPublished(const std::string& topic) const {
  std::lock_guard lock(mutex_);
  for (const Stream& s : streams_)
    if (s.topic == topic && !s.published.empty()) return s.published.back();
  return std::nullopt;
}

void InProcessTransport::SetSubscriberCount(const std::string& topic, int count) {
  std::lock_guard lock(mutex_);
  for (std::size_t i = 0; i < streams_.size(); ++i) {
    if (streams_[i].topic == topic) subscriber_counts_[i] = count;
  }
}

int InProcessTransport::InjectCommand(const std::string& topic, const Message& message) {
  // Handlers run outside the lock: they may publish, as they may on a real transport.
  std::vector<MessageHandler> handlers;
  {
    std::lock_guard lock(mutex_);
    for (const Subscription& s : subscriptions_) {
      if (s.topic != topic) continue;
      TWIN_DEMAND(s.kind == KindOf(message));
      handlers.push_back(s.handler);
    }
  }
  for (const MessageHandler& handler : handlers) handler(message);
  return static_cast<int>(handlers.size());
}

std::optional<ServiceResponse> InProcessTransport::CallService(const std::string& name,
                                                               const ServiceRequest& request) {
  ServiceHandler handler;
  ServiceKind kind{};
  {
    std::lock_guard lock(mutex_);
    auto it = std::find_if(services_.begin(), services_.end(),
                           [&](const Service& s) { return s.name == name; });
    if (it == services_.end()) return std::nullopt;
    handler = it->handler;
    kind = it->kind;
  }
  TWIN_DEMAND(static_cast<std::size_t>(kind) == request.index());
  ServiceResponse response = handler(request);
  TWIN_DEMAND(response.index() == request.index());
  return response;
}

}  // namespace twin::bridge
