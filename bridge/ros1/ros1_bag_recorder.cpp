#include <twin/bridge/ros1_bag_recorder.h>

#include <twin/base/error.h>

#include "ros1_convert.h"

#include <rosbag/bag.h>

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

namespace twin::bridge {

struct Ros1BagRecorder::Impl {
  struct Entry {
    std::string topic;
    Message message;
    Time time;
    bool latched;
  };
  rosbag::Bag bag;
  std::mutex mutex;
  std::condition_variable wake;
  std::deque<Entry> queue;
  bool closing = false;
  int64_t written = 0;
  std::string error;
  std::thread writer;

  void Write(Entry& e) {
    // A bag refuses time 0 (ros::TIME_MIN is 1 ns): what goes out before the first step (the
    // static transforms, the first states) is filed at 1 ns.
    const ros::Time time = std::max(ros1::ToRos(e.time), ros::TIME_MIN);
    std::visit(
        [&](auto& plain) {
          auto msg = ros1::ToRos(std::move(plain));
          using M = decltype(msg);
          boost::shared_ptr<ros::M_string> header;
          if (e.latched) {  // the whole connection header, as a latched publisher's
            header = boost::make_shared<ros::M_string>();
            (*header)["type"] = ros::message_traits::datatype<M>();
            (*header)["md5sum"] = ros::message_traits::md5sum<M>();
            (*header)["message_definition"] = ros::message_traits::definition<M>();
            (*header)["callerid"] = "/twin";
            (*header)["latching"] = "1";
          }
          bag.write(e.topic, time, msg, header);
        },
        e.message);
  }

  void Run() {
    std::unique_lock lock(mutex);
    while (true) {
      wake.wait(lock, [&] { return closing || !queue.empty(); });
      if (queue.empty() && closing) return;
      Entry e = std::move(queue.front());
      queue.pop_front();
      lock.unlock();
      std::string failure;
      try {
        Write(e);
      } catch (const std::exception& ex) {
        failure = ex.what();
      }
      lock.lock();
      if (failure.empty()) {
        ++written;
      } else if (error.empty()) {
        error = failure;
      }
    }
  }
};

Ros1BagRecorder::Ros1BagRecorder(const std::string& path) : impl_(std::make_unique<Impl>()) {
  try {
    impl_->bag.open(path, rosbag::bagmode::Write);
  } catch (const std::exception& e) {
    throw base::Error("cannot write the bag " + path + ": " + e.what());
  }
  impl_->writer = std::thread([this] { impl_->Run(); });
}

Ros1BagRecorder::~Ros1BagRecorder() {
  Finish();
}

void Ros1BagRecorder::Finish() {
  {
    std::lock_guard lock(impl_->mutex);
    if (impl_->closing) return;
    impl_->closing = true;
  }
  impl_->wake.notify_all();
  impl_->writer.join();
  try {
    impl_->bag.close();
  } catch (const std::exception& e) {
    std::lock_guard lock(impl_->mutex);
    if (impl_->error.empty()) impl_->error = e.what();
  }
}

void Ros1BagRecorder::Record(const std::string& topic, const Message& message, Time time,
                             bool latched) {
  {
    std::lock_guard lock(impl_->mutex);
    if (impl_->closing) return;
    impl_->queue.push_back({topic, message, time, latched});
  }
  impl_->wake.notify_one();
}

int64_t Ros1BagRecorder::written() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->written;
}

std::string Ros1BagRecorder::error() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->error;
}

}  // namespace twin::bridge
